import type { AnnotatedDocument, ExportedClause } from '../../document/schema';
import { textFragmentLink, textQuoteSelector } from '../../document/selectors';
import { summarize } from '../../document/summarize';
import type { ProvisionMatcher } from './matcher';
import type { KnownClause } from '../dataset/schema';
import { locateKnownClauses } from './locate';
import { negatesAPractice } from '../../engine/learned/features';

/**
 * Adds provision matches to every clause and recomputes the summary's severities.
 *
 * With the page text (`pageText`, the text the clauses' offsets index), matching can do two more things: check that
 * a clause which is only part of a recorded passage sits inside the whole passage (an exact match, not a guess),
 * and find recorded clauses the analysis did not pick out — a recorded liability cap or licence carries no opt-out
 * and so is no analysed clause. Each of those becomes a clause of its own, with no labels, matched exactly.
 * Without the text (the background receives clauses only) a part of a recorded passage is reported as such.
 */
export function withProvisions(doc: AnnotatedDocument, matcher: ProvisionMatcher, pageText?: string): AnnotatedDocument {
  let clauses: ExportedClause[] = doc.clauses.map((clause) => ({
    ...clause,
    provision: matcher.match({
      text: clause.text,
      sha256: clause.sha256,
      topic: clause.topic,
      heading: clause.heading,
      mechanism: clause.optOut?.mechanism ?? null,
      // Polarity first: "we do not sell …" is a promise even where the analysis did not label it one.
      promise: clause.labels.includes('promise') || (clause.optOut === null && negatesAPractice(clause.text)),
      page: pageText === undefined ? undefined : { text: pageText, start: clause.start, end: clause.end },
    }),
  }));
  if (pageText !== undefined) clauses = withLocatedClauses(clauses, pageText, doc.document.url, matcher);
  return {
    document: {
      ...doc.document,
      dataset: { version: matcher.dataset.version, recordedThrough: matcher.dataset.recordedThrough },
    },
    clauses,
    summary: summarize(clauses, doc.summary.looksLikePolicy),
  };
}

/** The clauses plus one clause per recorded clause found in the text that no clause already matches exactly. */
function withLocatedClauses(clauses: ExportedClause[], pageText: string, url: string, matcher: ProvisionMatcher): ExportedClause[] {
  const matched = new Set(
    clauses.filter((clause) => clause.provision?.match === 'exact').map((clause) => clause.provision!.knownClauseId),
  );
  const added: ExportedClause[] = [];
  const unmatched: KnownClause[] = [];
  for (const entry of matcher.known) if (!matched.has(entry.clause.id)) unmatched.push(entry.clause);
  for (const found of locateKnownClauses(pageText, unmatched)) {
    const provision = matcher.exactMatch(found.known, 'located');
    const type = matcher.type(found.known.provisionType);
    if (provision === null || type === undefined) continue;
    const selector = textQuoteSelector(pageText, found.start, found.end);
    added.push({
      id: `k${added.length + 1}-${found.known.sha256.slice(0, 8)}`,
      text: selector.exact,
      start: found.start,
      end: found.end,
      sha256: found.known.sha256,
      labels: [],
      topic: type.topic,
      heading: null,
      optOut: null,
      exceptions: [],
      provision,
      selector,
      position: { type: 'TextPositionSelector', start: found.start, end: found.end },
      link: textFragmentLink(url, selector.exact),
      why: [`Recorded provision: “${type.title}”, same text as recorded on ${found.known.recordedAt} for ${found.known.platform}`],
    });
  }
  if (added.length === 0) return clauses;
  return [...clauses, ...added].sort((a, b) => a.start - b.start || a.end - b.end);
}
