import type { AnalyzedClause } from '../engine/model/analysis';
import { EXPORT_SCHEMA_VERSION, type AnnotatedDocument, type ExportedClause } from './schema';
import { normalizedSha256, sha256Hex } from '../engine/text/hash';
import { normalizeWhitespace } from '../engine/text/normalize';
import { textFragmentLink, textQuoteSelector } from './selectors';
import { summarize } from './summarize';

/** Analysed clauses → the export contract (lib/document/schema.ts), without provision matches (lib/knowledge/match/apply.ts). */
export interface BuildInput {
  text: string;
  clauses: AnalyzedClause[];
  url: string;
  title: string;
  looksLikePolicy: boolean;
  toolVersion: string;
  analyzedAt?: Date;
}

export async function buildAnnotatedDocument(input: BuildInput): Promise<AnnotatedDocument> {
  return assembleDocument(input, await buildClauses(input.text, input.clauses, input.url));
}

/** The document around clauses already built (and matched): its header and the summary of those clauses. */
export async function assembleDocument(
  input: Omit<BuildInput, 'clauses'>,
  clauses: ExportedClause[],
  dataset: AnnotatedDocument['document']['dataset'] = null,
): Promise<AnnotatedDocument> {
  return {
    document: {
      schemaVersion: EXPORT_SCHEMA_VERSION,
      url: input.url,
      title: normalizeWhitespace(input.title).slice(0, 500),
      sha256: await normalizedSha256(input.text),
      analyzedAt: (input.analyzedAt ?? new Date()).toISOString(),
      textLength: input.text.length,
      tool: { name: 'Clausemark', version: input.toolVersion },
      dataset,
    },
    clauses,
    summary: summarize(clauses, input.looksLikePolicy),
  };
}

/** The analysed clauses in the export contract's shape, without the document around them (the CLI's --jsonl lines). */
export async function buildClauses(text: string, analyzed: AnalyzedClause[], url: string): Promise<ExportedClause[]> {
  // Hash every clause at once: each digest is an async round trip, and awaiting them one by one leaves the core idle.
  const texts = analyzed.map((clause) => normalizeWhitespace(text.slice(clause.start, clause.end)));
  const hashes = await Promise.all(texts.map((clauseText) => sha256Hex(clauseText)));
  return analyzed.map((clause, i): ExportedClause => {
    const clauseText = texts[i]!;
    const sha256 = hashes[i]!;
    const selector = textQuoteSelector(text, clause.start, clause.end);
    return {
      id: `c${clause.index + 1}-${sha256.slice(0, 8)}`,
      text: clauseText,
      start: clause.start,
      end: clause.end,
      sha256,
      labels: clause.labels,
      topic: clause.topic,
      heading: clause.heading,
      optOut: clause.optOut && {
        mechanism: clause.optOut.mechanism,
        target: clause.optOut.target,
        default: clause.optOut.default,
        cue: clause.optOut.cue,
        start: clause.optOut.start,
        end: clause.optOut.end,
      },
      exceptions: clause.exceptions.map((exception) => ({
        text: normalizeWhitespace(text.slice(exception.start, exception.end)),
        start: exception.start,
        end: exception.end,
        plain: exception.plain,
        cue: exception.cue,
        kind: exception.kind,
        selector: textQuoteSelector(text, exception.start, exception.end),
      })),
      provision: null,
      selector,
      position: { type: 'TextPositionSelector', start: clause.start, end: clause.end },
      link: textFragmentLink(url, selector.exact),
      why: clause.why,
    };
  });
}
