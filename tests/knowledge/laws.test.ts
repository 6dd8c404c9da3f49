import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAWS, lawIdsOf, lawsNamedIn } from '../../lib/knowledge/laws';
import { loadDocumentFile } from '../../lib/node/cli/load-document';
import { annotateFileWithText } from '../../lib/node/cli/annotate';
import { AnnotatedDocumentSchema } from '../../lib/document/schema';

/**
 * The laws a page names, found in its extracted text (what lib/engine/extract gives the pipeline). The corpus lives
 * beside the repository; the Anthropic policy is also among tests/fixtures/policies, so the main case always runs.
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'policies');
const fixturesDir = path.join(repoRoot, 'tests', 'fixtures', 'policies');
const corpusPresent = existsSync(corpusDir);
const SKIPPED = corpusPresent ? '' : ' (skipped: ../shared/corpus absent)';
const fileOf = (name: string) => (corpusPresent ? path.join(corpusDir, name) : path.join(fixturesDir, name));

async function lawsOf(name: string) {
  const { extraction } = await loadDocumentFile(fileOf(name));
  return { text: extraction.text, laws: lawsNamedIn(extraction.text) };
}

describe('lawsNamedIn on corpus policies', () => {
  it('finds the LGPD, the GDPR and the UK GDPR in Anthropic\'s privacy policy, each quoted at its offset', async () => {
    const { text, laws } = await lawsOf('anthropic-privacy-policy.md');
    expect(laws.map((law) => law.id).sort()).toEqual(['gdpr', 'lgpd', 'uk-gdpr']);
    const lgpd = laws.find((law) => law.id === 'lgpd')!;
    expect(lgpd).toMatchObject({ name: 'LGPD', jurisdiction: 'BR', quote: 'Brazilian General Data Protection Law' });
    // "Brazilian General Data Protection Law (LGPD)": the full name and its acronym, and once more elsewhere
    expect(lgpd.mentions).toBeGreaterThanOrEqual(2);
    for (const law of laws) {
      expect(text.slice(law.start, law.end).replace(/\s+/g, ' ')).toBe(law.quote);
      expect(law.end).toBeGreaterThan(law.start);
    }
    // first mention order
    expect(laws.map((law) => law.start)).toEqual([...laws.map((law) => law.start)].sort((a, b) => a - b));
    // "UK GDPR" is the UK's law, not a second mention of the EU's
    const ukGdpr = laws.find((law) => law.id === 'uk-gdpr')!;
    expect(ukGdpr.quote).toBe('UK GDPR');
  });

  it.skipIf(!corpusPresent)(`finds the laws other corpus pages name${SKIPPED}`, async () => {
    const expected: Record<string, string[]> = {
      'microsoft-privacy-statement.md': ['appi', 'lgpd', 'swiss-fadp'],
      'linkedin-privacy-policy.md': ['eprivacy', 'gdpr', 'uk-dpa-2018'],
      'openai-privacy-policy-eu.md': ['gdpr', 'uk-gdpr'],
      'meta-facebook-privacy-policy-us.md': ['illinois-bipa', 'texas-cubi'],
      'snapchat-terms-of-service-us.md': ['dmca', 'eu-dsa', 'federal-arbitration-act', 'uk-consumer-rights-act'],
      'anthropic-consumer-terms.md': [],
    };
    for (const [name, ids] of Object.entries(expected)) {
      const { laws } = await lawsOf(name);
      expect(laws.map((law) => law.id).sort(), name).toEqual(ids);
    }
    // Google's US policy lists the US state laws by name; Delaware's "DPDPA" is not India's DPDP Act.
    const google = (await lawsOf('google-privacy-policy-us.md')).laws.map((law) => law.id);
    expect(google).toEqual(expect.arrayContaining(['ccpa-cpra', 'vcdpa', 'colorado-privacy-act', 'ctdpa', 'ucpa', 'tdpsa', 'delaware-personal-data-privacy-act']));
    expect(google).not.toContain('india-dpdp');
  });
});

describe('lawsNamedIn on short texts', () => {
  it('matches acronyms in capitals and as whole words only; full names in any case and across line breaks', () => {
    expect(lawsNamedIn('See https://example.com/ccpa and the gdpr-ish DSAR form.')).toEqual([]);
    expect(lawsNamedIn('Under the california consumer\n  privacy act you may opt out.').map((law) => law.id)).toEqual(['ccpa-cpra']);
    expect(lawsNamedIn('LGPDs and XGDPR are not laws.')).toEqual([]);
  });

  it('lets the longer name win where two overlap, and counts mentions', () => {
    const laws = lawsNamedIn('Where the UK GDPR applies … under the GDPR … the GDPR again; PIPEDA in Canada.');
    expect(laws.map((law) => [law.id, law.mentions])).toEqual([['uk-gdpr', 1], ['gdpr', 2], ['pipeda', 1]]);
  });

  it('finds the laws the brief of the feature lists', () => {
    const text = 'GDPR, UK GDPR, CCPA, CPRA, LGPD, PIPEDA, VCDPA, Colorado Privacy Act, COPPA, APPI, PIPL, Privacy Act 1988.';
    expect(lawsNamedIn(text).map((law) => law.id)).toEqual([
      'gdpr', 'uk-gdpr', 'ccpa-cpra', 'lgpd', 'pipeda', 'vcdpa', 'colorado-privacy-act', 'coppa', 'appi', 'pipl', 'australia-privacy-act',
    ]);
  });

  it('reads a rule\'s short name as its law', () => {
    expect(lawIdsOf('GDPR Art. 21')).toEqual(['gdpr']);
    expect(lawIdsOf('UK GDPR Art. 21')).toEqual(['uk-gdpr']);
    expect(lawIdsOf('CCPA/CPRA §1798.120')).toEqual(['ccpa-cpra']);
    expect(lawIdsOf('EU DSA Art. 28')).toEqual(['eu-dsa']);
  });

  it('has unique law ids', () => {
    const ids = LAWS.map((law) => law.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('laws named in the annotated document', () => {
  it('carries lawsNamed and marks the provision rules the page names', async () => {
    const { document } = await annotateFileWithText(fileOf('anthropic-privacy-policy.md'), 'https://www.anthropic.com/legal/privacy', 'test');
    expect(AnnotatedDocumentSchema.safeParse(document).success).toBe(true);
    expect(document.lawsNamed?.map((law) => law.id).sort()).toEqual(['gdpr', 'lgpd', 'uk-gdpr']);
    const training = document.clauses.find((clause) => clause.provision?.id === 'model-training-user-content' && clause.provision.match === 'exact');
    expect(training).toBeDefined();
    const regulations = training!.provision!.regulations!;
    expect(regulations.filter((regulation) => regulation.namedByPage).map((regulation) => regulation.name))
      .toEqual(['GDPR Art. 21', 'UK GDPR Art. 21', 'GDPR Art. 6(1)(f)']);
    // the EU AI Act and the CCPA are not named on this page
    expect(regulations.find((regulation) => regulation.name.startsWith('EU AI Act'))!.namedByPage).toBeUndefined();
    // Brazil's regulator is among the places to complain
    expect(training!.provision!.complaints!.map((route) => route.jurisdiction)).toContain('BR');
  }, 120_000);
});
