import { z } from 'zod';
import { AnnotatedDocumentSchema, LABELS } from '../schema';
import { TOPICS } from '../../engine/model/topics';

/**
 * What "changed since your last visit" and the history list look like on the wire (background → popup). The popup
 * parses every reply with these before rendering; the types are inferred from them.
 */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** A clause as the change report shows it: enough to name it, not the whole export record. */
export const ClauseBriefSchema = z.object({
  id: z.string(),
  text: z.string(),
  sha256,
  topic: z.enum(TOPICS),
  labels: z.array(z.enum(LABELS)),
});
export type ClauseBrief = z.infer<typeof ClauseBriefSchema>;

/** One run of a word-level diff: kept, inserted in the new text, or deleted from the old one. */
export const DiffPartSchema = z.object({
  kind: z.enum(['same', 'inserted', 'deleted']),
  text: z.string(),
});
export type DiffPart = z.infer<typeof DiffPartSchema>;

export const ChangedClauseSchema = z.object({
  before: ClauseBriefSchema,
  after: ClauseBriefSchema,
  /** Jaccard similarity of the two clauses' word sets */
  similarity: z.number().min(0).max(1),
  diff: z.array(DiffPartSchema),
});
export type ChangedClause = z.infer<typeof ChangedClauseSchema>;

export const DocumentChangesSchema = z.object({
  /** when the visit compared against was analysed (ISO 8601) */
  previousAnalyzedAt: z.string(),
  previousSha256: sha256,
  /** the document hashes differ: the badge and the popup say "changed since your last visit" */
  documentChanged: z.boolean(),
  /** clauses present, with the same hash, in both visits */
  unchangedCount: z.number().int().nonnegative(),
  added: z.array(ClauseBriefSchema),
  removed: z.array(ClauseBriefSchema),
  changed: z.array(ChangedClauseSchema),
});
export type DocumentChanges = z.infer<typeof DocumentChangesSchema>;

/** One row of the history list. */
export const HistoryEntrySchema = z.object({
  id: z.number().int().positive(),
  url: z.string(),
  host: z.string(),
  title: z.string(),
  analyzedAt: z.string(),
  sha256,
  clauseCount: z.number().int().nonnegative(),
  optOutCount: z.number().int().nonnegative(),
  exceptionCount: z.number().int().nonnegative(),
  /** null on the first visit of a page; otherwise whether the text differed from the visit before */
  changedSincePrevious: z.boolean().nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
