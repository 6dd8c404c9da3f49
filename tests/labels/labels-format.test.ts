/**
 * Checks the hand-labelled ground truth in tests/fixtures/labels/ (rules: its RULES.md and the product's labelling
 * spec): the format, the quotes against their documents, the fixed split, the sources of the documents added here.
 *
 * Documents added by the project are in tests/fixtures/labels/documents/ and always checked. The shared corpus's
 * documents are read from ../shared/corpus/policies; when that folder is absent their checks are skipped, and the
 * test names say so.
 */
import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MECHANISMS, TOPICS } from '../../lib/engine/model/topics';
import { EXCEPTION_KINDS } from '../../lib/engine/model/analysis';
import { splitOf } from '../../lib/node/eval/evaluate';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const labelsDir = path.join(repoRoot, 'tests', 'fixtures', 'labels');
const documentsDir = path.join(labelsDir, 'documents');
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'policies');

/** Markdown syntax a quote must not contain: it has to match the rendered page text. */
const MARKDOWN_TOKENS = ['**', '__', '[', ']', '](', '#', '`', '\\', '<br>', '|', '\n'];
const LEADING_BULLET = /^\s*(?:[-*+]|\d+[.)])\s/;

function markdownProblems(quote: string): string[] {
  const problems = MARKDOWN_TOKENS.filter((t) => quote.includes(t)).map((t) => `contains ${JSON.stringify(t)}`);
  if (LEADING_BULLET.test(quote)) problems.push('starts with a list bullet');
  if (quote !== quote.trim()) problems.push('leading or trailing whitespace');
  return problems;
}

/** Occurrences of needle in haystack, overlapping ones included. */
function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

const Quote = z.string().min(20).max(120);
const LabelFile = z.strictObject({
  document: z.string().regex(/^[a-z0-9-]+\.md$/),
  split: z.enum(['dev', 'test']),
  labeller: z.enum(['primary', 'second']),
  repeatedText: z.boolean().optional(),
  optOuts: z.array(z.strictObject({
    quote: Quote,
    sentence: z.string().min(1),
    topic: z.enum(TOPICS),
    mechanism: z.enum(MECHANISMS),
    target: z.string().min(1).nullable(),
    exceptions: z.array(z.strictObject({ quote: Quote, kind: z.enum(EXCEPTION_KINDS), note: z.string().min(1) })),
  })),
  promises: z.array(z.strictObject({ quote: Quote, sentence: z.string().min(1), topic: z.enum(TOPICS), note: z.string().min(1).optional() })),
  skippedRepeats: z.array(z.strictObject({ sentence: z.string().min(20), occurrences: z.number().int().min(2) })).optional(),
});
type LabelFile = z.infer<typeof LabelFile>;

const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const primaryFiles = files(labelsDir);
const secondFiles = files(path.join(labelsDir, 'second'));
const load = (file: string): LabelFile => LabelFile.parse(JSON.parse(readFileSync(file, 'utf8')));
const allQuotes = (labels: LabelFile): string[] => [
  ...labels.optOuts.flatMap((o) => [o.quote, ...o.exceptions.map((e) => e.quote)]),
  ...labels.promises.map((p) => p.quote),
];
/** The document's text, from the repository or the shared corpus; null when it lives in the absent corpus. */
function documentText(name: string): string | null {
  for (const dir of [documentsDir, corpusDir]) if (existsSync(path.join(dir, name))) return readFileSync(path.join(dir, name), 'utf8');
  return null;
}

const manifest = z.array(z.object({
  document: z.string(), repo: z.string(), path: z.string(), versionCommit: z.string().regex(/^[0-9a-f]{40}$/),
  recorded: z.string(), snapshot: z.string().regex(/^[0-9a-f]{40}$/), sector: z.string(),
})).parse(JSON.parse(readFileSync(path.join(documentsDir, 'manifest.json'), 'utf8')));

