import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentFromSource } from '../../lib/node/cli/load-document';
import { annotate as runPipeline } from '../../lib/pipeline';
import type { AnnotatedDocument } from '../../lib/document/schema';
import {
  compareAnalyses,
  diffAsText,
  hasClauseChanges,
  jaccard,
  REWORDED_THRESHOLD,
  wordDiff,
  type ComparableAnalysis,
} from '../../lib/document/history/compare';
import { DocumentChangesSchema } from '../../lib/document/history/schema';
import type { Topic } from '../../lib/engine/model/topics';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';

const sha = (text: string) => createHash('sha256').update(normalizeWhitespace(text)).digest('hex');

/** A hand-made analysis: one clause per text, real hashes. */
function visit(texts: string[], analyzedAt = '2026-01-01T00:00:00.000Z', topic: Topic = 'other'): ComparableAnalysis {
  return {
    document: { sha256: sha(texts.join('\n')), analyzedAt },
    clauses: texts.map((text, i) => ({ id: `c-${i + 1}-${sha(text).slice(0, 8)}`, text, sha256: sha(text), topic, labels: ['data-use'] })),
  };
}

const TRAINING = 'We may use your Inputs and Outputs to train our models, unless you opt out through your account settings.';
const RETENTION = 'We keep your conversations for 30 days after you delete them, unless the law requires us to keep them longer.';
const MARKETING = 'You can unsubscribe from marketing emails at any time using the link in each email.';
const COOKIES = 'You can refuse cookies in your browser settings, but some features may not work.';

