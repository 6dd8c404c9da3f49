import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { DatasetSchema, type Dataset } from '../../lib/knowledge/dataset/schema';
import { normalizedSha256 } from '../../lib/engine/text/hash';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';
import { lawIdsOf } from '../../lib/knowledge/laws';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const datasetPath = path.join(repoRoot, 'lib', 'knowledge', 'dataset', 'provisions.json');
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'policies');
const corpusPresent = existsSync(corpusDir);
const SKIPPED = corpusPresent ? '' : ' (skipped: ../shared/corpus absent)';
if (!corpusPresent) console.warn(`dataset test: ${corpusDir} not found; the corpus checks are skipped (skipped: ../shared/corpus absent)`);

const raw: unknown = JSON.parse(readFileSync(datasetPath, 'utf8'));
const dataset: Dataset = DatasetSchema.parse(raw);

const duplicates = (values: string[]) => values.filter((value, index) => values.indexOf(value) !== index);

/** Markdown constructs a quote must not carry: it is the policy's prose, not the archive's rendering of it. */
const MARKDOWN = [/\*\*/, /\]\(/, /^\s*[*+-]\s/, /#/, /`/, /<br\s*\/?>/i, /\|/, /\n/];

describe('bundled provision dataset: schema and integrity', () => {
  it('parses with DatasetSchema', () => {
    expect(DatasetSchema.safeParse(raw).success).toBe(true);
  });

  it('has unique type ids and clause ids', () => {
    expect(duplicates(dataset.types.map((type) => type.id))).toEqual([]);
    expect(duplicates(dataset.clauses.map((clause) => clause.id))).toEqual([]);
  });

  it('has unique clause hashes, so an exact match names one known clause', () => {
    expect(duplicates(dataset.clauses.map((clause) => clause.sha256))).toEqual([]);
  });

  it('gives every clause a provision type that exists', () => {
    const typeIds = new Set(dataset.types.map((type) => type.id));
    expect(dataset.clauses.filter((clause) => !typeIds.has(clause.provisionType)).map((clause) => clause.id)).toEqual([]);
  });

  it('has unique action ids within each type', () => {
    for (const type of dataset.types) {
      expect(duplicates(type.actions.map((action) => action.id)), type.id).toEqual([]);
    }
  });

  it('has one type per topic, and every type is used by at least one clause', () => {
    expect(duplicates(dataset.types.map((type) => type.topic))).toEqual([]);
    const used = new Set(dataset.clauses.map((clause) => clause.provisionType));
    expect(dataset.types.filter((type) => !used.has(type.id)).map((type) => type.id)).toEqual([]);
  });

  it('names the rubric line that decided each severity, and uses lower-case cues', () => {
    for (const type of dataset.types) {
      expect(type.severityReason.toLowerCase().startsWith(type.severity), type.id).toBe(true);
      expect(type.cues.filter((cue) => cue !== cue.toLowerCase()), type.id).toEqual([]);
    }
    expect(dataset.rubric.high.length).toBeGreaterThan(20);
    expect(dataset.rubric.medium.length).toBeGreaterThan(20);
    expect(dataset.rubric.low.length).toBeGreaterThan(20);
  });

  it('keeps opt-out shapes coherent', () => {
    for (const clause of dataset.clauses) {
      const { shape } = clause;
      if (shape.optOut) expect(shape.mechanism, clause.id).not.toBeNull();
      else expect(shape.exceptions, clause.id).toEqual([]);
    }
  });

  it('has at least 20 types, 150 clauses and 20 platforms', () => {
    expect(dataset.types.length).toBeGreaterThanOrEqual(20);
    expect(dataset.clauses.length).toBeGreaterThanOrEqual(150);
    expect(new Set(dataset.clauses.map((clause) => clause.platform)).size).toBeGreaterThanOrEqual(20);
  });

  it('records through the latest recordedAt of its clauses', () => {
    const latest = dataset.clauses.map((clause) => clause.recordedAt).sort().at(-1);
    expect(dataset.recordedThrough).toBe(latest);
  });

  it('recomputes every sha256 from the whitespace-normalized text', async () => {
    const wrong: string[] = [];
    for (const clause of dataset.clauses) {
      if ((await normalizedSha256(clause.text)) !== clause.sha256) wrong.push(clause.id);
    }
    expect(wrong).toEqual([]);
  });

  it('has complaint routes with unique ids and https addresses, each named by a type, every name resolving', () => {
    const ids = dataset.complaintRoutes.map((route) => route.id);
    expect(duplicates(ids)).toEqual([]);
    for (const route of dataset.complaintRoutes) expect(new URL(route.url).protocol, route.id).toBe('https:');
    const named = dataset.types.flatMap((type) => type.complaints);
    expect(named.filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !named.includes(id))).toEqual([]);
    for (const type of dataset.types) expect(duplicates(type.complaints), type.id).toEqual([]);
  });

  it('gives every type a place to complain in the US and the UK, and every data-protection type one in the EU', () => {
    const jurisdictionOf = new Map(dataset.complaintRoutes.map((route) => [route.id, route.jurisdiction]));
    for (const type of dataset.types) {
      const jurisdictions = new Set(type.complaints.map((id) => jurisdictionOf.get(id)));
      expect(jurisdictions.has('US') && jurisdictions.has('UK'), type.id).toBe(true);
      // A type whose rules include the GDPR is about personal data: the national data-protection authority hears it.
      if (type.regulations.some((regulation) => lawIdsOf(regulation.name).includes('gdpr'))) {
        expect(jurisdictions.has('EU'), type.id).toBe(true);
      }
      // A California route where the type cites the CCPA/CPRA, and only there.
      const citesCcpa = type.regulations.some((regulation) => lawIdsOf(regulation.name).includes('ccpa-cpra') && regulation.jurisdiction === 'US-CA');
      expect(jurisdictions.has('US-CA'), type.id).toBe(citesCcpa);
    }
  });

  it('names each rule by a law the page-law detector knows, so "named by this page" can be told (three codes aside)', () => {
    const unknown = [...new Set(dataset.types.flatMap((type) => type.regulations.map((regulation) => regulation.name)))]
      .filter((name) => lawIdsOf(name).length !== 1);
    // Code sections with no short name a page would use.
    expect(unknown.sort()).toEqual(['Cal. Bus. & Prof. Code §22575(b)(5)', 'Texas Bus. & Com. Code §503.001', 'US Copyright Act 17 U.S.C. §102(a)']);
  });

  it('quotes plain prose, without markdown syntax or surrounding white space', () => {
    const offending = dataset.clauses
      .filter((clause) => clause.text !== clause.text.trim() || MARKDOWN.some((pattern) => pattern.test(clause.text)))
      .map((clause) => clause.id);
    expect(offending).toEqual([]);
  });
});

