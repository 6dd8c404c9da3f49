import type { ExportedClause } from '../../document/schema';
import { createExpiringStore } from './expiring-store';

/**
 * A huge analysis goes back to the page in parts, as the page came in parts (./uploads.ts): the browser reads a
 * message on the page's main thread in one task, and a 28 MB reply (21,649 highlights of a 5 MB page) took 600 ms
 * there. Past REPLY_WHOLE_BYTES the reply carries the document without its clauses and names a download; the content
 * script asks for its parts one by one (`analysis-reply-part`), each at most REPLY_PART_BYTES of JSON unless one
 * clause alone is longer.
 * Parts are kept per sender frame and download id until the last one is taken; at most MAX_DOWNLOADS at once (the
 * oldest goes), and one not finished within DOWNLOAD_TTL_MS is dropped. Up to REPLY_WHOLE_BYTES the reply is whole
 * (the browser reads about 50 MB/s: some 20 ms).
 */
export const REPLY_WHOLE_BYTES = 1024 * 1024;
export const REPLY_PART_BYTES = 256 * 1024;
export const MAX_DOWNLOADS = 8;
export const DOWNLOAD_TTL_MS = 60_000;

/**
 * The clauses in order: one part when their JSON is at most `whole` characters, else parts of at most `budget` (a
 * longer clause is a part of its own).
 */
export function clauseParts(clauses: readonly ExportedClause[], budget = REPLY_PART_BYTES, whole = REPLY_WHOLE_BYTES): ExportedClause[][] {
  const parts: ExportedClause[][] = [];
  let part: ExportedClause[] = [];
  let size = 0;
  let total = 0;
  for (const clause of clauses) {
    const length = JSON.stringify(clause).length;
    total += length;
    if (part.length > 0 && size + length > budget) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(clause);
    size += length;
  }
  if (part.length > 0) parts.push(part);
  return total <= whole && clauses.length > 0 ? [[...clauses]] : parts;
}

interface Download {
  parts: ExportedClause[][];
  taken: number;
}

export interface ReplyDownloads {
  /** Keeps the parts of one reply under `key`, replacing an unfinished download under the same key. */
  put(key: string, parts: ExportedClause[][]): void;
  /** Part `index`; the download is dropped once every part was taken. */
  take(key: string, index: number): ExportedClause[] | { error: string };
  /** downloads held now */
  readonly size: number;
}

export function createReplyDownloads(now: () => number = () => Date.now()): ReplyDownloads {
  const downloads = createExpiringStore<Download>(MAX_DOWNLOADS, DOWNLOAD_TTL_MS, now);
  return {
    put(key, parts) {
      downloads.start(key, { parts, taken: 0 });
    },
    take(key, index) {
      const download = downloads.get(key);
      if (download === undefined) return { error: 'the analysis to send is gone (the background was restarted, or it waited too long)' };
      const part = download.parts[index];
      if (part === undefined) return { error: `there is no part ${index} of ${download.parts.length}` };
      if (++download.taken >= download.parts.length) downloads.delete(key);
      return part;
    },
    get size() {
      return downloads.size;
    },
  };
}
