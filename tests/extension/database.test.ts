import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClausemarkDatabase, CURRENT_VERSION, type StoredAnalysis } from '../../lib/extension/db/database';
import { extractFromPlainText } from '../../lib/engine/extract/plain-text';
import { annotate } from '../../lib/pipeline';
import type { AnnotatedDocument } from '../../lib/document/schema';

const TEXT =
  'How we use your data\n\n' +
  'We may use your Inputs and Outputs to train our models, unless you opt out through your account settings. ' +
  'Even if you opt out, we will use Inputs and Outputs for model improvement when your conversations are flagged for safety review.\n\n' +
  'You can unsubscribe from marketing emails at any time using the link in each email.';

let doc: AnnotatedDocument;

beforeAll(async () => {
  const extraction = extractFromPlainText(TEXT);
  doc = await annotate({
    extraction,
    url: 'https://example.com/privacy',
    title: 'Privacy Policy',
    looksLikePolicy: true,
    toolVersion: '0.1.0',
    analyzedAt: new Date('2026-01-02T03:04:05.000Z'),
  });
});

let counter = 0;
const opened: ClausemarkDatabase[] = [];
function uniqueName(): string {
  return `db-test-${process.pid}-${++counter}-${Date.now()}`;
}
function openDb(name = uniqueName()): ClausemarkDatabase {
  const db = new ClausemarkDatabase(name);
  opened.push(db);
  return db;
}

afterEach(async () => {
  const dbs = opened.splice(0);
  for (const db of dbs) db.close();
  const deleted = new Set<string>();
  for (const db of dbs) {
    if (deleted.has(db.name)) continue;
    deleted.add(db.name);
    await db.delete();
  }
});

function analysisOf(document: AnnotatedDocument, overrides: Partial<StoredAnalysis> = {}): StoredAnalysis {
  return {
    url: document.document.url,
    sha256: document.document.sha256,
    analyzedAt: document.document.analyzedAt,
    clauseHashes: document.clauses.map((clause) => clause.sha256),
    document,
    ...overrides,
  };
}

describe('ClausemarkDatabase', () => {
  it('opens with the analyses and tabs tables and their indexes', async () => {
    const db = openDb();
    await db.open();
    expect(db.isOpen()).toBe(true);
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(db.tables.map((table) => table.name).sort()).toEqual(['analyses', 'settings', 'tabs']);
    expect(db.analyses.schema.primKey.auto).toBe(true);
    expect(db.analyses.schema.indexes.map((index) => index.name).sort()).toEqual(['[url+analyzedAt]', 'analyzedAt', 'sha256', 'url']);
    expect(db.tabs.schema.primKey.keyPath).toBe('tabId');
  });

  it('defaults to the name "clausemark"', () => {
    const db = new ClausemarkDatabase();
    expect(db.name).toBe('clausemark');
    db.close();
  });

  it('adds analyses with increasing ids and reads them back whole', async () => {
    const db = openDb();
    expect(doc.clauses.length).toBeGreaterThan(0);
    const first = await db.analyses.add(analysisOf(doc));
    const second = await db.analyses.add(analysisOf(doc, { analyzedAt: '2026-02-01T00:00:00.000Z' }));
    expect(typeof first).toBe('number');
    expect(second).toBeGreaterThan(first);

    const stored = await db.analyses.get(first);
    expect(stored).toEqual({ ...analysisOf(doc), id: first });
    expect(stored!.document.clauses.map((clause) => clause.text)).toEqual(doc.clauses.map((clause) => clause.text));
    expect(stored!.clauseHashes).toHaveLength(doc.clauses.length);
    expect(await db.analyses.get(second + 100)).toBeUndefined();
    expect(await db.analyses.count()).toBe(2);
  });

  it('queries analyses by url and by sha256', async () => {
    const db = openDb();
    const other = { ...doc, document: { ...doc.document, url: 'https://example.org/terms', sha256: 'b'.repeat(64) } };
    const a = await db.analyses.add(analysisOf(doc));
    const b = await db.analyses.add(analysisOf(other));
    const c = await db.analyses.add(analysisOf(doc, { analyzedAt: '2026-03-01T00:00:00.000Z' }));

    const byUrl = await db.analyses.where('url').equals('https://example.com/privacy').toArray();
    expect(byUrl.map((row) => row.id).sort()).toEqual([a, c].sort());
    expect(await db.analyses.where('url').equals('https://example.org/terms').primaryKeys()).toEqual([b]);
    expect(await db.analyses.where('url').equals('https://nowhere.example/').count()).toBe(0);

    const bySha = await db.analyses.where('sha256').equals(doc.document.sha256).toArray();
    expect(bySha.map((row) => row.id).sort()).toEqual([a, c].sort());
    expect(await db.analyses.where('sha256').equals('b'.repeat(64)).primaryKeys()).toEqual([b]);

    const latest = await db.analyses.where('url').equals('https://example.com/privacy').sortBy('analyzedAt');
    expect(latest.at(-1)?.id).toBe(c);
    const newest = await db.analyses.orderBy('analyzedAt').last();
    expect(newest?.id).toBe(c);
  });

  it('puts, replaces, gets and deletes tab records', async () => {
    const db = openDb();
    const now = new Date().toISOString();
    await db.tabs.put({ tabId: 1, state: { status: 'analyzing', done: 1, total: 10 }, updatedAt: now });
    await db.tabs.put({ tabId: 2, state: { status: 'not-a-policy', url: 'https://example.com/' }, updatedAt: now });
    expect(await db.tabs.get(1)).toEqual({ tabId: 1, state: { status: 'analyzing', done: 1, total: 10 }, updatedAt: now });

    await db.tabs.put({ tabId: 1, state: { status: 'done', analysisId: 5 }, updatedAt: now });
    expect((await db.tabs.get(1))?.state).toEqual({ status: 'done', analysisId: 5 });
    expect(await db.tabs.count()).toBe(2);

    await db.tabs.delete(1);
    expect(await db.tabs.get(1)).toBeUndefined();
    expect((await db.tabs.get(2))?.state.status).toBe('not-a-policy');
    await db.tabs.delete(12345); // deleting an unknown tab is fine
    expect(await db.tabs.count()).toBe(1);
  });

  it('keeps records across a close and a reopen under the same name', async () => {
    const name = uniqueName();
    const db = openDb(name);
    const id = await db.analyses.add(analysisOf(doc));
    await db.tabs.put({ tabId: 7, state: { status: 'done', analysisId: id }, updatedAt: '2026-01-02T03:04:05.000Z' });
    db.close();
    expect(db.isOpen()).toBe(false);

    const again = openDb(name);
    await again.open();
    expect(again.verno).toBe(CURRENT_VERSION);
    expect(await again.analyses.count()).toBe(1);
    expect(await again.analyses.get(id)).toEqual({ ...analysisOf(doc), id });
    expect(await again.tabs.get(7)).toEqual({
      tabId: 7,
      state: { status: 'done', analysisId: id },
      updatedAt: '2026-01-02T03:04:05.000Z',
    });
    // ids keep counting after the reopen
    const next = await again.analyses.add(analysisOf(doc));
    expect(next).toBeGreaterThan(id);
  });

  it('keeps databases with different names apart', async () => {
    const one = openDb();
    const two = openDb();
    await one.tabs.put({ tabId: 1, state: { status: 'idle' }, updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(await two.tabs.count()).toBe(0);
    expect(await one.tabs.count()).toBe(1);
  });
});