describe('bundled provision dataset: against the corpus', () => {
  const documents = new Map<string, string>();
  const documentText = (name: string): string => {
    let text = documents.get(name);
    if (text === undefined) {
      text = readFileSync(path.join(corpusDir, name), 'utf8');
      documents.set(name, text);
    }
    return text;
  };

  it.skipIf(!corpusPresent)(`finds every quote verbatim in its source document${SKIPPED}`, () => {
    const missingRaw: string[] = [];
    const missingNormalized: string[] = [];
    const normalizedDocs = new Map<string, string>();
    for (const clause of dataset.clauses) {
      const text = documentText(clause.document);
      if (!text.includes(clause.text)) missingRaw.push(`${clause.id} (${clause.document})`);
      let normalized = normalizedDocs.get(clause.document);
      if (normalized === undefined) {
        normalized = normalizeWhitespace(text);
        normalizedDocs.set(clause.document, normalized);
      }
      if (!normalized.includes(normalizeWhitespace(clause.text))) missingNormalized.push(`${clause.id} (${clause.document})`);
    }
    expect(missingRaw).toEqual([]);
    expect(missingNormalized).toEqual([]);
  });

  it.skipIf(!corpusPresent)(`dates every clause with the manifest's version_recorded_at of its document${SKIPPED}`, () => {
    const manifest = JSON.parse(readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as Array<{
      file: string;
      version_recorded_at: string;
    }>;
    const recorded = new Map(manifest.map((entry) => [path.basename(entry.file), entry.version_recorded_at.slice(0, 10)]));
    const wrong = dataset.clauses
      .filter((clause) => recorded.get(clause.document) !== clause.recordedAt)
      .map((clause) => `${clause.id}: ${clause.recordedAt} vs ${recorded.get(clause.document) ?? 'not in manifest'}`);
    expect(wrong).toEqual([]);
  });

  it.skipIf(!corpusPresent)(`covers every document of the corpus${SKIPPED}`, () => {
    const manifest = JSON.parse(readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as Array<{ file: string }>;
    const covered = new Set(dataset.clauses.map((clause) => clause.document));
    expect(manifest.map((entry) => path.basename(entry.file)).filter((file) => !covered.has(file))).toEqual([]);
  });
});
