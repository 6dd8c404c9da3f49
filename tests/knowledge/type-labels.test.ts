import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { loadDocumentFile } from '../../lib/node/cli/load-document';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';

/** The labelled set for type matching (tests/fixtures/type-labels): its format, and that it is what RULES.md says. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpusDir = path.resolve(root, '..', 'shared', 'corpus', 'policies');
const corpusPresent = existsSync(corpusDir);
const SKIPPED = corpusPresent ? '' : ' (skipped: ../shared/corpus absent)';

const matcher = bundledMatcher();
const typeIds = matcher.dataset.types.map((type) => type.id);
const LabelledSet = z.object({
  description: z.string(),
  split: z.string(),
  clauses: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      label: z.enum(['none', ...typeIds] as [string, ...string[]]),
      split: z.enum(['dev', 'test']),
      document: z.string().regex(/^[a-z0-9-]+\.md$/),
      heading: z.string().nullable(),
      text: z.string().min(20),
    }),
  ),
});
const set = LabelledSet.parse(JSON.parse(readFileSync(path.join(root, 'tests/fixtures/type-labels/clauses.json'), 'utf8')));

describe('type-matching labelled set', () => {
  it('has at least 120 sentences, unique ids, both labels kinds and both halves', () => {
    expect(set.clauses.length).toBeGreaterThanOrEqual(120);
    expect(new Set(set.clauses.map((c) => c.id)).size).toBe(set.clauses.length);
    expect(set.clauses.filter((c) => c.label === 'none').length).toBeGreaterThanOrEqual(30);
    expect(set.clauses.filter((c) => c.split === 'dev').length).toBeGreaterThanOrEqual(50);
    expect(set.clauses.filter((c) => c.split === 'test').length).toBeGreaterThanOrEqual(50);
  });

  it('keeps within each label the fixed alternation dev, test, dev, …', () => {
    const seen = new Map<string, number>();
    for (const clause of set.clauses) {
      const index = seen.get(clause.label) ?? 0;
      seen.set(clause.label, index + 1);
      expect(clause.split, clause.id).toBe(index % 2 === 0 ? 'dev' : 'test');
    }
  });

  it('holds no recorded clause, nor any near-copy of one', () => {
    const recorded = matcher.known.map((entry) => entry.text);
    for (const clause of set.clauses) {
      expect(recorded.some((text) => text.includes(clause.text) || clause.text.includes(text)), clause.id).toBe(false);
      const closest = matcher.closestKnown(clause.text);
      expect(closest === null || closest.similarity < 0.6 || closest.coverage < 0.5, clause.id).toBe(true);
    }
  });

  it.skipIf(!corpusPresent)(`quotes every sentence from its document as the CLI reads it${SKIPPED}`, async () => {
    const texts = new Map<string, string>();
    const missing: string[] = [];
    for (const clause of set.clauses) {
      let text = texts.get(clause.document);
      if (text === undefined) {
        text = normalizeWhitespace((await loadDocumentFile(path.join(corpusDir, clause.document))).extraction.text);
        texts.set(clause.document, text);
      }
      if (!text.includes(clause.text)) missing.push(clause.id);
    }
    expect(missing).toEqual([]);
  }, 120_000);
});
