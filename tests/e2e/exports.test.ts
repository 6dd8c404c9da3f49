import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../support/browser';
import type { SampleServer } from '../support/sample-server';
import { closePolicyTab, openPolicyTab, OptionsPage, PopupPage, type PolicyTab } from '../support/extension-fixture';
import { AnnotatedDocumentSchema } from '../../lib/document/schema';
import type { AnnotationCollection } from '../../lib/export/web-annotation';

/**
 * Every export format downloaded from the popup of the built extension, in real Chromium, on the Anthropic privacy
 * policy served on loopback; the Web Annotation selectors are re-anchored on the page itself.
 */
const PAGE = 'anthropic-privacy-policy';
const TRAINING_START = 'We may use your Inputs and Outputs to train and improve Anthropic AI models';
const EXCEPTIONS = [
  'your conversations are flagged for safety review to improve our ability to detect harmful content, enforce our policies, or advance AI safety research',
  "you've explicitly reported the materials to us (for example via our feedback mechanisms)",
];

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
    expect(file.fileName).toMatch(/^clausemark-127\.0\.0\.1-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = AnnotatedDocumentSchema.parse(JSON.parse(file.text));
    expect(doc.document.url).toBe(server.urlOf(PAGE));
    const training = doc.clauses.find((clause) => clause.text.startsWith(TRAINING_START));
    expect(training?.exceptions.map((exception) => exception.text)).toEqual(EXCEPTIONS);
  });

  it('CSV: parses back, a row for the training clause and one for each of its two exceptions', async () => {
    const file = await downloadAs('csv', 'CSV');
    expect(file.fileName).toMatch(/\.csv$/);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: spreadsheet apps read it as UTF-8
    const parsed = Papa.parse<Record<string, string>>(file.text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const clause = parsed.data.find((row) => row.row_type === 'clause' && row.text!.startsWith(TRAINING_START));
    expect(clause).toBeDefined();
    expect(clause).toMatchObject({ topic: 'model-training', mechanism: 'settings', provision_severity: 'high' });
    const exceptions = parsed.data.filter((row) => row.row_type === 'exception' && row.clause_id === clause!.id);
    expect(exceptions.map((row) => row.text)).toEqual(EXCEPTIONS);
    expect(exceptions.every((row) => row.document_url === server.urlOf(PAGE))).toBe(true);
  });

  it('Markdown: the summary and the two exceptions, readable once rendered', async () => {
    const file = await downloadAs('md', 'Markdown');
    expect(file.fileName).toMatch(/\.md$/);
    expect(file.text.startsWith('# Clausemark report: ')).toBe(true);
    const window = new Window();
    const rendered = new window.DOMParser().parseFromString(marked.parse(file.text, { async: false }), 'text/html');
    const text = rendered.body.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('In short');
    expect(text).toContain('Training AI models on your content: happens unless you opt out');
    expect(text).toContain('Still happens after you opt out');
    const quotes = Array.from(rendered.querySelectorAll('blockquote'), (quote) => quote.textContent!.trim());
    for (const exception of EXCEPTIONS) expect(quotes).toContain(exception);
    expect(quotes.some((quote) => quote.startsWith(TRAINING_START))).toBe(true);
    await window.happyDOM.close();
  });

  it('Web Annotation: the training clause and its exceptions re-anchor on the page by quote and context', async () => {
    const file = await downloadAs('webannotation', 'Web Annotation');
    expect(file.fileName).toMatch(/\.jsonld$/);
    const collection = JSON.parse(file.text) as AnnotationCollection;
    expect(collection['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
    expect(collection.type).toBe('AnnotationCollection');
    const items = collection.first.items;
    const clauseItem = items.find((item) => item.target.selector[0].exact.startsWith(TRAINING_START));
    expect(clauseItem).toBeDefined();
    const clauseId = clauseItem!.id.split('#')[1]!;
    const exceptionItems = items.filter((item) => item.id.endsWith(`#${clauseId}-x1`) || item.id.endsWith(`#${clauseId}-x2`));
    expect(exceptionItems.map((item) => item.target.selector[0].exact)).toEqual(EXCEPTIONS);
    expect(exceptionItems.every((item) => item.motivation === 'describing')).toBe(true);
    const targets = [clauseItem!, ...exceptionItems];
    expect(targets.every((item) => item.target.source === server.urlOf(PAGE))).toBe(true);

    // In the page: fold the rendered text's white space, find each quote by its exact text, keep the places whose
    // prefix and suffix match, and compare with the extension's own highlight of the same text.
    const anchored = await page.evaluate((quotes) => {
      const fold = (text: string) => text.replace(/[\s\u00a0\u200b]+/g, ' ');
      const pageText = fold(document.body.innerText);
      const highlights = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
      const highlighted = ['clausemark-opt-out', 'clausemark-exception'].flatMap((name) =>
        Array.from(highlights.get(name) ?? [], (range) => fold(range.toString()).trim()));
      return quotes.map((quote) => {
        const places: number[] = [];
        for (let at = pageText.indexOf(quote.exact); at >= 0; at = pageText.indexOf(quote.exact, at + 1)) {
          const before = pageText.slice(0, at).trimEnd();
          const after = pageText.slice(at + quote.exact.length).trimStart();
          if (before.endsWith(quote.prefix) && after.startsWith(quote.suffix)) places.push(at);
        }
        return {
          places,
          // a highlight starts where the quote starts (the opt-out highlight is the offer's sentence only)
          highlighted: highlighted.some((text) => text.length > 20 && (quote.exact.startsWith(text) || text.startsWith(quote.exact))),
        };
      });
    }, targets.map((item) => item.target.selector[0]));

    for (const [index, result] of anchored.entries()) {
      expect(result.places, targets[index]!.id).toHaveLength(1);
      expect(result.highlighted, targets[index]!.id).toBe(true);
    }
    // The quotes land in document order, as their TextPositionSelectors say.
    const places = anchored.map((result) => result.places[0]!);
    const positions = targets.map((item) => item.target.selector[1].start);
    expect([...places].sort((a, b) => a - b)).toEqual(places);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
