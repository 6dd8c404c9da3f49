import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ClausemarkDatabase,
  CURRENT_VERSION,
  kindOfOldException,
  SCHEMA_VERSIONS,
  upgradeAnalysisToV2,
  upgradeAnalysisToV3,
  upgradeAnalysisToV4,
  type StoredAnalysis,
} from '../../lib/extension/db/database';
import { extractFromPlainText } from '../../lib/engine/extract/plain-text';
import type { ExtractedText } from '../../lib/engine/model/analysis';
import { annotate } from '../../lib/pipeline';
import { AnnotatedDocumentSchema, EXPORT_SCHEMA_VERSION, type AnnotatedDocument } from '../../lib/document/schema';
import { summarize } from '../../lib/document/summarize';
import { diffAsText } from '../../lib/document/history/compare';
import { DocumentChangesSchema } from '../../lib/document/history/schema';
import { loadSettings } from '../../lib/extension/settings/store';

/**
 * Every upgrade is tested on a real database written by the version before it, through a Dexie instance that
 * declares only that version — what a person's browser holds after running the older release.
 */

/** Schema v1 exactly as released. It is written out here, not imported, so an edit to the released entry shows. */
const V1_STORES = { analyses: '++id, url, sha256, analyzedAt', tabs: 'tabId' };

/**
 * A short policy in three sections. Plain text has no headings (lib/engine/extract/plain-text.ts), so the section
 * titles are marked as heading blocks, as a page's <h2> would be: the retention paragraph sits in a section of its
 * own, apart from the training opt-out and its exception.
 */
const HEADINGS = ['How we use your data', 'How long we keep your data', 'Marketing'];
const FIRST =
  'How we use your data\n\n' +
  'We may use your Inputs and Outputs to train our models, unless you opt out through your account settings. ' +
  'Even if you opt out, we will use Inputs and Outputs for model improvement when your conversations are flagged for safety review.\n\n' +
  'How long we keep your data\n\n' +
  'We retain your Inputs and Outputs in our back-end systems for up to 30 days after you delete them.\n\n' +
  'Marketing\n\n' +
  'You can unsubscribe from marketing emails at any time using the link in each email.';
const SECOND = FIRST.replace('30 days', '90 days');

function sectioned(text: string): ExtractedText {
  const extraction = extractFromPlainText(text);
  const blocks = extraction.blocks.map((block) =>
    HEADINGS.includes(text.slice(block.start, block.end)) ? { ...block, kind: 'heading' as const, level: 2 } : block);
  expect(blocks.filter((block) => block.kind === 'heading')).toHaveLength(HEADINGS.length);
  return { ...extraction, blocks };
}

async function annotated(text: string, url: string, analyzedAt: string): Promise<AnnotatedDocument> {
  return annotate({
    extraction: sectioned(text),
    url,
    title: 'Privacy Policy',
    looksLikePolicy: true,
    toolVersion: '0.1.0',
    analyzedAt: new Date(analyzedAt),
  });
}

/** A record as release 1 wrote it (v1 kept the address's fragment). */
function v1Record(document: AnnotatedDocument, url = document.document.url): Omit<StoredAnalysis, 'changes'> {
  return {
    url,
    sha256: document.document.sha256,
    analyzedAt: document.document.analyzedAt,
    clauseHashes: document.clauses.map((clause) => clause.sha256),
    document,
  };
}

const PAGE_A = 'https://example.com/privacy';
const PAGE_B = 'https://example.org/terms';
let a1: AnnotatedDocument;
let a2: AnnotatedDocument;
let b1: AnnotatedDocument;

beforeAll(async () => {
  a1 = await annotated(FIRST, `${PAGE_A}#cookies`, '2026-01-01T09:00:00.000Z');
  a2 = await annotated(SECOND, PAGE_A, '2026-02-01T09:00:00.000Z');
  b1 = await annotated(FIRST, PAGE_B, '2026-01-15T09:00:00.000Z');
});

let counter = 0;
const names: string[] = [];
const open: Dexie[] = [];
function uniqueName(): string {
  const name = `migration-test-${process.pid}-${++counter}-${Date.now()}`;
  names.push(name);
  return name;
}

afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  for (const name of names.splice(0)) await Dexie.delete(name);
});

