import type { ClauseShape, KnownClause } from '../dataset/schema';
import { textFragmentLink } from '../../document/selectors';
import { normalizeWhitespace } from '../../engine/text/normalize';

/**
 * "How other platforms handle this": one recorded clause per platform, its shape in plain words, and enough to check
 * it: the recorded words (whole, or a verbatim opening cut at a sentence or word) and a link that opens the
 * platform's published document at that clause.
 */
export interface OtherPlatform {
  platform: string;
  /** "opt-out, no exceptions", "opt-out with 2 exceptions", "no opt-out", "only with consent" */
  shape: string;
  knownClauseId: string;
  recordedAt: string;
  /** the recorded clause, verbatim; a long one cut after a sentence (or a word), marked with "…" */
  quote: string;
  /** the exceptions to its opt-out, in our own words (the recorded clause's shape) */
  exceptions: string[];
  /** the platform's document, opened at the clause (a text fragment, #:~:text=) */
  link: string;
  documentTitle: string;
}

export const MAX_OTHERS = 8;
/** Longer recorded clauses are quoted up to here: eight of them sit in every matched clause of an export. */
export const MAX_QUOTE_CHARS = 240;

export function shapeWords(shape: ClauseShape): string {
  const exceptions = shape.exceptions.length;
  const withExceptions = exceptions === 0 ? '' : ` with ${exceptions} exception${exceptions === 1 ? '' : 's'}`;
  if (shape.default === 'only-if-opt-in') return `only with consent${withExceptions}`;
  if (shape.optOut) return exceptions === 0 ? 'opt-out, no exceptions' : `opt-out${withExceptions}`;
  return 'no opt-out';
}

/**
 * The recorded text, or its verbatim opening: whole sentences while they fit, else whole words, then "…". Never
 * reworded, so the quote can be found on the platform's page.
 */
export function excerpt(text: string, max = MAX_QUOTE_CHARS): string {
  const normalized = normalizeWhitespace(text);
  if (normalized.length <= max) return normalized;
  const head = normalized.slice(0, max);
  // The last sentence end inside the limit, if it keeps at least half of it.
  const sentenceEnd = Math.max(...[...head.matchAll(/[.;!?]["”’)]?(?= )/g)].map((m) => m.index + m[0].length), -1);
  if (sentenceEnd >= max / 2) return `${head.slice(0, sentenceEnd)} …`;
  const wordEnd = head.lastIndexOf(' ');
  return `${head.slice(0, wordEnd > 0 ? wordEnd : max).replace(/[\s,;:]+$/, '')} …`;
}

/** A link to the clause in the platform's document; an address that is not http(s) gets none. */
export function linkToKnown(known: Pick<KnownClause, 'url' | 'text'>): string | null {
  let url: URL;
  try {
    url = new URL(known.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // The fragment names the whole recorded clause (its first and last words), so the browser highlights all of it.
  return textFragmentLink(url.href, normalizeWhitespace(known.text));
}

/** How much a shape tells a reader: a clause that offers an opt-out (with its exceptions) is the most telling. */
function telling(shape: ClauseShape): number {
  if (shape.optOut) return 2 + shape.exceptions.length;
  return shape.default === 'only-if-opt-in' ? 1 : 0;
}

/**
 * One clause per platform (the most telling one each records), platforms ordered so the list shows every shape
 * present before repeating one, at most MAX_OTHERS. Deterministic: the order follows the dataset's.
 */
export function othersFor(clauses: readonly KnownClause[], exceptPlatform: string | null): OtherPlatform[] {
  const perPlatform = new Map<string, KnownClause>();
  for (const clause of clauses) {
    if (clause.platform === exceptPlatform) continue;
    const held = perPlatform.get(clause.platform);
    if (held === undefined || telling(clause.shape) > telling(held.shape)) perPlatform.set(clause.platform, clause);
  }
  const byShape = new Map<string, KnownClause[]>();
  for (const clause of perPlatform.values()) {
    const words = shapeWords(clause.shape);
    byShape.set(words, [...(byShape.get(words) ?? []), clause]);
  }
  const queues = [...byShape.values()];
  const picked: KnownClause[] = [];
  while (picked.length < MAX_OTHERS && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next !== undefined && picked.length < MAX_OTHERS) picked.push(next);
    }
  }
  return picked.flatMap((clause) => {
    const link = linkToKnown(clause);
    if (link === null) return [];
    return [{
      platform: clause.platform,
      shape: shapeWords(clause.shape),
      knownClauseId: clause.id,
      recordedAt: clause.recordedAt,
      quote: excerpt(clause.text),
      exceptions: [...clause.shape.exceptions],
      link,
      documentTitle: clause.documentTitle,
    }];
  });
}
