import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import Papa from 'papaparse';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../../lib/document/schema';
import type { AnnotationCollection, TextQuoteSelector, WebAnnotation } from '../../lib/export/web-annotation';
import { documentFromHtml, renderMarkdown } from '../../lib/node/cli/load-document';
import { analyze } from '../../lib/engine/analyze';
import { FIXTURE_DIR } from './sample-server';

/**
 * What the end-to-end suites expect, whichever browser drives them (Playwright + Chromium in tests/e2e, puppeteer-core
 * + Firefox in tests/e2e-firefox): the texts of the Anthropic privacy policy, how the popup's summary reads, the checks
 * on each export format, the page that changes between two visits, and the in-page probes both pass to `evaluate()`.
 * Nothing here knows which browser or driver is in use.
 */

// ── The Anthropic privacy policy ──────────────────────────────────────────────────────────────────────────────

export const POLICY_PAGE = 'anthropic-privacy-policy';
/** The training opt-out, as the opt-out highlight paints it. */
export const TRAINING_OFFER =
  'We may use your Inputs and Outputs to train and improve Anthropic AI models, unless you opt out through your account settings.';
export const TRAINING_START = 'We may use your Inputs and Outputs to train and improve Anthropic AI models';
/** Its two exceptions, in full, as the exports quote them. */
export const EXCEPTIONS = [
  'your conversations are flagged for safety review to improve our ability to detect harmful content, enforce our policies, or advance AI safety research',
  "you've explicitly reported the materials to us (for example via our feedback mechanisms)",
];
/** How each exception highlight starts. */
export const EXCEPTION_STARTS = ['your conversations are flagged for safety review', "you've explicitly reported the materials to us"];

/** The highlights on the Anthropic privacy policy: the training opt-out and both of its exceptions. */
export function expectPolicyHighlights(optOuts: string[], exceptions: string[]): void {
  expect(optOuts).toContain(TRAINING_OFFER);
  for (const start of EXCEPTION_STARTS) {
    expect(exceptions.some((text) => text.startsWith(start)), `an exception starting "${start}" in ${JSON.stringify(exceptions)}`).toBe(true);
  }
}

// ── The popup ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Lines the popup's summary shows for the Anthropic privacy policy: training unless you opt out, how, what stays. */
export const POPUP_SUMMARY_LINES = [
  'Training AI models on your content: happens unless you opt out',
  'In “account settings”',
  'Content flagged for a safety or policy review is still used.',
  'What you send them as feedback or report to them is still used.',
];
/** The popup's heading for what still happens after an opt-out (shown once the analysis is in). */
export const STILL_HAPPENS = 'Limits of this opt-out';

/** The popup's text (its body's innerText) summarises the Anthropic privacy policy. */
export function expectPopupSummary(popupText: string): void {
  for (const line of POPUP_SUMMARY_LINES) expect(popupText).toContain(line);
  expect(popupText).toContain(STILL_HAPPENS);
}

// ── Highlights on any policy: as many as the CLI's pipeline finds on the same HTML ──────────────────────────

export interface HighlightCounts {
  optOuts: number;
  exceptions: number;
}

export function cliCounts(html: string, name: string): HighlightCounts {
  const { extraction } = documentFromHtml(html, name);
  const clauses = analyze(extraction);
  return {
    optOuts: clauses.filter((clause) => clause.optOut !== null).length,
    exceptions: clauses.reduce((sum, clause) => sum + clause.exceptions.length, 0),
  };
}

// ── In-page probes (passed to page.evaluate() by either driver; self-contained) ──────────────────────────────

export interface LayoutSnapshot {
  text: string;
  elementCount: number;
  boxes: string[];
}

/** Every element's box and the page's visible text: what "the page is unchanged" means. Runs in the page. */
export const layoutInPage = (): LayoutSnapshot => {
  const elements = Array.from(document.body.querySelectorAll('*'));
  return {
    text: document.body.innerText,
    elementCount: elements.length,
    boxes: elements.map((element) => {
      const box = element.getBoundingClientRect();
      return `${element.tagName}:${box.x.toFixed(1)},${box.y.toFixed(1)},${box.width.toFixed(1)},${box.height.toFixed(1)}`;
    }),
  };
};

/** The page with and without the extension: same text, same elements, same boxes. */
export function expectSameLayout(withExtension: LayoutSnapshot, without: LayoutSnapshot): void {
  expect(withExtension.text).toBe(without.text);
  expect(withExtension.elementCount).toBe(without.elementCount);
  expect(withExtension.boxes).toEqual(without.boxes);
}

