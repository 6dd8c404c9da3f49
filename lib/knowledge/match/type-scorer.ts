import type { Dataset, ProvisionType } from '../dataset/schema';
import type { Mechanism, Topic } from '../../engine/model/topics';
import { detectTopic } from '../../engine/classify/topic';
import { hasPhrase, termsOf } from '../../document/words';

/**
 * Which kind of provision a clause is, when it is no recorded clause. Every type is scored on four kinds of
 * evidence, each between 0 and 1:
 * - likeness: TF-IDF cosine to the type's closest recorded clauses (the 393 known clauses are labelled examples);
 * - cues: the type's cue phrases found in the clause, each worth how reliably it points to that type among the
 *   recorded clauses (a cue like "third parties" appears under many types and counts for little);
 * - topic: the classifier's topic for the clause (which also reads the heading) is the type's topic;
 * - heading: the heading above the clause alone names the type's topic ("Retention", "Limitation of liability");
 * - shape: the clause's opt-out mechanism is one the type's recorded clauses use ("unsubscribe link" → marketing).
 * The weighted sum (weights add up to 1) is the confidence; below the threshold the clause gets no type.
 */
export interface TypeEvidence {
  text: string;
  topic: Topic;
  /** the nearest heading above the clause */
  heading?: string | null;
  mechanism?: Mechanism | null;
}

export interface TypeScore {
  type: ProvisionType;
  confidence: number;
  /** the parts, for the evaluation report and for tuning */
  parts: { likeness: number; cues: number; topic: number; heading: number; shape: number };
}

export interface ScorerOptions {
  weights: { likeness: number; cues: number; topic: number; heading: number; shape: number };
  /** a cosine this high to a recorded clause is as alike as two wordings of one provision usually get */
  likenessFull: number;
}

/** Chosen on the development half of the labelled set (tests/fixtures/type-labels), never on its test half. */
export const DEFAULT_OPTIONS: ScorerOptions = {
  weights: { likeness: 0.35, cues: 0.25, topic: 0.175, heading: 0.175, shape: 0.05 },
  likenessFull: 0.35,
};

interface Vector {
  weights: Map<string, number>;
  norm: number;
}

interface Example {
  typeIndex: number;
  vector: Vector;
}

export class TypeScorer {
  private readonly types: ProvisionType[];
  private readonly idf = new Map<string, number>();
  private readonly defaultIdf: number;
  private readonly examples: Example[] = [];
  /** per term: the examples holding it and the term's weight in each, for the dot products */
  private readonly examplesByTerm = new Map<string, { indices: number[]; weights: number[] }>();
  /** per type: its cues with how reliably each points to it */
  private readonly cues: Array<Array<{ phrase: string; reliability: number }>>;
  /** per type: the share of its recorded opt-outs using each mechanism */
  private readonly mechanisms: Array<Map<string, number>>;

  constructor(dataset: Dataset, private readonly options: ScorerOptions = DEFAULT_OPTIONS) {
    this.types = dataset.types;
    const typeIndex = new Map(this.types.map((type, i) => [type.id, i]));
    const documents = dataset.clauses.map((clause) => termsOf(clause.text));
    const df = new Map<string, number>();
    for (const terms of documents) for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
    const n = documents.length;
    for (const [term, count] of df) this.idf.set(term, Math.log((n + 1) / (count + 1)) + 1);
    this.defaultIdf = Math.log(n + 1) + 1;

    dataset.clauses.forEach((clause, i) => {
      const index = this.examples.length;
      this.examples.push({ typeIndex: typeIndex.get(clause.provisionType) ?? -1, vector: this.vector(documents[i]!) });
      for (const [term, weight] of this.examples[index]!.vector.weights) {
        // Terms in half the clauses or more say nothing about which clause is alike.
        if ((df.get(term) ?? 0) > n / 2) continue;
        const list = this.examplesByTerm.get(term);
        if (list) {
          list.indices.push(index);
          list.weights.push(weight);
        } else this.examplesByTerm.set(term, { indices: [index], weights: [weight] });
      }
    });

    const lowerTexts = dataset.clauses.map((clause) => clause.text.toLowerCase());
    this.cues = this.types.map((type) =>
      type.cues.map((phrase) => {
        let inType = 0;
        let inAll = 0;
        dataset.clauses.forEach((clause, i) => {
          if (!hasPhrase(lowerTexts[i]!, phrase)) return;
          inAll++;
          if (clause.provisionType === type.id) inType++;
        });
        // Laplace-smoothed share of the clauses holding the cue that are of this type; an unseen cue counts half.
        return { phrase, reliability: (inType + 1) / (inAll + 2) };
      }),
    );
    this.mechanisms = this.types.map((type) => {
      const offers = dataset.clauses.filter((clause) => clause.provisionType === type.id && clause.shape.optOut);
      const shares = new Map<string, number>();
      for (const offer of offers) shares.set(offer.shape.mechanism!, (shares.get(offer.shape.mechanism!) ?? 0) + 1 / offers.length);
      return shares;
    });
  }

