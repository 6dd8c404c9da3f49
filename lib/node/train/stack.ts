import { stackedFeatures, type StackedWeights } from '../../engine/learned/stacked';
import type { LearnedModel } from '../../engine/learned/model';
import type { DocumentData } from '../eval/dataset';
import { foldsOf, unitScores } from '../eval/evaluate';
import { DEFAULT_FIT, fit, seededRandom, type FitOptions } from './fit';

/**
 * Fits the second stage of exception detection (lib/engine/learned/stacked.ts) on out-of-fold first-stage scores:
 * the first stage is fitted on all documents but one inner fold and scores that fold, so the second stage learns
 * from scores like the ones it will see on a new page, not the over-confident ones of documents the first stage was
 * fitted on. Logistic regression by AdaGrad with L2, seeded.
 */
export interface StackOptions {
  folds: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** weight of a positive example: 1 (unweighted) gave a higher cross-validated exception F1 than 3 (.424 vs .417) */
  positiveWeight: number;
}

export const DEFAULT_STACK: StackOptions = { folds: 4, epochs: 30, learningRate: 0.1, l2: 1e-3, positiveWeight: 1 };

interface Row {
  features: Map<string, number>;
  y: number;
}

/** Out-of-fold second-stage rows of the documents. */
export function stackedRows(documents: DocumentData[], options: StackOptions = DEFAULT_STACK, first: FitOptions = DEFAULT_FIT): Row[] {
  const rows: Row[] = [];
  for (const fold of foldsOf(documents, options.folds)) {
    const training = documents.filter((doc) => !fold.includes(doc));
    const model: LearnedModel = { thresholds: { 'opt-out': 0.5, exception: 0.5, promise: 0.5 }, weights: fit(training, first) };
    for (const doc of fold) {
      const scores = unitScores(model, doc);
      const features = stackedFeatures(doc.units, scores, doc.examples.map((example) => example.features));
      features.forEach((row, i) => rows.push({ features: row, y: doc.examples[i]!.y[1] }));
    }
  }
  return rows;
}

export function fitStackedRows(rows: Row[], options: StackOptions = DEFAULT_STACK, seed = DEFAULT_FIT.seed): StackedWeights {
  const weights = new Map<string, number>();
  const squares = new Map<string, number>();
  const random = seededRandom(seed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { features, y } = rows[r]!;
      let sum = 0;
      for (const [name, value] of features) sum += (weights.get(name) ?? 0) * value;
      const p = 1 / (1 + Math.exp(-sum));
      const gradient = (p - y) * (y === 1 ? options.positiveWeight : 1);
      for (const [name, value] of features) {
        const w = weights.get(name) ?? 0;
        const g = gradient * value + (name === 'bias' ? 0 : options.l2 * w);
        const s = (squares.get(name) ?? 1e-8) + g * g;
        squares.set(name, s);
        weights.set(name, w - (options.learningRate * g) / Math.sqrt(s));
      }
    }
  }
  return Object.fromEntries([...weights].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, w]) => [name, Math.round(w * 1000) / 1000]));
}

export function fitStacked(documents: DocumentData[], options: StackOptions = DEFAULT_STACK, first: FitOptions = DEFAULT_FIT): StackedWeights {
  return fitStackedRows(stackedRows(documents, options, first), options, first.seed);
}
