import type { UnitScores } from './model';
import type { Unit } from './units';

/**
 * The second stage of exception detection. Exceptions live near offers: a carve-out is "still", "unless" or "does
 * not apply" said of an offer a sentence or two before, so the first stage's own scores (how sure it is of an offer
 * nearby, and where) say more than any word alone. This stage reads each unit's first-stage exception score together
 * with its neighbours' offer scores and a few structural cues, in a small logistic model (weights as data in
 * weights.json, fitted on out-of-fold first-stage scores by `npm run train`).
 */
export type StackedWeights = Record<string, number>;

/** Units back (same section) in which an offer's score counts: the attach window of decide.ts. */
const WINDOW = 6;
/** First-stage features whose presence the second stage reads (cues the rules and the layout give). */
const CARRIED = ['e:exception', 'e:offer', 'r:exc', 'r:negated', 'r:refusal', 'r:offer', 'r:opt-in', 'c:list', 'c:lead-in', 'c:after-lead-in', 'c:after-exception-lead-in', 'l:colon', 'l:exc', 'l:offer', 'c:first', 'c:offer-next'];

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q)) / 4;
};

/** Second-stage features of every unit: name → value (absent features are 0). */
export function stackedFeatures(units: Unit[], scores: UnitScores[], features: string[][]): Array<Map<string, number>> {
  return units.map((unit, i) => {
    const own = scores[i]!;
    const present = new Set(features[i]);
    const row = new Map<string, number>([['bias', 1]]);
    const exception = logit(own.exception);
    row.set('s:exception', exception);
    row.set('s:offer', logit(own['opt-out']));
    row.set('s:promise', logit(own.promise));
    // The strongest offer before this unit in its section, and how far back it is.
    let best = 0;
    let distance = 0;
    for (let j = i - 1; j >= Math.max(0, i - WINDOW); j--) {
      if (units[j]!.heading !== unit.heading) break;
      if (scores[j]!['opt-out'] > best) {
        best = scores[j]!['opt-out'];
        distance = i - j;
      }
    }
    row.set('s:offer-before', best);
    if (best >= 0.5) row.set(`d:offer-before:${distance <= 3 ? distance : 'far'}`, 1);
    const self = own['opt-out'];
    row.set('s:offer-here', Math.max(self, best));
    row.set('s:exception×offer-before', exception * best);
    row.set('s:exception×offer-self', exception * self);
    const next = i + 1 < units.length && units[i + 1]!.heading === unit.heading ? scores[i + 1]! : undefined;
    if (next !== undefined) row.set('s:offer-next', next['opt-out']);
    const previous = i > 0 && units[i - 1]!.heading === unit.heading ? scores[i - 1]! : undefined;
    if (previous !== undefined) row.set('s:exception-previous', logit(previous.exception));
    // A list item is read with the lead-in that opens its list.
    if (unit.inList) {
      let lead = i - 1;
      while (lead >= 0 && lead >= i - 16 && units[lead]!.inList && units[lead]!.heading === unit.heading) lead--;
      if (lead >= 0 && !units[lead]!.inList && units[lead]!.heading === unit.heading) {
        row.set('s:lead-exception', logit(scores[lead]!.exception));
        row.set('s:lead-offer', scores[lead]!['opt-out']);
      }
    }
    for (const name of CARRIED) if (present.has(name)) row.set(`f:${name}`, 1);
    return row;
  });
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function stackedScore(weights: StackedWeights, row: Map<string, number>): number {
  let sum = 0;
  for (const [name, value] of row) sum += (weights[name] ?? 0) * value;
  return sigmoid(sum);
}

/** The first stage's scores with each unit's exception score replaced by the second stage's. */
export function restack(weights: StackedWeights | undefined, units: Unit[], scores: UnitScores[], features: string[][]): UnitScores[] {
  if (weights === undefined) return scores;
  const rows = stackedFeatures(units, scores, features);
  return scores.map((score, i) => ({ ...score, exception: stackedScore(weights, rows[i]!) }));
}