/** Writes a database the way release 1 did and closes it. */
async function writeV1(name: string, fill: (db: Dexie) => Promise<void>): Promise<void> {
  const v1 = new Dexie(name);
  v1.version(1).stores(V1_STORES);
  await v1.open();
  expect(v1.verno).toBe(1);
  await fill(v1);
  v1.close();
}

function openCurrent(name: string): ClausemarkDatabase {
  const db = new ClausemarkDatabase(name);
  open.push(db);
  return db;
}

describe('schema versions', () => {
  it('keeps v1 declared exactly as released, and versions in order ending at the current one', () => {
    expect(SCHEMA_VERSIONS[0]).toEqual({ version: 1, stores: V1_STORES });
    expect(SCHEMA_VERSIONS.map((entry) => entry.version)).toEqual(SCHEMA_VERSIONS.map((_, i) => i + 1));
    expect(CURRENT_VERSION).toBe(4);
    // every version after the first brings an upgrade function (the pattern the next version follows)
    expect(SCHEMA_VERSIONS.slice(1).every((entry) => typeof entry.upgrade === 'function')).toBe(true);
  });

  it('a fresh database opens at the current version with the settings table and the page index', async () => {
    const db = openCurrent(uniqueName());
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(db.tables.map((table) => table.name).sort()).toEqual(['analyses', 'settings', 'tabs']);
    expect(db.analyses.schema.indexes.map((index) => index.name)).toContain('[url+analyzedAt]');
    expect(db.settings.schema.primKey.keyPath).toBe('key');
  });
});

