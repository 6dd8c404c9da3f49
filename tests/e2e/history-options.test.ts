import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { activeTabId, type ExtensionBrowser } from '../support/browser';
import type { SampleServer } from '../support/sample-server';
import { closePolicyTab, openPolicyTab, OptionsPage, PopupPage, type PolicyTab } from '../support/extension-fixture';
import { ADDED_CLAUSE, CHANGING_PAGE, changingPolicyVersions, POLICY_PAGE, REMOVED_CLAUSE } from '../support/scenarios';

/**
 * Memory and settings as a person meets them, in real Chromium with the built extension: a policy read, then
 * changed at the same address and read again (badge and popup say what changed); the history; the options page
 * (settings survive a reload; automatic reading off leaves a policy alone until "Analyse this page"; topics and
 * high contrast change what is painted); "Delete all stored data"; and axe-core finds nothing on any of these views.
 */

const CHANGING = CHANGING_PAGE;
/** Read with automatic reading off. */
const QUIET = POLICY_PAGE;
const REMOVED = REMOVED_CLAUSE;
const ADDED = ADDED_CLAUSE;
const TRAINING_OPT_OUT = 'We may use your Inputs and Outputs to train';

const { first: FIRST_HTML, second: SECOND_HTML } = changingPolicyVersions();
/** The server reads this object on every request: swapping the HTML changes the page at the same address. */
const extraPages: Record<string, string> = { [CHANGING]: FIRST_HTML };

let server: SampleServer;
let browser: ExtensionBrowser;
let page: Page;
let tabId: number;
const outsideRequests: string[] = [];

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}

/** Badge text and title of a tab, asked of the extension's service worker. */
function badgeOf(worker: Worker, tab: number): Promise<{ text: string; title: string }> {
  return worker.evaluate(async (id) => {
    const api = (globalThis as unknown as {
      chrome: { action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> } };
    }).chrome;
    return { text: await api.action.getBadgeText({ tabId: id }), title: await api.action.getTitle({ tabId: id }) };
  }, tab);
}

/** The texts of the ranges registered under each of the given highlight names. */
function highlights(target: Page, names: string[]): Promise<Record<string, string[]>> {
  return target.evaluate((wanted) => {
    const registry = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
    return Object.fromEntries(
      wanted.map((name) => [name, Array.from(registry.get(name) ?? [], (range) => range.toString().replace(/\s+/g, ' '))]),
    );
  }, names);
}

/** axe-core on the page as it is now, in light and in dark mode. Returns the violations, one line each. */
async function axeViolations(target: Page): Promise<string[]> {
  const lines: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await target.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page: target }).analyze();
    for (const violation of results.violations) {
      lines.push(`${colorScheme} ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`);
    }
    expect(results.passes.length).toBeGreaterThan(0); // axe really ran
  }
  await target.emulateMedia({ colorScheme: 'light' });
  return lines;
}

function popupUrl(tab: number): string {
  return PopupPage.url(browser, tab);
}

function optionsUrl(): string {
  return OptionsPage.url(browser);
}

let tab: PolicyTab;

beforeAll(async () => {
  tab = await openPolicyTab(CHANGING, { extraPages: extraPages, outsideRequests });
  ({ server, browser, page, tabId } = tab);
});

afterAll(() => closePolicyTab(tab));

