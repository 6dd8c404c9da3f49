import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findFirefox, FIREFOX_INSTALL_HINT, launchFirefox, type FirefoxSession } from '../support/firefox';
import { CORPUS_DIR, policyFiles } from '../support/sample-server';
import { renderMarkdown } from '../../lib/node/cli/load-document';
import { readFileSync, existsSync } from 'node:fs';
import {
  cliCounts,
  EXCEPTION_STARTS,
  expectPolicyHighlights,
  expectSameLayout,
  exceptionPointInPage,
  highlightsInPage,
  hoverCardInPage,
  layoutInPage,
  POLICY_PAGE,
} from '../support/scenarios';

/**
 * The add-on on policy pages as a Firefox user meets them: firefox-esr, the built Firefox add-on with automatic mode
 * granted, pages served on loopback. The Anthropic privacy policy (its training opt-out and both exceptions, the hover
 * card, the page's layout untouched) and two other policies (as many highlights as the CLI's pipeline finds). A
 * missing Firefox fails this suite with the install hint; it is never skipped.
 */
const NAMES = ['clausemark-opt-out', 'clausemark-exception'];
/** Besides the Anthropic privacy policy: a bundled fixture, and a corpus page when the shared corpus is present. */
const OTHER_PAGES = ['anthropic-consumer-terms', ...(existsSync(CORPUS_DIR) ? ['perplexity-privacy-notice'] : [])];
if (OTHER_PAGES.length < 2) console.info(`SKIPPED the corpus page: ${CORPUS_DIR} is absent; one other fixture page only`);

let session: FirefoxSession;
let page: Page;

beforeAll(async () => {
  if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
  session = await launchFirefox();
  page = await session.openPage(session.server.urlOf(POLICY_PAGE));
  await session.setViewport(page, 1200, 900);
  await session.waitForHighlights(page);
});

afterAll(async () => {
  await session?.close();
});

describe('Firefox: the Anthropic privacy policy', () => {
  it('highlights the training opt-out and both of its exceptions with the Highlight API', async () => {
    const painted = await page.evaluate(highlightsInPage, NAMES);
    expectPolicyHighlights(painted['clausemark-opt-out']!, painted['clausemark-exception']!);
    expect(await page.evaluate(() => document.querySelectorAll('mark').length)).toBe(0); // no <mark> fallback
  });

  it('records its timings on the page', async () => {
    const timings = await session.timings(page);
    expect(timings.analyze).toBeGreaterThan(0);
    // a first look at the start of a long page can paint before the whole analysis is back
    expect(timings['first-highlight']).toBeGreaterThan(0);
    expect(timings.total).toBeGreaterThanOrEqual(timings['first-highlight']!);
    console.info(`Firefox, content script on ${POLICY_PAGE}: ${JSON.stringify(timings)} ms`);
  });

  it('shows a plain-language card when the pointer rests on an exception', async () => {
    const point = await page.evaluate(exceptionPointInPage, EXCEPTION_STARTS[0]!);
    expect(point).not.toBeNull();
    await page.mouse.move(point!.x, point!.y);
    const card = await session.until(async () => {
      const state = await page.evaluate(hoverCardInPage);
      return state.present ? state : null;
    }, 'the hover card', 5_000);
    // The card lives outside <body>, in a closed shadow root: the page's own content is untouched.
    expect(card.outsideBody).toBe(true);
    await page.mouse.move(1, 1);
  });

  it('leaves the page text and every element box as they are without the add-on', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const withAddOn = await page.evaluate(layoutInPage);
    const plain = await launchFirefox({ withExtension: false });
    try {
      const bare = await plain.openPage(plain.server.urlOf(POLICY_PAGE));
      await plain.setViewport(bare, 1200, 900);
      expectSameLayout(withAddOn, await bare.evaluate(layoutInPage));
    } finally {
      await plain.close();
    }
  });
});

describe('Firefox: other policies', () => {
  for (const name of OTHER_PAGES) {
    it(`${name}: as many opt-out and exception highlights as the CLI's pipeline finds`, async () => {
      const file = policyFiles().get(name)!;
      const expected = cliCounts(renderMarkdown(readFileSync(file, 'utf8'), name), name);
      expect(expected.optOuts + expected.exceptions).toBeGreaterThan(0);
      const other = await session.openPage(session.server.urlOf(name));
      try {
        const counts = await session.until(async () => {
          const found = await other.evaluate(highlightsInPage, NAMES);
          const now = { optOuts: found['clausemark-opt-out']!.length, exceptions: found['clausemark-exception']!.length };
          return now.optOuts === expected.optOuts && now.exceptions === expected.exceptions ? now : null;
        }, `${JSON.stringify(expected)} highlights on ${name}`).catch(async (error: unknown) => {
          const found = await other.evaluate(highlightsInPage, NAMES);
          throw new Error(`${String(error)}; painted ${found['clausemark-opt-out']!.length} opt-outs, ${found['clausemark-exception']!.length} exceptions`);
        });
        expect(counts).toEqual(expected);
      } finally {
        await other.close();
      }
    });
  }
});

describe('Firefox: quiet and local', () => {
  it('logs no errors and sends no request outside 127.0.0.1 from any context', () => {
    expect(session.consoleErrors()).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });
});
