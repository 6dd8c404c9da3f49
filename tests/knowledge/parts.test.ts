import { describe, expect, it } from 'vitest';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import type { ClauseShape, KnownClause } from '../../lib/knowledge/dataset/schema';
import { alignedDiff } from '../../lib/document/diff';
import { foldWhitespace, locateKnownClauses } from '../../lib/knowledge/match/locate';
import { MAX_OTHERS, othersFor, shapeWords } from '../../lib/knowledge/match/others';
import { TYPE_THRESHOLD } from '../../lib/knowledge/match/matcher';

const matcher = bundledMatcher();
const shape = (over: Partial<ClauseShape>): ClauseShape => ({ optOut: false, mechanism: null, default: 'unknown', exceptions: [], ...over });

describe('shapeWords: a recorded clause\'s shape in plain words', () => {
  it('names opt-outs with and without exceptions, no opt-out, and consent', () => {
    expect(shapeWords(shape({ optOut: true, mechanism: 'settings', default: 'applies-unless-opt-out' }))).toBe('opt-out, no exceptions');
    expect(shapeWords(shape({ optOut: true, mechanism: 'settings', exceptions: ['a', 'b'] }))).toBe('opt-out with 2 exceptions');
    expect(shapeWords(shape({ optOut: true, mechanism: 'email', exceptions: ['a'] }))).toBe('opt-out with 1 exception');
    expect(shapeWords(shape({}))).toBe('no opt-out');
    expect(shapeWords(shape({ default: 'only-if-opt-in' }))).toBe('only with consent');
  });
});

describe('othersFor: how other platforms handle it', () => {
  const training = matcher.dataset.clauses.filter((clause) => clause.provisionType === 'model-training-user-content');

  it('lists one clause per platform, never the excluded platform, at most eight', () => {
    const others = othersFor(training, 'Claude');
    expect(others.length).toBe(Math.min(MAX_OTHERS, new Set(training.map((c) => c.platform)).size - 1));
    expect(new Set(others.map((other) => other.platform)).size).toBe(others.length);
    expect(others.some((other) => other.platform === 'Claude')).toBe(false);
    for (const other of others) {
      const known = training.find((clause) => clause.id === other.knownClauseId)!;
      expect(known.platform).toBe(other.platform);
      expect(other.shape).toBe(shapeWords(known.shape));
      expect(other.recordedAt).toBe(known.recordedAt);
    }
  });

  it('shows every shape present before repeating one', () => {
    const shapes = new Set(othersFor(training, null).map((other) => other.shape));
    const perPlatformShapes = new Set<string>();
    // the most telling clause of each platform decides its shape
    const byPlatform = new Map<string, KnownClause[]>();
    for (const clause of training) byPlatform.set(clause.platform, [...(byPlatform.get(clause.platform) ?? []), clause]);
    for (const clauses of byPlatform.values()) {
      const best = clauses.reduce((a, b) => (rank(b) > rank(a) ? b : a));
      perPlatformShapes.add(shapeWords(best.shape));
    }
    expect(shapes.size).toBe(Math.min(MAX_OTHERS, perPlatformShapes.size));
  });
});

function rank(clause: KnownClause): number {
  return clause.shape.optOut ? 2 + clause.shape.exceptions.length : clause.shape.default === 'only-if-opt-in' ? 1 : 0;
}

describe('alignedDiff', () => {
  it('marks a swapped word as removed and added, and keeps the rest', () => {
    const diff = alignedDiff('We keep your data for 30 days.', 'We keep your data for 90 days.');
    expect(diff.ops).toEqual([
      { op: 'same', text: 'We keep your data for ' },
      { op: 'removed', text: '30' },
      { op: 'added', text: '90' },
      { op: 'same', text: ' days.' },
    ]);
    expect(diff.similarity).toBeGreaterThan(0.8);
    expect(diff.similarity).toBeLessThan(1);
  });

  it('leaves out page text around the recorded clause', () => {
    const diff = alignedDiff('we will delete it within 30 days', 'Retention. In short, we will delete it within 30 days');
    expect(diff.trimmedPageText).toBe(true);
    expect(diff.ops).toEqual([{ op: 'same', text: 'we will delete it within 30 days' }]);
    expect(diff.similarity).toBe(1);
  });

  it('counts a changed punctuation mark as a change', () => {
    expect(alignedDiff('We don’t sell it.', "We don't sell it.").similarity).toBeLessThan(1);
  });
});

describe('locating recorded clauses in page text', () => {
  it('folds white space and maps offsets back to the original text', () => {
    const { folded, offsets } = foldWhitespace('  a \n\n b\u00a0 c ');
    expect(folded).toBe('a b c');
    expect([...offsets]).toEqual([2, 3, 7, 8, 10]);
  });

  it('finds a recorded clause across line breaks and gives its span in the original', () => {
    const known = matcher.knownById('claude-privacy-model-training')!;
    const page = `Intro.\n\n${known.text.replace(/ /g, (space, at: number) => (at % 7 === 0 ? '\n' : space))}\n\nMore.`;
    const [found] = locateKnownClauses(page, [known]);
    expect(found).toBeDefined();
    expect(page.slice(found!.start, found!.end).replace(/\s+/g, ' ')).toBe(known.text);
  });
});

describe('type matching on its own', () => {
  it('scores every type and picks the one a plain retention sentence is about', () => {
    const scores = matcher.scoreTypes({ text: 'We keep your messages for two years after you close your account.', topic: 'data-retention', heading: 'How long we keep data' });
    expect(scores).toHaveLength(matcher.dataset.types.length);
    expect(scores[0]!.type.id).toBe('data-retention');
    expect(scores[0]!.confidence).toBeGreaterThanOrEqual(TYPE_THRESHOLD);
  });

  it('gives a type match the type\'s explanation, actions and other platforms, and no known clause', () => {
    const match = matcher.match({
      text: 'You can unsubscribe from our promotional emails at any time using the link in each message.',
      sha256: '0'.repeat(64),
      topic: 'marketing-messages',
      heading: 'Marketing',
      mechanism: 'unsubscribe-link',
    });
    expect(match?.match).toBe('type');
    expect(match?.id).toBe('marketing-communications');
    expect(match?.knownClauseId).toBeNull();
    expect(match?.explanation).toBeTruthy();
    expect(match?.regulations).toBeDefined();
    expect(match?.others?.length).toBeGreaterThan(0);
  });
});
