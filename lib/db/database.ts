import Dexie, { type Table } from 'dexie';
import type { AnnotatedDocument } from '../export/schema';
import type { TabState } from '../messages/tab-state';

/**
 * The extension's database. Every schema version stays listed here with its upgrade function (Dexie needs the
 * history to upgrade an old database); tests open a database written by each older version.
 */
export interface StoredAnalysis {
  id?: number;
  url: string;
  /** SHA-256 of the document's normalized text */
  sha256: string;
  analyzedAt: string;
  /** per-clause hashes, for "changed since your last visit" */
  clauseHashes: string[];
  document: AnnotatedDocument;
}

/** What the background knows of an open tab; a 'done' state points at its stored analysis. */
export interface TabRecord {
  tabId: number;
  state: Exclude<TabState, { status: 'done' }> | { status: 'done'; analysisId: number };
  updatedAt: string;
}

export class ClausemarkDatabase extends Dexie {
  analyses!: Table<StoredAnalysis, number>;
  tabs!: Table<TabRecord, number>;

  constructor(name = 'clausemark') {
    super(name);
    this.version(1).stores({
      analyses: '++id, url, sha256, analyzedAt',
      tabs: 'tabId',
    });
  }
}
