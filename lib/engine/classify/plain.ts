import { capitalize } from '../text/format';
import { normalizeWhitespace } from '../text/normalize';

/**
 * Plain-language lines built from the policy's own words: first person turned into third ("we will" → "they
 * will"), enumerators and dangling conjunctions dropped, long lines cut at a word boundary. Nothing is invented:
 * the line says what the text says, so it cannot contradict it.
 */
const PRONOUNS: Array<[RegExp, string]> = [
  [/\bWe\b/g, 'They'],
  [/\bwe\b/g, 'they'],
  [/\bOur\b/g, 'Their'],
  [/\bour\b/g, 'their'],
  [/\bours\b/g, 'theirs'],
  [/\bus\b/g, 'them'],
  [/\bourselves\b/g, 'themselves'],
  [/\bWe['’]ll\b/g, 'They’ll'],
  [/\bwe['’]ll\b/g, 'they’ll'],
  [/\bwe['’]re\b/gi, 'they’re'],
];
const LEADING_JUNK = /^(?:\s|\((?:[ivx]{1,4}|[a-h]|\d{1,2})\)|(?:[ivx]{1,4}|[a-h]|\d{1,2})[.)]\s|[•·\-–—:;,])+/i;
const TRAILING_JUNK = /(?:[\s,;:]|\b(?:or|and|and\/or)\b)+$/i;
const MAX_PLAIN = 220;

export function thirdPerson(text: string): string {
  return PRONOUNS.reduce((line, [pattern, replacement]) => line.replace(pattern, replacement), text);
}

export function tidyFragment(text: string): string {
  return normalizeWhitespace(text).replace(LEADING_JUNK, '').replace(TRAILING_JUNK, '').replace(/[.;:]+$/, '');
}

export function shorten(text: string, max = MAX_PLAIN): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max * 0.6 ? space : max).replace(/[\s,;:]+$/, '')}…`;
}


/** "we will use X for model improvement when" + "your conversations are flagged …" → a sentence a person reads. */
export function exceptionLine(leadIn: string, item: string | null): string {
  const lead = tidyFragment(leadIn);
  const body = item === null ? lead : `${lead} ${tidyFragment(item)}`.trim();
  const line = shorten(capitalize(thirdPerson(body)));
  return /[.…!?]$/.test(line) ? line : `${line}.`;
}
