/**
 * Span look-ups in sorted spans (units, clauses in reading order, the rule engine's findings) by binary search: a 5 MB page
 * has tens of thousands of units, so "which unit holds this?" must not scan them all.
 */
export interface Span {
  start: number;
  end: number;
}

/** Index of the first span whose end is after `offset`, or `spans.length`. */
function firstEndingAfter(spans: readonly Span[], offset: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (spans[mid]!.end <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Indexes of the sorted spans that overlap `span`, in order. */
export function overlapping(spans: readonly Span[], span: Span): number[] {
  const found: number[] = [];
  for (let i = firstEndingAfter(spans, span.start); i < spans.length && spans[i]!.start < span.end; i++) {
    if (spans[i]!.end > span.start) found.push(i);
  }
  return found;
}

/** The first sorted span overlapping `span`, or -1. */
export function firstOverlapping(spans: readonly Span[], span: Span): number {
  const i = firstEndingAfter(spans, span.start);
  return i < spans.length && spans[i]!.start < span.end ? i : -1;
}

/** For each sorted span, whether any of `marks` (in any order) overlaps it. */
export function markOverlaps(spans: readonly Span[], marks: readonly Span[]): boolean[] {
  const marked = new Array<boolean>(spans.length).fill(false);
  for (const mark of marks) for (const i of overlapping(spans, mark)) marked[i] = true;
  return marked;
}

/** The first of sorted (possibly overlapping) spans that overlaps `span`, or -1: a binary search for the first that
 * starts before its end, then a short walk back over the ones that may still reach into it. */
export function firstOverlappingAny(spans: readonly Span[], span: Span): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (spans[mid]!.start < span.end) low = mid + 1;
    else high = mid;
  }
  let found = -1;
  for (let i = low - 1; i >= 0 && i >= low - 64; i--) if (spans[i]!.start < span.end && span.start < spans[i]!.end) found = i;
  return found;
}

/** Sorted spans merged where they overlap, so they can be searched as non-overlapping ones. */
export function mergedSpans(spans: readonly Span[]): Span[] {
  const merged: Span[] = [];
  for (const { start, end } of spans) {
    const last = merged.at(-1);
    if (last !== undefined && start < last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}
