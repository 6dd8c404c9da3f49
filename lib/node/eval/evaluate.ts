import { createHash } from 'node:crypto';
import type { Finding } from '../../engine/learned/decide';
import { EXCEPTION_KINDS, scoreUnit, type LearnedModel, type UnitScores } from '../../engine/learned/model';
import { learnedClauses, type Scored } from '../../engine/learned/clauses';
import { restack } from '../../engine/learned/stacked';
import type { AnalyzedClause } from '../../engine/model/analysis';
import type { DocumentData, LocatedLabel } from './dataset';
import { spanMatchesLabel } from './span-match';

/**
 * Scoring by the labelling spec: per type (opt-out, exception, promise) precision, recall and F1 under the 60%
 * word rule; for matched exceptions, whether the kind and the offer they belong to are right.
 */
export interface Prediction {
  type: Finding['type'];
  start: number;
  end: number;
  kind?: string;
  /** the offer an exception is attached to */
  offer?: { start: number; end: number };
}

export interface TypeScore {
  predicted: number;
  correct: number;
  labelled: number;
  found: number;
  misses: Array<{ document: string; quote: string }>;
  falseAlarms: Array<{ document: string; text: string }>;
}
export interface KindScore {
  matched: number;
  kindRight: number;
  attachedRight: number;
  /** confusion[label][predicted] */
  confusion: Record<string, Record<string, number>>;
}

export const TYPES = ['opt-out', 'exception', 'promise'] as const;
/** Exceptions of each kind as a label of their own: found by an exception of that kind. */
export type Scores = Record<(typeof TYPES)[number], TypeScore> & { kinds: KindScore; byKind: Record<string, TypeScore> };

export function emptyScores(): Scores {
  const type = (): TypeScore => ({ predicted: 0, correct: 0, labelled: 0, found: 0, misses: [], falseAlarms: [] });
  return {
    'opt-out': type(), exception: type(), promise: type(),
    kinds: { matched: 0, kindRight: 0, attachedRight: 0, confusion: {} },
    byKind: Object.fromEntries(EXCEPTION_KINDS.map((kind) => [kind, type()])),
  };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

export function scoreDocument(data: DocumentData, predictions: Prediction[], into: Scores): void {
  const { text } = data;
  const kept = predictions.filter((p) => !data.ignore.some((span) => overlaps(span, p)));
  const matches = (p: Prediction, label: LocatedLabel) => overlaps(p, label) && spanMatchesLabel(text.slice(p.start, p.end), label.quote);
  for (const type of TYPES) {
    const score = into[type];
    const labels = data.labels.filter((label) => label.type === type);
    const mine = kept.filter((p) => p.type === type);
    score.labelled += labels.length;
    score.predicted += mine.length;
    for (const p of mine) {
      if (labels.some((label) => matches(p, label))) score.correct++;
      else score.falseAlarms.push({ document: data.document, text: text.slice(p.start, p.end) });
    }
    for (const label of labels) {
      const hit = mine.find((p) => matches(p, label));
      if (hit === undefined) {
        score.misses.push({ document: data.document, quote: label.quote });
        continue;
      }
      score.found++;
      if (type !== 'exception' || label.kind === undefined) continue;
      const kinds = into.kinds;
      kinds.matched++;
      if (hit.kind === label.kind) kinds.kindRight++;
      const row = (kinds.confusion[label.kind] ??= {});
      row[hit.kind ?? 'none'] = (row[hit.kind ?? 'none'] ?? 0) + 1;
      const offerLabel = data.labels.find((l) => l.type === 'opt-out' && l.quote === label.offerQuote);
      if (hit.offer !== undefined && offerLabel !== undefined && overlaps(hit.offer, offerLabel)) kinds.attachedRight++;
    }
  }
  for (const kind of EXCEPTION_KINDS) {
    const score = into.byKind[kind]!;
    const labels = data.labels.filter((label) => label.type === 'exception' && label.kind === kind);
    const mine = kept.filter((p) => p.type === 'exception' && p.kind === kind);
    score.labelled += labels.length;
    score.predicted += mine.length;
    score.correct += mine.filter((p) => labels.some((label) => matches(p, label))).length;
    score.found += labels.filter((label) => mine.some((p) => matches(p, label))).length;
  }
}

export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
}
export function metricsOf(score: TypeScore): Metrics {
  const precision = score.predicted === 0 ? 1 : score.correct / score.predicted;
  const recall = score.labelled === 0 ? 1 : score.found / score.labelled;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** Each unit's scores: the first stage's, with the second stage's exception score when the model has one. */
export function unitScores(model: LearnedModel, data: DocumentData): UnitScores[] {
  const first = data.examples.map((example) => scoreUnit(model, example.features, example.values));
  return restack(model.stacked, data.units, first, data.examples.map((example) => example.features));
}

/** What the product shows: the learned clauses (rules proposing, the model deciding) as scored predictions. */
export function productPredictions(model: LearnedModel, data: DocumentData, scored?: Scored): Prediction[] {
  const clauses = learnedClauses(data.input, data.ruleClauses, model, scored);
  return clausesToPredictions(clauses);
}

export function clausesToPredictions(clauses: AnalyzedClause[]): Prediction[] {
  return clauses.flatMap((clause): Prediction[] => {
    if (clause.labels.includes('promise')) return [{ type: 'promise', start: clause.start, end: clause.end }];
    if (clause.optOut === null) return [];
    const offer = { start: clause.optOut.start, end: clause.optOut.end };
    return [{ type: 'opt-out', ...offer }, ...clause.exceptions.map((exception): Prediction => ({ type: 'exception', start: exception.start, end: exception.end, kind: exception.kind, offer }))];
  });
}


/** The fixed held-out split: a stable hash of the document's name, about three documents in ten. */
export function splitOf(document: string): 'dev' | 'test' {
  const byte = createHash('sha256').update(`clausemark-split-v2:${document}`).digest()[0]!;
  return byte < 0x50 ? 'test' : 'dev';
}

/** Cross-validation folds by document, balanced by a stable hash order. */
export function foldsOf<T extends { document: string }>(documents: T[], k: number): T[][] {
  const ordered = [...documents].sort((a, b) => hashOrder(a.document) - hashOrder(b.document));
  const folds: T[][] = Array.from({ length: k }, () => []);
  ordered.forEach((doc, i) => folds[i % k]!.push(doc));
  return folds;
}
const hashOrder = (name: string) => createHash('sha256').update(`clausemark-fold:${name}`).digest().readUInt32BE(0);