describe('upgrading a v1 database to v2', () => {
  it('upgrades every record: fragment-free address, clause hashes, change report against the visit before', async () => {
    const name = uniqueName();
    const ids: Record<string, number> = {};
    await writeV1(name, async (v1) => {
      ids.a1 = (await v1.table('analyses').add(v1Record(a1))) as number;
      ids.b1 = (await v1.table('analyses').add(v1Record(b1))) as number;
      // written without clause hashes, as a damaged or hand-edited record might be
      const { clauseHashes: _dropped, ...withoutHashes } = v1Record(a2, `${PAGE_A}#top`);
      ids.a2 = (await v1.table('analyses').add(withoutHashes)) as number;
      await v1.table('tabs').put({ tabId: 3, state: { status: 'done', analysisId: ids.a2 }, updatedAt: '2026-02-01T09:00:01.000Z' });
      await v1.table('tabs').put({ tabId: 4, state: { status: 'not-a-policy', url: 'https://example.com/' }, updatedAt: '2026-02-01T09:00:02.000Z' });
    });

    const db = openCurrent(name);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);

    const records = await db.analyses.toArray();
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(record.url).not.toContain('#');
      expect('changes' in record).toBe(true);
      expect(record.clauseHashes).toEqual(record.document.clauses.map((clause) => clause.sha256));
      expect(record.clauseHashes.length).toBeGreaterThan(0);
      // the document itself is left as it was exported
      expect(record.document).toEqual([a1, a2, b1].find((doc) => doc.document.analyzedAt === record.analyzedAt));
    }

    const byId = new Map(records.map((record) => [record.id!, record]));
    expect(byId.get(ids.a1!)!.url).toBe(PAGE_A);
    expect(byId.get(ids.a2!)!.url).toBe(PAGE_A);
    expect(byId.get(ids.b1!)!.url).toBe(PAGE_B);
    expect(byId.get(ids.a1!)!.changes).toBeNull(); // first visit of its page
    expect(byId.get(ids.b1!)!.changes).toBeNull(); // a different page: not compared with A

    const changes = byId.get(ids.a2!)!.changes!;
    expect(DocumentChangesSchema.safeParse(changes).success).toBe(true);
    expect(changes.documentChanged).toBe(true);
    expect(changes.previousAnalyzedAt).toBe(a1.document.analyzedAt);
    expect(changes.previousSha256).toBe(a1.document.sha256);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    expect(changes.changed).toHaveLength(1);
    expect(diffAsText(changes.changed[0]!.diff)).toBe(
      'We retain your Inputs and Outputs in our back-end systems for up to [-30-]{+90+} days after you delete them.',
    );

    // tab states are untouched; the new table is there and empty (settings read as defaults)
    expect(await db.tabs.get(3)).toEqual({ tabId: 3, state: { status: 'done', analysisId: ids.a2 }, updatedAt: '2026-02-01T09:00:01.000Z' });
    expect((await db.tabs.get(4))?.state.status).toBe('not-a-policy');
    expect(await db.settings.count()).toBe(0);
    const logged: string[] = [];
    expect(await loadSettings(db, (line) => logged.push(line))).toEqual({ automatic: true, hiddenTopics: [], highContrast: false });
    expect(logged).toEqual([]);

    // the new index answers "the latest visit of this page"
    expect((await db.latestVisitOf(PAGE_A))?.id).toBe(ids.a2);
    expect((await db.latestVisitOf(PAGE_B))?.id).toBe(ids.b1);
    expect(await db.latestVisitOf(`${PAGE_A}#cookies`)).toBeUndefined();

    // ids keep counting after the upgrade
    const next = await db.analyses.add({ ...v1Record(a2, PAGE_A), changes: null });
    expect(next).toBeGreaterThan(Math.max(...Object.values(ids)));
  });

  it('upgrades an empty v1 database', async () => {
    const name = uniqueName();
    await writeV1(name, async () => {});
    const db = openCurrent(name);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(await db.analyses.count()).toBe(0);
    expect(await db.latestVisitOf(PAGE_A)).toBeUndefined();
  });

  it('a damaged old record does not stop the upgrade of the others', async () => {
    const name = uniqueName();
    await writeV1(name, async (v1) => {
      await v1.table('analyses').add(v1Record(a1));
      await v1.table('analyses').add({ url: `${PAGE_A}#x`, sha256: 'f'.repeat(64), analyzedAt: '2026-01-20T00:00:00.000Z', document: {} });
      await v1.table('analyses').add(v1Record(a2));
    });
    const db = openCurrent(name);
    await db.open();
    const records = await db.analyses.orderBy('id').toArray();
    expect(records.map((record) => record.url)).toEqual([PAGE_A, PAGE_A, PAGE_A]);
    expect(records[1]!.changes).toBeNull();
    expect(records[1]!.clauseHashes).toEqual([]);
    expect(records[2]!.changes).toBeNull(); // its visit before was the damaged one: nothing to compare with
    expect(records.every((record) => 'changes' in record)).toBe(true);
  });

  it('is idempotent per record (an interrupted upgrade that runs again gives the same result)', () => {
    const record: StoredAnalysis = { ...v1Record(a2, `${PAGE_A}#section`) };
    const previous = new Map<string, StoredAnalysis>([[PAGE_A, { ...v1Record(a1, PAGE_A) }]]);
    upgradeAnalysisToV2(record, previous);
    const once = structuredClone(record);
    upgradeAnalysisToV2(record, new Map([[PAGE_A, { ...v1Record(a1, PAGE_A) }]]));
    expect(record).toEqual(once);
    expect(previous.get(PAGE_A)).toBe(record);
  });

  it('opening v2 again later changes nothing', async () => {
    const name = uniqueName();
    await writeV1(name, async (v1) => {
      await v1.table('analyses').add(v1Record(a1));
      await v1.table('analyses').add(v1Record(a2));
    });
    const first = openCurrent(name);
    const upgraded = await first.analyses.toArray();
    first.close();
    const again = openCurrent(name);
    expect(await again.analyses.toArray()).toEqual(upgraded);
  });
});

/** Schema v2 exactly as released, written out for the same reason as V1_STORES. */
const V2_STORES = { analyses: '++id, url, sha256, analyzedAt, [url+analyzedAt]', settings: 'key' };

/** A document as export schema 1 had it: no schema version, exceptions without kind, matches without polarity. */
function schema1(document: AnnotatedDocument): unknown {
  const old = structuredClone(document) as unknown as {
    document: Record<string, unknown>;
    clauses: Array<{ labels: string[]; exceptions: Array<Record<string, unknown>>; provision: Record<string, unknown> | null }>;
    summary: { topics: Array<Record<string, unknown>> };
  };
  delete old.document.schemaVersion;
  old.clauses = old.clauses.filter((clause) => !clause.labels.includes('promise'));
  for (const clause of old.clauses) {
    for (const exception of clause.exceptions) delete exception.kind;
    if (clause.provision) delete clause.provision.polarity;
  }
  for (const topic of old.summary.topics) delete topic.promises;
  return old;
}

