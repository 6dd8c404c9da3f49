import type { AnnotatedDocument } from '../../document/schema';

/**
 * The part of an analysis a golden file pins down, in reading order: each opt-out with its exceptions (text and
 * kind), and each promise.
 */
export interface GoldenOffer {
  offer: string;
  topic: string;
  mechanism: string;
  target: string | null;
  default: string;
  exceptions: Array<{ text: string; kind: string }>;
}
export interface GoldenPromise {
  promise: string;
  topic: string;
}

export function goldenOf(doc: AnnotatedDocument): Array<GoldenOffer | GoldenPromise> {
  return doc.clauses.flatMap((clause): Array<GoldenOffer | GoldenPromise> => {
    if (clause.labels.includes('promise')) return [{ promise: clause.text.slice(0, 160), topic: clause.topic }];
    if (clause.optOut === null) return [];
    return [{
      offer: clause.text.slice(0, 160),
      topic: clause.topic,
      mechanism: clause.optOut.mechanism,
      target: clause.optOut.target,
      default: clause.optOut.default,
      exceptions: clause.exceptions.map((exception) => ({ text: exception.text, kind: exception.kind })),
    }];
  });
}
