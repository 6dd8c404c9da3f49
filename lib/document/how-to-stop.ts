import type { ExportedClause } from './schema';
import { deadlineOf } from './exception-words';

/**
 * How to stop it, concretely, quoted from the page: the settings path, the link, the email or postal address, the
 * deadline and whether it must be in writing. Read from the offer's own sentence, its target and its exceptions of
 * kind `condition` (where a deadline usually sits). When the text names no place, the mechanism in general words —
 * and only the words the text supports ("in the settings", never "in your account settings" when it says
 * "privacy settings").
 */
type Offer = Pick<ExportedClause, 'text' | 'optOut' | 'exceptions'>;

const URL = /\bhttps?:\/\/[^\s<>"'’)\]]+[^\s<>"'’)\].,;:]/gi;
const EMAIL = /\b[\w.+-]+\s?@\s?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/gi;
/** "Settings > Privacy > Help improve Claude", "Settings → Data controls" */
const SEGMENT = "[A-Z][\\w&'-]*(?:\\s(?!(?:to|and|or|for|in|on|then|if|when|where|you|it|the)\\b)[\\w&'-]+){0,4}";
const SETTINGS_PATH = new RegExp(`\\b[A-Z][\\w&'-]*(?:\\s[A-Z][\\w&'-]*){0,2}(?:\\s*(?:>|→|›|»)\\s*${SEGMENT}){1,4}`, 'g');
/** "in your privacy settings", "in the Gemini Apps Activity settings", "your ad settings" — the page's own words. */
const NAMED_SETTINGS = /\b(?:your|the|our|their)\s+((?:(?!(?:in|your|the|our|or|and|of|through|to|for|on|these|this|such|any|other)\b)[\w-]+\s+){0,4}(?:settings|preferences|controls|dashboard))\b/gi;
/** "mail your opt-out notice to this address: Snap Inc., Attn: …, CA 90405" */
const POSTAL = /\b(?:mail|send|write)\b[^.:]{0,60}?\b(?:to|at)\s+(?:this|the following)\s+address:?\s+(.{8,160}?)(?=,?\s+or\s+|\.\s|\.$|;|$)/i;

/** The sentence puts the deadline on the reader. */
const READER_MUST_ACT = /\byou (?:must|need to|have to|may only)\b|\bmust be (?:sent|received|postmarked|submitted)\b|\bto opt out\b|\bopt-out notice\b/i;

const MECHANISM_WORDS: Record<NonNullable<ExportedClause['optOut']>['mechanism'], string> = {
  settings: 'In the settings',
  link: 'Through a link on the page',
  'unsubscribe-link': 'With the unsubscribe link in their messages',
  email: 'By email',
  form: 'With a form they provide',
  contact: 'By contacting them',
  browser: 'In your browser settings',
  device: 'In your device settings',
  'global-privacy-control': 'With the Global Privacy Control signal in your browser',
  'written-notice': 'By written notice',
  unspecified: 'The text does not say how',
};

export interface HowToStop {
  /** concrete lines quoted from the page, most useful first */
  concrete: string[];
  /** the mechanism in general words, for when nothing concrete is given */
  general: string[];
}

function all(pattern: RegExp, text: string, group = 0): string[] {
  return [...text.matchAll(pattern)].map((match) => (match[group] ?? '').trim()).filter(Boolean);
}

function clean(line: string): string {
  return line.replace(/\s+/g, ' ').replace(/[\s,;:.]+$/, '');
}

/** The concrete facts of one offer. */
export function concreteWays(offer: Offer): string[] {
  const text = offer.text;
  const lines: string[] = [];
  const target = offer.optOut?.target?.trim();
  const urls = [...new Set([...(target && /^https?:/i.test(target) ? [target] : []), ...all(URL, text)])];
  const emails = [...new Set(all(EMAIL, `${text} ${target ?? ''}`).map((email) => email.replace(/\s/g, '').toLowerCase()))];
  const paths = all(SETTINGS_PATH, text);
  const named = all(NAMED_SETTINGS, text, 1).filter((name) => !/^(?:these|this|such|those|other|any)\b/i.test(name) && /\s/.test(name.trim()));
  const postal = POSTAL.exec(text)?.[1];
  if (paths.length > 0) lines.push(...paths.map((path) => `Go to ${clean(path)}`));
  else if (target && !/^https?:|@/.test(target)) lines.push(`Go to ${clean(target)}`);
  else if (named.length > 0 && offer.optOut?.mechanism !== 'link') lines.push(`In “${clean(named[0]!)}”`);
  lines.push(...urls.slice(0, 2).map((url) => `Link: ${url}`));
  lines.push(...emails.slice(0, 2).map((email) => `Email: ${email}`));
  if (postal) lines.push(`Mail: ${clean(postal)}`);
  for (const source of [text, ...offer.exceptions.filter((exception) => exception.kind === 'condition').map((exception) => exception.text)]) {
    // Only a deadline the reader must meet ("you must notify … within 30 days"), not the company's time to respond.
    const deadline = READER_MUST_ACT.test(source) ? deadlineOf(source) : null;
    if (deadline) {
      lines.push(`Deadline: ${deadline}${/\bwriting\b|\bwritten\b/i.test(source) ? ', in writing' : ''}`);
      break;
    }
  }
  return lines;
}

/** Every way the offers on one topic give, each once; the general words only when no offer is concrete. */
export function howToStop(offers: Offer[]): HowToStop {
  const lines = [...new Set(offers.flatMap(concreteWays))];
  // The ways first, then the deadline (one: the first offer that gives one).
  const concrete = [...lines.filter((line) => !line.startsWith('Deadline:')), ...lines.filter((line) => line.startsWith('Deadline:')).slice(0, 1)];
  // A bare deadline is part of "how", not a way on its own: keep the general words beside it.
  const onlyDeadline = concrete.every((line) => line.startsWith('Deadline:'));
  const general = [...new Set(offers.map((offer) => offer.optOut!.mechanism).filter((mechanism) => mechanism !== 'unspecified' || offers.every((offer) => offer.optOut!.mechanism === 'unspecified')))]
    .map((mechanism) => MECHANISM_WORDS[mechanism]);
  return { concrete, general: concrete.length === 0 || onlyDeadline ? general : [] };
}
