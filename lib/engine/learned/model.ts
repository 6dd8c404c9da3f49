import { z } from 'zod';
import { EXCEPTION_KINDS, type ExceptionKind } from '../model/analysis';
import type { StackedWeights } from './stacked';

export { EXCEPTION_KINDS, type ExceptionKind };

/**
 * The learned stage's model: logistic regression over the unit features (features.ts), one binary head each for
 * opt-out offers, exceptions and promises, and a softmax over the five exception kinds. Weights are a data file
 * written by `npm run train`; this module only reads and applies them.
 */
export const HEADS = ['opt-out', 'exception', 'promise'] as const;
export type Head = (typeof HEADS)[number];

/** Weight vector layout: one weight per head, then one per kind. */
export const WIDTH = HEADS.length + EXCEPTION_KINDS.length;

export const ModelFileSchema = z.object({
  format: z.literal(1),
  description: z.string(),
  seed: z.number().int(),
  trainedOn: z.object({ documents: z.number().int(), units: z.number().int() }),
  /** the '-rule' thresholds apply where the rule engine found the same offer or exception */
  thresholds: z.object({
    'opt-out': z.number(), exception: z.number(), promise: z.number(),
    'opt-out-rule': z.number().optional(), 'exception-rule': z.number().optional(),
  }),
  /** feature → [opt-out, exception, promise, ...kinds] weights */
  weights: z.record(z.string(), z.array(z.number()).length(WIDTH)),
  /** the second stage's exception weights (stacked.ts): feature → weight */
  stacked: z.record(z.string(), z.number()).optional(),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

export interface LearnedModel {
  thresholds: ModelFile['thresholds'];
  weights: Map<string, number[]>;
  stacked?: StackedWeights;
}

export function loadModel(file: unknown): LearnedModel {
  // The schema checks the file's envelope; its ten thousand weight rows are checked by a plain loop (the schema's
  // own check of them was most of a worker's start-up). A row that fails goes through the schema for its message.
  const { weights, ...envelope } = (typeof file === 'object' && file !== null ? file : {}) as { weights?: unknown };
  if (!weightRowsAreValid(weights)) ModelFileSchema.parse(file);
  const parsed = ModelFileSchema.parse({ ...envelope, weights: {} });
  return { thresholds: parsed.thresholds, weights: new Map(Object.entries(weights as ModelFile['weights'])), ...(parsed.stacked === undefined ? {} : { stacked: parsed.stacked }) };
}

function weightRowsAreValid(weights: unknown): boolean {
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) return false;
  for (const row of Object.values(weights)) {
    if (!Array.isArray(row) || row.length !== WIDTH) return false;
    for (const weight of row) if (typeof weight !== 'number' || !Number.isFinite(weight)) return false;
  }
  return true;
}

export interface UnitScores {
  'opt-out': number;
  exception: number;
  promise: number;
  kind: ExceptionKind;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** `values[i]` is the value of `features[i]` (1 when absent: most features are present-or-not). */
export function scoreUnit(model: LearnedModel, features: string[], values?: number[]): UnitScores {
  const sums = new Array<number>(WIDTH).fill(0);
  for (let i = 0; i < features.length; i++) {
    const weights = model.weights.get(features[i]!);
    if (weights === undefined) continue;
    const value = values?.[i] ?? 1;
    for (let k = 0; k < WIDTH; k++) sums[k]! += weights[k]! * value;
  }
  let best: number = HEADS.length;
  for (let k = HEADS.length + 1; k < WIDTH; k++) if (sums[k]! > sums[best]!) best = k;
  return {
    'opt-out': sigmoid(sums[0]!),
    exception: sigmoid(sums[1]!),
    promise: sigmoid(sums[2]!),
    kind: EXCEPTION_KINDS[best - HEADS.length]!,
  };
}

/** The features that pushed a head up most, strongest first ("why is this highlighted?"); asked only for findings. */
export function strongestFeatures(model: LearnedModel, features: string[], head: Head, count = 4): string[] {
  const h = HEADS.indexOf(head);
  return features
    .map((feature) => [feature, model.weights.get(feature)?.[h] ?? 0] as const)
    .filter(([, weight]) => weight > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([feature]) => feature);
}