/** The texts of each named highlight's ranges, white space collapsed. Runs in the page. */
export const highlightsInPage = (names: string[]): Record<string, string[]> => {
  const registry = (CSS as unknown as { highlights?: Map<string, Set<Range>> }).highlights;
  return Object.fromEntries(
    names.map((name) => [name, Array.from(registry?.get(name) ?? [], (range) => range.toString().replace(/\s+/g, ' '))]),
  );
};

/** Where the pointer should rest to hover the exception highlight that starts with `start`. Runs in the page. */
export const exceptionPointInPage = (start: string): { x: number; y: number } | null => {
  const registry = (CSS as unknown as { highlights?: Map<string, Set<Range>> }).highlights;
  const range = Array.from(registry?.get('clausemark-exception') ?? []).find((candidate) =>
    candidate.toString().replace(/\s+/g, ' ').startsWith(start));
  if (range === undefined) return null;
  range.startContainer.parentElement!.scrollIntoView({ block: 'center' });
  const rect = range.getClientRects()[0]!;
  return { x: rect.left + 20, y: rect.top + rect.height / 2 };
};

/** The hover card: present, and outside <body> (its content in a closed shadow root). Runs in the page. */
export const hoverCardInPage = (): { present: boolean; outsideBody: boolean } => {
  const card = document.querySelector('clausemark-card');
  return { present: card !== null, outsideBody: card?.parentElement === document.documentElement };
};

export interface AnchorResult {
  /** where the quote is found with its prefix and suffix in the page's folded text */
  places: number[];
  /** the extension highlights the same text */
  highlighted: boolean;
}

/**
 * Re-anchors Web Annotation quotes in the page: folds the white space of the rendered text and of each quote, finds
 * the quote by its exact text, keeps the places whose prefix and suffix match, and compares with the extension's own
 * highlights. Runs in the page.
 */
