import { analyze, type AnalyzeInput } from './engine/analyze';
import { looksLikePolicyPage } from './engine/classify/policy-page';
import { buildAnnotatedDocument } from './document/build';
import type { AnnotatedDocument } from './document/schema';
import { withProvisions } from './knowledge/match/apply';
import type { ProvisionMatcher } from './knowledge/match/matcher';

/**
 * The one pipeline: extracted text → analysed clauses → the annotated document → provision matches.
 *
 *   engine (analyze) → document (build, summarise) → knowledge (match, re-summarise)
 *
 * The CLI, the evaluation, the benchmark, the tests and the extension's background (on the text the content script
 * read) call annotate(). May import: engine, document, knowledge — never the export formats or the adapters.
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
  /** the provision matcher; without one the document has no provision matches */
  matcher?: ProvisionMatcher | null;
}

export async function annotate(input: AnnotateInput): Promise<AnnotatedDocument> {
  const { extraction, url, title } = input;
  const built = await buildAnnotatedDocument({
    text: extraction.text,
    clauses: analyze(extraction),
    url,
    title,
    looksLikePolicy: input.looksLikePolicy ?? looksLikePolicyPage(url, title, extraction.text, input.heading),
    toolVersion: input.toolVersion,
    analyzedAt: input.analyzedAt,
  });
  // Provision matches for every clause (and for recorded clauses found in the text that no clause holds), and the
  // summary again with their severities.
  return input.matcher ? withProvisions(built, input.matcher, extraction.text) : built;
}
