import type { ExceptionKind } from '../model/analysis';

/**
 * One short sentence per exception, in the reader's terms, worded by its kind (../shared/notes/labeling-spec.md).
 *
 * The sentence is built from what the analysis found — the kind, and a few facts recognised in the exception's own
 * words (a deadline, "in writing", "each browser", "service messages", "flagged for safety" …) — never by cutting
 * the policy's sentence short. When no fact is recognised the kind's own sentence is used: a true, general sentence
 * with the quote one click away is better than a mangled quote.
 */
export interface ExceptionInput {
  text: string;
  cue: string;
  kind: ExceptionKind;
}

/** The kind's sentence when nothing more specific is recognised. */
export const KIND_SENTENCES: Record<ExceptionKind, string> = {
  continues: 'In some cases it still happens after you opt out.',
  'not-covered': 'Some data, uses or messages are not covered by the opt-out.',
  condition: 'The opt-out only works under conditions the text sets.',
  // A withdrawal that is not retroactive stops what comes next; it is never worded as something still happening.
  'not-retroactive': 'What they did before you opted out is not undone.',
  'legal-override': 'Legal reasons can override your choice.',
};

type Rule = [RegExp, string | ((match: RegExpMatchArray, text: string) => string)];

const DAYS = /\b(?:within|no later than|not later than)\s+((?:\w+\s+)?\(?\d{1,3}\)?\s+(?:calendar\s+)?days?)\b/i;
/** "of your first registering to use the Services", when it is short enough to say whole. */
const ANCHOR = /^\s*(?:after|of|from)\s+([^;,.]{3,70}?)(?=\s*(?:[;,.]|$|\botherwise\b|\bif you\b))/i;

/** A deadline as the page words it: "within 30 days of the date you created your account", "no later than 30 days". */
export function deadlineOf(text: string): string | null {
  const match = DAYS.exec(text);
  if (!match) return null;
  const days = /\d{1,3}/.exec(match[1]!)![0];
  const anchor = ANCHOR.exec(text.slice(match.index + match[0].length));
  const when = anchor ? ` ${anchor[0].trim()}` : '';
  return `${/no(?:t)? later than/i.test(match[0]) ? 'no later than' : 'within'} ${days} days${when}`;
}

const RULES: Record<ExceptionKind, Rule[]> = {
  condition: [
    [DAYS, (_match, text) => `You must opt out ${deadlineOf(text)}${/writing|written/i.test(text) ? ', in writing' : ''}.`],
    [/\bmay not opt out of only\b|\bopt out of only\b/i, 'You cannot opt out of only part of it.'],
    [/\bon behalf of (?:other|another)|\beach (?:account holder|person|individual)\b/i, 'Each person must opt out for themselves.'],
    [/\b(?:browser|device)\b/i, 'It only applies to the browser or device where you set it.'],
    [/\bre-?select|\bagain\b|\bclear (?:your )?cookies\b/i, 'You may need to make your choice again.'],
    [/\bin writing\b|\bwritten notice\b/i, 'You must opt out in writing.'],
    [/\bmanual choice\b/i, 'A choice you made by hand on their site wins over the browser signal.'],
  ],
  'not-covered': [
    [/\bclass action waiver still applies\b/i, 'Opting out of arbitration alone leaves the class-action waiver in place.'],
    [/\b(?:non-promotional|service[- ]related|transactional|administrative|account|legally required|operational)\b[^.]{0,60}\b(?:messages?|communications?|emails?|notices?)\b/i,
      'You will still get messages about your account and the service.'],
    [/\b(?:still see|still receive|continue to (?:see|receive))\b[^.]{0,20}\bads?\b|\bless relevant\b/i, 'You will still see ads, just less tailored to you.'],
    [/\banonymi[sz]ed|\baggregated?\b|\bde-?identified\b/i, 'Anonymised or aggregated data is not covered.'],
    [/\bstrictly necessary\b|\bessential\b/i, 'What is strictly necessary to run the service is not covered.'],
    [/\brequired by law\b|\blegal obligation/i, 'What the law requires them to keep or share is not covered.'],
    [/\bbackup/i, 'Copies in backups stay for a while.'],
    [/\bdoes(?:n['’]t| not) (?:apply to|control|turn off|extend to|cover)\b/i, 'This setting does not cover everything: other settings or uses are separate.'],
  ],
  continues: [
    [/\bflagged\b|\bsafety review\b|\bmoderation\b|\bpolicy review\b/i, 'Content flagged for a safety or policy review is still used.'],
    [/\bfeedback\b|\breported\b/i, 'What you send them as feedback or report to them is still used.'],
    [/\bwithin\s+\(?\d|\bdays?\b/i, (_match, text) => `You must act in time: ${deadlineOf(text) ?? 'the text sets a deadline'}.`],
    [/\bmicrophone\b|\blistening\b/i, 'Some apps may still listen to the microphone.'],
    [/\bfree (?:subscription|plan|tier)\b/i, 'On some plans (such as free ones) you cannot opt out.'],
    [/\bsecurity\b|\bfraud\b|\bauthenticat/i, 'They still use it where needed for security.'],
    [/\bregardless of\b/i, 'It happens whatever your settings say.'],
  ],
  'not-retroactive': [],
  'legal-override': [
    [/\bcompelling\b/i, 'They can go on if they show compelling legitimate grounds.'],
    [/\bexempt\b/i, 'Some information may be exempt from your request.'],
    [/\bkept longer\b|\bretain/i, 'They may keep it longer for legal, compliance or safety reasons.'],
    [/\b(?:legal obligation|required by law|law (?:permits|requires)|permitted by law|applicable law)\b/i, 'They can go on where the law requires or allows it.'],
  ],
};

export function exceptionSentence(exception: ExceptionInput): string {
  const words = `${exception.cue} ${exception.text}`;
  for (const [pattern, sentence] of RULES[exception.kind]) {
    const match = words.match(pattern);
    // The deadline is read from the exception's own words (the cue can end mid-phrase: "no later than 30").
    if (match) return typeof sentence === 'string' ? sentence : sentence(match, DAYS.test(exception.text) ? exception.text : words);
  }
  return KIND_SENTENCES[exception.kind];
}
