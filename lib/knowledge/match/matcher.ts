import type { Dataset, KnownClause, ProvisionType } from '../dataset/schema';
import type { ProvisionMatch } from '../../document/schema';
import type { Mechanism, Topic } from '../../engine/model/topics';
import { normalizeWhitespace } from '../../engine/text/normalize';
import { alignedDiff, type DiffOp } from '../../document/diff';
import { othersFor } from './others';
import { TypeScorer, type TypeScore } from './type-scorer';
import { wordsOf } from '../../document/words';
import { RecentAnswers } from '../../engine/text/recent';
import { KnownClauseLocator, type LocatedClause } from './locate';

export { wordsOf } from '../../document/words';

/**
 * Matches clauses against the bundled dataset. Built once (the background keeps one); per clause:
 * 1. exact — the normalized hash is a recorded clause's, or the recorded text sits verbatim inside the clause, or
 *    the clause is a verbatim part of a recorded clause (the analysis cut a recorded passage into sentences);
 * 2. changed — the closest recorded clause by word diff keeps most of the wording (CHANGED_THRESHOLD);
 * 3. type — the best-scoring provision type (lib/knowledge/match/type-scorer.ts), or nothing below TYPE_THRESHOLD.
 * Candidates for 1 and 2 come from an index of the recorded clauses' rarer words, so a clause is compared with a
 * handful of recorded clauses, not all of them.
 */
export interface ClauseToMatch {
  text: string;
  sha256: string;
  topic: Topic;
  /** the nearest heading above the clause (evidence for the type) */
  heading?: string | null;
  /** the clause's opt-out mechanism, when it offers one (evidence for the type) */
  mechanism?: Mechanism | null;
  /** the page text and the clause's offsets in it, when the caller has them: lets a part be checked as a whole */
  page?: { text: string; start: number; end: number };
  /** the analysis reads the clause as a promise ("we do not …"): matched for its type, never as a concern */
  promise?: boolean;
}

/** Share of kept words (2·same / both lengths, over the aligned part) at or above which a clause is "changed". */
export const CHANGED_THRESHOLD = 0.75;
/** The changed clause must also cover this share of the recorded clause's words. */
const CHANGED_COVERAGE = 0.6;
/**
 * Type confidence below which a clause gets no provision type. Chosen on the development half of the labelled set
 * (tests/fixtures/type-labels/clauses.json; `npm run eval:matching`).
 */
export const TYPE_THRESHOLD = 0.36;
/** A clause shorter than this many words is never "a part" of a recorded clause: too little to be sure. */
const MIN_PART_WORDS = 6;
/** Words this common across the recorded clauses do not make a candidate. */
const RARE_SHARE = 0.08;

/** The recorded clause with the closest wording, and the word diff from it. */
interface Closest {
  clause: KnownClause;
  similarity: number;
  coverage: number;
  diff: DiffOp[];
}

export type ExactVia = 'hash' | 'contains' | 'inside' | 'part' | 'located';

interface Indexed {
  /** position in the dataset */
  at: number;
  clause: KnownClause;
  /** whitespace-normalized text */
  text: string;
  words: Set<string>;
  wordCount: number;
}

export interface KnownHit {
  known: Indexed;
  via: ExactVia;
}

/** A clause's text as the matcher reads it, worked out once per clause and shared by every step of match(). */
interface Prepared {
  normalized: string;
  words: string[];
  candidates: Set<Indexed>;
}

export class ProvisionMatcher {
  private readonly byHash = new Map<string, Indexed>();
  private readonly byWord = new Map<string, Indexed[]>();
  /** every word → the recorded clauses (positions) holding it, to count shared words without comparing word sets */
  private readonly holders = new Map<string, number[]>();
  private readonly types = new Map<string, ProvisionType>();
  private readonly clausesOfType = new Map<string, KnownClause[]>();
  private readonly scorer: TypeScorer;
  readonly known: readonly Indexed[];
  /** The two costly steps, pure functions of the clause: a repeated clause is worked out once. */
  private readonly closestAnswers = new RecentAnswers<string, Closest | null>(1024);
  private readonly typeAnswers = new RecentAnswers<string, TypeScore[]>(1024);

