import { analyze, type AnalyzeInput } from './engine/analyze';
import { looksLikePolicyPage } from './engine/classify/policy-page';
import type { AnalyzedClause } from './engine/model/analysis';
import { buildAnnotatedDocument } from './document/build';
import type { AnnotatedDocument } from './document/schema';
import { withProvisions } from './knowledge/match/apply';
import type { ProvisionMatcher } from './knowledge/match/matcher';

/**
 * The one pipeline: extracted text → analysed clauses → the annotated document → provision matches.
 *
 *   engine (analyze) → document (build, summarise) → knowledge (match, re-summarise)
 *
 * The CLI, the evaluation, the benchmark and the tests call annotate(); the extension runs the same stages split
 * across its two sides: the content script analyses (in time slices, lib/engine/slices.ts) and builds, the background
 * completes the document (completeDocument) before it compares and stores it. May import: engine, document,
 * knowledge — never the export formats or the adapters.
 */
export interface AnnotateInput {
  /** the extracted text, its blocks and links (lib/engine/extract) */
  extraction: AnalyzeInput;
  url: string;
  title: string;
  toolVersion: string;
  /** whether the page reads like a policy; decided from address, title and text when absent */
  looksLikePolicy?: boolean;
  /** the main heading, one more hint for looksLikePolicy */
  heading?: string;
  analyzedAt?: Date;
  /** clauses already analysed (the content script's sliced run); analysed here when absent */
  clauses?: AnalyzedClause[];
  /** the provision matcher; without one the document has no provision matches */
  matcher?: ProvisionMatcher | null;
}

export async function annotate(input: AnnotateInput): Promise<AnnotatedDocument> {
  const built = await buildDocument(input);
  return input.matcher ? completeDocument(built, input.matcher, input.extraction.text) : built;
}

/** The stages the content script runs: analyse (unless done already) and build, without matching. */
export function buildDocument(input: AnnotateInput): Promise<AnnotatedDocument> {
  const { extraction, url, title } = input;
  return buildAnnotatedDocument({
    text: extraction.text,
    clauses: input.clauses ?? analyze(extraction),
    url,
    title,
    looksLikePolicy: input.looksLikePolicy ?? looksLikePolicyPage(url, title, extraction.text, input.heading),
    toolVersion: input.toolVersion,
    analyzedAt: input.analyzedAt,
  });
}

/**
 * The stage the background runs: provision matches for every clause (and for recorded clauses found in `pageText`
 * that no clause holds), the summary again with their severities.
 */
export function completeDocument(document: AnnotatedDocument, matcher: ProvisionMatcher, pageText?: string): AnnotatedDocument {
  return withProvisions(document, matcher, pageText);
}
