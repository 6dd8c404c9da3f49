import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../support/browser';
import type { SampleServer } from '../support/sample-server';
import { closePolicyTab, openPolicyTab, OptionsPage, PopupPage, type PolicyTab } from '../support/extension-fixture';
import {
  anchorQuotesInPage,
  checkCsvExport,
  checkJsonExport,
  checkMarkdownExport,
  checkWebAnnotationExport,
  expectAnchored,
  POLICY_PAGE,
} from '../support/scenarios';

/**
 * Every export format downloaded from the popup of the built extension, in real Chromium, on the Anthropic privacy
 * policy served on loopback; the Web Annotation selectors are re-anchored on the page itself.
 */
const PAGE = POLICY_PAGE;

let server: SampleServer;
let browser: ExtensionBrowser;
let page: Page;
let popup: Page;
let tabId: number;

interface Downloaded {
  fileName: string;
  bytes: Buffer;
  text: string;
}

/** Picks the format in the popup, presses its Download button, and reads the file the browser saved. */
async function downloadAs(value: string, label: string): Promise<Downloaded> {
  await popup.getByLabel('Export as').selectOption(value);
  const [download] = await Promise.all([
    popup.waitForEvent('download'),
    popup.getByRole('button', { name: `Download ${label}`, exact: true }).click(),
  ]);
  const bytes = await readFile((await download.path())!);
  await popup.getByText(`Saved as ${download.suggestedFilename()}`).waitFor({ timeout: 5_000 });
  return { fileName: download.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}

let tab: PolicyTab;

beforeAll(async () => {
  tab = await openPolicyTab(PAGE);
  ({ server, browser, page, tabId } = tab);
  const popupPage = await PopupPage.open(browser, tabId);
  await popupPage.exceptionsShown();
  popup = popupPage.page;
});

afterAll(() => closePolicyTab(tab));

describe('exports from the popup', () => {
  it('offers the four formats in a labelled choice; Copy puts the chosen one on the clipboard', async () => {
    const choice = popup.getByLabel('Export as');
    expect(await choice.locator('option').allTextContents()).toEqual(['JSON', 'CSV', 'Markdown', 'Web Annotation']);
    await choice.selectOption('md');
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await popup.getByRole('button', { name: 'Copy Markdown', exact: true }).click();
    await popup.getByText('Copied the Markdown to the clipboard').waitFor({ timeout: 5_000 });
    const copied = await popup.evaluate(() => navigator.clipboard.readText());
    expect(copied.startsWith('# Clausemark report: ')).toBe(true);
    expect(copied).toContain('## In short');
    const axe = await new AxeBuilder({ page: popup }).include('.export').analyze();
    expect(axe.violations.map((violation) => violation.id)).toEqual([]);
  });

  it('JSON: valid against the export schema, the training clause with its two exceptions', async () => {
    const file = await downloadAs('json', 'JSON');
    checkJsonExport(file.fileName, file.text, server.urlOf(PAGE));
  });

  it('CSV: parses back, a row for the training clause and one for each of its two exceptions', async () => {
    const file = await downloadAs('csv', 'CSV');
    checkCsvExport(file.fileName, file.bytes, server.urlOf(PAGE));
  });

  it('Markdown: the summary and the two exceptions, readable once rendered', async () => {
    const file = await downloadAs('md', 'Markdown');
    await checkMarkdownExport(file.fileName, file.text);
  });

  it('Web Annotation: the training clause and its exceptions re-anchor on the page by quote and context', async () => {
    const file = await downloadAs('webannotation', 'Web Annotation');
    const targets = checkWebAnnotationExport(file.fileName, file.text, server.urlOf(PAGE));
    // In the page: each quote found once by its exact text, prefix and suffix, on one of the extension's highlights.
    expectAnchored(targets, await page.evaluate(anchorQuotesInPage, targets.map((item) => item.target.selector[0])));
  });
});