  constructor(readonly dataset: Dataset) {
    for (const type of dataset.types) this.types.set(type.id, type);
    for (const clause of dataset.clauses) {
      this.clausesOfType.set(clause.provisionType, [...(this.clausesOfType.get(clause.provisionType) ?? []), clause]);
    }
    const known = dataset.clauses.map((clause, at): Indexed => {
      const text = normalizeWhitespace(clause.text);
      const words = wordsOf(text);
      return { at, clause, text, words: new Set(words), wordCount: words.length };
    });
    this.known = known;
    const df = new Map<string, number>();
    for (const entry of known) {
      for (const word of entry.words) {
        df.set(word, (df.get(word) ?? 0) + 1);
        const holders = this.holders.get(word);
        if (holders) holders.push(entry.at);
        else this.holders.set(word, [entry.at]);
      }
    }
    const rareBelow = Math.max(3, Math.floor(known.length * RARE_SHARE));
    for (const entry of known) {
      this.byHash.set(entry.clause.sha256, entry);
      // Its rarest words always index a clause, so one made only of common words can still be found inside another.
      const rarest = new Set([...entry.words].sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0)).slice(0, 3));
      for (const word of entry.words) {
        if (!rarest.has(word) && (word.length < 3 || (df.get(word) ?? 0) > rareBelow)) continue;
        const list = this.byWord.get(word);
        if (list) list.push(entry);
        else this.byWord.set(word, [entry]);
      }
    }
    this.scorer = new TypeScorer(dataset);
  }

  type(id: string): ProvisionType | undefined {
    return this.types.get(id);
  }

  knownById(id: string): KnownClause | undefined {
    return this.known.find((entry) => entry.clause.id === id)?.clause;
  }

  match(clause: ClauseToMatch): ProvisionMatch | null {
    // Polarity first: a clause the page words as a promise stays a promise, whatever it is matched to (a recorded
    // clause audited as promising one thing and doing another stays mixed).
    const polarityBeside = (known: KnownClause) => (clause.promise !== true ? known.polarity : known.polarity === 'mixed' ? 'mixed' : 'promise');
    const polarity = clause.promise === true ? 'promise' : undefined;
    const byHash = this.byHash.get(clause.sha256);
    if (byHash !== undefined) return this.fromKnown(byHash.clause, 'exact', 1, { via: 'hash' }, polarityBeside(byHash.clause));
    const prepared = this.prepare(clause.text);
    const exact = this.exactHitOf(prepared, clause.page);
    if (exact !== null) return this.fromKnown(exact.known.clause, 'exact', 1, { via: exact.via }, polarityBeside(exact.known.clause));
    const changed = this.closestKnownOf(prepared);
    if (changed !== null && changed.similarity >= CHANGED_THRESHOLD && changed.coverage >= CHANGED_COVERAGE) {
      return this.fromKnown(changed.clause, 'changed', changed.similarity, { diff: changed.diff }, polarityBeside(changed.clause));
    }
    const best = this.scoreTypes(clause)[0];
    if (best === undefined || best.confidence < TYPE_THRESHOLD) return null;
    return withPolarity({
      ...this.typeFields(best.type, null),
      match: 'type',
      similarity: best.confidence,
      knownClauseId: null,
      platform: null,
      recordedAt: null,
    }, polarity ?? 'practice');
  }

  /** Every provision type scored for the clause, best first (the evaluation reads the whole list). */
  scoreTypes(clause: Pick<ClauseToMatch, 'text' | 'topic' | 'heading' | 'mechanism'>): TypeScore[] {
    const input = { text: clause.text, topic: clause.topic, heading: clause.heading ?? null, mechanism: clause.mechanism ?? null };
    const key = `${input.topic}\u0000${input.mechanism ?? ''}\u0000${input.heading ?? ''}\u0000${input.text}`;
    return this.typeAnswers.get(key, () => this.scorer.score(input));
  }

  /**
   * The recorded clause this clause is, verbatim: same hash; else a recorded text inside the clause (the longest,
   * so the most specific); else the clause inside a recorded text (the recorded passage was cut into sentences).
   * `inside` is reported as "part": only the caller holding the page text can tell whether the whole recorded
   * passage is there too (lib/knowledge/match/apply.ts).
   */
  exactHit(clause: Pick<ClauseToMatch, 'text' | 'sha256' | 'page'>): KnownHit | null {
    const byHash = this.byHash.get(clause.sha256);
    if (byHash !== undefined) return { known: byHash, via: 'hash' };
    return this.exactHitOf(this.prepare(clause.text), clause.page);
  }

  private prepare(text: string): Prepared {
    const normalized = normalizeWhitespace(text);
    const words = wordsOf(normalized);
    return { normalized, words, candidates: this.candidates(words) };
  }

  private exactHitOf({ normalized: text, words, candidates }: Prepared, page: ClauseToMatch['page']): KnownHit | null {
    let contains: Indexed | null = null;
    let inside: Indexed | null = null;
    for (const candidate of candidates) {
      if (text.length > candidate.text.length) {
        if ((contains === null || candidate.text.length > contains.text.length) && text.includes(candidate.text)) contains = candidate;
      } else if (candidate.text.includes(text)) {
        // Of several recorded passages holding the sentence, the one that is on the page (when that can be told).
        if (inside === null || (page !== undefined && !wholePassageAround(page, inside.text) && wholePassageAround(page, candidate.text))) {
          inside = candidate;
        }
      }
    }
    if (contains !== null) return { known: contains, via: 'contains' };
    if (inside === null || words.length < MIN_PART_WORDS) return null;
    if (page === undefined) return { known: inside, via: 'part' };
    // With the page text at hand, the clause is the recorded passage only if the whole passage is there, around it.
    return wholePassageAround(page, inside.text) ? { known: inside, via: 'inside' } : null;
  }

  /** Every recorded clause whose text sits verbatim inside `text` (a clause can hold several). */
  containedIn(text: string): Indexed[] {
    const normalized = normalizeWhitespace(text);
    return [...this.candidates(wordsOf(normalized))].filter((candidate) => normalized.includes(candidate.text));
  }

  private locator: KnownClauseLocator | null = null;

  /** The recorded clauses (those `wanted`) verbatim in a page's text, with their offsets in it. */
  locateKnown(text: string, wanted?: (clause: KnownClause) => boolean): LocatedClause[] {
    this.locator ??= new KnownClauseLocator(this.dataset.clauses);
    return this.locator.locate(text, wanted);
  }

  /** The recorded clause with the closest wording, with the word diff from it. */
  closestKnown(text: string): Closest | null {
    return this.closestKnownOf(this.prepare(text));
  }

  private closestKnownOf(prepared: Prepared): Closest | null {
    return this.closestAnswers.get(prepared.normalized, () => this.diffClosest(prepared));
  }

  private diffClosest({ normalized, words, candidates }: Prepared): Closest | null {
    // Rank by the share of the recorded clause's words the clause has (cheap); diff only the two best. A changed
    // clause keeps at least CHANGED_COVERAGE of the recorded words, so fewer shared words cannot make one.
    const shared = candidates.size === 0 ? null : this.sharedWords(words);
    const ranked = [...candidates]
      .map((candidate) => ({ candidate, kept: shared![candidate.at]! / (candidate.words.size || 1) }))
      .filter((entry) => entry.kept >= CHANGED_COVERAGE)
      .sort((a, b) => b.kept - a.kept)
      .slice(0, 2);
    let best: Closest | null = null;
    for (const { candidate } of ranked) {
      const aligned = alignedDiff(candidate.text, normalized);
      if (best === null || aligned.similarity > best.similarity) {
        best = { clause: candidate.clause, similarity: Math.round(aligned.similarity * 1000) / 1000, coverage: aligned.coverage, diff: aligned.ops };
      }
    }
    return best;
  }

  /** The known clauses of other platforms with the same provision type: "how others handle this". */
  othersOfType(typeId: string, exceptPlatform: string | null): KnownClause[] {
    return (this.clausesOfType.get(typeId) ?? []).filter((known) => known.platform !== exceptPlatform);
  }

  /** An exact match for a recorded clause, as `apply` reports one it verified itself. */
  exactMatch(known: KnownClause, via: ExactVia): ProvisionMatch | null {
    return this.fromKnown(known, 'exact', 1, { via });
  }

  /** For each recorded clause, how many of its distinct words the text's words include. */
  private sharedWords(words: readonly string[]): Uint16Array {
    const shared = new Uint16Array(this.known.length);
    for (const word of new Set(words)) {
      const holders = this.holders.get(word);
      if (holders !== undefined) for (const at of holders) shared[at]!++;
    }
    return shared;
  }

  private candidates(words: readonly string[]): Set<Indexed> {
    const found = new Set<Indexed>();
    const seen = new Set<string>();
    for (const word of words) {
      if (seen.has(word)) continue; // a repeated word adds no candidate
      seen.add(word);
      const entries = this.byWord.get(word);
      if (entries !== undefined) for (const entry of entries) found.add(entry);
    }
    return found;
  }

  /** The type's details, the same for every clause of that type and platform: built once, then shared. */
  private readonly fieldsCache = new Map<string, ReturnType<ProvisionMatcher['buildTypeFields']>>();

  private typeFields(type: ProvisionType, exceptPlatform: string | null) {
    const key = `${type.id}\u0000${exceptPlatform ?? ''}`;
    let fields = this.fieldsCache.get(key);
    if (fields === undefined) {
      fields = this.buildTypeFields(type, exceptPlatform);
      this.fieldsCache.set(key, fields);
    }
    return fields;
  }

  private buildTypeFields(type: ProvisionType, exceptPlatform: string | null) {
    return {
      id: type.id,
      title: type.title,
      severity: type.severity,
      explanation: type.explanation,
      impact: type.impact,
      regulations: type.regulations.map(({ name, jurisdiction }) => ({ name, jurisdiction })),
      actions: type.actions.map(({ title, how }) => ({ title, how })),
      complaints: this.dataset.complaintRoutes
        .filter((route) => type.complaints.includes(route.id))
        .map(({ jurisdiction, authority, url, how }) => ({ jurisdiction, authority, url, how })),
      others: othersFor(this.clausesOfType.get(type.id) ?? [], exceptPlatform),
    };
  }

  private fromKnown(
    known: KnownClause,
    match: 'exact' | 'changed',
    similarity: number,
    extra: { via?: ExactVia; diff?: DiffOp[] },
    polarity: ProvisionMatch['polarity'] = known.polarity,
  ): ProvisionMatch | null {
    const type = this.types.get(known.provisionType);
    if (type === undefined) return null;
    return withPolarity({
      ...this.typeFields(type, known.platform),
      match,
      similarity: Math.round(similarity * 1000) / 1000,
      knownClauseId: known.id,
      platform: known.platform,
      recordedAt: known.recordedAt,
      ...extra,
    }, polarity);
  }
}

/** A promise carries no severity: it is what the company says it does not do. */
function withPolarity<T extends Omit<ProvisionMatch, 'polarity'>>(match: T, polarity: ProvisionMatch['polarity']): T & Pick<ProvisionMatch, 'polarity'> {
  return { ...match, polarity, severity: polarity === 'promise' ? null : match.severity };
}

/** Whether the normalized `passage` is in the page text, overlapping the clause's span. */
export function wholePassageAround(page: { text: string; start: number; end: number }, passage: string): boolean {
  // The passage is at most its own length (plus collapsed white space) away from the clause on either side.
  const slack = passage.length * 2;
  const window = page.text.slice(Math.max(0, page.start - slack), Math.min(page.text.length, page.end + slack));
  return normalizeWhitespace(window).includes(passage);
}
