import { z } from 'zod';
import { EXCEPTION_KINDS, type ExceptionKind } from '../model/analysis';

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
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

export interface LearnedModel {
  thresholds: ModelFile['thresholds'];
  weights: Map<string, number[]>;
}

export function loadModel(file: unknown): LearnedModel {
  const parsed = ModelFileSchema.parse(file);
  return { thresholds: parsed.thresholds, weights: new Map(Object.entries(parsed.weights)) };
}

export interface UnitScores {
  'opt-out': number;
  exception: number;
  promise: number;
  kind: ExceptionKind;
  /** the features that pushed each head up most, strongest first */
  reasons: Record<Head, string[]>;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** `values[i]` is the value of `features[i]` (1 when absent: most features are present-or-not). */
export function scoreUnit(model: LearnedModel, features: string[], values?: number[]): UnitScores {
  const sums = new Array<number>(WIDTH).fill(0);
  const contributions: Array<Array<[string, number]>> = HEADS.map(() => []);
  features.forEach((feature, i) => {
    const weights = model.weights.get(feature);
    if (weights === undefined) return;
    const value = values?.[i] ?? 1;
    for (let k = 0; k < WIDTH; k++) sums[k]! += weights[k]! * value;
    HEADS.forEach((_, h) => { if (weights[h]! * value > 0) contributions[h]!.push([feature, weights[h]! * value]); });
  });
  const kindSums = sums.slice(HEADS.length);
  const best = kindSums.indexOf(Math.max(...kindSums));
  const reasons = Object.fromEntries(HEADS.map((head, h) => [head,
    contributions[h]!.sort((a, b) => b[1] - a[1]).slice(0, 4).map(([feature]) => feature)])) as Record<Head, string[]>;
  return {
    'opt-out': sigmoid(sums[0]!),
    exception: sigmoid(sums[1]!),
    promise: sigmoid(sums[2]!),
    kind: EXCEPTION_KINDS[best]!,
    reasons,
  };
}
