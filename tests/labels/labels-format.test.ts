/**
 * Checks the hand-labelled ground truth in tests/fixtures/labels/ (rules: tests/fixtures/labels/RULES.md).
 *
 * Format checks always run. Checks against the source documents need ../shared/corpus/policies next to the
 * repository; when that folder is absent they are skipped, and their names say so.
 */
import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MECHANISMS, TOPICS } from '../../lib/engine/model/topics';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const labelsDir = path.join(repoRoot, 'tests', 'fixtures', 'labels');
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'policies');
const present = existsSync(corpusDir);
const skipNote = present ? '' : ' (skipped: ../shared/corpus absent)';

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

const ExceptionLabel = z.strictObject({
  quote: Quote,
  note: z.string().min(1),
});

const OptOutLabel = z.strictObject({
  quote: Quote,
  sentence: z.string().min(1),
  topic: z.enum(TOPICS),
  mechanism: z.enum(MECHANISMS),
  target: z.string().min(1).nullable(),
  exceptions: z.array(ExceptionLabel),
});

const SkippedRepeat = z.strictObject({
  sentence: z.string().min(20),
  occurrences: z.number().int().min(2),
});

const LabelFile = z.strictObject({
  document: z.string().regex(/^[a-z0-9-]+\.md$/),
  split: z.enum(['dev', 'test']),
  optOuts: z.array(OptOutLabel),
  skippedRepeats: z.array(SkippedRepeat).optional(),
});
type LabelFile = z.infer<typeof LabelFile>;

const labelFiles = readdirSync(labelsDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): LabelFile {
  return LabelFile.parse(JSON.parse(readFileSync(path.join(labelsDir, file), 'utf8')));
}

function allQuotes(labels: LabelFile): string[] {
  return labels.optOuts.flatMap((o) => [o.quote, ...o.exceptions.map((e) => e.quote)]);
}

describe('labelled set', () => {
  it('has at least 20 labelled documents and a RULES.md', () => {
    expect(labelFiles.length).toBeGreaterThanOrEqual(20);
    expect(existsSync(path.join(labelsDir, 'RULES.md'))).toBe(true);
  });

  it('assigns split "test" to every third document in alphabetical order, "dev" to the others', () => {
    labelFiles.forEach((file, i) => {
      const expected = (i + 1) % 3 === 0 ? 'test' : 'dev';
      expect(load(file).split, file).toBe(expected);
    });
  });
});

describe.each(labelFiles)('%s', (file) => {
  it('matches the schema and is named after its document', () => {
    const raw: unknown = JSON.parse(readFileSync(path.join(labelsDir, file), 'utf8'));
    const result = LabelFile.safeParse(raw);
    expect(result.success, result.success ? '' : z.prettifyError(result.error)).toBe(true);
    expect(load(file).document.replace(/\.md$/, '.json')).toBe(file);
  });

  it('has quotes without markdown syntax, each inside its own sentence, none repeated', () => {
    const labels = load(file);
    for (const q of allQuotes(labels)) expect(markdownProblems(q), q).toEqual([]);
    for (const o of labels.optOuts) expect(o.sentence.includes(o.quote), o.quote).toBe(true);
    const quotes = allQuotes(labels);
    expect(new Set(quotes).size).toBe(quotes.length);
  });

  it.skipIf(!present)(`has every quote exactly once in the document${skipNote}`, () => {
    const labels = load(file);
    const text = readFileSync(path.join(corpusDir, labels.document), 'utf8');
    for (const q of allQuotes(labels)) expect(occurrences(text, q), q).toBe(1);
  });

  it.skipIf(!present)(`has every sentence copied verbatim from the document${skipNote}`, () => {
    const labels = load(file);
    const text = readFileSync(path.join(corpusDir, labels.document), 'utf8');
    for (const o of labels.optOuts) expect(text.includes(o.sentence), o.sentence.slice(0, 80)).toBe(true);
  });

  it.skipIf(!present)(`lists as skipped repeats only sentences that really repeat${skipNote}`, () => {
    const labels = load(file);
    const text = readFileSync(path.join(corpusDir, labels.document), 'utf8');
    for (const s of labels.skippedRepeats ?? []) expect(occurrences(text, s.sentence), s.sentence).toBe(s.occurrences);
  });
});
