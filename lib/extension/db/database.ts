import Dexie, { type Table, type Transaction } from 'dexie';
import { EXPORT_SCHEMA_VERSION, type AnnotatedDocument } from '../../document/schema';
import type { ExceptionKind } from '../../engine/model/analysis';
import type { TabState } from '../messages/tab-state';
import type { DocumentChanges } from '../../document/history/schema';
import { compareAnalyses } from '../../document/history/compare';
import { pageAddress } from '../../document/history/entry';
import { summarize } from '../../document/summarize';
import { exceptionSentence } from '../../document/exception-words';

/**
 * The extension's database. Every schema version stays listed in SCHEMA_VERSIONS with its upgrade function (Dexie
 * needs the history to upgrade an old database); tests open a database written by each older version.
 */
export interface StoredAnalysis {
  id?: number;
  /** the page's address without its fragment (since v2; v1 kept the fragment), so visits of one page line up */
  url: string;
  /** SHA-256 of the document's normalized text */
  sha256: string;
  analyzedAt: string;
  /** per-clause hashes, for "changed since your last visit" */
  clauseHashes: string[];
  document: AnnotatedDocument;
  /**
   * Since v2: what changed since the visit before of the same page; null on a page's first visit. Written with every
   * new analysis and backfilled for v1 records by the upgrade.
   */
  changes?: DocumentChanges | null;
}

/** What the background knows of an open tab; a 'done' state points at its stored analysis. */
export interface TabRecord {
  tabId: number;
  state: Exclude<TabState, { status: 'done' }> | { status: 'done'; analysisId: number };
  updatedAt: string;
}

/** Key-value rows; `value` is parsed with its own schema on every read (lib/extension/settings/store.ts). */
export interface SettingRecord {
  key: string;
  value: unknown;
  savedAt: string;
}

export interface SchemaVersion {
  version: number;
  /** only the tables this version adds or changes; null deletes a table */
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<unknown>;
}

/**
 * v1 → v2, one record: the URL loses its fragment, clause hashes are filled in if missing, and the change report
 * against the page's previous record is computed. `previousOfPage` holds the last record seen per page (the upgrade
 * walks records in id order, which is the order they were added).
 */
export function upgradeAnalysisToV2(record: StoredAnalysis, previousOfPage: Map<string, StoredAnalysis>): void {
  record.url = pageAddress(record.url);
  const clauses = record.document?.clauses ?? [];
  if (!Array.isArray(record.clauseHashes) || record.clauseHashes.length !== clauses.length) {
    record.clauseHashes = clauses.map((clause) => clause.sha256);
  }
  const previous = previousOfPage.get(record.url);
  try {
    record.changes = previous ? compareAnalyses(previous.document, record.document) : null;
  } catch {
    record.changes = null; // a damaged old record must not block the upgrade of the others
  }
  previousOfPage.set(record.url, record);
}

