import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findFirefox, FIREFOX_INSTALL_HINT, launchFirefox, type FirefoxSession } from '../support/firefox';
import {
  CHANGING_PAGE,
  changingPolicyVersions,
  expectChangedBadge,
  expectChangeReport,
} from '../support/scenarios';

/**
 * Memory in Firefox: a policy read, then changed at the same address and read again. The badge says Δ, the popup
 * lists what was reworded, added and removed, and the history keeps both visits (one opens read-only).
 */
const { first: FIRST_HTML, second: SECOND_HTML } = changingPolicyVersions();
/** The sample server reads this object on every request: swapping the HTML changes the page at the same address. */
const extraPages: Record<string, string> = { [CHANGING_PAGE]: FIRST_HTML };

let session: FirefoxSession;
let page: Page;
let tabId: number;

const bodyText = (target: Page): Promise<string> => target.evaluate(() => document.body.innerText);

beforeAll(async () => {
  if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
  session = await launchFirefox({ extraPages });
  page = await session.openPage(session.server.urlOf(CHANGING_PAGE));
  await session.waitForHighlights(page);
});

afterAll(async () => {
  await session?.close();
});

describe('Firefox: changed since your last visit', () => {
  it('the first visit is analysed and says nothing about changes', async () => {
    const opened = await session.openPopupFor(page);
    tabId = opened.tabId;
    await session.until(async () => (await bodyText(opened.popup)).includes('In short'), 'the popup summary');
    expect(await bodyText(opened.popup)).not.toMatch(/Changed since your last visit/);
    const badge = await session.badgeOf(tabId);
    expect(badge.text).toMatch(/^\d*$/);
    expect(badge.title).toMatch(/^Clausemark: /);
    await opened.popup.close();
  });

  it('after the page changed at the same address, the badge says so', async () => {
    extraPages[CHANGING_PAGE] = SECOND_HTML;
    await page.reload({ waitUntil: 'load' });
    const badge = await session.until(async () => {
      const now = await session.badgeOf(tabId);
      return now.text === 'Δ' ? now : null;
    }, 'the changed badge (Δ)', 30_000);
    expectChangedBadge(badge);
  });

  it('the popup lists the reworded, added and removed clauses', async () => {
    const { popup } = await session.openPopupFor(page);
    const text = await session.until(async () => {
      const now = await bodyText(popup);
      return /1 clause reworded/.test(now) && now.includes('In short') ? now : null;
    }, 'the change report');
    expectChangeReport(text);
    // words, not colour alone: the inserted run says "added" in its text; the removed clause is struck through
    const marks = await popup.evaluate(() => ({
      inserted: Array.from(document.querySelectorAll('ins'), (node) => node.textContent),
      deleted: document.querySelectorAll('del').length,
    }));
    expect(marks.inserted).toContain('[added: where the law requires it]');
    expect(marks.deleted).toBe(1);

    await session.clickButton(popup, 'History');
    const history = await session.until(async () => {
      const entries = await popup.evaluate(() => Array.from(document.querySelectorAll('.history-list > li'), (item) => (item as HTMLElement).innerText));
      return entries.length > 0 ? entries : null;
    }, 'the history list');
    expect(history).toHaveLength(2);
    const host = new URL(session.server.origin).host;
    expect(history.every((entry) => entry.includes('Privacy Policy') && entry.includes(host))).toBe(true);
    expect(history[0]).toContain('changed since the visit before');
    expect(history[1]).not.toContain('changed since the visit before');

    const point = await popup.evaluate(() => {
      const box = document.querySelector('.history-list > li button')!.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    await popup.mouse.click(point.x, point.y);
    const stored = await session.until(async () => {
      const now = await bodyText(popup);
      return now.includes('As stored then; read-only.') && now.includes('In short') ? now : null;
    }, 'the stored analysis');
    expect(stored).toMatch(/Changed since the visit before/);
    expect(await popup.evaluate(() => Array.from(document.querySelectorAll('button')).filter((button) => /show on page/i.test(button.textContent ?? '')).length)).toBe(0);
    await popup.close();
  });
});

describe('Firefox: quiet and local', () => {
  it('logs no errors and sends no request outside 127.0.0.1 from any context', () => {
    expect(session.consoleErrors()).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });
});
