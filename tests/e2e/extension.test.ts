import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { chromium, type Page } from 'playwright-core';
import { findBrowser, QUIET_FLAGS, type ExtensionBrowser } from '../support/browser';
import type { SampleServer } from '../support/sample-server';
import { closePolicyTab, openPolicyTab, OptionsPage, PopupPage, type PolicyTab } from '../support/extension-fixture';
import {
  checkJsonExport,
  EXCEPTION_STARTS,
  exceptionPointInPage,
  expectPolicyHighlights,
  expectPopupSummary,
  expectSameLayout,
  highlightsInPage,
  layoutInPage,
  POLICY_PAGE,
} from '../support/scenarios';

/**
 * The product as a person meets it: real Chromium, the built extension, a policy page served on loopback.
 * A missing browser fails this suite with the install hint; it is never skipped.
 */
const PAGE = POLICY_PAGE;

let server: SampleServer;
let browser: ExtensionBrowser;
let page: Page;
let tabId: number;
const outsideRequests: string[] = [];

function highlightTexts(target: Page, name: string): Promise<string[]> {
  return target.evaluate(highlightsInPage, [name]).then((found) => found[name]!);
}

let tab: PolicyTab;

beforeAll(async () => {
  tab = await openPolicyTab(PAGE, { outsideRequests });
  ({ server, browser, page, tabId } = tab);
});

afterAll(() => closePolicyTab(tab));

describe('content script on a real policy page', () => {
  it('highlights the training opt-out and both of its exceptions with the Highlight API', async () => {
    expectPolicyHighlights(await highlightTexts(page, 'clausemark-opt-out'), await highlightTexts(page, 'clausemark-exception'));
    // No <mark> fallback where the API exists.
    expect(await page.locator('mark').count()).toBe(0);
  });

  it('records its own timings on the page timeline (extract, analyse, first highlight, total)', async () => {
    // `total` is written after the background's reply, which can come well after the first highlight.
    await page.waitForFunction(() => performance.getEntriesByName('clausemark:total').length > 0, null, { timeout: 30_000 });
    const timings = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('measure')
        .filter((entry) => entry.name.startsWith('clausemark:'))
        .map((entry) => [entry.name.slice('clausemark:'.length), Math.round(entry.duration * 10) / 10])),
    );
    // the run's steps, its paint, and its longest slice of main-thread work (slices over 50 ms are named apart)
    expect(Object.keys(timings).filter((name) => !name.startsWith('long-slice:')).sort())
      .toEqual(['analyze', 'extract', 'first-highlight', 'longest-slice', 'painted', 'total']);
    expect(timings['first-highlight']).toBeGreaterThan(0);
    console.info(`content script on ${PAGE}: ${JSON.stringify(timings)} ms`);
  });

  it('leaves the page text and every element box exactly as they are without the extension', async () => {
    const withExtension = await page.evaluate(layoutInPage);
    const plain = await chromium.launch({ executablePath: findBrowser()!, headless: true, args: QUIET_FLAGS });
    try {
      const plainPage = await plain.newPage({ viewport: { width: 1200, height: 900 } });
      await plainPage.goto(server.urlOf(PAGE));
      expectSameLayout(withExtension, await plainPage.evaluate(layoutInPage));
    } finally {
      await plain.close();
    }
  });

  it('shows a plain-language card when the pointer rests on an exception', async () => {
    const box = (await page.evaluate(exceptionPointInPage, EXCEPTION_STARTS[0]!))!;
    await page.mouse.move(box.x, box.y);
    await page.waitForSelector('clausemark-card', { state: 'attached', timeout: 5_000 });
    // The card lives outside <body>, in a closed shadow root: the page's own content is untouched.
    expect(await page.evaluate(() => document.querySelector('clausemark-card')!.parentElement === document.documentElement)).toBe(true);
  });
});

describe('popup for the tab', () => {
  let popup: Page;

  beforeAll(async () => {
    popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 400, height: 800 });
    await popup.goto(PopupPage.url(browser, tabId));
    await popup.getByText('Limits of this opt-out', { exact: false }).first().waitFor({ timeout: 15_000 });
  });

  it('records when its summary was first painted (the popup open time)', async () => {
    await popup.waitForFunction(() => performance.getEntriesByName('clausemark:summary-painted').length > 0, null, { timeout: 10_000 });
    const timing = await popup.evaluate(() => ({
      summaryPainted: performance.getEntriesByName('clausemark:summary-painted')[0]!.startTime,
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    }));
    expect(timing.summaryPainted).toBeGreaterThan(0);
    console.info(`popup open: first contentful paint ${timing.firstContentfulPaint?.toFixed(1)} ms, summary painted ${timing.summaryPainted.toFixed(1)} ms after navigation start`);
  });

  it('summarises: used for training unless you opt out, how, and what still happens after', async () => {
    expectPopupSummary(await popup.locator('body').innerText());
  });

  it('jumps to a clause: the page scrolls to it and flashes it', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    // the full clause list is collapsed below the summary
    await popup.locator('details.clauses-details > summary').click();
    // the clause whose own text this is (another clause's provision card may quote the recorded clause)
    const clause = popup.locator('li.clause', { has: popup.locator('blockquote.clause-text', { hasText: 'We may use your Inputs and Outputs to train' }) }).first();
    await clause.getByRole('button', { name: /show on page/i }).click();
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 5_000 });
    const flashed = await highlightTexts(page, 'clausemark-flash');
    expect(flashed[0]).toMatch(/^We may use your Inputs and Outputs to train/);
    const inView = await page.evaluate(() => {
      const range = Array.from((CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('clausemark-flash')!)[0]!;
      const rect = range.getBoundingClientRect();
      return rect.top >= 0 && rect.top < window.innerHeight;
    });
    expect(inView).toBe(true);
  });

  it('exports the annotated clauses as JSON valid against the schema', async () => {
    const [download] = await Promise.all([
      popup.waitForEvent('download'),
      popup.getByRole('button', { name: /download json/i }).click(),
    ]);
    checkJsonExport(download.suggestedFilename(), await readFile((await download.path())!, 'utf8'), server.urlOf(PAGE));
  });

  it('made no request to anywhere but the local test server', () => {
    expect(outsideRequests).toEqual([]);
  });
});