describe('upgrading a v2 database to v3 (export schema 2)', () => {
  it('keeps every stored analysis readable: kinds from the cue words, polarity, schema version, promises', async () => {
    const name = uniqueName();
    const v2 = new Dexie(name);
    v2.version(1).stores(V1_STORES);
    v2.version(2).stores(V2_STORES);
    await v2.open();
    const old = schema1(a1);
    expect(AnnotatedDocumentSchema.safeParse(old).success).toBe(false);
    await v2.table('analyses').add({ ...v1Record(a1, PAGE_A), document: old, changes: null });
    v2.close();
    const db = openCurrent(name);
    const [record] = await db.analyses.toArray();
    const parsed = AnnotatedDocumentSchema.parse(record!.document);
    expect(parsed.document.schemaVersion).toBe(EXPORT_SCHEMA_VERSION);
    const exceptions = parsed.clauses.flatMap((clause) => clause.exceptions);
    expect(exceptions.length).toBeGreaterThan(0);
    expect(exceptions.map((exception) => exception.kind)).toEqual(exceptions.map((exception) => kindOfOldException(exception.cue)));
  });

  it('reads old cue words as their kinds', () => {
    expect(kindOfOldException('Even if you opt out,')).toBe('continues');
    expect(kindOfOldException('will not affect the lawfulness')).toBe('not-retroactive');
    expect(kindOfOldException('compelling legitimate grounds')).toBe('legal-override');
    expect(kindOfOldException('is specific to the browser')).toBe('condition');
    expect(kindOfOldException('except')).toBe('not-covered');
  });

  it('is idempotent per record', () => {
    const record = { ...v1Record(a1, PAGE_A), document: schema1(a1) } as StoredAnalysis;
    upgradeAnalysisToV3(record);
    const once = structuredClone(record);
    upgradeAnalysisToV3(record);
    expect(record).toEqual(once);
  });
});

/** A document as export schema 2 had it: the summary without quotes, rubric reason or promise list. */
function schema2(document: AnnotatedDocument): unknown {
  const old = structuredClone(document) as unknown as {
    document: Record<string, unknown>;
    clauses: Array<{ exceptions: Array<Record<string, unknown>> }>;
    summary: Record<string, unknown> & { topics: Array<Record<string, unknown>> };
  };
  old.document.schemaVersion = 2;
  for (const clause of old.clauses) for (const exception of clause.exceptions) exception.plain = 'They will use the text cut sho…';
  delete old.summary.severityReason;
  delete old.summary.promises;
  old.summary.severity = 'high';
  for (const topic of old.summary.topics) delete topic.exceptions;
  return old;
}

/** Schema v3 exactly as released. */
const V3_STORES = V2_STORES;

describe('upgrading a v3 database to v4 (export schema 3)', () => {
  it('summarises every stored analysis again from its clauses', async () => {
    const name = uniqueName();
    const v3 = new Dexie(name);
    v3.version(1).stores(V1_STORES);
    v3.version(2).stores(V2_STORES);
    v3.version(3).stores(V3_STORES);
    await v3.open();
    const old = schema2(a1);
    expect(AnnotatedDocumentSchema.safeParse(old).success).toBe(false);
    await v3.table('analyses').add({ ...v1Record(a1, PAGE_A), document: old, changes: null });
    v3.close();
    const db = openCurrent(name);
    const [record] = await db.analyses.toArray();
    const parsed = AnnotatedDocumentSchema.parse(record!.document);
    expect(parsed.document.schemaVersion).toBe(EXPORT_SCHEMA_VERSION);
    expect(parsed.summary).toEqual(summarize(a1.clauses, a1.summary.looksLikePolicy));
    const plains = parsed.clauses.flatMap((clause) => clause.exceptions.map((exception) => exception.plain));
    expect(plains.length).toBeGreaterThan(0);
    expect(plains.some((plain) => plain.endsWith('…'))).toBe(false);
  });

  it('is idempotent per record', () => {
    const record = { ...v1Record(a1, PAGE_A), document: schema2(a1) } as StoredAnalysis;
    upgradeAnalysisToV4(record);
    const once = structuredClone(record);
    upgradeAnalysisToV4(record);
    expect(record).toEqual(once);
  });
});
