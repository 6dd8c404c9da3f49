import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectTopic } from '../../lib/engine/classify/topic';
import { annotateFile, annotateFileWithText } from '../../lib/node/cli/annotate';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import { withProvisions } from '../../lib/knowledge/match/apply';
import { normalizedSha256 } from '../../lib/engine/text/hash';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';

/** A lightly edited recorded clause is "changed" with the right diff; text about something else matches nothing. */
const matcher = bundledMatcher();
const dir = mkdtempSync(path.join(tmpdir(), 'clausemark-match-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeMarkdown(name: string, markdown: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, markdown);
  return file;
}

const TRAINING = matcher.knownById('claude-privacy-model-training')!;
const EDITS: Array<[string, string]> = [
  ['train and improve', 'train and enhance'],
  ['through your account settings', 'through your privacy settings'],
  ['(for example via our feedback mechanisms)', '(for example through our feedback tools)'],
];

describe('a lightly edited copy of a recorded clause', () => {
  it('is matched "changed" against that clause, with a word diff of exactly the edits', async () => {
    let edited = TRAINING.text;
    for (const [from, to] of EDITS) {
      expect(edited).toContain(from);
      edited = edited.replace(from, to);
    }
    const file = writeMarkdown('edited-policy.md', `# Privacy Policy\n\n## How we use your data\n\n${edited}\n`);
    const doc = await annotateFile(file, 'https://example.com/privacy', 'test');
    const clause = doc.clauses.find((c) => c.provision?.knownClauseId === TRAINING.id);
    expect(clause, 'the edited clause is analysed and matched').toBeDefined();
    const provision = clause!.provision!;
    expect(provision.match).toBe('changed');
    expect(provision.recordedAt).toBe(TRAINING.recordedAt);
    expect(provision.platform).toBe(TRAINING.platform);
    expect(provision.similarity).toBeGreaterThan(0.75);
    expect(provision.similarity).toBeLessThan(1);

    const diff = provision.diff!;
    // The diff rebuilds both texts: kept + removed = the recorded clause, kept + added = the page's clause.
    expect(diff.filter((part) => part.op !== 'added').map((part) => part.text).join('')).toBe(normalizeWhitespace(TRAINING.text));
    expect(diff.filter((part) => part.op !== 'removed').map((part) => part.text).join('')).toBe(clause!.text);
    const removed = diff.filter((part) => part.op === 'removed').map((part) => part.text.trim());
    const added = diff.filter((part) => part.op === 'added').map((part) => part.text.trim());
    expect(removed.join(' ')).toMatch(/improve/);
    expect(removed.join(' ')).toMatch(/account/);
    expect(removed.join(' ')).toMatch(/via/);
    expect(added.join(' ')).toMatch(/enhance/);
    expect(added.join(' ')).toMatch(/privacy/);
    expect(added.join(' ')).toMatch(/through/);
    // only the edited words changed: a handful of words, the rest is kept
    const changedWords = [...removed, ...added].join(' ').split(/\s+/).filter(Boolean).length;
    expect(changedWords).toBeLessThanOrEqual(12);

    // the popup needs no dataset: the type's details and other platforms travel with the match
    expect(provision.explanation).toBe(matcher.type(TRAINING.provisionType)!.explanation);
    expect(provision.actions!.length).toBeGreaterThan(0);
    expect(provision.others!.length).toBeGreaterThan(0);
    expect(provision.others!.every((other) => other.platform !== TRAINING.platform)).toBe(true);
  });

  it('is matched "exact" when nothing was edited', async () => {
    const file = writeMarkdown('same-policy.md', `# Privacy Policy\n\n${TRAINING.text}\n`);
    const doc = await annotateFile(file, 'https://example.com/privacy', 'test');
    const clause = doc.clauses.find((c) => c.provision?.knownClauseId === TRAINING.id);
    expect(clause?.provision?.match).toBe('exact');
    expect(clause?.provision?.via).toBe('hash');
    expect(clause?.provision?.diff).toBeUndefined();
  });
});

const RECIPE = `# Lemon sponge cake

Preheat the oven to 180 degrees and butter a round cake tin.

Whisk the eggs with the sugar until pale, then fold in the flour, the zest of two lemons and a pinch of salt.

Bake for 35 minutes, until a skewer inserted in the middle comes out clean, and let it cool on a rack. Keep the cake
in an airtight tin for up to three days.
`;

const NEWS = `# Council approves tram extension

The city council voted on Tuesday to extend the tram line to the northern suburbs, a project expected to take four
years. The mayor said the government would cover half of the cost, with the rest coming from regional transport funds.
Opponents argued that the money would be better spent on buses, and a local residents group said it would challenge
the decision in court. Construction is due to start next spring once the final designs are approved.
`;

describe('unrelated text', () => {
  for (const [name, markdown] of [['recipe.md', RECIPE], ['news.md', NEWS]] as const) {
    it(`matches nothing in a ${name.replace('.md', '')}, through the CLI and sentence by sentence`, async () => {
      const file = writeMarkdown(name, markdown);
      const { document, text } = await annotateFileWithText(file, 'https://example.com/page', 'test');
      const withText = withProvisions(document, matcher, text);
      expect(withText.clauses.filter((clause) => clause.provision !== null)).toEqual([]);
      // The analysis picks out few or no clauses here, so every sentence also goes to the matcher directly.
      const sentences = normalizeWhitespace(markdown.replace(/^#.*$/gm, '')).split(/(?<=\.)\s+/);
      expect(sentences.length).toBeGreaterThanOrEqual(4);
      for (const sentence of sentences) {
        const match = matcher.match({ text: sentence, sha256: await normalizedSha256(sentence), topic: detectTopic(sentence, null).topic });
        expect(match, sentence).toBeNull();
      }
    });
  }
});
