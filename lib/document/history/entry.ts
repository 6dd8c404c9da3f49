import type { AnnotatedDocument } from '../schema';
import type { DocumentChanges, HistoryEntry } from './schema';

/**
 * The page a visit belongs to: its address without the fragment, so /privacy and /privacy#cookies are one page's
 * visits (they are one document). Anything that is not a parseable URL is kept as it is.
 */
export function pageAddress(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return url;
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** What the history list shows of a stored analysis. */
export function toHistoryEntry(record: {
  id: number;
  url: string;
  sha256: string;
  analyzedAt: string;
  document: AnnotatedDocument;
  changes?: DocumentChanges | null;
}): HistoryEntry {
  const { summary, document } = record.document;
  return {
    id: record.id,
    url: record.url,
    host: hostOf(record.url),
    title: document.title.trim() || record.url,
    analyzedAt: record.analyzedAt,
    sha256: record.sha256,
    clauseCount: summary.clauseCount,
    optOutCount: summary.optOutCount,
    exceptionCount: summary.exceptionCount,
    changedSincePrevious: record.changes ? record.changes.documentChanged : null,
  };
}
