import { normalizeWhitespace } from '../engine/text/normalize';

/**
 * Word-level helpers shared by the matchers: the words of a text as a person reads them (for overlap and diffs),
 * and content terms (lower case, stop words dropped, crude suffix stripping) for the type scorer's vectors.
 */
export function wordsOf(text: string): string[] {
  return normalizeWhitespace(text).toLowerCase().match(/[\p{L}\p{N}’']+/gu) ?? [];
}

const STOP_WORDS = new Set(
  (
    'a an and any are as at be been being but by can could do does for from has have how if in into is it its may ' +
    'might more most must no nor not of on or other our ours out over own shall should so some such than that the ' +
    'their them then there these they this those through to under until up upon us was we were what when where ' +
    'which while who whom why will with within without would you your yours also all each both only very just ' +
    'about after before between during including include includes e.g i.e etc'
  ).split(' '),
);

/** A crude stemmer: enough to make "trains", "trained" and "training" one term, cheap enough for every clause. */
export function stem(word: string): string {
  let w = word.replace(/[’']s$/, '').replace(/[’']/g, '');
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ied')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  return w;
}

/** Content terms of a text, in order (duplicates kept, for term frequencies). */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const word of wordsOf(text)) {
    if (STOP_WORDS.has(word) || word.length < 2 || /^\d+$/.test(word)) continue;
    terms.push(stem(word));
  }
  return terms;
}

/** Whether `phrase` (lower case) occurs in `lower` starting and ending at word boundaries. */
export function hasPhrase(lower: string, phrase: string): boolean {
  let from = 0;
  for (;;) {
    const at = lower.indexOf(phrase, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : lower[at - 1]!;
    const after = lower[at + phrase.length] ?? '';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = at + 1;
  }
}
