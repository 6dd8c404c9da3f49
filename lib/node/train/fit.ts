import { EXCEPTION_KINDS, HEADS, WIDTH, type ModelFile } from '../../engine/learned/model';
import type { Example } from '../eval/dataset';

/**
 * Fits the learned stage: logistic regression per head and a softmax over exception kinds, by AdaGrad with L2,
 * shuffled by a seeded generator so the same labels give the same weights. Features seen in fewer than
 * `minDocuments` training documents are dropped: a cue that only one policy uses is its wording, not a pattern.
 */
export interface FitOptions {
  seed: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** L2 on lexical features (LEXICAL below): stronger, so wording one policy uses cannot outvote the cues */
  lexicalL2: number;
  minDocuments: number;
  /** weight of a positive example per head (positives are rare; exceptions rarest: 10 raised their cross-validated recall) */
  positiveWeight: [number, number, number];
  /** weights smaller than this are dropped from the file */
  prune: number;
}

export const DEFAULT_FIT: FitOptions = {
  seed: 115,
  epochs: 14,
  learningRate: 0.25,
  l2: 1e-3,
  lexicalL2: 3e-2,
  minDocuments: 4,
  positiveWeight: [3, 10, 3],
  prune: 0.15,
};

/**
 * Word, word-pair, stem, heading-word and word-conjunction features (and words near an offer) take the stronger
 * lexical L2: with the weak one, heading words one policy uses ("Keep Activity") outvoted the carve-out cues of
 * every sentence under them. Cross-validated exception average precision 0.23 → 0.32 with this.
 */
const LEXICAL = /^(?:[wbshx]:|n:(?!near$|exc:))/;

/** Mulberry32: a small seeded generator, enough for shuffling. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fit(documents: Array<{ document: string; examples: Example[] }>, options: FitOptions = DEFAULT_FIT): Map<string, number[]> {
  const documentCount = new Map<string, number>();
  for (const { examples } of documents) {
    const seen = new Set(examples.flatMap((example) => example.features));
    for (const feature of seen) documentCount.set(feature, (documentCount.get(feature) ?? 0) + 1);
  }
  const index = new Map<string, number>();
  for (const [feature, count] of [...documentCount].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (count >= options.minDocuments || feature === 'bias') index.set(feature, index.size);
  }
  const rows = documents.flatMap(({ examples }) => examples).map((example) => {
    const ids: number[] = [];
    const values: number[] = [];
    example.features.forEach((feature, i) => {
      const id = index.get(feature);
      if (id === undefined) return;
      ids.push(id);
      values.push(example.values?.[i] ?? 1);
    });
    return { ids: Int32Array.from(ids), values: Float64Array.from(values), y: example.y, kind: example.kind };
  });
  const lexical = new Uint8Array(index.size);
  for (const [feature, id] of index) lexical[id] = LEXICAL.test(feature) ? 1 : 0;
  const weights = new Float64Array(index.size * WIDTH);
  const squares = new Float64Array(index.size * WIDTH).fill(1e-8);
  const random = seededRandom(options.seed);
  const order = rows.map((_, i) => i);
  const kinds = EXCEPTION_KINDS.length;
  const { learningRate, lexicalL2, l2 } = options;
  const step = (id: number, k: number, gradient: number) => {
    const at = id * WIDTH + k;
    const g = gradient + (lexical[id] ? lexicalL2 : l2) * weights[at]!;
    squares[at]! += g * g;
    weights[at]! -= (learningRate * g) / Math.sqrt(squares[at]!);
  };
  const sums = new Float64Array(kinds);
  const exps = new Float64Array(kinds);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { ids, values, y } = rows[r]!;
      const n = ids.length;
      for (let h = 0; h < HEADS.length; h++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += weights[ids[i]! * WIDTH + h]! * values[i]!;
        const p = 1 / (1 + Math.exp(-sum));
        const target = y[h]!;
        const gradient = (p - target) * (target === 1 ? options.positiveWeight[h]! : 1);
        for (let i = 0; i < n; i++) step(ids[i]!, h, gradient * values[i]!);
      }
      const kind = rows[r]!.kind;
      if (kind < 0) continue;
      sums.fill(0);
      for (let i = 0; i < n; i++) for (let k = 0; k < kinds; k++) sums[k]! += weights[ids[i]! * WIDTH + HEADS.length + k]! * values[i]!;
      let max = -Infinity;
      for (let k = 0; k < kinds; k++) max = Math.max(max, sums[k]!);
      let total = 0;
      for (let k = 0; k < kinds; k++) { exps[k] = Math.exp(sums[k]! - max); total += exps[k]!; }
      for (let k = 0; k < kinds; k++) {
        const gradient = exps[k]! / total - (k === kind ? 1 : 0);
        for (let i = 0; i < n; i++) step(ids[i]!, HEADS.length + k, gradient * values[i]!);
      }
    }
  }
  const table = new Map<string, number[]>();
  for (const [feature, id] of index) {
    const vector = Array.from(weights.subarray(id * WIDTH, (id + 1) * WIDTH), (w) => Math.round(w * 100) / 100);
    if (vector.some((w) => Math.abs(w) >= options.prune)) table.set(feature, vector.map((w) => (Math.abs(w) >= options.prune ? w : 0)));
  }
  return table;
}

export function modelFile(table: Map<string, number[]>, thresholds: ModelFile['thresholds'], trainedOn: ModelFile['trainedOn'], seed: number, stacked?: ModelFile['stacked']): ModelFile {
  return {
    format: 1,
    description: 'Clausemark learned stage: logistic regression per head over unit features (lib/engine/learned/features.ts). Written by `npm run train`; do not edit by hand.',
    seed,
    trainedOn,
    thresholds,
    weights: Object.fromEntries([...table].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    ...(stacked === undefined ? {} : { stacked }),
  };
}