describe('compareAnalyses on hand-made visits', () => {
  it('finds nothing between two identical visits, and says the document did not change', () => {
    const before = visit([TRAINING, RETENTION, MARKETING]);
    const after = visit([TRAINING, RETENTION, MARKETING], '2026-02-01T00:00:00.000Z');
    const changes = compareAnalyses(before, after);
    expect(changes).toEqual({
      previousAnalyzedAt: '2026-01-01T00:00:00.000Z',
      previousSha256: before.document.sha256,
      documentChanged: false,
      unchangedCount: 3,
      added: [],
      removed: [],
      changed: [],
    });
    expect(hasClauseChanges(changes)).toBe(false);
    expect(DocumentChangesSchema.parse(changes)).toEqual(changes);
  });

  it('matches clauses by hash wherever they moved: a reordered page changed, its clauses did not', () => {
    const changes = compareAnalyses(visit([TRAINING, RETENTION, MARKETING]), visit([MARKETING, TRAINING, RETENTION]));
    expect(changes.documentChanged).toBe(true);
    expect(changes.unchangedCount).toBe(3);
    expect(hasClauseChanges(changes)).toBe(false);
  });

  it('pairs a reworded clause with its old wording and diffs the words', () => {
    const reworded = RETENTION.replace('30 days', '90 days');
    const changes = compareAnalyses(visit([TRAINING, RETENTION, MARKETING]), visit([TRAINING, reworded, MARKETING]));
    expect(changes.documentChanged).toBe(true);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    expect(changes.unchangedCount).toBe(2);
    expect(changes.changed).toHaveLength(1);
    const [change] = changes.changed;
    expect(change!.before.text).toBe(RETENTION);
    expect(change!.after.text).toBe(reworded);
    expect(change!.before.sha256).toBe(sha(RETENTION));
    expect(change!.after.sha256).toBe(sha(reworded));
    expect(change!.similarity).toBeGreaterThanOrEqual(REWORDED_THRESHOLD);
    expect(change!.similarity).toBeLessThan(1);
    expect(change!.diff).toEqual([
      { kind: 'same', text: 'We keep your conversations for ' },
      { kind: 'deleted', text: '30' },
      { kind: 'inserted', text: '90' },
      { kind: 'same', text: ' days after you delete them, unless the law requires us to keep them longer.' },
    ]);
    expect(diffAsText(change!.diff)).toBe(
      'We keep your conversations for [-30-]{+90+} days after you delete them, unless the law requires us to keep them longer.',
    );
  });

  it('reports a clause with different words as removed and one as added, not as changed', () => {
    const changes = compareAnalyses(visit([TRAINING, RETENTION]), visit([TRAINING, COOKIES]));
    expect(changes.changed).toEqual([]);
    expect(changes.removed.map((clause) => clause.text)).toEqual([RETENTION]);
    expect(changes.added.map((clause) => clause.text)).toEqual([COOKIES]);
    expect(changes.unchangedCount).toBe(1);
    expect(hasClauseChanges(changes)).toBe(true);
  });

  it('reports added and removed clauses alongside a reworded one, each in page order', () => {
    const reworded = TRAINING.replace('our models', 'our AI models and services');
    const before = visit([TRAINING, RETENTION, MARKETING]);
    const after = visit([COOKIES, reworded, MARKETING]);
    const changes = compareAnalyses(before, after);
    expect(changes.changed.map((change) => [change.before.text, change.after.text])).toEqual([[TRAINING, reworded]]);
    expect(diffAsText(changes.changed[0]!.diff)).toBe(
      'We may use your Inputs and Outputs to train our {+AI +}models {+and services+}, unless you opt out through your account settings.',
    );
    expect(changes.added.map((clause) => clause.text)).toEqual([COOKIES]);
    expect(changes.removed.map((clause) => clause.text)).toEqual([RETENTION]);
    expect(changes.unchangedCount).toBe(1);
  });

  it('counts repeated clauses: a clause that appeared twice and now once was removed once', () => {
    const changes = compareAnalyses(visit([MARKETING, TRAINING, MARKETING]), visit([MARKETING, TRAINING]));
    expect(changes.removed.map((clause) => clause.text)).toEqual([MARKETING]);
    expect(changes.added).toEqual([]);
    expect(changes.unchangedCount).toBe(2);
  });

  it('gives each old clause to the new clause most like it, once', () => {
    const a = 'We share your data with advertising partners to show you relevant ads on other websites.';
    const a1 = 'We share your data with advertising partners to show you relevant ads on other websites and apps.';
    const a2 = 'We share your data with our advertising partners to show you ads on websites.';
    const changes = compareAnalyses(visit([a]), visit([a2, a1]));
    expect(changes.changed).toHaveLength(1);
    expect(changes.changed[0]!.after.text).toBe(a1); // the closer wording wins
    expect(changes.added.map((clause) => clause.text)).toEqual([a2]);
    expect(changes.removed).toEqual([]);
  });

  it('handles empty visits', () => {
    expect(compareAnalyses(visit([]), visit([])).unchangedCount).toBe(0);
    const all = compareAnalyses(visit([]), visit([TRAINING]));
    expect(all.added.map((clause) => clause.text)).toEqual([TRAINING]);
    const none = compareAnalyses(visit([TRAINING]), visit([]));
    expect(none.removed.map((clause) => clause.text)).toEqual([TRAINING]);
    expect(none.unchangedCount).toBe(0);
  });

  it('keeps the clause topic and labels for the popup', () => {
    const changes = compareAnalyses(visit([RETENTION], undefined, 'data-retention'), visit([COOKIES], undefined, 'cookies-tracking'));
    expect(changes.removed[0]).toMatchObject({ topic: 'data-retention', labels: ['data-use'] });
    expect(changes.added[0]).toMatchObject({ topic: 'cookies-tracking', labels: ['data-use'] });
  });
});

