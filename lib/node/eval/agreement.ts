import type { DocumentData, LocatedLabel } from './dataset';
import { emptyScores, scoreDocument, type Prediction, type Scores } from './evaluate';

/**
 * Agreement between two labellers, measured as the engine is: the second labeller's labels scored as predictions
 * against the first's (precision = share of B's labels that A also has; recall = share of A's labels B has).
 */
export function agreement(pairs: Array<{ primary: DocumentData; second: DocumentData }>): Scores {
  const scores = emptyScores();
  for (const { primary, second } of pairs) {
    const offers = new Map(second.labels.filter((l) => l.type === 'opt-out').map((l) => [l.quote, l]));
    const predictions: Prediction[] = second.labels.map((label: LocatedLabel) => ({
      type: label.type,
      start: label.start,
      end: label.end,
      kind: label.kind,
      offer: label.offerQuote === undefined ? undefined : offers.get(label.offerQuote),
    }));
    scoreDocument(primary, predictions, scores);
  }
  return scores;
}
