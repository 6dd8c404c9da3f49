import { diffWords } from 'diff';

/**
 * The word diff from a recorded clause to the clause on the page, and how much of the wording it keeps. The diff is
 * what the popup shows under "Changed since …"; the share of kept words is what decides "changed" at all.
 */
export interface DiffOp {
  op: 'same' | 'added' | 'removed';
  text: string;
}

export interface AlignedDiff {
  ops: DiffOp[];
  /** 2·kept / (recorded words + page words), over the aligned part: 1 for the same wording, 0 for nothing shared */
  similarity: number;
  /** share of the recorded clause's words that the aligned part covers */
  coverage: number;
  /** page text before and after the aligned part, left out of the diff */
  trimmedPageText: boolean;
}

/** Words and punctuation marks: a changed quote mark is a change too. */
const wordCount = (text: string) => text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;

/**
 * Diffs `recorded` against `page`. Page text beyond the recorded clause's first and last shared word (the clause is
 * a longer sentence around it) is left out, so the diff shows the edits, not the surroundings.
 */
export function alignedDiff(recorded: string, page: string): AlignedDiff {
  const changes = diffWords(recorded, page);
  const ops: DiffOp[] = [];
  for (const change of changes) {
    const op = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const last = ops.at(-1);
    if (last?.op === op) last.text += change.value;
    else ops.push({ op, text: change.value });
  }
  // Page text outside the recorded clause's span is context, not an edit.
  const first = ops.findIndex((part) => part.op !== 'added' || wordCount(part.text) === 0);
  let trimmed = false;
  if (first > 0 && ops.slice(first).some((part) => part.op === 'same' && wordCount(part.text) > 0)) {
    ops.splice(0, first);
    trimmed = true;
  }
  while (ops.length > 1 && ops.at(-1)!.op === 'added') {
    ops.pop();
    trimmed = true;
  }
  let same = 0;
  let removed = 0;
  let added = 0;
  for (const part of ops) {
    const words = wordCount(part.text);
    if (part.op === 'same') same += words;
    else if (part.op === 'removed') removed += words;
    else added += words;
  }
  const recordedWords = same + removed;
  const pageWords = same + added;
  return {
    ops,
    similarity: recordedWords + pageWords === 0 ? 0 : (2 * same) / (recordedWords + pageWords),
    coverage: recordedWords === 0 ? 0 : same / recordedWords,
    trimmedPageText: trimmed,
  };
}
