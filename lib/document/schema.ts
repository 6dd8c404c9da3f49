import { z } from 'zod';
import { EXCEPTION_KINDS } from '../engine/model/analysis';
import { DEFAULT_REGIMES, MECHANISMS, TOPICS } from '../engine/model/topics';

/**
 * Version of this contract. 2: exceptions carry their `kind`, promises are clauses labelled "promise", provision
 * matches carry `polarity` and no severity for a promise. 3: the summary words each exception by its kind with its
 * quote (`topics[].exceptions`), says how to stop it concretely, grades the document by the severity rubric
 * (`severityReason`) and lists promises once (`promises`). Stored analyses of older versions are upgraded on read
 * (the summary is derived from the clauses alone, so it is computed again).
 */
export const EXPORT_SCHEMA_VERSION = 3;

/**
 * The export contract: the popup's JSON export and the CLI print exactly this shape.
 * `start`/`end` are offsets into the document's extracted text (see lib/extract). docs/export-schema.md is generated
 * from this file (`npm run docs:schema`).
 */
const offset = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** How much a provision should concern the person, by the dataset's one written rubric (lib/knowledge/dataset). */
export const SeveritySchema = z.enum(['low', 'medium', 'high']);
export type Severity = z.infer<typeof SeveritySchema>;

export const TextQuoteSelectorSchema = z.object({
  type: z.literal('TextQuoteSelector'),
  exact: z.string(),
  prefix: z.string(),
  suffix: z.string(),
});

export const ExceptionSchema = z.object({
  text: z.string().min(1),
  start: offset,
  end: offset,
  plain: z.string().min(1).describe('what still happens after you opt out, in plain words'),
  cue: z.string().describe('the words that made it an exception ("Even if you opt-out", "except", …)'),
  kind: z.enum(EXCEPTION_KINDS).describe('continues: it goes on in some cases despite the opt-out; not-covered: some data, uses or messages are outside the opt-out; condition: what the opt-out requires or where it stops working; not-retroactive: what was done before stays; legal-override: legal obligations or compelling grounds override it'),
  selector: TextQuoteSelectorSchema.optional()
    .describe('the exception as a W3C TextQuoteSelector: the extracted text from start to end as it stands, and its neighbours'),
});
export type ExceptionSpan = z.infer<typeof ExceptionSchema>;

export const OptOutSchema = z.object({
  mechanism: z.enum(MECHANISMS),
  target: z.string().nullable().describe('the concrete place, when the text gives it: a URL, an email address, a settings path'),
  default: z.enum(DEFAULT_REGIMES),
  cue: z.string().describe('the words that made it an opt-out offer'),
  start: offset.describe('the offer\'s own sentence (or list item), what the page highlights as the opt-out'),
  end: offset,
});

/** An address a reader may open: http(s) only, so a stored or imported document cannot smuggle in another scheme. */
const httpUrl = z.string().url().regex(/^https?:\/\//i, 'an http(s) address');

export const ComplaintRouteSchema = z.object({
  jurisdiction: z.string().describe('"EU" (EU/EEA), "UK", "US", "US-CA", "BR", "CA" (Canada), …'),
  authority: z.string().describe('the regulator, by its own name'),
  url: httpUrl.describe('its official site or complaint page'),
  how: z.string().describe('what to do there, in plain words'),
});
export type ComplaintRoute = z.infer<typeof ComplaintRouteSchema>;

export const ProvisionMatchSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: SeveritySchema.nullable().describe('null for a promise: a promise is never a concern'),
  polarity: z.enum(['practice', 'promise', 'mixed'])
    .describe('practice: the company does it; promise: the clause says it does not; mixed: both, about different things'),
  match: z.enum(['exact', 'changed', 'type']).describe('exact: same text as recorded; changed: close to a recorded clause; type: same kind of provision'),
  similarity: z.number().min(0).max(1),
  knownClauseId: z.string().nullable().describe('the known clause this was matched to, for exact and changed matches'),
  platform: z.string().nullable(),
  recordedAt: z.string().nullable(),
  via: z.enum(['hash', 'contains', 'inside', 'part', 'located']).optional()
    .describe('how an exact match was found: same hash; the recorded text inside the clause; the clause inside the recorded text, which is on the page; the clause a verbatim part of the recorded text (the rest not checked); found in the page text where no clause was'),
  diff: z.array(z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })).optional()
    .describe('for changed matches: the word diff from the recorded clause to this one'),
  explanation: z.string().optional().describe('what the provision type means, in plain words'),
  impact: z.string().optional().describe('what it means for the person'),
  regulations: z.array(z.object({
    name: z.string(),
    jurisdiction: z.string(),
    namedByPage: z.boolean().optional().describe('true when the page itself names this law (see lawsNamed)'),
  })).optional(),
  actions: z.array(z.object({ title: z.string(), how: z.string() })).optional().describe('what you can do'),
  complaints: z.array(ComplaintRouteSchema).optional()
    .describe('where to complain, by jurisdiction: the regulator and its official site'),
  others: z.array(z.object({
    platform: z.string(),
    shape: z.string(),
    knownClauseId: z.string(),
    recordedAt: z.string(),
    quote: z.string().optional().describe('the recorded clause, verbatim (a long one cut after a sentence or word, ending in "…")'),
    exceptions: z.array(z.string()).optional().describe('the exceptions to its opt-out, in our own words'),
    link: httpUrl.optional().describe('the platform\'s published document, opened at the clause (text fragment) where one can be built'),
    documentTitle: z.string().optional(),
  })).optional()
    .describe('how other platforms handle this: one recorded clause per platform, its shape in plain words ("opt-out with 2 exceptions"), its words and a link to check them'),
});
export type ProvisionMatch = z.infer<typeof ProvisionMatchSchema>;


