import { z } from 'zod';
import { DEFAULT_REGIMES, MECHANISMS, TOPICS } from '../model/topics';
import { SeveritySchema } from '../dataset/schema';

/**
 * The export contract: the popup's JSON export and the CLI print exactly this shape.
 * `start`/`end` are offsets into the document's extracted text (see lib/extract). docs/export-schema.md is generated
 * from this file (`npm run docs:schema`).
 */
const offset = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ExceptionSchema = z.object({
  text: z.string().min(1),
  start: offset,
  end: offset,
  /** what still happens after you opt out, in plain words */
  plain: z.string().min(1),
  /** the words that made it an exception ("Even if you opt-out", "except", …) */
  cue: z.string(),
});
export type ExceptionSpan = z.infer<typeof ExceptionSchema>;

export const OptOutSchema = z.object({
  mechanism: z.enum(MECHANISMS),
  /** the concrete place, when the text gives it: a URL, an email address, a settings path */
  target: z.string().nullable(),
  default: z.enum(DEFAULT_REGIMES),
  /** the words that made it an opt-out offer */
  cue: z.string(),
  /** the offer's own sentence (or list item), what the page highlights as the opt-out */
  start: offset,
  end: offset,
});

export const ProvisionMatchSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  /** exact: same text as recorded; changed: close to a recorded clause; type: same kind of provision */
  match: z.enum(['exact', 'changed', 'type']),
  similarity: z.number().min(0).max(1),
  /** the known clause this was matched to, for exact and changed matches */
  knownClauseId: z.string().nullable(),
  platform: z.string().nullable(),
  recordedAt: z.string().nullable(),
});
export type ProvisionMatch = z.infer<typeof ProvisionMatchSchema>;

export const TextQuoteSelectorSchema = z.object({
  type: z.literal('TextQuoteSelector'),
  exact: z.string(),
  prefix: z.string(),
  suffix: z.string(),
});

export const TextPositionSelectorSchema = z.object({
  type: z.literal('TextPositionSelector'),
  start: offset,
  end: offset,
});

export const LABELS = ['opt-out', 'exception', 'opt-in', 'no-opt-out', 'data-use'] as const;

export const ClauseSchema = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  start: offset,
  end: offset,
  sha256,
  /** "opt-out" for an opt-out offer; "exception" when it carries carve-outs; "opt-in"; "no-opt-out"; "data-use" */
  labels: z.array(z.enum(LABELS)),
  topic: z.enum(TOPICS),
  /** the nearest heading above the clause on the page */
  heading: z.string().nullable(),
  optOut: OptOutSchema.nullable(),
  exceptions: z.array(ExceptionSchema),
  provision: ProvisionMatchSchema.nullable(),
  selector: TextQuoteSelectorSchema,
  position: TextPositionSelectorSchema,
  /** text-fragment URL (#:~:text=) that opens the page at the clause */
  link: z.string(),
  /** why it is highlighted, one line per cue */
  why: z.array(z.string()),
});
export type ExportedClause = z.infer<typeof ClauseSchema>;

export const TopicSummarySchema = z.object({
  topic: z.enum(TOPICS),
  /** plain words: "Used for training AI models on your content unless you opt out" */
  headline: z.string(),
  default: z.enum(DEFAULT_REGIMES),
  canOptOut: z.boolean(),
  /** how to opt out, in plain words, with the target when known */
  how: z.array(z.string()),
  /** what still happens after you opt out, one line per exception */
  stillAfterOptOut: z.array(z.string()),
  severity: SeveritySchema.nullable(),
  clauseIds: z.array(z.string()),
});

export const SummarySchema = z.object({
  looksLikePolicy: z.boolean(),
  clauseCount: z.number().int().nonnegative(),
  optOutCount: z.number().int().nonnegative(),
  exceptionCount: z.number().int().nonnegative(),
  severity: SeveritySchema.nullable(),
  topics: z.array(TopicSummarySchema),
});
export type Summary = z.infer<typeof SummarySchema>;

export const DocumentInfoSchema = z.object({
  url: z.string(),
  title: z.string(),
  /** SHA-256 of the whitespace-normalized extracted text */
  sha256,
  analyzedAt: z.string().datetime(),
  textLength: offset,
  tool: z.object({ name: z.literal('Clausemark'), version: z.string() }),
  dataset: z.object({ version: z.string(), recordedThrough: z.string() }).nullable(),
});

export const AnnotatedDocumentSchema = z.object({
  document: DocumentInfoSchema,
  clauses: z.array(ClauseSchema),
  summary: SummarySchema,
});
export type AnnotatedDocument = z.infer<typeof AnnotatedDocumentSchema>;
