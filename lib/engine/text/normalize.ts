/**
 * Whitespace normalization used everywhere a clause is hashed or compared: Unicode NFC, every run of white space
 * (including non-breaking and zero-width spaces) folded to one space, trimmed. Quotes and case are kept: they are
 * part of what the policy says.
 */
const WHITESPACE_RUN = /[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]+/g;

export function normalizeWhitespace(text: string): string {
  return text.normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}
