import type { AnnotatedDocument, ExportedClause, LawNamed, ProvisionMatch } from '../../document/schema';
import { knownPlatformFor } from '../platforms';
import { textFragmentLink, textQuoteSelector } from '../../document/selectors';
import { normalizeWhitespace } from '../../engine/text/normalize';
import { summarize } from '../../document/summarize';
import type { ProvisionMatcher } from './matcher';
import { negatesAPractice } from '../../engine/learned/features';
import { lawIdsOf, lawsNamedIn } from '../laws';

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
  // The laws the page names: from its text when at hand, else as an earlier pass found them.
  const lawsNamed = pageText !== undefined ? lawsNamedIn(pageText) : doc.lawsNamed;
  const clauses = matchClauses(doc.clauses, matcher, { url: doc.document.url, pageText, lawsNamed });
  return {
    document: {
      ...doc.document,
      dataset: { version: matcher.dataset.version, recordedThrough: matcher.dataset.recordedThrough },
    },
    clauses,
    summary: summarize(clauses, doc.summary.looksLikePolicy),
    ...(lawsNamed !== undefined ? { lawsNamed } : {}),
  };
}

/**
 * The clauses with their provision matches, without the document around them (the CLI's --jsonl lines): the laws the
 * page names (`lawsNamed`) mark the rules that are theirs; absent, they are read from `pageText` when a match lists
 * any rule at all.
 */
export function matchClauses(
  analysed: readonly ExportedClause[],
  matcher: ProvisionMatcher,
  page: { url: string; pageText?: string; lawsNamed?: readonly LawNamed[] },
): ExportedClause[] {
  const { url, pageText } = page;
  const own = platformsAt(url, matcher.dataset);
  let clauses: ExportedClause[] = analysed.map((clause) => ({
    ...clause,
    provision: withoutOwnPlatforms(own, matcher.match({
      text: clause.text,
      sha256: clause.sha256,
      topic: clause.topic,
      heading: clause.heading,
      mechanism: clause.optOut?.mechanism ?? null,
      // Polarity first: "we do not sell …" is a promise even where the analysis did not label it one.
      promise: clause.labels.includes('promise') || (clause.optOut === null && negatesAPractice(clause.text)),
      page: pageText === undefined ? undefined : { text: pageText, start: clause.start, end: clause.end },
    })),
  }));
  if (pageText !== undefined) clauses = withLocatedClauses(clauses, pageText, url, matcher);
  if (!clauses.some((clause) => (clause.provision?.regulations?.length ?? 0) > 0)) return clauses;
  const lawsNamed = page.lawsNamed ?? (pageText !== undefined ? lawsNamedIn(pageText) : undefined);
  return lawsNamed !== undefined && lawsNamed.length > 0 ? withNamedRegulations(clauses, new Set(lawsNamed.map((law) => law.id))) : clauses;
}

/** The platform whose pages live on the page's host (the dataset's platform hosts): on Anthropic's site, Claude is no "other". */
function platformsAt(url: string, dataset: ProvisionMatcher['dataset']): ReadonlySet<string> {
  const own = knownPlatformFor(url, dataset);
  return new Set(own === null ? [] : [own.name]);
}

/** A type match lists other platforms: not the one whose own document this is. */
function withoutOwnPlatforms(own: ReadonlySet<string>, match: ProvisionMatch | null): ProvisionMatch | null {
  if (match === null || own.size === 0 || match.others === undefined || !match.others.some((other) => own.has(other.platform))) return match;
  return { ...match, others: match.others.filter((other) => !own.has(other.platform)) };
}

/** Marks each provision's rule that belongs to a law the page itself names ("GDPR Art. 21" on a page naming the GDPR). */
function withNamedRegulations(clauses: ExportedClause[], named: ReadonlySet<string>): ExportedClause[] {
  return clauses.map((clause) => {
    const regulations = clause.provision?.regulations;
    if (clause.provision === null || regulations === undefined) return clause;
    if (!regulations.some((regulation) => lawIdsOf(regulation.name).some((id) => named.has(id)))) return clause;
    return {
      ...clause,
      provision: {
        ...clause.provision,
        // Fresh objects: the matcher shares one regulations list among every clause of a type.
        regulations: regulations.map(({ name, jurisdiction }) => (
          lawIdsOf(name).some((id) => named.has(id)) ? { name, jurisdiction, namedByPage: true } : { name, jurisdiction }
        )),
      },
    };
  });
}

/** The clauses plus one clause per recorded clause found in the text that no clause already matches exactly. */
function withLocatedClauses(clauses: ExportedClause[], pageText: string, url: string, matcher: ProvisionMatcher): ExportedClause[] {
  const matched = new Set<string>();
  for (const clause of clauses) if (clause.provision?.match === 'exact') matched.add(clause.provision.knownClauseId!);
  const added: ExportedClause[] = [];
  for (const found of matcher.locateKnown(pageText, (known) => !matched.has(known.id))) {
    const provision = matcher.exactMatch(found.known, 'located');
    const type = matcher.type(found.known.provisionType);
    if (provision === null || type === undefined) continue;
    const selector = textQuoteSelector(pageText, found.start, found.end);
    added.push({
      id: `k${added.length + 1}-${found.known.sha256.slice(0, 8)}`,
      text: normalizeWhitespace(selector.exact),
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