export const anchorQuotesInPage = (quotes: TextQuoteSelector[]): AnchorResult[] => {
  const fold = (text: string) => text.replace(/[\s\u00a0\u200b]+/g, ' ');
  const pageText = fold(document.body.innerText);
  const highlights = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
  const highlighted = ['clausemark-opt-out', 'clausemark-exception'].flatMap((name) =>
    Array.from(highlights.get(name) ?? [], (range) => fold(range.toString()).trim()));
  return quotes.map((selector) => {
    // The export keeps the text's own white space; like an annotation client, fold it as the page's text is folded.
    const quote = { exact: fold(selector.exact).trim(), prefix: fold(selector.prefix).trim(), suffix: fold(selector.suffix).trim() };
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
};

// ── Exports (the file the browser saved, read back) ───────────────────────────────────────────────────────────

export const EXPORT_FORMAT_CHOICES = [
  { value: 'json', label: 'JSON', extension: /\.json$/ },
  { value: 'csv', label: 'CSV', extension: /\.csv$/ },
  { value: 'md', label: 'Markdown', extension: /\.md$/ },
  { value: 'webannotation', label: 'Web Annotation', extension: /\.jsonld$/ },
] as const;

/** JSON: valid against the export schema, the training clause with its two exceptions. */
export function checkJsonExport(fileName: string, text: string, pageUrl: string): AnnotatedDocument {
  expect(fileName).toMatch(/^clausemark-privacy-policy-127\.0\.0\.1-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = AnnotatedDocumentSchema.parse(JSON.parse(text));
  expect(doc.document.url).toBe(pageUrl);
  const training = doc.clauses.find((clause) => clause.text.startsWith(TRAINING_START));
  expect(training?.exceptions.map((exception) => exception.text)).toEqual(EXCEPTIONS);
  expect(training?.provision?.match).toBe('exact');
  expect(training?.link).toContain('#:~:text=');
  return doc;
}

/** CSV: a UTF-8 BOM, parses back, a row for the training clause and one for each of its two exceptions. */
export function checkCsvExport(fileName: string, bytes: Uint8Array, pageUrl: string): void {
  expect(fileName).toMatch(/\.csv$/);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: spreadsheet apps read it as UTF-8
  const parsed = Papa.parse<Record<string, string>>(new TextDecoder().decode(bytes), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const clause = parsed.data.find((row) => row.row_type === 'clause' && row.text!.startsWith(TRAINING_START));
  expect(clause).toBeDefined();
  expect(clause).toMatchObject({
    topic: 'Training AI models on your content',
    topic_id: 'model-training',
    default: 'Happens unless you opt out',
    mechanism: 'settings',
    provision_severity: 'high',
  });
  const exceptions = parsed.data.filter((row) => row.row_type === 'exception' && row.clause_id === clause!.id);
  expect(exceptions.map((row) => row.text)).toEqual(EXCEPTIONS);
  expect(exceptions.every((row) => row.document_url === pageUrl)).toBe(true);
}

/** Markdown: the summary and the two exceptions, readable once rendered. */
export async function checkMarkdownExport(fileName: string, text: string): Promise<void> {
  expect(fileName).toMatch(/\.md$/);
  expect(text.startsWith('# Clausemark report: ')).toBe(true);
  const window = new Window();
  try {
    const rendered = new window.DOMParser().parseFromString(marked.parse(text, { async: false }), 'text/html');
    const body = rendered.body.textContent!.replace(/\s+/g, ' ');
    expect(body).toContain('In short');
    expect(body).toContain('Training AI models on your content: happens unless you opt out');
    expect(body).toContain(STILL_HAPPENS);
    const quotes = Array.from(rendered.querySelectorAll('blockquote'), (quote) => quote.textContent!.trim());
    for (const exception of EXCEPTIONS) expect(quotes).toContain(exception);
    expect(quotes.some((quote) => quote.startsWith(TRAINING_START))).toBe(true);
  } finally {
    await window.happyDOM.close();
  }
}

/**
 * Web Annotation: a collection in the W3C context with the training clause and its two exceptions; returns those
 * three annotations, for `anchorQuotesInPage` and `expectAnchored`.
 */
export function checkWebAnnotationExport(fileName: string, text: string, pageUrl: string): WebAnnotation[] {
  expect(fileName).toMatch(/\.jsonld$/);
  const collection = JSON.parse(text) as AnnotationCollection;
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
  expect(targets.every((item) => item.target.source === pageUrl)).toBe(true);
  return targets;
}

/** Each quote lands once on the page, on one of the extension's highlights, in document order. */
export function expectAnchored(targets: WebAnnotation[], anchored: AnchorResult[]): void {
  for (const [index, result] of anchored.entries()) {
    expect(result.places, targets[index]!.id).toHaveLength(1);
    expect(result.highlighted, targets[index]!.id).toBe(true);
  }
  const places = anchored.map((result) => result.places[0]!);
  const positions = targets.map((item) => item.target.selector[1].start);
  expect([...places].sort((a, b) => a - b)).toEqual(places);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}

// ── A page that changes between two visits ────────────────────────────────────────────────────────────────────

export const CHANGING_PAGE = 'acme-privacy-policy';
export const REWORDED_ADS = 'and we will honor global privacy controls where the law requires it.';
export const REMOVED_CLAUSE = 'You can opt out of our newsletter by using the unsubscribe link in any newsletter email.';
export const ADDED_CLAUSE = 'You can opt out of product research surveys by emailing privacy@anthropic.com.';
const ORIGINAL_ADS = 'and we will honor global privacy controls.';
const ANCHOR = 'You can access these in your [Privacy Settings](https://claude.ai/new#settings/data-privacy-controls).';

/**
 * Two versions of the Anthropic privacy policy at one address: the second rewords one clause, adds one and removes
 * one. Serve `first`, then swap in `second` (the sample server reads its extra pages on every request) and reload.
 */
export function changingPolicyVersions(): { first: string; second: string } {
  const markdown = readFileSync(join(FIXTURE_DIR, `${POLICY_PAGE}.md`), 'utf8');
  for (const needle of [ORIGINAL_ADS, ANCHOR]) if (!markdown.includes(needle)) throw new Error(`fixture lacks: ${needle}`);
  const withParagraph = (text: string, paragraph: string) => text.replace(ANCHOR, `${ANCHOR}\n\n${paragraph}`);
  return {
    first: renderMarkdown(withParagraph(markdown, REMOVED_CLAUSE), 'Privacy Policy'),
    second: renderMarkdown(withParagraph(markdown.replace(ORIGINAL_ADS, REWORDED_ADS), ADDED_CLAUSE), 'Privacy Policy'),
  };
}

/** The badge after the second visit: Δ, and a title that says so in words. */
export function expectChangedBadge(badge: { text: string; title: string }): void {
  expect(badge.text).toBe('Δ');
  expect(badge.title).toMatch(/^Changed since your last visit \(\d{4}-\d{2}-\d{2}\)\. Clausemark: /);
}

/** The popup's change report (its visible text) after the second visit: one reworded, one added, one removed. */
export function expectChangeReport(text: string): void {
  expect(text).toMatch(/Changed since your last visit \(\d{4}-\d{2}-\d{2}\)/);
  expect(text).toMatch(/1 clause reworded, 1 added, 1 removed; \d+ unchanged\./);
  expect(text).toContain(ADDED_CLAUSE);
  expect(text).toContain(REMOVED_CLAUSE);
}