/** An exception stored before kinds existed gets the kind its cue words signal (the rule engine's own reading). */
export function kindOfOldException(cue: string): ExceptionKind {
  if (/lawful|before|prior|retroactiv|already/i.test(cue)) return 'not-retroactive';
  if (/compelling|legal|law|required|oblig|grounds|honou?r|fulfil/i.test(cue)) return 'legal-override';
  if (/browser|device|time|need to|clear|delete|specific|again|only (?:for|on|in|to)/i.test(cue)) return 'condition';
  if (/except|other than|not apply|not affect|not cover|cannot|can['’]t|only appl|exclud|apart/i.test(cue)) return 'not-covered';
  return 'continues';
}

/**
 * v2 → v3, one record: the stored document is brought to export schema 2 — exceptions get a kind, provision matches
 * a polarity (everything recorded before was read as a practice), topics an empty list of promises.
 */
export function upgradeAnalysisToV3(record: StoredAnalysis): void {
  const doc = record.document as unknown as {
    document?: Record<string, unknown>;
    clauses?: Array<{ exceptions?: Array<{ cue?: string; kind?: string }>; provision?: { polarity?: string } | null }>;
    summary?: { topics?: Array<{ promises?: string[] }> };
  } | undefined;
  if (doc === undefined || doc === null) return;
  if (doc.document) doc.document.schemaVersion = EXPORT_SCHEMA_VERSION;
  for (const clause of doc.clauses ?? []) {
    for (const exception of clause.exceptions ?? []) exception.kind ??= kindOfOldException(exception.cue ?? '');
    if (clause.provision) clause.provision.polarity ??= 'practice';
  }
  for (const topic of doc.summary?.topics ?? []) topic.promises ??= [];
}

/**
 * v3 → v4, one record: the stored document is brought to export schema 3. The summary is derived from the clauses
 * alone, so it is computed again (exceptions worded by kind with their quotes, how to stop it, the severity rubric,
 * promises once), and each exception's plain sentence is worded again the same way.
 */
export function upgradeAnalysisToV4(record: StoredAnalysis): void {
  const doc = record.document as AnnotatedDocument | undefined;
  if (doc === undefined || doc === null || !Array.isArray(doc.clauses)) return;
  if (doc.document) doc.document.schemaVersion = EXPORT_SCHEMA_VERSION;
  for (const clause of doc.clauses) {
    for (const exception of clause.exceptions ?? []) exception.plain = exceptionSentence(exception);
  }
  doc.summary = summarize(doc.clauses, doc.summary?.looksLikePolicy ?? true);
}

/**
 * Every version, oldest first. Never edit a released entry: add the next version at the end with the tables it
 * changes and an upgrade function (a pure per-record function like upgradeAnalysisToV2, tested on a database written
 * by the version before — see tests/db/migration.test.ts).
 */
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      analyses: '++id, url, sha256, analyzedAt',
      tabs: 'tabId',
    },
  },
  {
    version: 2,
    stores: {
      // [url+analyzedAt]: "the latest visit of this page" is one index lookup
      analyses: '++id, url, sha256, analyzedAt, [url+analyzedAt]',
      settings: 'key',
    },
    upgrade: (tx) => {
      const previousOfPage = new Map<string, StoredAnalysis>();
      return tx
        .table<StoredAnalysis, number>('analyses')
        .toCollection()
        .modify((record) => upgradeAnalysisToV2(record, previousOfPage));
    },
  },
  {
    version: 3,
    // No new tables or indexes: the stored documents move to export schema 2.
    stores: {},
    upgrade: (tx) => tx.table<StoredAnalysis, number>('analyses').toCollection().modify((record) => upgradeAnalysisToV3(record)),
  },
  {
    version: 4,
    // No new tables or indexes: the stored documents move to export schema 3 (the summary computed again).
    stores: {},
    upgrade: (tx) => tx.table<StoredAnalysis, number>('analyses').toCollection().modify((record) => upgradeAnalysisToV4(record)),
  },
];

export const CURRENT_VERSION = SCHEMA_VERSIONS.at(-1)!.version;

export class ClausemarkDatabase extends Dexie {
  analyses!: Table<StoredAnalysis, number>;
  tabs!: Table<TabRecord, number>;
  settings!: Table<SettingRecord, string>;

  constructor(name = 'clausemark') {
    super(name);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
  }

  /** The most recent stored analysis of a page (by its fragment-free address), if any. */
  latestVisitOf(url: string): Promise<StoredAnalysis | undefined> {
    return this.analyses
      .where('[url+analyzedAt]')
      .between([url, Dexie.minKey], [url, Dexie.maxKey])
      .last();
  }

  /** "Delete all stored data": analyses (the history), tab states and settings, in one transaction. */
  async deleteAll(): Promise<void> {
    await this.transaction('rw', this.analyses, this.tabs, this.settings, async () => {
      await Promise.all([this.analyses.clear(), this.tabs.clear(), this.settings.clear()]);
    });
  }
}