describe('word helpers', () => {
  it('jaccard: shared words over all words', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['a', 'b']))).toBe(1);
    expect(jaccard(new Set(['a', 'b']), new Set(['c']))).toBe(0);
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['a', 'b', 'd']))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });

  it('wordDiff merges neighbouring runs of one kind and reproduces both texts', () => {
    const before = 'We may share your data with partners.';
    const after = 'We will share all of your data with our partners.';
    const parts = wordDiff(before, after);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.kind).not.toBe(parts[i - 1]!.kind);
    expect(parts.filter((part) => part.kind !== 'inserted').map((part) => part.text).join('')).toBe(before);
    expect(parts.filter((part) => part.kind !== 'deleted').map((part) => part.text).join('')).toBe(after);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A real policy, analysed before and after an edit: one opt-out reworded, one added, one removed.
// ---------------------------------------------------------------------------------------------------------------

const FIXTURE = fileURLToPath(new URL('../fixtures/policies/anthropic-privacy-policy.md', import.meta.url));
const ORIGINAL_ADS = 'and we will honor global privacy controls.';
const REWORDED_ADS = 'and we will honor global privacy controls where the law requires it.';
const ANCHOR = 'You can access these in your [Privacy Settings](https://claude.ai/new#settings/data-privacy-controls).';
/** in the first version only */
const REMOVED = 'You can opt out of our newsletter by using the unsubscribe link in any newsletter email.';
/** in the second version only */
const ADDED = 'You can opt out of product research surveys by emailing privacy@anthropic.com.';

function withParagraph(markdown: string, paragraph: string): string {
  if (!markdown.includes(ANCHOR)) throw new Error(`fixture lacks: ${ANCHOR}`);
  return markdown.replace(ANCHOR, `${ANCHOR}\n\n${paragraph}`);
}

/** The policy as first seen: the fixture plus a newsletter opt-out. */
function firstVersion(markdown: string): string {
  return withParagraph(markdown, REMOVED);
}

/** The policy later: the advertising opt-out reworded, the newsletter opt-out gone, a survey opt-out new. */
function secondVersion(markdown: string): string {
  if (!markdown.includes(ORIGINAL_ADS)) throw new Error(`fixture lacks: ${ORIGINAL_ADS}`);
  return withParagraph(markdown.replace(ORIGINAL_ADS, REWORDED_ADS), ADDED);
}

async function annotate(markdown: string, analyzedAt: string): Promise<AnnotatedDocument> {
  const { title, extraction } = documentFromSource(markdown, '.md', 'Privacy Policy');
  return runPipeline({
    extraction: extraction,
    url: 'https://www.anthropic.com/legal/privacy',
    title,
    looksLikePolicy: true,
    toolVersion: '0.1.0',
    analyzedAt: new Date(analyzedAt),
  });
}

describe('compareAnalyses on a real policy', () => {
  let before: AnnotatedDocument;
  let after: AnnotatedDocument;

  beforeAll(async () => {
    const markdown = readFileSync(FIXTURE, 'utf8');
    before = await annotate(firstVersion(markdown), '2026-01-01T10:00:00.000Z');
    after = await annotate(secondVersion(markdown), '2026-03-01T10:00:00.000Z');
  });

  it('finds the reworded advertising opt-out, the new opt-out and the removed clause, and nothing else', () => {
    const changes = compareAnalyses(before, after);
    expect(DocumentChangesSchema.safeParse(changes).success).toBe(true);
    expect(changes.documentChanged).toBe(true);
    expect(changes.previousAnalyzedAt).toBe('2026-01-01T10:00:00.000Z');
    expect(changes.previousSha256).toBe(before.document.sha256);

    expect(changes.changed).toHaveLength(1);
    const [ads] = changes.changed;
    expect(ads!.after.topic).toBe('advertising');
    expect(ads!.before.text).toContain(ORIGINAL_ADS);
    expect(ads!.after.text).toContain(REWORDED_ADS);
    expect(diffAsText(ads!.diff)).toContain('global privacy controls {+where the law requires it+}.');

    expect(changes.added.map((clause) => clause.text)).toEqual([ADDED]);
    expect(changes.added[0]!.labels).toContain('opt-out');
    expect(changes.removed.map((clause) => clause.text)).toEqual([REMOVED]);
    expect(changes.removed[0]!.labels).toContain('opt-out');
    expect(changes.unchangedCount).toBe(after.clauses.length - 2);
    expect(changes.unchangedCount).toBe(before.clauses.length - 2);
  });

  it('finds nothing when the same text is analysed again', async () => {
    const again = await annotate(firstVersion(readFileSync(FIXTURE, 'utf8')), '2026-04-01T10:00:00.000Z');
    const changes = compareAnalyses(before, again);
    expect(changes.documentChanged).toBe(false);
    expect(hasClauseChanges(changes)).toBe(false);
    expect(changes.unchangedCount).toBe(before.clauses.length);
  });
});
