/**
 * Sentence spans of one block of text, by the platform's Intl.Segmenter (ICU sentence rules), with two repairs ICU
 * does not know: abbreviations common in legal text ("U.S.", "No.", "Sec.") and enumerations whose items contain
 * full stops ("when: (1) … . (2) …") stay in one sentence.
 */
export interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

const ENDS_WITH_ABBREVIATION = /(?:\b(?:e\.g|i\.e|U\.S|U\.K|E\.U|Inc|Ltd|Corp|Co|No|Nos|Art|Arts|Sec|Secs|Sect|cf|vs|approx|St|Mr|Ms|Mrs|Dr|para|Para|p|pp|v)\.|\b[A-Z]\.)$/;
const STARTS_WITH_LATER_ITEM = /^(?:\((?:[2-9]|1\d|ii|iii|iv|v|vi|vii|viii|ix|x|[b-h])\)|(?:[2-9]|ii|iii|iv|vi|vii|viii|ix)[.)]\s)/;
const HAS_FIRST_ITEM = /(?:\((?:1|i|a)\)|(?:^|\s)(?:1|i|a)[.)]\s)/;
const LINE_BREAKS = /[\r\n\u2028\u2029\u0085]/g;

/**
 * The rule engine and the learned stage both split every block of a page into sentences: the spans of the last two
 * texts are kept, so each block is segmented once. Keyed by the text itself (a string's hash is computed once and
 * kept with it), so a different text never sees another's spans.
 */
const MEMO_TEXTS = 2;
const memo = new Map<string, Map<number, Span[]>>();

function memoFor(text: string): Map<number, Span[]> | null {
  if (text.length >= 2 ** 26) return null; // offsets beyond what a numeric key holds
  let spans = memo.get(text);
  if (spans === undefined) {
    if (memo.size >= MEMO_TEXTS) memo.delete(memo.keys().next().value!);
    spans = new Map();
    memo.set(text, spans);
  }
  return spans;
}

/** Sentences of text[from, to), as absolute offsets, trimmed; spans with no letter or digit are dropped. */
export function sentenceSpans(text: string, from: number, to: number): Span[] {
  const spans = memoFor(text);
  const key = from * 2 ** 26 + to;
  let found = spans?.get(key);
  if (found === undefined) {
    found = segmentSentences(text, from, to);
    spans?.set(key, found);
  }
  // Fresh objects: callers may extend or change the spans they get.
  return found.map(({ start, end }) => ({ start, end }));
}

/** A module constant rather than a literal in the function, like looksLikeHeading's (Unicode classes are costly to compile). */
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

function segmentSentences(text: string, from: number, to: number): Span[] {
  // Line breaks inside a block are soft wraps in the page, but ICU would end a sentence there.
  const slice = text.slice(from, to).replace(LINE_BREAKS, ' ');
  const spans: Span[] = [];
  for (const { index, segment } of segmenter.segment(slice)) {
    const leading = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (trimmed.length === 0) continue;
    spans.push({ start: from + index + leading, end: from + index + leading + trimmed.length });
  }
  return mergeFalseBreaks(text, spans).filter((span) => HAS_WORD_CHARACTER.test(text.slice(span.start, span.end)));
}

function mergeFalseBreaks(text: string, spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined) {
      const before = text.slice(previous.start, previous.end);
      const next = text.slice(span.start, span.end);
      const abbreviation = ENDS_WITH_ABBREVIATION.test(before) && !/^[A-Z][a-z]+ (?:we|you|they|the)\b/.test(next);
      const laterItem = STARTS_WITH_LATER_ITEM.test(next) && HAS_FIRST_ITEM.test(before);
      if (abbreviation || laterItem) {
        previous.end = span.end;
        continue;
      }
    }
    merged.push({ ...span });
  }
  return merged;
}
