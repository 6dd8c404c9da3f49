import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findFirefox, FIREFOX_INSTALL_HINT, launchFirefox, type FirefoxSession } from '../support/firefox';

/**
 * The add-on as a Firefox user meets it: firefox-esr, the built Firefox add-on with automatic mode granted, the
 * Anthropic privacy policy served on loopback. A missing Firefox fails this suite with the install hint; it is never
 * skipped.
 */
const PAGE = 'anthropic-privacy-policy';
const OFFER = 'unless you opt out';
const EXCEPTION_TEXTS = ['your conversations are flagged for safety review', "you've explicitly reported the materials to us"];

interface LayoutSnapshot {
  text: string;
  elementCount: number;
  boxes: string[];
}

/** Every element's box and the page's visible text: what "the page is unchanged" means. */
function snapshot(page: Page): Promise<LayoutSnapshot> {
  return page.evaluate(() => {
    const elements = Array.from(document.body.querySelectorAll('*'));
    return {
      text: document.body.innerText,
      elementCount: elements.length,
      boxes: elements.map((element) => {
        const box = element.getBoundingClientRect();
        return `${element.tagName}:${box.x.toFixed(1)},${box.y.toFixed(1)},${box.width.toFixed(1)},${box.height.toFixed(1)}`;
      }),
    };
  });
}

let session: FirefoxSession;
let page: Page;

beforeAll(async () => {
  if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
  session = await launchFirefox();
  page = await session.openPage(session.server.urlOf(PAGE));
  await session.waitForHighlights(page);
});

afterAll(async () => {
  await session?.close();
});

describe('Firefox: the Anthropic privacy policy', () => {
  it('highlights the training opt-out and both of its exceptions', async () => {
    const offers = await session.highlightTexts(page, 'clausemark-opt-out');
    const exceptions = await session.highlightTexts(page, 'clausemark-exception');
    expect(offers.some((text) => text.includes(OFFER) && /train/i.test(text))).toBe(true);
    for (const expected of EXCEPTION_TEXTS) {
      expect(exceptions.some((text) => text.includes(expected)), `exception "${expected}" in ${JSON.stringify(exceptions)}`).toBe(true);
    }
  });

  it('records its timings on the page', async () => {
    const timings = await session.timings(page);
    expect(timings.analyze).toBeGreaterThan(0);
    expect(timings['first-highlight']).toBeGreaterThanOrEqual(timings.analyze!);
  });

  it('leaves the page text and every element box as they are without the add-on', async () => {
    const withAddOn = await snapshot(page);
    const plain = await launchFirefox({ withExtension: false });
    try {
      const bare = await plain.openPage(plain.server.urlOf(PAGE));
      // Same viewport in both browsers, so the boxes are comparable.
      await bare.setViewport(page.viewport() ?? { width: 800, height: 600 });
      await page.setViewport(page.viewport() ?? { width: 800, height: 600 });
      const without = await snapshot(bare);
      expect(withAddOn.text).toBe(without.text);
      expect(withAddOn.elementCount).toBe(without.elementCount);
      expect(withAddOn.boxes).toEqual(without.boxes);
    } finally {
      await plain.close();
    }
  });

  it('opens its popup page without errors', async () => {
    const popup = await session.openExtensionPage('popup.html');
    const text = await popup.evaluate(() => document.body.innerText);
    expect(text).toMatch(/Clausemark|Analyse|Annotate/i);
    await popup.close();
  });

  it('logs no errors and sends no request outside 127.0.0.1 from any context', async () => {
    expect(session.consoleErrors()).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });
});
