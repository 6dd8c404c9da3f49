import { describe, expect, it } from 'vitest';
import { bundledDataset, bundledMatcher } from '../../lib/knowledge/dataset/load';
import { negatesAPractice } from '../../lib/engine/learned/features';

/**
 * Every recorded clause says whether it is a practice, a promise ("Zoom does not use … to train") or both. The
 * polarity was audited clause by clause; this test keeps it so: a clause whose wording negates a practice must be
 * recorded as a promise or mixed, and a promise must negate one, unless it is one of the reviewed cases below.
 */
const REVIEWED: Record<string, string> = {
  'claude-commercial-terms-updates': 'the company may change the terms; "will not apply retroactively" is a side safeguard',
  'chatgpt-eu-help-temporary-chat': 'a mode the reader chooses (an opt-out), not a promise about the default',
  'chatgpt-eu-terms-liability': '"we do not take responsibility" is a liability disclaimer',
  'gemini-hub-temporary-chats': 'a mode the reader chooses (an opt-out), not a promise about the default',
  'grok-privacy-do-not-track': 'not honouring Do Not Track is the concern itself',
  'grok-terms-arbitration-opt-out-effect': 'a condition of the arbitration opt-out',
  'github-terms-under-13': 'a minimum-age rule for users',
  'zoom-privacy-under-16': 'a minimum-age rule for users',
  'zoom-terms-no-renewed-opt-out': 'a condition of the arbitration opt-out',
  'discord-terms-liability-cap': 'a liability cap; "we cannot limit by law" qualifies it',
  'claude-commercial-no-training': '"may not train" is a promise in permissive wording',
  'chatgpt-business-no-training-by-default': '"isn’t used for training" by default: passive wording',
  'gemini-hub-activity-used-for-training': 'mixed: activity is used; audio and screenshares are not, in passive wording',
  'copilot-privacy-health-not-trained': 'mixed: used for the service; "is not used to … train" in passive wording',
  'github-terms-affiliates-ai-use': 'mixed: affiliates may use it; "does not … permit" third-party training',
  'metaai-terms-search-partners': 'mixed: search terms are sent to partners; "are not connected to your account" in passive wording',
  'linkedin-ua-changes-without-notice': 'mixed: changes without notice; "changes cannot be retroactive" is a promise without a negated verb of practice',
};

const dataset = bundledDataset();

describe('polarity of the recorded clauses', () => {
  it.each(dataset.clauses.map((clause) => [clause.id, clause] as const))('%s', (id, clause) => {
    const negates = negatesAPractice(clause.text);
    const recordedAsPromise = clause.polarity !== 'practice';
    if (REVIEWED[id] !== undefined) expect(negates).not.toBe(recordedAsPromise);
    else expect({ id, negates }).toEqual({ id, negates: recordedAsPromise });
  });

  it('lists only reviewed cases that exist', () => {
    const ids = new Set(dataset.clauses.map((clause) => clause.id));
    expect(Object.keys(REVIEWED).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('never gives a promise a severity, matched exactly or by type', () => {
    const matcher = bundledMatcher();
    for (const clause of dataset.clauses.filter((known) => known.polarity === 'promise')) {
      expect(matcher.exactMatch(clause, 'hash')).toMatchObject({ polarity: 'promise', severity: null });
    }
    const typed = matcher.match({ text: 'We do not use your conversations to train our models.', sha256: '0'.repeat(64), topic: 'model-training', promise: true });
    expect(typed === null || (typed.polarity === 'promise' && typed.severity === null)).toBe(true);
  });
});