describe('labelled set', () => {
  it('has at least 60 labelled documents, every one of the shared corpus and 25 more with their sources, and a RULES.md', () => {
    expect(primaryFiles.length).toBeGreaterThanOrEqual(60);
    expect(manifest.length).toBeGreaterThanOrEqual(25);
    expect(existsSync(path.join(labelsDir, 'RULES.md'))).toBe(true);
    const sources = readFileSync(path.join(documentsDir, 'SOURCES.md'), 'utf8');
    for (const entry of manifest) {
      expect(existsSync(path.join(documentsDir, entry.document)), entry.document).toBe(true);
      expect(primaryFiles, entry.document).toContain(entry.document.replace(/\.md$/, '.json'));
      expect(sources).toContain(entry.versionCommit);
    }
    expect(sources).toContain('ODC-BY 1.0');
  });

  it.skipIf(!existsSync(corpusDir))(`labels every document of the shared corpus${existsSync(corpusDir) ? '' : ' (skipped: ../shared/corpus absent)'}`, () => {
    const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.md'));
    expect(corpus.filter((doc) => !primaryFiles.includes(doc.replace(/\.md$/, '.json')))).toEqual([]);
  });

  it('keeps the fixed split by hash, with at least 15 held-out documents', () => {
    for (const file of [...primaryFiles.map((f) => path.join(labelsDir, f)), ...secondFiles.map((f) => path.join(labelsDir, 'second', f))]) {
      const labels = load(file);
      expect(labels.split, file).toBe(splitOf(labels.document));
    }
    expect(primaryFiles.filter((f) => load(path.join(labelsDir, f)).split === 'test').length).toBeGreaterThanOrEqual(15);
  });

  it('has a second, independent labelling of at least 8 documents', () => {
    expect(secondFiles.length).toBeGreaterThanOrEqual(8);
    for (const file of secondFiles) {
      expect(load(path.join(labelsDir, 'second', file)).labeller).toBe('second');
      expect(primaryFiles).toContain(file);
    }
  });
});

const everyFile = [...primaryFiles.map((f) => ['', f] as const), ...secondFiles.map((f) => ['second/', f] as const)];
describe.each(everyFile)('%s%s', (folder, file) => {
  const full = path.join(labelsDir, folder, file);
  it('matches the schema and is named after its document', () => {
    const result = LabelFile.safeParse(JSON.parse(readFileSync(full, 'utf8')));
    expect(result.success, result.success ? '' : z.prettifyError(result.error)).toBe(true);
    expect(load(full).document.replace(/\.md$/, '.json')).toBe(file);
    expect(load(full).labeller).toBe(folder === '' ? 'primary' : 'second');
  });

  it('has quotes without markdown syntax, each inside its own sentence, none repeated', () => {
    const labels = load(full);
    for (const q of allQuotes(labels)) expect(markdownProblems(q), q).toEqual([]);
    for (const o of labels.optOuts) expect(o.sentence.includes(o.quote), o.quote).toBe(true);
    for (const p of labels.promises) expect(p.sentence.includes(p.quote), p.quote).toBe(true);
    const quotes = allQuotes(labels);
    expect(new Set(quotes).size).toBe(quotes.length);
  });

  const name = load(full).document;
  const text = documentText(name);
  const skip = text === null ? ' (skipped: ../shared/corpus absent)' : '';
  it.skipIf(text === null)(`has every quote in the document, once unless the document repeats its text${skip}`, () => {
    const labels = load(full);
    for (const q of allQuotes(labels)) {
      const n = occurrences(text!, q);
      if (labels.repeatedText) expect(n, q).toBeGreaterThanOrEqual(1);
      else expect(n, q).toBe(1);
    }
  });

  it.skipIf(text === null)(`has every offer sentence copied verbatim from the document${skip}`, () => {
    for (const o of load(full).optOuts) expect(text!.includes(o.sentence), o.sentence.slice(0, 80)).toBe(true);
  });

  it.skipIf(text === null)(`lists as skipped repeats only sentences that really repeat${skip}`, () => {
    for (const s of load(full).skippedRepeats ?? []) expect(occurrences(text!, s.sentence), s.sentence).toBeGreaterThanOrEqual(2);
  });
});
