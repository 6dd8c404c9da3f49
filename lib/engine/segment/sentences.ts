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

/** Sentences of text[from, to), as absolute offsets, trimmed; spans with no letter or digit are dropped. */
export function sentenceSpans(text: string, from: number, to: number): Span[] {
  // Line breaks inside a block are soft wraps in the page, but ICU would end a sentence there.
  const slice = text.slice(from, to).replace(LINE_BREAKS, ' ');
  const spans: Span[] = [];
  for (const { index, segment } of segmenter.segment(slice)) {
    const leading = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (trimmed.length === 0) continue;
    spans.push({ start: from + index + leading, end: from + index + leading + trimmed.length });
  }
  return mergeFalseBreaks(text, spans).filter((span) => /[\p{L}\p{N}]/u.test(text.slice(span.start, span.end)));
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
