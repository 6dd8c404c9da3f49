import type { Dataset, KnownClause, ProvisionType } from '../dataset/schema';
import type { ProvisionMatch } from '../export/schema';
import type { Topic } from '../model/topics';
import { normalizeWhitespace } from '../text/normalize';

/**
 * Matches clauses against the bundled dataset. Built once (the background keeps one); per clause: a hash lookup,
 * then word-set similarity against the known clauses sharing a rare word, then the provision type of the topic.
 */
export interface ClauseToMatch {
  text: string;
  sha256: string;
  topic: Topic;
}

/** Similarity at or above which a clause is "the recorded clause, changed". */
export const CHANGED_THRESHOLD = 0.6;

interface IndexedClause {
  clause: KnownClause;
  words: Set<string>;
}

export function wordsOf(text: string): string[] {
  return normalizeWhitespace(text).toLowerCase().match(/[\p{L}\p{N}’']+/gu) ?? [];
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const word of small) if (large.has(word)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

export class ProvisionMatcher {
  private readonly byHash = new Map<string, KnownClause>();
  private readonly byWord = new Map<string, IndexedClause[]>();
  private readonly types = new Map<string, ProvisionType>();
  private readonly typesByTopic = new Map<Topic, ProvisionType[]>();

  constructor(readonly dataset: Dataset) {
    for (const type of dataset.types) {
      this.types.set(type.id, type);
      this.typesByTopic.set(type.topic, [...(this.typesByTopic.get(type.topic) ?? []), type]);
    }
    for (const clause of dataset.clauses) {
      this.byHash.set(clause.sha256, clause);
      const indexed = { clause, words: new Set(wordsOf(clause.text)) };
      for (const word of indexed.words) {
        if (word.length < 5) continue; // short words are everywhere: they would make every clause a candidate
        this.byWord.set(word, [...(this.byWord.get(word) ?? []), indexed]);
      }
    }
  }

  type(id: string): ProvisionType | undefined {
    return this.types.get(id);
  }

  match(clause: ClauseToMatch): ProvisionMatch | null {
    const exact = this.byHash.get(clause.sha256);
    if (exact !== undefined) return this.fromKnown(exact, 'exact', 1);
    const changed = this.closestKnown(clause.text);
    if (changed !== null && changed.similarity >= CHANGED_THRESHOLD) {
      return this.fromKnown(changed.clause, 'changed', changed.similarity);
    }
    const type = this.typesByTopic.get(clause.topic)?.[0];
    if (type === undefined) return null;
    return {
      id: type.id,
      title: type.title,
      severity: type.severity,
      match: 'type',
      similarity: typeConfidence(clause.text, type),
      knownClauseId: null,
      platform: null,
      recordedAt: null,
    };
  }

  /** The known clauses of other platforms with the same provision type: "how others handle this". */
  othersOfType(typeId: string, exceptPlatform: string | null): KnownClause[] {
    return this.dataset.clauses.filter((known) => known.provisionType === typeId && known.platform !== exceptPlatform);
  }

  closestKnown(text: string): { clause: KnownClause; similarity: number } | null {
    const words = new Set(wordsOf(text));
    const candidates = new Set<IndexedClause>();
    for (const word of words) for (const indexed of this.byWord.get(word) ?? []) candidates.add(indexed);
    let best: { clause: KnownClause; similarity: number } | null = null;
    for (const candidate of candidates) {
      const similarity = jaccard(words, candidate.words);
      if (best === null || similarity > best.similarity) best = { clause: candidate.clause, similarity };
    }
    return best;
  }

  private fromKnown(known: KnownClause, match: 'exact' | 'changed', similarity: number): ProvisionMatch | null {
    const type = this.types.get(known.provisionType);
    if (type === undefined) return null;
    return {
      id: type.id,
      title: type.title,
      severity: type.severity,
      match,
      similarity: Math.round(similarity * 1000) / 1000,
      knownClauseId: known.id,
      platform: known.platform,
      recordedAt: known.recordedAt,
    };
  }
}

/** Share of the type's cue phrases present in the clause, floored so a topic match alone still says something. */
function typeConfidence(text: string, type: ProvisionType): number {
  const lower = text.toLowerCase();
  const hits = type.cues.filter((cue) => lower.includes(cue)).length;
  return Math.round(Math.min(1, 0.5 + hits / (2 * type.cues.length)) * 1000) / 1000;
}
