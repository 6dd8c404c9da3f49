import { diffWords } from 'diff';
import type { AnnotatedDocument } from '../schema';
import { wordsOf } from '../words';
import type { ChangedClause, ClauseBrief, DiffPart, DocumentChanges } from './schema';

/**
 * "Changed since your last visit": which clauses of a page were added, removed or reworded between two analyses.
 * Clauses are matched by hash (same normalized text = same clause, wherever it moved); what is left over on both
 * sides is paired up when the wording is mostly the same, and such a pair is a changed clause with a word diff.
 */

/** The parts of an analysis the comparison reads (a stored AnnotatedDocument satisfies it). */
export interface ComparableAnalysis {
  document: Pick<AnnotatedDocument['document'], 'sha256' | 'analyzedAt'>;
  clauses: ReadonlyArray<Pick<AnnotatedDocument['clauses'][number], 'id' | 'text' | 'sha256' | 'topic' | 'labels'>>;
}

/**
 * Word-set similarity at or above which a removed and an added clause are one clause reworded. The same bar as the
 * provision matcher's "changed since recorded" (lib/knowledge/match/matcher.ts): a few words swapped in a sentence stay above
 * it; a different sentence on the same subject falls below.
 */
export const REWORDED_THRESHOLD = 0.6;

function brief(clause: ComparableAnalysis['clauses'][number]): ClauseBrief {
  return { id: clause.id, text: clause.text, sha256: clause.sha256, topic: clause.topic, labels: [...clause.labels] };
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const word of small) if (large.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The word diff from the old clause to the new one, as text runs (rendered with insert/delete marks). */
export function wordDiff(before: string, after: string): DiffPart[] {
  const parts: DiffPart[] = [];
  for (const change of diffWords(before, after)) {
    const kind = change.added ? 'inserted' : change.removed ? 'deleted' : 'same';
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += change.value;
    else parts.push({ kind, text: change.value });
  }
  return parts;
}

/** The diff as plain text: [-deleted-] and {+inserted+}, the convention of `git diff --word-diff`. */
export function diffAsText(parts: readonly DiffPart[]): string {
  return parts
    .map((part) => (part.kind === 'deleted' ? `[-${part.text}-]` : part.kind === 'inserted' ? `{+${part.text}+}` : part.text))
    .join('');
}

interface Leftover {
  index: number;
  clause: ClauseBrief;
  words: Set<string>;
}

/** Clauses of `from` whose hash has no partner left in `against` (a hash that occurs twice needs two partners). */
function unmatched(from: ComparableAnalysis['clauses'], against: ComparableAnalysis['clauses']): Leftover[] {
  const available = new Map<string, number>();
  for (const clause of against) available.set(clause.sha256, (available.get(clause.sha256) ?? 0) + 1);
  const left: Leftover[] = [];
  from.forEach((clause, index) => {
    const count = available.get(clause.sha256) ?? 0;
    if (count > 0) available.set(clause.sha256, count - 1);
    else left.push({ index, clause: brief(clause), words: new Set(wordsOf(clause.text)) });
  });
  return left;
}

/**
 * Pairs removed with added clauses, most similar first, each clause at most once. The size bound skips pairs whose
 * word counts alone rule them out (Jaccard ≤ smaller set / larger set).
 */
function pairReworded(removed: Leftover[], added: Leftover[]): Array<{ before: Leftover; after: Leftover; similarity: number }> {
  const candidates: Array<{ before: Leftover; after: Leftover; similarity: number }> = [];
  for (const before of removed) {
    for (const after of added) {
      const sizes = [before.words.size, after.words.size].sort((x, y) => x - y) as [number, number];
      if (sizes[1] > 0 && sizes[0] / sizes[1] < REWORDED_THRESHOLD) continue;
      const similarity = jaccard(before.words, after.words);
      if (similarity >= REWORDED_THRESHOLD) candidates.push({ before, after, similarity });
    }
  }
  // Most similar first; on a tie, the pair whose positions are closest.
  candidates.sort(
    (x, y) => y.similarity - x.similarity ||
      Math.abs(x.before.index - x.after.index) - Math.abs(y.before.index - y.after.index),
  );
  const usedBefore = new Set<Leftover>();
  const usedAfter = new Set<Leftover>();
  const pairs: typeof candidates = [];
  for (const candidate of candidates) {
    if (usedBefore.has(candidate.before) || usedAfter.has(candidate.after)) continue;
    usedBefore.add(candidate.before);
    usedAfter.add(candidate.after);
    pairs.push(candidate);
  }
  return pairs.sort((x, y) => x.after.index - y.after.index);
}

/** What changed from `previous` (the last visit of the page) to `next` (this one). */
export function compareAnalyses(previous: ComparableAnalysis, next: ComparableAnalysis): DocumentChanges {
  const removedLeft = unmatched(previous.clauses, next.clauses);
  const addedLeft = unmatched(next.clauses, previous.clauses);
  const pairs = pairReworded(removedLeft, addedLeft);
  const pairedBefore = new Set(pairs.map((pair) => pair.before));
  const pairedAfter = new Set(pairs.map((pair) => pair.after));

  const changed: ChangedClause[] = pairs.map(({ before, after, similarity }) => ({
    before: before.clause,
    after: after.clause,
    similarity: Math.round(similarity * 1000) / 1000,
    diff: wordDiff(before.clause.text, after.clause.text),
  }));

  return {
    previousAnalyzedAt: previous.document.analyzedAt,
    previousSha256: previous.document.sha256,
    documentChanged: previous.document.sha256 !== next.document.sha256,
    unchangedCount: next.clauses.length - addedLeft.length,
    added: addedLeft.filter((item) => !pairedAfter.has(item)).map((item) => item.clause),
    removed: removedLeft.filter((item) => !pairedBefore.has(item)).map((item) => item.clause),
    changed,
  };
}

/** True when a comparison has anything to show beyond "the same as last time". */
export function hasClauseChanges(changes: DocumentChanges): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length > 0;
}
