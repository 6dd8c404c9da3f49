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

const WHITESPACE = /[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]/;

/** The text with white space runs folded to one space, and for each kept character its offset in the original. */
export function foldWhitespace(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  let pendingSpace = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (WHITESPACE.test(char)) {
      if (pendingSpace < 0 && folded.length > 0) pendingSpace = i;
      continue;
    }
    if (pendingSpace >= 0) {
      folded += ' ';
      offsets.push(pendingSpace);
      pendingSpace = -1;
    }
    folded += char;
    offsets.push(i);
  }
  return { folded, offsets };
}

export function locateKnownClauses(text: string, known: readonly KnownClause[]): LocatedClause[] {
  // NFC first where it keeps the length, so offsets still index the original; otherwise as it is.
  const nfc = text.normalize('NFC');
  const { folded, offsets } = foldWhitespace(nfc.length === text.length ? nfc : text);
  const found: LocatedClause[] = [];
  for (const clause of known) {
    const needle = normalizeWhitespace(clause.text);
    const at = folded.indexOf(needle);
    if (at < 0) continue;
    found.push({ known: clause, start: offsets[at]!, end: offsets[at + needle.length - 1]! + 1 });
  }
  return found;
}
