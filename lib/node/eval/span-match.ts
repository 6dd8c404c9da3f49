/**
 * The labelling spec's matching rule: a highlight matches a label when at least 60% of the label's words appear,
 * in order, in the highlighted span, or 60% of the span's words appear in the label.
 */
const words = (text: string): string[] => text.toLowerCase().replace(/[’‘]/g, "'").split(/[^\p{L}\p{N}']+/u).filter(Boolean);

/** Length of the longest common subsequence of two word lists. */
function commonInOrder(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const word of a) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 0; j < b.length; j++) row[j + 1] = word === b[j] ? previous[j]! + 1 : Math.max(previous[j + 1]!, row[j]!);
    previous = row;
  }
  return previous[b.length]!;
}

export function spanMatchesLabel(spanText: string, labelText: string): boolean {
  const span = words(spanText);
  const label = words(labelText);
  if (span.length === 0 || label.length === 0) return false;
  const common = commonInOrder(label, span);
  return common >= 0.6 * label.length || common >= 0.6 * span.length;
}

/** Finds a quote in extracted text, tolerant of white space (the page may wrap lines where the source did not). */
export function locateQuote(text: string, quote: string): { start: number; end: number } | null {
  const pattern = quote
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\u00a0]+');
  const match = new RegExp(pattern).exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : null;
}
