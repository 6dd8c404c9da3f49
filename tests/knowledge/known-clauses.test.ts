import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { annotateFileWithText } from '../../lib/node/cli/annotate';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import type { KnownClause } from '../../lib/knowledge/dataset/schema';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../../lib/document/schema';
import { withProvisions } from '../../lib/knowledge/match/apply';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';

/**
 * Every recorded clause is matched "exact" in its own document, read through the CLI's pipeline
 * (lib/node/cli/annotate.ts: extract → analyse → export → match). The corpus lives beside the repository; without it
 * only the documents in tests/fixtures/policies are checked, and the test says so.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'policies');
const fixturesDir = path.join(repoRoot, 'tests', 'fixtures', 'policies');
const corpusPresent = existsSync(corpusDir);

const matcher = bundledMatcher();
const byDocument = new Map<string, KnownClause[]>();
for (const known of matcher.dataset.clauses) byDocument.set(known.document, [...(byDocument.get(known.document) ?? []), known]);
const documents = [...byDocument.keys()].sort().filter((name) => corpusPresent || existsSync(path.join(fixturesDir, name)));
const skipped = [...byDocument.keys()].filter((name) => !documents.includes(name));
if (!corpusPresent) {
  console.warn(
    `known-clauses test: ${corpusDir} not found; checking only ${documents.join(', ')} from tests/fixtures/policies ` +
      `(skipped: ${skipped.length} documents, ${skipped.reduce((sum, name) => sum + byDocument.get(name)!.length, 0)} recorded clauses)`,
  );
}

interface Annotated {
  /** the analysed clauses matched without the page text (what a caller without the text gets) */
  printed: AnnotatedDocument;
  /** as the CLI prints it: matched with the page text, parts checked as wholes, skipped recorded clauses located */
  withText: AnnotatedDocument;
}
const annotated = new Map<string, Annotated>();

beforeAll(async () => {
  for (const name of documents) {
    const file = corpusPresent ? path.join(corpusDir, name) : path.join(fixturesDir, name);
    const { document } = await annotateFileWithText(file, `file:///${name}`, 'test');
    // Located clauses exist only because the text was given: drop them to see the match without it.
    const analysedOnly = { ...document, clauses: document.clauses.filter((clause) => clause.provision?.via !== 'located') };
    annotated.set(name, { printed: withProvisions(analysedOnly, matcher), withText: document });
  }
}, 240_000);

const exactFor = (doc: AnnotatedDocument, id: string) =>
  doc.clauses.find((clause) => clause.provision?.match === 'exact' && clause.provision.knownClauseId === id);

describe('exact matching of every recorded clause in its own document', () => {
  it(`finds ${corpusPresent ? 'all' : 'the fixture documents\''} recorded clauses, each exact in its document (${documents.length} documents)`, () => {
    const missing: string[] = [];
    const via = new Map<string, number>();
    for (const name of documents) {
      const { withText } = annotated.get(name)!;
      expect(AnnotatedDocumentSchema.safeParse(withText).success, name).toBe(true);
      for (const known of byDocument.get(name)!) {
        const clause = exactFor(withText, known.id);
        if (clause === undefined) {
          missing.push(`${name}: ${known.id}`);
          continue;
        }
        via.set(clause.provision!.via!, (via.get(clause.provision!.via!) ?? 0) + 1);
        // The clause holds the recorded text, or is a verbatim part of it that sits inside it on the page.
        const recorded = normalizeWhitespace(known.text);
        expect(clause.text.includes(recorded) || recorded.includes(clause.text), known.id).toBe(true);
      }
    }
    console.info(`exact matches by how they were found: ${[...via].map(([how, count]) => `${how} ${count}`).join(', ')}`);
    expect(missing).toEqual([]);
  });

  it('matches, without the page text, every recorded clause an analysed clause holds or is a substantial part of', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const name of documents) {
      const { printed } = annotated.get(name)!;
      for (const known of byDocument.get(name)!) {
        const recorded = normalizeWhitespace(known.text);
        const holder = printed.clauses.find((clause) => clause.sha256 === known.sha256 || clause.text.includes(recorded));
        if (holder === undefined) continue;
        checked++;
        // A clause can hold two recorded clauses; it names the longer one, so the other is not its match.
        const named = holder.provision?.knownClauseId;
        const other = named && named !== known.id ? matcher.knownById(named) : undefined;
        if (other !== undefined && holder.text.includes(normalizeWhitespace(other.text)) && other.text.length >= known.text.length) continue;
        if (exactFor(printed, known.id) === undefined) wrong.push(`${name}: ${known.id} → ${holder.provision?.match ?? 'none'} ${named ?? ''}`);
      }
    }
    expect(checked).toBeGreaterThan(corpusPresent ? 100 : 5);
    expect(wrong).toEqual([]);
  });

  it('reports a part of a recorded clause as "part" without the page text, and as "inside" only when the page holds the whole', () => {
    let parts = 0;
    for (const name of documents) {
      const { printed, withText } = annotated.get(name)!;
      for (const clause of printed.clauses.filter((c) => c.provision?.via === 'part')) {
        parts++;
        const known = matcher.knownById(clause.provision!.knownClauseId!)!;
        expect(normalizeWhitespace(known.text).includes(clause.text)).toBe(true);
        const again = withText.clauses.find((c) => c.id === clause.id)!;
        // with the text, the same clause is either confirmed inside the whole passage or not called exact at all
        if (again.provision?.match === 'exact') expect(again.provision.via).toBe('inside');
      }
    }
    expect(parts).toBeGreaterThan(corpusPresent ? 10 : 0);
  });

  it('is idempotent: matching a matched document again adds nothing', async () => {
    const name = documents[0]!;
    const file = corpusPresent ? path.join(corpusDir, name) : path.join(fixturesDir, name);
    const { text } = await annotateFileWithText(file, `file:///${name}`, 'test');
    const once = annotated.get(name)!.withText;
    const twice = withProvisions(once, matcher, text);
    expect(twice.clauses.map((clause) => [clause.id, clause.provision?.knownClauseId ?? null])).toEqual(
      once.clauses.map((clause) => [clause.id, clause.provision?.knownClauseId ?? null]),
    );
  });

  it('gives located clauses offsets that point at the recorded text in the page', async () => {
    const name = documents.find((doc) => annotated.get(doc)!.withText.clauses.some((c) => c.provision?.via === 'located'))!;
    const file = corpusPresent ? path.join(corpusDir, name) : path.join(fixturesDir, name);
    const { text } = await annotateFileWithText(file, `file:///${name}`, 'test');
    const located = annotated.get(name)!.withText.clauses.filter((c) => c.provision?.via === 'located');
    expect(located.length).toBeGreaterThan(0);
    for (const clause of located) {
      expect(normalizeWhitespace(text.slice(clause.start, clause.end))).toBe(clause.text);
      expect(clause.labels).toEqual([]);
      expect(normalizeWhitespace(clause.selector.exact)).toBe(clause.text);
    }
  });
});
