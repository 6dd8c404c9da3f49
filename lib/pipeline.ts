import { analyze, type AnalyzeInput } from './engine/analyze';
import { looksLikePolicyPage } from './engine/classify/policy-page';
import { assembleDocument, buildClauses } from './document/build';
import type { AnnotatedDocument, ExportedClause } from './document/schema';
import { matchClauses } from './knowledge/match/apply';
import { lawsNamedIn } from './knowledge/laws';
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
  const { extraction, url, matcher } = input;
  const header = {
    text: extraction.text,
    url,
    title: input.title,
    looksLikePolicy: input.looksLikePolicy ?? looksLikePolicyPage(url, input.title, extraction.text, input.heading),
    toolVersion: input.toolVersion,
    analyzedAt: input.analyzedAt,
  };
  const clauses = await buildClauses(extraction.text, analyze(extraction), url);
  if (!matcher) return assembleDocument(header, clauses);
  // Provision matches for every clause (and for recorded clauses found in the text that no clause holds); the summary
  // is made once, from the matched clauses, with their severities.
  const lawsNamed = lawsNamedIn(extraction.text);
  const matched = matchClauses(clauses, matcher, { url, pageText: extraction.text, lawsNamed });
  const dataset = { version: matcher.dataset.version, recordedThrough: matcher.dataset.recordedThrough };
  return { ...await assembleDocument(header, matched, dataset), lawsNamed };
}

/**
 * The clauses alone, as annotate() gives them, without the document around them: no summary, no document hash, no
 * policy-page guess (the CLI's --jsonl lines hold clauses only, and at corpus scale that work is a third of the time).
 */
export async function annotateClauses(input: Pick<AnnotateInput, 'extraction' | 'url' | 'matcher'>): Promise<ExportedClause[]> {
  const { extraction, url } = input;
  const clauses = await buildClauses(extraction.text, analyze(extraction), url);
  return input.matcher ? matchClauses(clauses, input.matcher, { url, pageText: extraction.text }) : clauses;
}
