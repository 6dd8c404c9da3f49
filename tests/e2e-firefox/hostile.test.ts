import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findFirefox, FIREFOX_INSTALL_HINT, launchFirefox, type FirefoxSession } from '../support/firefox';
import {
  describeResult,
  expectHighlightWindowFollowsScroll,
  expectHostilePageHeld,
  HOSTILE_KINDS,
  hostileMeasuresInPage,
  hostilePage,
  hostileResult,
  lazyPages,
  summarize,
  type HostilePage,
  type HostileResult,
  withTimeout,
} from '../support/hostile-pages';

/**
 * The Chromium suite's hostile pages (tests/e2e/hostile.test.ts), one of each kind at its extreme, in real Firefox
 * with the built add-on: the analysis answers (no hang), no error is raised, no dialog opens (nothing written as text
 * runs as script), the kinds with readable offers get highlights, and the page's own ticker still advances afterwards.
 * Firefox has no Long Tasks API: the longest task reported is the content script's longest slice of work between two
 * awaits (`clausemark:longest-slice`), printed, not asserted (timings are `npm run bench`'s).
 */
const ANSWER_WITHIN_MS = 120_000;
const pages = HOSTILE_KINDS.map((_, index) => hostilePage(index, 'largest'));
const results: HostileResult[] = [];
let session: FirefoxSession;

beforeAll(async () => {
  if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
  session = await launchFirefox({ extraPages: lazyPages(pages.map((page) => ({ name: page.name, build: () => page.html }))) });
  // The add-on page that sends the requests opens first: opened later, its tab would put the hostile page in the
  // background, where Firefox slows the page's timers (and its ticker) to once a second.
  await session.inExtension(() => true, null);
});

afterAll(async () => {
  await session?.close();
  if (results.length > 0) console.info(`\nhostile pages in Firefox (longest task = the content script's longest slice):\n${summarize(results)}\n`);
});

const ticksOf = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __ticks: number }).__ticks);

/** `whilePainted`: more checks in the page once it is painted, before it closes. */
async function runInFirefox(hostile: HostilePage, whilePainted?: (page: Page) => Promise<void>): Promise<HostileResult> {
  const began = Date.now();
  const errorsBefore = session.consoleErrors().length;
  const page = await session.openPage(session.server.urlOf(hostile.name));
  await page.bringToFront();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => void errors.push(error instanceof Error ? error.message : String(error)));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss().catch(() => undefined);
  });
  try {
    // Let the page finish its own first rendering, so its load work is not counted against the add-on.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)))));
    const ticksBefore = await ticksOf(page);
    const tabId = await session.tabIdOf(page);
    const reply = await withTimeout(
      session.inExtension(async (id: number) => {
        const api = (globalThis as unknown as { browser: { tabs: { sendMessage(tab: number, message: unknown): Promise<unknown> } } }).browser;
        return api.tabs.sendMessage(id, { type: 'analyze-now' });
      }, tabId),
      ANSWER_WITHIN_MS,
      `analysis of ${hostile.name}`,
    ) as { ok?: boolean } | undefined;
    const measured = await page.evaluate(hostileMeasuresInPage);
    await new Promise((done) => setTimeout(done, 300)); // as the Chromium runs wait (tests/support/hostile-pages.ts)
    const ticksLater = await ticksOf(page);
    await whilePainted?.(page);
    return hostileResult(hostile, {
      ok: reply?.ok === true,
      measured,
      ticksBefore,
      ticksLater,
      errors: [...errors, ...session.consoleErrors().slice(errorsBefore)],
      dialogs,
      began,
      longest: 'slice',
    });
  } finally {
    await page.close();
  }
}

describe('Firefox: hostile pages, one of each kind', () => {
  it.each(pages.map((page) => [`${page.kind} (${Object.entries(page.params).map(([k, v]) => `${k}=${v}`).join(' ')})`, page] as const))(
    '%s',
    async (_label, page) => {
      const result = await runInFirefox(page);
      results.push(result);
      console.info(describeResult(result));
      expectHostilePageHeld(result, true);
    },
    ANSWER_WITHIN_MS + 60_000,
  );
});

describe('Firefox: a page of very many highlights', () => {
  it('registers only those around the view, and the view keeps its highlights as the person scrolls', async () => {
    const huge = pages.find((page) => page.kind === 'huge-text')!;
    const result = await runInFirefox(huge, (page) => expectHighlightWindowFollowsScroll((expression) => page.evaluate(expression)));
    expectHostilePageHeld(result, true);
  }, ANSWER_WITHIN_MS + 60_000);
});

describe('Firefox: quiet and local', () => {
  it('logs no errors and sends no request outside 127.0.0.1 from any context', () => {
    expect(session.consoleErrors()).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });
});