export const TextPositionSelectorSchema = z.object({
  type: z.literal('TextPositionSelector'),
  start: offset,
  end: offset,
});

export const LABELS = ['opt-out', 'exception', 'opt-in', 'no-opt-out', 'data-use', 'promise'] as const;

export const ClauseSchema = z.object({
  id: z.string().min(1).describe('stable within one export: clause number and hash prefix'),
  text: z.string().min(1).describe('the clause, whitespace-normalized'),
  start: offset.describe('offset of the clause in the extracted text'),
  end: offset.describe('end offset (exclusive)'),
  sha256: sha256.describe('SHA-256 of the whitespace-normalized clause text'),
  labels: z.array(z.enum(LABELS)).describe('"opt-out" for an opt-out offer; "exception" when it carries carve-outs; "promise" for a statement that the company does not do something; "opt-in"; "no-opt-out"; "data-use"'),
  topic: z.enum(TOPICS),
  heading: z.string().nullable().describe('the nearest heading above the clause on the page'),
  optOut: OptOutSchema.nullable(),
  exceptions: z.array(ExceptionSchema),
  provision: ProvisionMatchSchema.nullable(),
  selector: TextQuoteSelectorSchema.describe('exact is the extracted text from start to end as it stands (white space not folded); prefix and suffix its neighbours, up to 32 characters each'),
  position: TextPositionSelectorSchema,
  link: z.string().describe('text-fragment URL (#:~:text=) that opens the page at the clause'),
  why: z.array(z.string()).describe('why it is highlighted, one line per cue'),
});
export type ExportedClause = z.infer<typeof ClauseSchema>;

const QuotedLineSchema = z.object({
  plain: z.string().min(1).describe('one short sentence in plain words, generated from the analysis'),
  quote: z.string().min(1).describe('the page\'s own words it was generated from'),
  clauseId: z.string().describe('the clause the quote is in'),
});

export const SummaryExceptionSchema = QuotedLineSchema.extend({
  kind: z.enum(EXCEPTION_KINDS),
});

export const SummaryPromiseSchema = QuotedLineSchema.extend({
  topic: z.enum(TOPICS),
});

export const TopicSummarySchema = z.object({
  topic: z.enum(TOPICS),
  headline: z.string().describe('plain words: "Training AI models on your content: happens unless you opt out."'),
  default: z.enum(DEFAULT_REGIMES),
  canOptOut: z.boolean(),
  how: z.array(z.string()).describe('how to opt out: concrete lines quoted from the page (settings path, link, email or postal address, deadline), else the mechanism in general words'),
  stillAfterOptOut: z.array(z.string()).describe('what still happens after you opt out: one sentence per exception, worded by its kind, each once (the `plain` of `exceptions`)'),
  exceptions: z.array(SummaryExceptionSchema).describe('the exceptions behind `stillAfterOptOut`, each with its kind and quote'),
  promises: z.array(z.string()).describe('what the page promises the company does not do on this topic, in a few plain words (see the summary\'s `promises` for the quotes)'),
  severity: SeveritySchema.nullable().describe('the topic\'s concern by the severity rubric (docs/severity.md); null when no clause matched a provision closely enough'),
  clauseIds: z.array(z.string()),
});

export const SummarySchema = z.object({
  looksLikePolicy: z.boolean(),
  clauseCount: z.number().int().nonnegative(),
  optOutCount: z.number().int().nonnegative(),
  exceptionCount: z.number().int().nonnegative(),
  severity: SeveritySchema.nullable().describe('the overall grade by the severity rubric (docs/severity.md)'),
  severityReason: z.string().describe('which line of the rubric decided the overall grade'),
  promises: z.array(SummaryPromiseSchema).describe('the page\'s promises, each once, in plain words with the quote'),
  topics: z.array(TopicSummarySchema),
});
export type Summary = z.infer<typeof SummarySchema>;

export const DocumentInfoSchema = z.object({
  schemaVersion: z.literal(EXPORT_SCHEMA_VERSION).describe('version of this export format'),
  url: z.string().describe('the page address (or file URL for the CLI)'),
  title: z.string().describe('the page title'),
  /** SHA-256 of the whitespace-normalized extracted text */
  sha256,
  analyzedAt: z.string().datetime().describe('when the analysis ran (ISO 8601)'),
  textLength: offset.describe('length of the extracted text'),
  tool: z.object({ name: z.literal('Clausemark'), version: z.string() }),
  dataset: z.object({ version: z.string(), recordedThrough: z.string() }).nullable(),
});

export const LawNamedSchema = z.object({
  id: z.string().describe('stable id of the law: "gdpr", "uk-gdpr", "ccpa-cpra", "lgpd", …'),
  name: z.string().describe('its short name: "LGPD"'),
  title: z.string().describe('its full name: "Lei Geral de Proteção de Dados (Brazil\'s General Data Protection Law)"'),
  jurisdiction: z.string().describe('where it applies: "EU", "UK", "US-CA", "BR", …'),
  quote: z.string().describe('the page\'s words at its first mention'),
  start: offset.describe('offset of the first mention in the extracted text'),
  end: offset,
  mentions: z.number().int().min(1).describe('how many times the page names it'),
});
export type LawNamed = z.infer<typeof LawNamedSchema>;

export const AnnotatedDocumentSchema = z.object({
  document: DocumentInfoSchema,
  clauses: z.array(ClauseSchema),
  summary: SummarySchema,
  lawsNamed: z.array(LawNamedSchema).optional()
    .describe('the laws and regulations the page itself names, in order of first mention (absent in older analyses)'),
});
export type AnnotatedDocument = z.infer<typeof AnnotatedDocumentSchema>;
