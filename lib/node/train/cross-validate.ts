import type { LearnedModel, ModelFile, UnitScores } from '../../engine/learned/model';
import type { DocumentData } from './dataset';
import { emptyScores, foldsOf, learnedPredictions, metricsOf, scoreDocument, unitScores, type Scores } from './evaluate';
import { DEFAULT_FIT, fit, type FitOptions } from './fit';

/**
 * Document-level cross-validation: no document's units on both sides. Out-of-fold scores for every unit, then the
 * thresholds that give the best F1 per head over those out-of-fold scores, and the scores at those thresholds.
 */
export interface CrossValidation {
  thresholds: ModelFile['thresholds'];
  scores: Scores;
  folds: number;
}

const GRID = [0.03, 0.05, 0.08, 0.1, ...Array.from({ length: 16 }, (_, i) => 0.15 + i * 0.05)];

export function crossValidate(documents: DocumentData[], k = 5, options: FitOptions = DEFAULT_FIT): CrossValidation {
  const outOfFold = new Map<DocumentData, { model: LearnedModel; scores: UnitScores[] }>();
  for (const fold of foldsOf(documents, k)) {
    const training = documents.filter((doc) => !fold.includes(doc));
    const model: LearnedModel = { thresholds: { 'opt-out': 0.5, exception: 0.5, promise: 0.5 }, weights: fit(training, options) };
    for (const doc of fold) outOfFold.set(doc, { model, scores: unitScores(model, doc) });
  }
  const evaluate = (thresholds: ModelFile['thresholds']): Scores => {
    const scores = emptyScores();
    for (const [doc, { model, scores: units }] of outOfFold) {
      scoreDocument(doc, learnedPredictions({ ...model, thresholds }, doc, units), scores);
    }
    return scores;
  };
  const thresholds = { 'opt-out': 0.5, exception: 0.5, promise: 0.5 };
  for (const head of ['opt-out', 'promise', 'exception'] as const) {
    let best = -1;
    for (const t of GRID) {
      const f1 = metricsOf(evaluate({ ...thresholds, [head]: t })[head]).f1;
      if (f1 > best + 1e-9) {
        best = f1;
        thresholds[head] = Math.round(t * 100) / 100;
      }
    }
  }
  return { thresholds, scores: evaluate(thresholds), folds: k };
}
