import type { AnnotatedDocument } from '../../document/schema';

/** The part of an analysis a golden file pins down: each opt-out with its exceptions, in reading order. */
export interface GoldenOffer {
  offer: string;
  topic: string;
  mechanism: string;
  target: string | null;
  default: string;
  exceptions: string[];
}

export function goldenOf(doc: AnnotatedDocument): GoldenOffer[] {
  return doc.clauses
    .filter((clause) => clause.optOut !== null)
    .map((clause) => ({
      offer: clause.text.slice(0, 160),
      topic: clause.topic,
      mechanism: clause.optOut!.mechanism,
      target: clause.optOut!.target,
      default: clause.optOut!.default,
      exceptions: clause.exceptions.map((exception) => exception.text),
    }));
}
