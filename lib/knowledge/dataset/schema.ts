import { z } from 'zod';
import { DEFAULT_REGIMES, MECHANISMS, TOPICS } from '../../engine/model/topics';

/**
 * The bundled provision dataset. One schema; `tests/knowledge/dataset.test.ts` validates the whole file against it
 * and against the corpus (every quote verbatim in its source document, every hash recomputed).
 */
import { SeveritySchema } from '../../document/schema';

export { SeveritySchema, type Severity } from '../../document/schema';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lowercase-hyphenated id');

export const RegulationSchema = z.object({
  /** e.g. "GDPR Art. 21" */
  name: z.string().min(3),
  /** e.g. "EU", "UK", "US-CA" */
  jurisdiction: z.string().min(2),
  /** what the rule gives the person, in our own words */
  note: z.string().min(10),
});

/**
 * Where a person can complain: a regulator with its official site. Written once in the dataset's `complaintRoutes`
 * and named by id from each provision type, so one address is kept in one place.
 */
export const ComplaintRouteSchema = z.object({
  id: slug,
  /** "EU" (EU/EEA), "UK", "US", "US-CA", "BR", "CA" (Canada): the codes the regulations use */
  jurisdiction: z.string().min(2),
  /** the regulator, by its own name */
  authority: z.string().min(3),
  /** its official site or complaint page */
  url: z.string().url().regex(/^https:\/\//, 'an https address'),
  /** what to do there, in our own words */
  how: z.string().min(10),
});
export type ComplaintRoute = z.infer<typeof ComplaintRouteSchema>;

export const ActionSchema = z.object({
  id: slug,
  title: z.string().min(5),
  how: z.string().min(10),
});

export const ProvisionTypeSchema = z.object({
  id: slug,
  title: z.string().min(5),
  topic: z.enum(TOPICS),
  /** one or two short sentences a non-lawyer understands */
  explanation: z.string().min(20),
  /** what it means for the person */
  impact: z.string().min(20),
  severity: SeveritySchema,
  /** which line of the rubric decided the severity */
  severityReason: z.string().min(10),
  regulations: z.array(RegulationSchema),
  actions: z.array(ActionSchema).min(1),
  /** ids of the dataset's complaint routes that fit this kind of provision */
  complaints: z.array(slug).min(1),
  /** words and phrases whose presence suggests this type (used by type matching, lower case) */
  cues: z.array(z.string().min(3)).min(3),
});
export type ProvisionType = z.infer<typeof ProvisionTypeSchema>;

export const ClauseShapeSchema = z.object({
  optOut: z.boolean(),
  mechanism: z.enum(MECHANISMS).nullable(),
  default: z.enum(DEFAULT_REGIMES),
  /** each exception to the opt-out, in a few of our own words */
  exceptions: z.array(z.string().min(3)),
});
export type ClauseShape = z.infer<typeof ClauseShapeSchema>;

export const KnownClauseSchema = z.object({
  id: slug,
  platform: z.string().min(2),
  /** file name in the corpus, e.g. "anthropic-privacy-policy.md" */
  document: z.string().regex(/^[a-z0-9-]+\.md$/),
  documentTitle: z.string().min(3),
  /** where the live document is published */
  url: z.string().url().regex(/^https?:\/\//, 'an http(s) address'),
  /** when the text was recorded (the corpus manifest's version_recorded_at, date part) */
  recordedAt: isoDate,
  provisionType: slug,
  /**
   * practice: the company does (or may do) it; promise: the clause says it does not ("does not use … to train"), so
   * it is never shown as a concern; mixed: both, about different things. Audited for every clause; a test keeps it so.
   */
  polarity: z.enum(['practice', 'promise', 'mixed']),
  /** exact quotation of the policy, verbatim from the document */
  text: z.string().min(20),
  /** SHA-256 of the whitespace-normalized text */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  shape: ClauseShapeSchema,
});
export type KnownClause = z.infer<typeof KnownClauseSchema>;

/** A host name in lower case, without a scheme, port or path ("claude.ai", "gemini.google.com"). */
const host = z.string().regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, 'a lower-case host name');

/**
 * A platform the dataset has clauses of, and the hosts its pages live on: a page on one of these hosts (or a
 * subdomain of one) is that platform's, so the popup can say what is known of its policy there.
 */
export const PlatformSchema = z.object({
  /** as the clauses name it */
  name: z.string().min(2),
  hosts: z.array(host).min(1),
});
export type Platform = z.infer<typeof PlatformSchema>;

export const DatasetSchema = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  recordedThrough: isoDate,
  /** the severity rubric, written once and applied to every type */
  rubric: z.object({ high: z.string(), medium: z.string(), low: z.string() }),
  complaintRoutes: z.array(ComplaintRouteSchema).min(1),
  types: z.array(ProvisionTypeSchema).min(1),
  /** every platform named by a clause, with its hosts (a test keeps the two lists in step) */
  platforms: z.array(PlatformSchema).min(1),
  clauses: z.array(KnownClauseSchema),
});
export type Dataset = z.infer<typeof DatasetSchema>;
