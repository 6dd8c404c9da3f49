import { describe, expect, it } from 'vitest';
import { exceptionSentence, KIND_SENTENCES, deadlineOf } from '../../lib/document/exception-words';
import { concreteWays, howToStop } from '../../lib/document/how-to-stop';
import { promiseLine } from '../../lib/document/promise-words';
import { controlOf, MIN_TYPE_SIMILARITY, overallGrade, shownSeverity, topicConcern } from '../../lib/document/severity';
import { summarize } from '../../lib/document/summarize';
import { EXCEPTION_KINDS } from '../../lib/engine/model/analysis';
import type { ExportedClause, ProvisionMatch } from '../../lib/document/schema';

function offer(text: string, rest: Partial<ExportedClause> = {}): ExportedClause {
  return {
    id: `c-${text.length}`,
    text,
    start: 0,
    end: text.length,
    sha256: '0'.repeat(64),
    labels: ['opt-out'],
    topic: 'arbitration',
    heading: null,
    optOut: { mechanism: 'unspecified', target: null, default: 'applies-unless-opt-out', cue: 'opt out', start: 0, end: text.length },
    exceptions: [],
    provision: null,
    selector: { type: 'TextQuoteSelector', exact: text, prefix: '', suffix: '' },
    position: { type: 'TextPositionSelector', start: 0, end: text.length },
    link: 'https://example.test/#:~:text=x',
    why: [],
    ...rest,
  };
}

function provision(rest: Partial<ProvisionMatch>): ProvisionMatch {
  return {
    id: 't', title: 'T', severity: 'high', polarity: 'practice', match: 'exact', similarity: 1,
    knownClauseId: null, platform: null, recordedAt: null, ...rest,
  };
}

describe('exception sentences, by kind', () => {
  it('never words a not-retroactive withdrawal as something still happening', () => {
    for (const text of [
      'your withdrawal of consent will not affect the lawfulness of processing your information based on your consent prior to your withdrawal',
      'Once you opt out, new conversations will not be used to train our models.',
      'will not be affected by such withdrawal',
    ]) {
      const sentence = exceptionSentence({ text, cue: text.slice(0, 20), kind: 'not-retroactive' });
      expect(sentence).toBe('What they did before you opted out is not undone.');
      expect(sentence).not.toMatch(/still|continue/i);
    }
  });

  it('says the concrete fact when it recognises one, and is never the policy sentence cut short', () => {
    const snap = 'To opt out, you must notify Snap in writing no later than 30 days after first becoming subject to this Arbitration Agreement; otherwise you shall be bound to arbitrate disputes';
    expect(exceptionSentence({ text: snap, cue: 'To opt out', kind: 'condition' }))
      .toBe('You must opt out no later than 30 days after first becoming subject to this Arbitration Agreement, in writing.');
    expect(exceptionSentence({ text: 'is specific to the particular browser that you are using when you disable cookies', cue: 'is specific to', kind: 'condition' }))
      .toBe('It only applies to the browser or device where you set it.');
    expect(exceptionSentence({ text: 'we may still send you non-promotional communications, such as information about your account', cue: 'If you opt out of promotional communications,', kind: 'not-covered' }))
      .toBe('You will still get messages about your account and the service.');
    expect(exceptionSentence({ text: 'your conversations are flagged for safety review to improve our ability to detect harmful content', cue: 'Even if you opt-out,', kind: 'continues' }))
      .toBe('Content flagged for a safety or policy review is still used.');
    expect(exceptionSentence({ text: 'compelling legitimate grounds which may override your right', cue: 'compelling legitimate grounds', kind: 'legal-override' }))
      .toBe('They can go on if they show compelling legitimate grounds.');
  });

  it('falls back to the kind\'s own sentence, never to a mangled quote', () => {
    for (const kind of EXCEPTION_KINDS) {
      const sentence = exceptionSentence({ text: 'Zqx vrl wmp.', cue: 'zqx', kind });
      expect(sentence).toBe(KIND_SENTENCES[kind]);
      expect(sentence).not.toContain('…');
    }
  });

  it('reads a deadline with its anchor only when it can say it whole', () => {
    expect(deadlineOf('within thirty (30) calendar days of the date you created your account if you are a new user')).toBe('within 30 days of the date you created your account');
    expect(deadlineOf('no opt-out deadline here')).toBeNull();
  });
});