describe('changed since your last visit', () => {
  let popup: Page;

  it('the first visit is analysed and says nothing about changes', async () => {
    popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 400, height: 800 });
    await popup.goto(popupUrl(tabId));
    await popup.getByRole('region', { name: 'In short' }).waitFor({ timeout: 30_000 });
    expect(await popup.getByText(/Changed since your last visit/).count()).toBe(0);
    const badge = await badgeOf(browser.serviceWorker, tabId);
    expect(badge.text).toMatch(/^\d*$/);
    expect(badge.title).toMatch(/^Clausemark: /);
  });

  it('after the page changed at the same address, the badge says so', async () => {
    extraPages[CHANGING] = SECOND_HTML;
    await page.reload();
    const badge = await until(() => badgeOf(browser.serviceWorker, tabId), (value) => value.text === 'Δ', 'the changed badge');
    expect(badge.title).toMatch(/^Changed since your last visit \(\d{4}-\d{2}-\d{2}\)\. Clausemark: /);
  });

  it('the popup lists the reworded, added and removed clauses, with the words marked', async () => {
    await popup.reload();
    const panel = popup.getByRole('region', { name: /^Changed since your last visit \(\d{4}-\d{2}-\d{2}\)$/ });
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.innerText()).toMatch(/1 clause reworded, 1 added, 1 removed; \d+ unchanged\./);

    const reworded = panel.getByRole('list', { name: 'Reworded' }).getByRole('listitem');
    expect(await reworded.count()).toBe(1);
    expect(await reworded.locator('ins').allInnerTexts()).toEqual([expect.stringContaining('where the law requires it')]);
    expect(await reworded.locator('del').count()).toBe(0);
    // words for screen readers, not colour alone: the inserted run says "added" in its text
    expect(await reworded.locator('ins').first().textContent()).toBe('[added: where the law requires it]');
    expect(await reworded.innerText()).toContain('You can opt-out of sharing your personal data for targeted advertising');

    const added = panel.getByRole('list', { name: 'Added' }).getByRole('listitem');
    expect(await added.allInnerTexts()).toEqual([expect.stringContaining(ADDED)]);
    const removed = panel.getByRole('list', { name: 'Removed' }).getByRole('listitem');
    expect(await removed.allInnerTexts()).toEqual([expect.stringContaining(REMOVED)]);
    expect(await removed.locator('del').count()).toBe(1);

    // the summary and clauses follow the panel as usual
    await popup.getByRole('region', { name: 'In short' }).waitFor();
  });

  it('axe-core finds nothing in the popup (change report, summary, clauses), light or dark', async () => {
    const clauses = popup.getByRole('region', { name: /^All \d+ clauses/ });
    expect(await clauses.count()).toBe(1);
    // the clause list opens from its summary line: axe checks it open
    await clauses.locator('summary').first().click();
    expect(await axeViolations(popup)).toEqual([]);
  });

  it('the history lists both visits; one opens read-only with its change report; axe finds nothing', async () => {
    await popup.getByRole('button', { name: 'History' }).click();
    const history = popup.getByRole('region', { name: 'History' });
    await history.getByRole('list').waitFor({ timeout: 15_000 });
    const entries = history.getByRole('list').first().getByRole('listitem');
    expect(await entries.count()).toBe(2);
    const host = new URL(server.origin).host;
    const texts = await entries.allInnerTexts();
    expect(texts.every((text) => text.includes('Privacy Policy') && text.includes(host))).toBe(true);
    expect(texts[0]).toContain('changed since the visit before');
    expect(texts[1]).not.toContain('changed since the visit before');
    expect(await axeViolations(popup)).toEqual([]);

    await entries.first().getByRole('button').click();
    await popup.getByRole('heading', { name: 'Privacy Policy', level: 2 }).waitFor({ timeout: 15_000 });
    expect(await popup.getByText('As stored then; read-only.').count()).toBe(1);
    await popup.getByRole('region', { name: /^Changed since the visit before/ }).waitFor();
    await popup.getByRole('region', { name: 'In short' }).waitFor();
    expect(await popup.getByRole('button', { name: 'Show on page' }).count()).toBe(0); // read-only
    expect(await axeViolations(popup)).toEqual([]);

    await popup.getByRole('button', { name: 'Back to history' }).click();
    // keyboard users land back on the entry they opened
    await until(
      () => popup.evaluate(() => document.activeElement?.id ?? ''),
      (id) => id.startsWith('history-entry-'),
      'focus back on the opened entry',
      5_000,
    );
  });
});

