import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadDocumentFile } from '../../lib/node/cli/load-document';
import { analyze } from '../../lib/engine/analyze';
import type { AnalyzedClause, ExtractedText } from '../../lib/engine/model/analysis';

/** The foundation's promise, on the real text: the training opt-out and exactly its two exceptions. */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'policies');

async function trainingClauses(file: string): Promise<{ text: string; clauses: AnalyzedClause[] }> {
  const { extraction } = await loadDocumentFile(join(FIXTURES, file));
  const clauses = analyze(extraction).filter((clause) => clause.topic === 'model-training' && clause.optOut !== null);
  return { text: extraction.text, clauses };
}

const slice = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end).replace(/\s+/g, ' ');

describe('Anthropic privacy policy: training opt-out', () => {
  it('finds the opt-out through account settings, on unless you opt out, with exactly two exceptions', async () => {
    const { text, clauses } = await trainingClauses('anthropic-privacy-policy.md');
    const offer = clauses.find((clause) => slice(text, clause).includes('unless you opt out through your account settings'));
    expect(offer).toBeDefined();
    expect(offer!.labels).toEqual(['opt-out', 'exception']);
    expect(offer!.optOut).toMatchObject({ mechanism: 'settings', default: 'applies-unless-opt-out' });
    expect(slice(text, offer!.optOut!)).toBe(
      'We may use your Inputs and Outputs to train and improve Anthropic AI models, unless you opt out through your account settings.',
    );
    expect(offer!.exceptions.map((exception) => slice(text, exception))).toEqual([
      'your conversations are flagged for safety review to improve our ability to detect harmful content, enforce our policies, or advance AI safety research',
      "you've explicitly reported the materials to us (for example via our feedback mechanisms)",
    ]);
    // The clause reaches over the "Even if you opt-out" sentence that holds the exceptions.
    expect(slice(text, offer!)).toMatch(/^We may use your Inputs.*feedback mechanisms\)\.$/);
  });

  it('words each exception in one short sentence by its kind, never the policy sentence cut short', async () => {
    const { text, clauses } = await trainingClauses('anthropic-privacy-policy.md');
    const offer = clauses.find((clause) => slice(text, clause).includes('unless you opt out through your account settings'))!;
    expect(offer.exceptions.map((exception) => exception.plain)).toEqual([
      'Content flagged for a safety or policy review is still used.',
      'What you send them as feedback or report to them is still used.',
    ]);
    expect(offer.why[0]).toBe('Opt-out offer: “unless you opt out”');
  });
});

describe('Anthropic consumer terms: training opt-out', () => {
  it('finds the opt-out of training with its two exceptions (feedback; safety review)', async () => {
    const { text, clauses } = await trainingClauses('anthropic-consumer-terms.md');
    const offer = clauses.find((clause) => slice(text, clause).includes('unless you opt out of training through your account settings'));
    expect(offer).toBeDefined();
    expect(offer!.optOut).toMatchObject({ mechanism: 'settings', default: 'applies-unless-opt-out' });
    expect(offer!.exceptions.map((exception) => slice(text, exception))).toEqual([
      'you provide Feedback to us regarding any Materials',
      'your Materials are flagged for safety review to improve our ability to detect harmful content, enforce our policies, or advance our safety research',
    ]);
  });
});

function single(text: string): ExtractedText {
  return { text, blocks: [{ start: 0, end: text.length, kind: 'paragraph', level: 0 }] };
}

describe('what is not an opt-out', () => {
  const negatives: Array<[string, string]> = [
    ['opt-in consent', 'We will only use your precise location if you opt in to location sharing in the app.'],
    ['consent request', 'With your consent, we may share your profile with our partners for research.'],
    ['deletion right', 'You can delete your account and request deletion of your personal data at any time.'],
    ['access right', 'You have the right to access and correct the personal data we hold about you.'],
    ['contact us', 'If you have any questions about this policy, please contact us at privacy@example.com.'],
    ['no opt-out', 'You cannot opt out of receiving service announcements about your account.'],
    ['statement of fact', 'We do not sell your personal information to third parties.'],
  ];
  for (const [name, sentence] of negatives) {
    it(`${name}: “${sentence}”`, () => {
      const clauses = analyze(single(sentence));
      expect(clauses.filter((clause) => clause.labels.includes('opt-out'))).toEqual([]);
    });
  }

  it('labels the opt-in as opt-in and the refusal as no-opt-out', () => {
    expect(analyze(single(negatives[0]![1]))[0]?.labels).toContain('opt-in');
    expect(analyze(single(negatives[5]![1]))[0]?.labels).toContain('no-opt-out');
  });
});

describe('opt-outs in other words, and their exceptions', () => {
  // An exception is shown as the whole sentence that holds it, never a fragment of one.
  it('an unsubscribe link, with a following "we may still" exception', () => {
    const text = 'You can unsubscribe from our marketing emails using the unsubscribe link in each email. However, we may still send you service messages about your account.';
    const [clause] = analyze(single(text));
    expect(clause?.optOut).toMatchObject({ mechanism: 'unsubscribe-link' });
    expect(clause?.topic).toBe('marketing-messages');
    expect(clause?.exceptions.map((exception) => text.slice(exception.start, exception.end))).toEqual([
      'However, we may still send you service messages about your account.',
    ]);
  });

  it('an email address as the target', () => {
    const text = 'To opt out of the sale of your personal information, email privacy@example.com with the subject "Do Not Sell".';
    const [clause] = analyze(single(text));
    expect(clause?.optOut).toMatchObject({ mechanism: 'email', target: 'privacy@example.com' });
  });

  it('enumerated exceptions in a list after a lead-in stay attached, each its own exception', () => {
    const lead = 'You can turn off model training in Settings > Privacy. Even if you turn it off, we will use your chats for training when:';
    const items = ['you rate a response with thumbs up or down', 'your chat is flagged for a safety review'];
    const text = `${lead}\n\n${items.join('\n\n')}`;
    const blocks: ExtractedText['blocks'] = [{ start: 0, end: lead.length, kind: 'paragraph', level: 0 }];
    let at = lead.length + 2;
    for (const item of items) {
      blocks.push({ start: at, end: at + item.length, kind: 'list-item', level: 0 });
      at += item.length + 2;
    }
    const [clause] = analyze({ text, blocks });
    expect(clause?.optOut).toMatchObject({ mechanism: 'settings', target: 'Settings > Privacy' });
    expect(clause?.exceptions.map((exception) => text.slice(exception.start, exception.end))).toEqual(items);
  });
});

describe('hashing', () => {
  it('the CLI’s synchronous SHA-256 and SubtleCrypto give the same digest', async () => {
    const { createHash } = await import('node:crypto');
    const { sha256Hex, subtleSha256Hex, useSha256Implementation } = await import('../../lib/engine/text/hash');
    const text = 'We may use your Inputs and Outputs to train … unless you opt out. “Quotes” and ü.';
    const subtle = await sha256Hex(text);
    useSha256Implementation((value) => createHash('sha256').update(value, 'utf8').digest('hex'));
    try {
      expect(await sha256Hex(text)).toBe(subtle);
    } finally {
      useSha256Implementation(subtleSha256Hex);
    }
  });
});
