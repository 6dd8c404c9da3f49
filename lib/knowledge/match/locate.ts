import type { KnownClause } from '../dataset/schema';
import { normalizeWhitespace, toNfc } from '../../engine/text/normalize';

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
  /** its longest run without a space: folding keeps such runs as they are, so the unfolded text must hold it */
  chunk: string;
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
    const chunk = text.split(' ').reduce((longest, run) => (run.length > longest.length ? run : longest), '');
    needle = { text, anchor, chunk };
    needles.set(clause, needle);
  }
  return needle;
}

/**
 * Finds recorded clauses in texts, many texts against one set of recorded clauses (the CLI reads thousands of short
 * segments): the clauses are indexed by anchor once, so a text is checked only against the clauses whose anchor it
 * holds, not against every recorded clause.
 */
export class KnownClauseLocator {
  private readonly byAnchor = new Map<string, Array<{ at: number; clause: KnownClause }>>();
  private readonly unanchored: Array<{ at: number; clause: KnownClause }> = [];

  constructor(known: readonly KnownClause[]) {
    known.forEach((clause, at) => {
      const needle = needleOf(clause);
      if (needle.text.length === 0) return;
      if (needle.anchor === null) this.unanchored.push({ at, clause });
      else {
        const holders = this.byAnchor.get(needle.anchor);
        if (holders) holders.push({ at, clause });
        else this.byAnchor.set(needle.anchor, [{ at, clause }]);
      }
    });
  }

  /** The recorded clauses (those `wanted`) verbatim in `text`, in the order they were given. */
  locate(text: string, wanted: (clause: KnownClause) => boolean = () => true): LocatedClause[] {
    // NFC first where it keeps the length, so offsets still index the original; otherwise as it is.
    const nfc = toNfc(text);
    const source = nfc.length === text.length ? nfc : text;
    // Anchors first: most texts hold none of the recorded clauses, and then nothing needs folding (folding keeps words).
    const possible = [...this.unanchored];
    if (this.byAnchor.size > 0) {
      for (const word of new Set(source.match(WORD))) {
        const holders = this.byAnchor.get(word);
        if (holders !== undefined) possible.push(...holders);
      }
    }
    const candidates = possible
      .filter(({ clause }) => {
        const needle = needleOf(clause);
        return needle.text.length <= source.length && source.includes(needle.chunk) && wanted(clause);
      })
      .sort((a, b) => a.at - b.at);
    if (candidates.length === 0) return [];
    const { folded, offsets } = foldWhitespace(source);
    const found: LocatedClause[] = [];
    for (const { clause } of candidates) {
      const needle = needleOf(clause);
      const at = folded.indexOf(needle.text);
      if (at < 0) continue;
      found.push({ known: clause, start: offsets[at]!, end: offsets[at + needle.text.length - 1]! + 1 });
    }
    return found;
  }
}

/** The recorded clauses of `known` verbatim in `text` (one text: no index worth keeping). */
export function locateKnownClauses(text: string, known: readonly KnownClause[]): LocatedClause[] {
  return new KnownClauseLocator(known).locate(text);
}
