import type { AnnotatedDocument } from '../export/schema';
import { summarize } from '../summary/summarize';
import type { ProvisionMatcher } from './matcher';

/** Adds provision matches to every clause and recomputes the summary's severities. */
export function withProvisions(doc: AnnotatedDocument, matcher: ProvisionMatcher): AnnotatedDocument {
  const clauses = doc.clauses.map((clause) => ({
    ...clause,
    provision: matcher.match({ text: clause.text, sha256: clause.sha256, topic: clause.topic }),
  }));
  return {
    document: {
      ...doc.document,
      dataset: { version: matcher.dataset.version, recordedThrough: matcher.dataset.recordedThrough },
    },
    clauses,
    summary: summarize(clauses, doc.summary.looksLikePolicy),
  };
}