  private vector(terms: string[]): Vector {
    const tf = new Map<string, number>();
    for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    const weights = new Map<string, number>();
    let sum = 0;
    for (const [term, count] of tf) {
      const weight = (1 + Math.log(count)) * (this.idf.get(term) ?? this.defaultIdf);
      weights.set(term, weight);
      sum += weight * weight;
    }
    return { weights, norm: Math.sqrt(sum) };
  }

  /** Every type, best first. */
  score(evidence: TypeEvidence): TypeScore[] {
    const lower = evidence.text.toLowerCase();
    const headingTopic = evidence.heading ? detectTopic(evidence.heading, null).topic : 'other';
    const { weights, likenessFull } = this.options;
    const vector = this.vector(termsOf(evidence.text));

    // likeness: best and second-best cosine per type (their mean, so one lucky neighbour is not enough)
    const best = this.types.map(() => [0, 0] as [number, number]);
    // Dot products in a flat array (same sums in the same order as term by term), and which examples they touch.
    const dots = new Float64Array(this.examples.length);
    const seen = new Uint8Array(this.examples.length);
    const touched: number[] = [];
    for (const [term, weight] of vector.weights) {
      const list = this.examplesByTerm.get(term);
      if (list === undefined) continue;
      for (let k = 0; k < list.indices.length; k++) {
        const index = list.indices[k]!;
        if (seen[index] === 0) {
          seen[index] = 1;
          touched.push(index);
        }
        dots[index]! += weight * list.weights[k]!;
      }
    }
    for (const index of touched) {
      const dot = dots[index]!;
      const example = this.examples[index]!;
      if (example.typeIndex < 0 || vector.norm === 0) continue;
      const cosine = dot / (vector.norm * example.vector.norm);
      const pair = best[example.typeIndex]!;
      if (cosine > pair[0]) [pair[0], pair[1]] = [cosine, pair[0]];
      else if (cosine > pair[1]) pair[1] = cosine;
    }

    const scores = this.types.map((type, i): TypeScore => {
      const [first, second] = best[i]!;
      const likeness = Math.min(1, (0.7 * first + 0.3 * second) / likenessFull);
      // noisy-or of the reliabilities of the cues found
      let miss = 1;
      for (const cue of this.cues[i]!) if (hasPhrase(lower, cue.phrase)) miss *= 1 - cue.reliability;
      const cues = 1 - miss;
      const topic = evidence.topic === type.topic ? 1 : 0;
      const heading = headingTopic === type.topic ? 1 : 0;
      const shape = evidence.mechanism ? (this.mechanisms[i]!.get(evidence.mechanism) ?? 0) : 0;
      const confidence =
        weights.likeness * likeness + weights.cues * cues + weights.topic * topic + weights.heading * heading + weights.shape * shape;
      return { type, confidence: Math.round(Math.min(1, confidence) * 1000) / 1000, parts: { likeness, cues, topic, heading, shape } };
    });
    return scores.sort((a, b) => b.confidence - a.confidence);
  }
}