describe('options', () => {
  let options: Page;

  it('axe-core finds nothing on the options page, light or dark', async () => {
    options = await browser.context.newPage();
    await options.goto(optionsUrl());
    await options.getByRole('checkbox', { name: 'Annotate privacy policies and terms automatically' }).waitFor({ timeout: 15_000 });
    expect(await options.getByRole('checkbox').count()).toBeGreaterThan(20);
    // the suite's browser was given access to the pages it visits (tests/support/browser.ts): the page says so
    await options.getByText('Clausemark may read the pages you visit').waitFor({ timeout: 10_000 });
    expect(await axeViolations(options)).toEqual([]);
  });

  it('settings made on the options page are still set after a reload', async () => {
    const automatic = options.getByRole('checkbox', { name: 'Annotate privacy policies and terms automatically' });
    const training = options.getByRole('checkbox', { name: 'Training AI models on your content' });
    const contrast = options.getByRole('checkbox', { name: 'High-contrast highlights' });
    expect(await automatic.isChecked()).toBe(true);
    expect(await training.isChecked()).toBe(true);
    expect(await contrast.isChecked()).toBe(false);

    // keyboard: focus and Space toggle each control
    for (const box of [automatic, training, contrast]) {
      await box.focus();
      await options.keyboard.press('Space');
    }
    await options.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 });

    await options.reload();
    await automatic.waitFor({ timeout: 15_000 });
    expect(await automatic.isChecked()).toBe(false);
    expect(await training.isChecked()).toBe(false);
    expect(await contrast.isChecked()).toBe(true);
    expect(await options.getByRole('checkbox', { name: 'Targeted advertising' }).isChecked()).toBe(true);
  });

  it('with automatic reading off, a policy page is left alone until "Analyse this page"; then hidden topics stay unpainted and the style is high contrast', async () => {
    const quiet = await browser.context.newPage();
    await quiet.goto(server.urlOf(QUIET));
    await quiet.bringToFront();
    const quietTab = await activeTabId(browser.serviceWorker);
    // the content script ran, and decided not to read
    await quiet.waitForFunction(() => performance.getEntriesByName('clausemark:automatic-off').length > 0, null, { timeout: 30_000 });
    const names = ['clausemark-opt-out', 'clausemark-exception', 'clausemark-opt-out-hc', 'clausemark-exception-hc'];
    expect(Object.values(await highlights(quiet, names)).flat()).toEqual([]);
    expect(await quiet.evaluate(() => performance.getEntriesByName('clausemark:total').length)).toBe(0);

    const popup = await browser.context.newPage();
    await popup.goto(popupUrl(quietTab));
    await popup.getByRole('button', { name: 'Analyse this page' }).click({ timeout: 15_000 });
    // painted in slices: wait for the end of the run, not for the (still empty) highlights to be registered
    await quiet.waitForFunction(() => performance.getEntriesByName('clausemark:total').length > 0, null, { timeout: 30_000 });
    const painted = await highlights(quiet, names);
    expect(painted['clausemark-opt-out']).toEqual([]);
    expect(painted['clausemark-exception']).toEqual([]);
    expect(painted['clausemark-opt-out-hc']!.length).toBeGreaterThan(0);
    expect(painted['clausemark-exception-hc']!.length).toBeGreaterThan(0);
    // model training is not highlighted: its opt-out and both of its exceptions are left unpainted
    expect(painted['clausemark-opt-out-hc']!.some((text) => text.startsWith(TRAINING_OPT_OUT))).toBe(false);
    expect(painted['clausemark-exception-hc']!.some((text) => text.includes('flagged for safety review'))).toBe(false);
    // the popup still lists it
    await popup.getByRole('region', { name: /^All \d+ clauses/ }).waitFor({ timeout: 30_000 });
    expect(await popup.locator('li.clause', { hasText: TRAINING_OPT_OUT }).count()).toBeGreaterThan(0);
    await popup.close();
    await quiet.close();
  });
});

describe('delete all stored data', () => {
  it('empties the history, resets the settings, and the tab is no longer analysed', async () => {
    const popup = await browser.context.newPage();
    await popup.goto(popupUrl(tabId));
    await popup.getByRole('button', { name: 'History' }).click({ timeout: 15_000 });
    const history = popup.getByRole('region', { name: 'History' });
    await history.getByRole('list').waitFor({ timeout: 15_000 });
    expect(await history.getByRole('list').first().getByRole('listitem').count()).toBe(3);

    await popup.getByRole('button', { name: 'Delete all stored data' }).click();
    // a confirmation first; Cancel has the focus, so a stray Enter deletes nothing
    const confirm = popup.getByRole('group', { name: /Delete every stored analysis/ });
    await confirm.waitFor();
    // focus moves as the confirmation renders: wait for it, on a busy machine a frame or two later
    await popup.waitForFunction(() => document.activeElement?.textContent === 'Cancel', null, { timeout: 5_000 }).catch(() => undefined);
    expect(await popup.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await axeViolations(popup)).toEqual([]);
    await confirm.getByRole('button', { name: 'Yes, delete everything' }).click();

    await popup.getByRole('status').filter({ hasText: 'All stored data deleted' }).waitFor({ timeout: 15_000 });
    await popup.getByText('No analyses are stored.').waitFor({ timeout: 15_000 });

    await popup.getByRole('button', { name: 'Back to this page' }).click();
    await popup.getByRole('button', { name: 'Analyse this page' }).waitFor({ timeout: 15_000 });
    expect((await badgeOf(browser.serviceWorker, tabId)).text).toBe('');

    const options = await browser.context.newPage();
    await options.goto(optionsUrl());
    const automatic = options.getByRole('checkbox', { name: 'Annotate privacy policies and terms automatically' });
    await automatic.waitFor({ timeout: 15_000 });
    expect(await automatic.isChecked()).toBe(true);
    expect(await options.getByRole('checkbox', { name: 'Training AI models on your content' }).isChecked()).toBe(true);
    expect(await options.getByRole('checkbox', { name: 'High-contrast highlights' }).isChecked()).toBe(false);
  });

  it('made no request to anywhere but the local test server', () => {
    expect(outsideRequests).toEqual([]);
  });
});
