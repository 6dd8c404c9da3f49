import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import {
  measurePopup,
  openPopupInState,
  openPopupOnPolicy,
  POPUP_MAX,
  SHORT_STATE_HEADINGS,
  SHORT_STATES,
  startActionPopupHarness,
  type ActionPopupHarness,
  type PopupMeasure,
} from '../support/action-popup';
import { CORPUS_DIR, FIXTURE_DIR } from '../support/sample-server';

/**
 * The real toolbar popup, opened with its keyboard shortcut in a windowed Chromium on a virtual display, in every
 * state a person meets: first run, a page no extension may read, not a policy, an error, an analysis under way, and
 * the finished summary of every corpus document. The browser sizes this popup from its content (a tab opening
 * popup.html never shows that), so this is where a popup that shrinks to a narrow strip, cuts off its header, or
 * makes "In short" longer than one popup screen is seen.
 */
const MIN_WIDTH = 360;
/** "In short" must fit one popup screen at the popup's own width. */
const IN_SHORT_MAX_HEIGHT = POPUP_MAX.height;

const policyDir = existsSync(CORPUS_DIR) ? CORPUS_DIR : FIXTURE_DIR;
const DOCUMENTS = readdirSync(policyDir)
  .filter((file) => file.endsWith('.md') && file !== 'SOURCE.md')
  .map((file) => basename(file, '.md'))
  .sort();
const FIRST_RUN_PAGE = DOCUMENTS[0]!;

let harness: ActionPopupHarness;
const measured = new Map<string, PopupMeasure>();

beforeAll(async () => {
  harness = await startActionPopupHarness();
  console.info(`action popup: ${DOCUMENTS.length} documents from ${policyDir}`);
}, 180_000);

afterAll(async () => {
  await harness?.close();
  const rows = [...measured].map(([name, m]) =>
    `${name.padEnd(40)} ${String(m.width).padStart(4)} × ${String(m.height).padEnd(4)} document ${String(m.documentHeight).padStart(6)} px` +
    `  In short ${m.inShortHeight === null ? '-' : `${m.inShortHeight} px`}`);
  console.info(`action popup sizes (width × height, full document height, "In short"):\n${rows.join('\n')}`);
});

function expectComfortableSize(measure: PopupMeasure): void {
  expect(measure.width, 'popup width').toBeGreaterThanOrEqual(MIN_WIDTH);
  expect(measure.width, 'popup width').toBeLessThanOrEqual(POPUP_MAX.width);
  expect(measure.scrollWidth, 'content wider than the popup').toBeLessThanOrEqual(measure.width);
  expect(measure.clippedControls, 'header controls cut off').toEqual([]);
}

async function expectNoAxeViolations(popup: Page): Promise<void> {
  // Legacy mode runs in the popup alone: the default opens a helper page, and a new tab would close the popup.
  const result = await new AxeBuilder({ page: popup }).setLegacyMode(true).analyze();
  const found = result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(found).toEqual([]);
}

describe('the toolbar popup in its short states', () => {
  for (const state of SHORT_STATES) {
    it(`${state}: at least ${MIN_WIDTH} px wide, header whole, no axe violations`, async () => {
      if (state === 'not-a-policy') await harness.turnOnAutomaticMode(); // the first two states are before it
      const popup = await openPopupInState(harness, state, FIRST_RUN_PAGE);
      const measure = await measurePopup(popup);
      measured.set(`(${state})`, measure);
      expect(measure.heading).toBe(SHORT_STATE_HEADINGS[state]);
      expectComfortableSize(measure);
      await expectNoAxeViolations(popup);
    });
  }
});

describe.each(DOCUMENTS)('the toolbar popup on %s', (name) => {
  it('shows the finished summary at a comfortable width, header whole', async () => {
    const { popup, status } = await openPopupOnPolicy(harness, name);
    expect(status).toBe('done');
    const measure = await measurePopup(popup);
    measured.set(name, measure);
    // The popup speaks for this tab: its header names the page that was opened.
    expect(await popup.locator('.page-title').textContent()).toBe(await harness.tab.title());
    expect(measure.inShortHeight, '"In short" shown').not.toBeNull();
    expectComfortableSize(measure);
    if (name === FIRST_RUN_PAGE) await expectNoAxeViolations(popup);
  });

  it(`"In short" fits one popup screen (${IN_SHORT_MAX_HEIGHT} px)`, () => {
    const measure = measured.get(name);
    expect(measure, 'measured by the test before').toBeDefined();
    expect(measure!.inShortHeight).toBeLessThanOrEqual(IN_SHORT_MAX_HEIGHT);
  });
});
