import type { Scored } from '../../engine/learned/clauses';
import type { LearnedModel, ModelFile } from '../../engine/learned/model';
import type { DocumentData } from '../eval/dataset';
import { emptyScores, foldsOf, metricsOf, productPredictions, scoreDocument, unitScores, type Scores } from '../eval/evaluate';
import { DEFAULT_FIT, fit, type FitOptions } from './fit';
import { DEFAULT_STACK, fitStacked, type StackOptions } from './stack';

/**
 * Document-level cross-validation: no document's units on both sides. Out-of-fold scores for every unit, then the
 * thresholds that give the best F1 per head over those out-of-fold scores, and the scores at those thresholds.
 */
type Thresholds = Required<ModelFile['thresholds']>;

export interface CrossValidation {
  thresholds: Thresholds;
  scores: Scores;
  folds: number;
}

/** Thresholds tried: 0.1 to 0.9 by 0.05, then finer near 1 (the exception head, weighted for its rare positives, is sure of many units). */
const GRID = [...Array.from({ length: 17 }, (_, i) => 0.1 + i * 0.05), 0.93, 0.96, 0.98, 0.99];

export function crossValidate(documents: DocumentData[], k = 5, options: FitOptions = DEFAULT_FIT, stack: StackOptions | null = DEFAULT_STACK): CrossValidation {
  const outOfFold = new Map<DocumentData, { model: LearnedModel; scored: Scored }>();
  for (const fold of foldsOf(documents, k)) {
    const training = documents.filter((doc) => !fold.includes(doc));
    // The second stage is fitted on the training folds alone (inner folds): the held-out fold is never seen.
    const stacked = stack === null ? {} : { stacked: fitStacked(training, stack, options) };
    const model: LearnedModel = { thresholds: { 'opt-out': 0.5, exception: 0.5, promise: 0.5 }, weights: fit(training, options), ...stacked };
    for (const doc of fold) outOfFold.set(doc, { model, scored: { units: doc.units, scores: unitScores(model, doc) } });
  }
  const evaluate = (thresholds: Thresholds): Scores => {
    const scores = emptyScores();
    for (const [doc, { model, scored }] of outOfFold) {
      scoreDocument(doc, productPredictions({ ...model, thresholds }, doc, scored), scores);
    }
    return scores;
  };
  const thresholds: Thresholds = { 'opt-out': 0.5, exception: 0.5, promise: 0.5, 'opt-out-rule': 0.5, 'exception-rule': 0.5 };
  const headOf = { 'opt-out': 'opt-out', 'opt-out-rule': 'opt-out', promise: 'promise', exception: 'exception', 'exception-rule': 'exception' } as const;
  for (const knob of ['opt-out', 'opt-out-rule', 'promise', 'exception', 'exception-rule', 'opt-out'] as const) {
    const head = headOf[knob];
    let best = -1;
    for (const t of GRID) {
      const f1 = metricsOf(evaluate({ ...thresholds, [knob]: t })[head]).f1;
      if (f1 > best + 1e-9) {
        best = f1;
        thresholds[knob] = Math.round(t * 100) / 100;
      }
    }
  }
  return { thresholds, scores: evaluate(thresholds), folds: k };
}
