/**
 * Scoring for the evaluation (scripts/eval.ts): span overlap between predictions and labelled quotes, and
 * precision / recall / F1 with the lists of misses and false alarms. Pure, so the regression tests reuse it.
 */
export interface Span {
  start: number;
  end: number;
}

export interface Scored<P, L> {
  truePositives: number;
  /** labels no prediction overlaps */
  misses: L[];
  /** predictions that overlap no label */
  falseAlarms: P[];
  predicted: number;
  labelled: number;
  /** every label, and every prediction that was scored */
  labels: L[];
  predictions: P[];
}

export const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** Recall counts labels overlapped by some prediction; precision counts predictions overlapping some label. */
export function scoreSpans<P extends Span, L extends Span>(predictions: P[], labels: L[], ignore: Span[] = []): Scored<P, L> {
  const kept = predictions.filter((prediction) => !ignore.some((span) => overlaps(span, prediction)));
  const misses = labels.filter((label) => !kept.some((prediction) => overlaps(prediction, label)));
  const falseAlarms = kept.filter((prediction) => !labels.some((label) => overlaps(prediction, label)));
  return {
    truePositives: labels.length - misses.length,
    misses,
    falseAlarms,
    predicted: kept.length,
    labelled: labels.length,
    labels,
    predictions: kept,
  };
}

export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  predicted: number;
  labelled: number;
}

export function metrics(parts: Array<Pick<Scored<unknown, unknown>, 'misses' | 'falseAlarms' | 'predicted' | 'labelled'>>): Metrics {
  const predicted = parts.reduce((sum, part) => sum + part.predicted, 0);
  const labelled = parts.reduce((sum, part) => sum + part.labelled, 0);
  const falseAlarms = parts.reduce((sum, part) => sum + part.falseAlarms.length, 0);
  const misses = parts.reduce((sum, part) => sum + part.misses.length, 0);
  const precision = predicted === 0 ? 1 : (predicted - falseAlarms) / predicted;
  const recall = labelled === 0 ? 1 : (labelled - misses) / labelled;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, predicted, labelled };
}

/** Binary classification counts → P/R/F1 (OPP-115 segments). */
export function binaryMetrics(pairs: Array<{ truth: boolean; predicted: boolean }>): Metrics & { tp: number; fp: number; fn: number; tn: number } {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const { truth, predicted } of pairs) {
    if (truth && predicted) tp++;
    else if (!truth && predicted) fp++;
    else if (truth && !predicted) fn++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, predicted: tp + fp, labelled: tp + fn, tp, fp, fn, tn };
}

/** Finds a quote in extracted text, tolerant of white space (the page may wrap lines where the source did not). */
export function locateQuote(text: string, quote: string): Span | null {
  const pattern = quote
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\u00a0]+');
  const match = new RegExp(pattern).exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : null;
}
