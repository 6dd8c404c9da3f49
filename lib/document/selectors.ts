import { normalizeWhitespace } from '../engine/text/normalize';

/**
 * Ways back to a clause: a W3C Web Annotation TextQuoteSelector (exact text with some context either side) and a
 * text-fragment URL (#:~:text=start,end) that scrolls a browser to it.
 */
const CONTEXT = 32;
const FRAGMENT_WORDS = 5;

/**
 * The quote and its context exactly as they stand in the extracted text, white space included: `exact` is
 * text[start, end), so the quote and the TextPositionSelector over the same offsets select the same characters.
 */
export function textQuoteSelector(text: string, start: number, end: number) {
  return {
    type: 'TextQuoteSelector' as const,
    exact: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
  };
}

/** Percent-encodes a text-directive term: the spec reserves "-", "," and "&" on top of the URL's own characters. */
function encodeTerm(term: string): string {
  return encodeURIComponent(term).replace(/-/g, '%2D').replace(/,/g, '%2C').replace(/&/g, '%26');
}

/** A text-fragment URL for the quote; its white space is folded first, as a browser folds the page's text. */
export function textFragmentLink(url: string, exact: string): string {
  const base = url.split('#')[0] ?? url;
  const words = normalizeWhitespace(exact).split(' ').filter((word) => word.length > 0);
  if (words.length <= FRAGMENT_WORDS * 2) return `${base}#:~:text=${encodeTerm(words.join(' '))}`;
  const first = words.slice(0, FRAGMENT_WORDS).join(' ');
  const last = words.slice(-FRAGMENT_WORDS).join(' ');
  return `${base}#:~:text=${encodeTerm(first)},${encodeTerm(last)}`;
}
