import type { KnownClause } from '../dataset/schema';
import { normalizeWhitespace } from '../../engine/text/normalize';

/**
 * Finds recorded clauses verbatim in a page's text (after the same whitespace normalization the hashes use) and
 * gives their offsets in the original text.
 */
export interface LocatedClause {
  known: KnownClause;
  start: number;
  end: number;
}

const WHITESPACE_RUN = /[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]+/g;

/** The text with white space runs folded to one space, and for each kept character its offset in the original. */
export function foldWhitespace(text: string): { folded: string; offsets: Uint32Array } {
  // Run by run, not character by character: the text between two runs is kept as it is. The offsets go in a typed
  // array sized for the whole text: a page of megabytes would otherwise grow a JS array one number at a time.
  const parts: string[] = [];
  const offsets = new Uint32Array(text.length);
  let from = 0;
  let length = 0;
  const keep = (end: number): void => {
    if (end <= from) return;
    parts.push(text.slice(from, end));
    for (let i = from; i < end; i++) offsets[length++] = i;
  };
  for (const run of text.matchAll(WHITESPACE_RUN)) {
    keep(run.index);
    from = run.index + run[0].length;
    // A run before the first kept character or at the end of the text folds to nothing.
    if (length > 0 && from < text.length) {
      parts.push(' ');
      offsets[length++] = run.index;
    }
  }
  keep(text.length);
  return { folded: parts.join(''), offsets: offsets.subarray(0, length) };
}

/**
 * Each recorded clause's text as the fold gives it, and an anchor: its longest word that has a non-word character on
 * both sides inside the text. Wherever the text occurs, that word occurs as a whole word, so a page without the word
 * cannot hold the clause and is not searched for it. Worked out once per clause (the dataset is read many times).
 */
interface Needle {
  text: string;
  anchor: string | null;
}

const WORD = /[\p{L}\p{N}]+/gu;
const needles = new WeakMap<KnownClause, Needle>();

function needleOf(clause: KnownClause): Needle {
  let needle = needles.get(clause);
  if (needle === undefined) {
    const text = normalizeWhitespace(clause.text);
    let anchor: string | null = null;
    for (const word of text.matchAll(WORD)) {
      const inside = word.index > 0 && word.index + word[0].length < text.length;
      if (inside && word[0].length > (anchor?.length ?? 0)) anchor = word[0];
    }
    needle = { text, anchor };
    needles.set(clause, needle);
  }
  return needle;
}

export function locateKnownClauses(text: string, known: readonly KnownClause[]): LocatedClause[] {
  // NFC first where it keeps the length, so offsets still index the original; otherwise as it is.
  const nfc = text.normalize('NFC');
  const source = nfc.length === text.length ? nfc : text;
  // Anchors first: most texts hold none of the recorded clauses, and then nothing needs folding (folding keeps words).
  let words: Set<string> | null = null;
  const possible = known.filter((clause) => {
    const needle = needleOf(clause);
    if (needle.text.length === 0 || needle.text.length > source.length) return false;
    words ??= new Set(source.match(WORD));
    return needle.anchor === null || words.has(needle.anchor);
  });
  if (possible.length === 0) return [];
  const { folded, offsets } = foldWhitespace(source);
  const found: LocatedClause[] = [];
  for (const clause of possible) {
    const needle = needleOf(clause);
    const at = folded.indexOf(needle.text);
    if (at < 0) continue;
    found.push({ known: clause, start: offsets[at]!, end: offsets[at + needle.text.length - 1]! + 1 });
  }
  return found;
}