describe('how to stop it, from the page', () => {
  it('gives Snapchat\'s email, postal address and deadline instead of "a way the text does not spell out"', () => {
    const offers = [
      offer('You may opt out of this Arbitration Agreement. To opt out, you must notify Snap in writing no later than 30 days after first becoming subject to this Arbitration Agreement; otherwise you shall be bound to arbitrate.'),
      offer('You must either mail your opt-out notice to this address: Snap Inc., Attn: Arbitration Opt-out, 3000 31st Street, Santa Monica, CA 90405, or email the opt-out notice to arbitration-opt-out @ snap.com.'),
    ];
    expect(howToStop(offers)).toEqual({
      concrete: [
        'Email: arbitration-opt-out@snap.com',
        'Mail: Snap Inc., Attn: Arbitration Opt-out, 3000 31st Street, Santa Monica, CA 90405',
        'Deadline: no later than 30 days after first becoming subject to this Arbitration Agreement, in writing',
      ],
      general: [],
    });
  });

  it('quotes the settings the page names instead of assuming "account settings"', () => {
    const clause = offer('You can opt out of training in your privacy settings.', {
      optOut: { mechanism: 'settings', target: null, default: 'applies-unless-opt-out', cue: 'opt out', start: 0, end: 10 },
    });
    expect(concreteWays(clause)).toEqual(['In “privacy settings”']);
    expect(concreteWays({ ...clause, text: 'Go to Settings > Privacy > Help improve Claude to turn it off.' })).toEqual(['Go to Settings > Privacy > Help improve Claude']);
  });

  it('says plainly when the text gives no way', () => {
    expect(howToStop([offer('You have the right to opt out of arbitration.')])).toEqual({ concrete: [], general: ['The text does not say how'] });
  });
});

describe('promises in a few words', () => {
  it('keeps the negated verb and a short object, and flags its own exceptions', () => {
    expect(promiseLine('We take your privacy seriously, and we do not sell your personal information to anyone.')).toBe('They say they do not sell your personal information to anyone.');
    expect(promiseLine('We do not share your personal information with companies outside of Google except in the following cases:'))
      .toBe('They say they do not share your personal information with companies outside of Google, with exceptions.');
  });

  it('says nothing rather than half a list or a promise about something else', () => {
    expect(promiseLine('Zoom does not use any of your audio, video, chat, screen sharing, attachments or other communications to train models.')).toBeNull();
    expect(promiseLine('which for the purposes of these Terms includes Afghanistan, but does not include Armenia, Azerbaijan')).toBeNull();
  });
});

describe('severity rubric', () => {
  it('gives no severity to a weak type match or a promise', () => {
    expect(shownSeverity(provision({ match: 'type', similarity: MIN_TYPE_SIMILARITY - 0.01 }))).toBeNull();
    expect(shownSeverity(provision({ match: 'type', similarity: MIN_TYPE_SIMILARITY }))).toBe('high');
    expect(shownSeverity(provision({ polarity: 'promise', severity: null }))).toBeNull();
    expect(shownSeverity(provision({ match: 'changed', similarity: 0.8 }))).toBe('high');
  });

  it('lowers a topic one step when an opt-out stops it entirely, not when an exception keeps it going', () => {
    const clean = offer('You can opt out.', { provision: provision({}) });
    expect(controlOf([clean])).toBe('full');
    expect(topicConcern([clean])).toBe('medium');
    const leaky = { ...clean, exceptions: [{ text: 'x', start: 0, end: 1, plain: 'x', cue: 'even if', kind: 'continues' as const }] };
    expect(controlOf([leaky])).toBe('partial');
    expect(topicConcern([leaky])).toBe('high');
    const deadline = { ...clean, exceptions: [{ ...leaky.exceptions[0]!, kind: 'condition' as const }] };
    expect(topicConcern([deadline])).toBe('medium');
    expect(topicConcern([{ ...clean, optOut: null, labels: ['data-use'] }])).toBe('high');
  });

  it('grades the page by how many topics are of high or medium concern', () => {
    const of = (...concerns: Array<'high' | 'medium' | 'low' | null>) => overallGrade(concerns.map((concern, i) => ({ name: `t${i}`, concern })));
    expect(of('high', 'high').severity).toBe('high');
    expect(of('high', 'medium').severity).toBe('medium');
    expect(of('medium', 'medium', 'medium').severity).toBe('medium');
    expect(of('medium', 'medium', 'low').severity).toBe('low');
    expect(of(null).severity).toBeNull();
  });
});

describe('summary: each fact once', () => {
  it('says a repeated exception sentence under its first topic only, and a promise once', () => {
    const withdrawal = { text: 'will not affect the lawfulness of processing before it', start: 0, end: 5, plain: '', cue: 'will not affect', kind: 'not-retroactive' as const };
    const a = offer('You can withdraw consent at any time.', { topic: 'other', exceptions: [withdrawal, withdrawal] });
    const b = offer('You can withdraw your consent to marketing.', { topic: 'marketing-messages', exceptions: [withdrawal] });
    const promise = offer('We do not sell your personal information.', { labels: ['promise'], optOut: null, topic: 'sale-sharing' });
    const summary = summarize([a, b, promise, { ...promise, id: 'again', topic: 'other' }], true);
    const lines = summary.topics.flatMap((topic) => topic.stillAfterOptOut);
    expect(lines).toEqual(['What they did before you opted out is not undone.']);
    expect(summary.promises.map((p) => p.plain)).toEqual(['They say they do not sell your personal information.']);
    expect(summary.topics.find((topic) => topic.topic === 'sale-sharing')!.headline).toBe('Selling or sharing your personal data: they say they do not do this.');
  });

  it('reads a clause labelled opt-in as consent, never as "happens unless you opt out"', () => {
    const optIn = offer('You can opt in to the newsletter and opt out at any time.', { labels: ['opt-in', 'opt-out'], topic: 'marketing-messages' });
    expect(summarize([optIn], true).topics[0]!.headline).toBe('Marketing emails and messages: only with your consent, which you can withdraw.');
  });
});
