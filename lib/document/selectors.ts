import { normalizeWhitespace } from '../engine/text/normalize';

/**
 * Ways back to a clause: a W3C Web Annotation TextQuoteSelector (exact text with some context either side) and a
 * text-fragment URL (#:~:text=start,end) that scrolls a browser to it.
 */
const CONTEXT = 32;
const FRAGMENT_WORDS = 5;

export function textQuoteSelector(text: string, start: number, end: number) {
  return {
    type: 'TextQuoteSelector' as const,
    exact: normalizeWhitespace(text.slice(start, end)),
    prefix: normalizeWhitespace(text.slice(Math.max(0, start - CONTEXT), start)),
    suffix: normalizeWhitespace(text.slice(end, end + CONTEXT)),
  };
}

/** Percent-encodes a text-directive term: the spec reserves "-", "," and "&" on top of the URL's own characters. */
function encodeTerm(term: string): string {
  return encodeURIComponent(term).replace(/-/g, '%2D').replace(/,/g, '%2C').replace(/&/g, '%26');
}

export function textFragmentLink(url: string, exact: string): string {
  const base = url.split('#')[0] ?? url;
  const words = exact.split(' ').filter((word) => word.length > 0);
  if (words.length <= FRAGMENT_WORDS * 2) return `${base}#:~:text=${encodeTerm(words.join(' '))}`;
  const first = words.slice(0, FRAGMENT_WORDS).join(' ');
  const last = words.slice(-FRAGMENT_WORDS).join(' ');
  return `${base}#:~:text=${encodeTerm(first)},${encodeTerm(last)}`;
}
