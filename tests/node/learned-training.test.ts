import { describe, expect, it } from 'vitest';
import { documentFeatures, unitEvidence } from '../../lib/engine/learned/features';
import type { Unit } from '../../lib/engine/learned/units';
import type { Example } from '../../lib/node/eval/dataset';
import { DEFAULT_FIT, fit } from '../../lib/node/train/fit';

/** The learned stage's training: seeded (the same labels give the same weights) and its context features. */
const sentences = [
  { text: 'Privacy choices', heading: true },
  { text: 'You can opt out of marketing emails at any time by clicking unsubscribe.' },
  { text: 'Even if you opt out, we will still send you account messages.' },
  { text: 'We collect your name and email address.' },
  { text: 'We may still share your information when:' },
  { text: 'the law requires it;', list: true },
  { text: 'you asked us to.', list: true },
];

function documentOf(): { units: Unit[]; texts: string[] } {
  const units: Unit[] = [];
  const texts: string[] = [];
  let offset = 0;
  let heading: string | null = null;
  sentences.forEach((sentence, blockIndex) => {
    if (sentence.heading) {
      heading = sentence.text;
      return;
    }
    units.push({ start: offset, end: offset + sentence.text.length, blockIndex, heading, inList: sentence.list ?? false, firstInBlock: true });
    texts.push(sentence.text);
    offset += sentence.text.length + 1;
  });
  return { units, texts };
}

describe('learned-stage features', () => {
  const { units, texts } = documentOf();
  const evidence = texts.map((text) => unitEvidence(text));
  const features = documentFeatures(units, evidence);

  it('gives the words of a sentence right after an offer features of their own', () => {
    expect(features[1]).toContain('n:still');
    expect(features[1]).toContain('c:offer-before:1');
  });

  it('reads a list item through the lead-in that opens its list', () => {
    expect(features[5]).toContain('l:colon');
    expect(features[4]).toContain('l:colon');
    expect(features[2]).not.toContain('l:colon');
  });
});

describe('fit', () => {
  const { units, texts } = documentOf();
  const features = documentFeatures(units, texts.map((text) => unitEvidence(text)));
  const targets: Array<[number, number, number]> = [[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]];
  const documents = Array.from({ length: 5 }, (_, d) => ({
    document: `d${d}`,
    examples: features.map((f, i): Example => ({ features: f, y: targets[i]!, kind: targets[i]![1] ? 0 : -1 })),
  }));
  const options = { ...DEFAULT_FIT, minDocuments: 1, prune: 0 };

  it('is reproducible: the same documents and seed give the same weights', () => {
    expect([...fit(documents, options)]).toEqual([...fit(documents, options)]);
  });

  it('learns the offer and the carve-out from their examples', () => {
    const weights = fit(documents, options);
    const score = (i: number, head: number) => features[i]!.reduce((sum, f) => sum + (weights.get(f)?.[head] ?? 0), 0);
    expect(score(0, 0)).toBeGreaterThan(score(2, 0));
    expect(score(1, 1)).toBeGreaterThan(score(2, 1));
  });
});
