import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import { excerpt, linkToKnown, MAX_QUOTE_CHARS, othersFor } from '../../lib/knowledge/match/others';
import { ProvisionMatchSchema } from '../../lib/document/schema';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';
import type { KnownClause } from '../../lib/knowledge/dataset/schema';

/** "How others handle this": each other platform's recorded words and a link that opens its document at them. */
const matcher = bundledMatcher();
const known = matcher.knownById('claude-privacy-model-training')!;

/** The text-fragment terms of a link, decoded: [start] or [start, end]. */
function fragmentTerms(link: string): string[] {
  const directive = link.split('#:~:text=')[1]!;
  return directive.split(',').map((term) => decodeURIComponent(term));
}

describe('others: quotes and links', () => {
  const provision = matcher.exactMatch(known, 'hash')!;
  const others = provision.others!;

  it('quotes each other platform verbatim (whole, or its opening cut with "…") and keeps its exceptions', () => {
    expect(others.length).toBeGreaterThan(2);
    expect(ProvisionMatchSchema.safeParse(provision).success).toBe(true);
    for (const other of others) {
      const recorded = matcher.knownById(other.knownClauseId)!;
      const text = normalizeWhitespace(recorded.text);
      expect(other.platform).toBe(recorded.platform);
      expect(other.platform).not.toBe(known.platform);
      if (other.quote!.endsWith(' …')) {
        const opening = other.quote!.slice(0, -2);
        expect(text.startsWith(opening), other.knownClauseId).toBe(true);
        expect(opening.length).toBeLessThanOrEqual(MAX_QUOTE_CHARS);
      } else {
        expect(other.quote).toBe(text);
      }
      expect(other.exceptions).toEqual(recorded.shape.exceptions);
      expect(other.documentTitle).toBe(recorded.documentTitle);
    }
  });

  it('links each to its published document at the clause: a text fragment whose terms are the recorded words', () => {
    for (const other of others) {
      const recorded = matcher.knownById(other.knownClauseId)!;
      const text = normalizeWhitespace(recorded.text);
      expect(other.link!.startsWith(`${new URL(recorded.url).href.split('#')[0]}#:~:text=`), other.knownClauseId).toBe(true);
      const terms = fragmentTerms(other.link!);
      expect(text.startsWith(terms[0]!), other.knownClauseId).toBe(true);
      if (terms.length === 2) expect(text.endsWith(terms[1]!), other.knownClauseId).toBe(true);
      // the reserved characters of a text directive are escaped, so the terms split where they should
      expect(terms.length).toBeLessThanOrEqual(2);
    }
  });

  it('gives every recorded clause a link (every dataset address is http(s))', () => {
    expect(matcher.dataset.clauses.filter((clause) => linkToKnown(clause) === null).map((clause) => clause.id)).toEqual([]);
  });
});

describe('others: excerpt and link rules', () => {
  it('keeps short text whole and cuts long text after a sentence, else after a word', () => {
    expect(excerpt('Short   clause.\n')).toBe('Short clause.');
    const sentences = `${'A first sentence that is long enough to keep. '.repeat(5)}And then a very long tail ${'word '.repeat(80)}`;
    const cut = excerpt(sentences, 200);
    expect(cut.endsWith('keep. …')).toBe(true);
    expect(sentences.startsWith(cut.slice(0, -2))).toBe(true);
    const words = `${'lorem ipsum '.repeat(40)}`;
    const wordCut = excerpt(words, 50);
    expect(wordCut).toMatch(/^[a-z ]+[a-z] …$/);
    expect(wordCut.length).toBeLessThanOrEqual(52);
    expect(wordCut.slice(0, -2).endsWith('lorem') || wordCut.slice(0, -2).endsWith('ipsum')).toBe(true);
  });

  it('builds no link for an address that is not http(s)', () => {
    expect(linkToKnown({ url: 'javascript:alert(1)', text: 'We may use your data for things.' })).toBeNull();
    expect(linkToKnown({ url: 'not a url', text: 'We may use your data for things.' })).toBeNull();
  });

  it('leaves out a platform whose address is not http(s) rather than link it', () => {
    const bad: KnownClause = { ...matcher.knownById('claude-privacy-model-training')!, platform: 'Elsewhere', id: 'elsewhere', url: 'javascript:alert(1)' };
    expect(othersFor([bad], null)).toEqual([]);
  });
});

describe('others on a platform\'s own page', () => {
  it('lists no clause of the page\'s own platform as "another" platform, even for a same-kind match', async () => {
    const { annotateFileWithText } = await import('../../lib/node/cli/annotate');
    const file = path.join(import.meta.dirname, '..', 'fixtures', 'policies', 'anthropic-privacy-policy.md');
    const own = (await annotateFileWithText(file, 'https://www.anthropic.com/legal/privacy', 'test')).document;
    const elsewhere = (await annotateFileWithText(file, 'https://example.invalid/privacy', 'test')).document;
    const platformsIn = (doc: typeof own) => new Set(doc.clauses.flatMap((clause) => clause.provision?.others ?? []).map((other) => other.platform));
    // read at some other address, a same-kind match may show Claude's own recorded clause
    expect(platformsIn(elsewhere).has('Claude')).toBe(true);
    expect(platformsIn(own).has('Claude')).toBe(false);
    expect(platformsIn(own).size).toBeGreaterThan(3);
  }, 120_000);
});
