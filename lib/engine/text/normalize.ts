/**
 * Whitespace normalization used everywhere a clause is hashed or compared: Unicode NFC, every run of white space
 * (including non-breaking and zero-width spaces) folded to one space, trimmed. Quotes and case are kept: they are
 * part of what the policy says.
 */
const WHITESPACE_RUN = /[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]+/g;

export function normalizeWhitespace(text: string): string {
  return toNfc(text).replace(WHITESPACE_RUN, ' ').trim();
}

const ASCII = /^[\x00-\x7f]*$/;

/** The text in Unicode NFC. ASCII is NFC already: that test is much cheaper than normalizing, and most policy text passes it. */
export function toNfc(text: string): string {
  return ASCII.test(text) ? text : text.normalize('NFC');
}
