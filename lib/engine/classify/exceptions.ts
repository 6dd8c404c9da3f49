import type { ExceptionFinding, ExceptionKind } from '../model/analysis';
import { exceptionSentence } from './plain';
import type { Span } from '../segment/sentences';

/**
 * Exceptions (carve-outs) to an opt-out: what still happens after, or despite, the opt-out. Found in the rest of the
 * offer's clause and in the one or two sentences after it. Each enumerated case — "(i) …, or (ii) …", or list items
 * after a lead-in — is an exception of its own.
 */
interface ExceptionCue {
  name: string;
  pattern: RegExp;
  /** the exception is what follows the cue (after its comma), not the cue itself */
  consequenceFollows: boolean;
  /** usable in a following sentence, where it must point back to the opt-out by itself */
  standsAlone: boolean;
  /** the spec's kind this cue usually signals */
  kind: ExceptionKind;
  /**
   * Words every match contains: a text without them is not searched with the (costly) pattern. Only for patterns
   * whose every alternative holds one of these words literally.
   */
  gate?: RegExp;
}

const STOPPED = String.raw`(?:opt(?:s|ed)?[- ]?out|object(?:s|ed)?|unsubscribe(?:s|d)?|turn(?:s|ed)? (?:[\w-]+ )?off|switch(?:es|ed)? (?:[\w-]+ )?off|disable(?:s|d)?|withdr(?:aw|ew|awn|aws)|revoke(?:s|d)?|decline(?:s|d)?|choose|chose|do so|did so|have done so|make (?:this|that|such an?) (?:choice|election|request)|delete(?:s|d)?|limit(?:s|ed)?|exercise(?:s|d)? (?:this|that|these|your) (?:right|choice|option)s?)`;

const CUES: ExceptionCue[] = [
  {
    name: 'even if you opt out',
    kind: 'continues',
    pattern: new RegExp(String.raw`\b(?:even (?:if|after|when|though|where|once)|regardless of whether) (?:you|users?)(?:['’]ve| have| had| do)? (?:already )?${STOPPED}[^,.;:]{0,100}?[,:]`, 'gi'),
    consequenceFollows: true,
    standsAlone: true,
  },
  {
    name: 'after you opt out, … still',
    kind: 'continues',
    pattern: new RegExp(String.raw`\b(?:after|once|when|if) (?:you|users?)(?:['’]ve| have)? (?:already )?${STOPPED}[^,.;:]{0,80}?,\s*(?=(?:we|you|they|it|[A-Z]\w+)(?: [\w-]+){0,3}? (?:may|will|might|would|can|could|shall|must)(?: nevertheless| nonetheless| also)? (?:still|continue))`, 'gi'),
    consequenceFollows: true,
    standsAlone: true,
  },
  {
    name: 'will still',
    kind: 'continues',
    pattern: /\b(?:we|you|they|it|this|[A-Z][\w]+)(?: [\w-]+){0,3}?(?: (?:may|will|might|would|can|could|shall|must|do|does)|['’]ll)(?: nevertheless| nonetheless| however| also)?,? (?:still|continue to|remain able to)\b|\b(?:still|continue to) (?:collect|receive|process|use|share|send|show|display|see|get|retain|store|keep|track)\b/gi,
    gate: /still|continue to|remain able to/i,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'does not apply',
    kind: 'not-covered',
    pattern: /\b(?:(?:this|that|these|such|the|your|any|an?|it|opting out|unsubscribing|withdrawing(?: your)? consent|withdrawal(?: of consent)?)(?: [\w-]+){0,4}? (?:does not|doesn['’]t|will not|won['’]t|do not|don['’]t|shall not|may not|would not) (?:apply to|affect|stop|prevent|cover|control|extend to|include|remove|opt you out|mean that|end|halt|impact|change|(?:be )?opt(?:ing)?(?: you)? out of)|(?:will|shall|does|do|is|are) not (?:be )?affected|\byou (?:will|would|are) not (?:be )?opting out of)\b/gi,
    gate: /not|n['’]t/i,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'cannot opt out of',
    kind: 'not-covered',
    pattern: /\b(?:you )?(?:cannot|can['’]t|can ?not|will not be able to|won['’]t be able to|are not able to|may not) (?:opt[- ]?out of|unsubscribe from|turn off|disable|object to)\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'we may not be able to honour it',
    kind: 'legal-override',
    pattern: /\b(?:we|they|[A-Z]\w+) (?:may not|might not|will not|cannot|can['’]t|are not able to|is not able to|may be unable to) (?:be able to )?(?:fulfil|fulfill|honou?r|comply with|stop|cease|accommodate|grant|delete)\b/gi,
    gate: /not|n['’]t|unable/i,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'compelling grounds',
    kind: 'legal-override',
    pattern: /\b(?:compelling (?:legitimate )?(?:interests?|grounds|reasons?)|overriding legitimate (?:interests?|grounds))\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'another choice wins',
    kind: 'condition',
    pattern: /\bif there is a conflict between\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'you will need to do it again',
    kind: 'condition',
    pattern: /\byou (?:may|will|would|might)(?: also)? need to (?:set|re-?select|re-?set|take (?:additional|further|other|separate) steps|opt[- ]?out|repeat|renew|re-?enable|update|do so|adjust|change|make)\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'if you clear your cookies',
    kind: 'condition',
    pattern: /\bif you (?:clear|delete|remove|block|reset) (?:your |all |the )?(?:browser['’]?s? )?(?:cache|cookies|browsing data|advertising id)\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'only for this browser',
    kind: 'condition',
    pattern: /\b(?:(?:is|are|will be) specific to|(?:will |does |do )?(?:apply|applies|work|works) only (?:to|on|in|for)|only (?:applies|apply|works|work) (?:to|on|in|for)) (?:the |your |each |that |this )?(?:particular |current |specific )?(?:browser|device|account|app)/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'it may take time',
    kind: 'condition',
    pattern: /\b(?:may|might|can|could|will) take (?:some |up to |a )?(?:time|while|\d+ (?:days|business days|weeks|hours))\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
  {
    name: 'except',
    kind: 'not-covered',
    pattern: /\b(?:except(?: for| as| where| when| that| in| to| if| with)?|other than|with the exception of|excluding|apart from|save for|aside from|but not)\b/gi,
    consequenceFollows: true,
    standsAlone: false,
  },
  {
    name: 'unless (not you)',
    kind: 'continues',
    pattern: /\bunless (?!you\b|users?\b|otherwise (?:agreed|stated|noted)\b)/gi,
    consequenceFollows: true,
    standsAlone: false,
  },
  {
    name: 'regardless of',
    kind: 'continues',
    pattern: /\b(?:regardless of|notwithstanding|irrespective of)\b/gi,
    consequenceFollows: true,
    standsAlone: false,
  },
  {
    name: 'only applies to',
    kind: 'not-covered',
    pattern: /\b(?:(?:only|solely) (?:applies|apply|affects|affect|covers|cover|stops|stop|prevents|prevent)|applies only to|(?:will|does|do) only (?:stop|affect|apply|cover|prevent))\b/gi,
    consequenceFollows: false,
    standsAlone: true,
  },
];

/** A following sentence must speak of the opt-out for "except"/"unless" in it to be a carve-out of that opt-out. */
const REFERS_TO_OPT_OUT = /\b(?:opt(?:ing|s|ed)?[- ]?out|unsubscrib|this (?:setting|choice|option|preference)|your (?:choice|setting|preference|objection|request)|withdraw|object|turn(?:ed|ing)? (?:\w+ )?off|disabl)/i;

const ENUMERATOR = /(?:^|[\s:;,])(\((?:[ivx]{1,4}|[a-h]|\d{1,2})\)|(?:[ivx]{1,4}|[a-h]|\d{1,2})\)(?=\s))/gi;

const mayMatch = (cue: ExceptionCue, text: string): boolean => cue.gate === undefined || cue.gate.test(text);

/** Where the first exception cue in the text starts, or -1. */
export function firstExceptionCue(text: string): number {
  let first = -1;
  for (const cue of CUES) {
    if (!mayMatch(cue, text)) continue;
    cue.pattern.lastIndex = 0;
    const match = cue.pattern.exec(text);
    if (match !== null && (first < 0 || match.index < first)) first = match.index;
  }
  return first;
}

/** The names of every exception cue in the text (features for the learned stage). */
export function exceptionCueNames(text: string): string[] {
  const names: string[] = [];
  for (const cue of CUES) {
    if (!mayMatch(cue, text)) continue;
    cue.pattern.lastIndex = 0;
    if (cue.pattern.test(text)) names.push(cue.name);
  }
  return names;
}

/** Does this text introduce exceptions (so a list after it lists the cases)? */
export function introducesExceptions(text: string): boolean {
  return firstExceptionCue(text) >= 0;
}

export interface ExceptionSearch {
  text: string;
  /** the offer's clause and where its cue ends (absolute offsets) */
  clause: Span & { items: Span[] };
  offerEnd: number;
  /** up to two following clauses, in order */
  followers: Array<Span & { items: Span[] }>;
}

export interface ExceptionResult {
  exceptions: ExceptionFinding[];
  /** how many followers hold exceptions (the clause is extended over them) */
  followersUsed: number;
}

export function findExceptions(search: ExceptionSearch): ExceptionResult {
  const found: ExceptionFinding[] = [];
  findInRegion(search.text, search.offerEnd, search.clause.end, search.clause.items, false, found);
  let followersUsed = 0;
  search.followers.forEach((follower, index) => {
    const before = found.length;
    findInRegion(search.text, follower.start, follower.end, follower.items, true, found);
    if (found.length > before) followersUsed = index + 1;
  });
  return { exceptions: dropOverlaps(found), followersUsed };
}

function findInRegion(text: string, from: number, to: number, items: Span[], follower: boolean, out: ExceptionFinding[]): void {
  const region = text.slice(from, to);
  for (const cue of CUES) {
    if (follower && !cue.standsAlone && !REFERS_TO_OPT_OUT.test(region)) continue;
    if (!mayMatch(cue, region)) continue;
    cue.pattern.lastIndex = 0;
    for (const match of region.matchAll(cue.pattern)) {
      const cueStart = from + match.index;
      const cueEnd = cueStart + match[0].length;
      const sentenceEnd = endOfSentence(text, cueEnd, to);
      const bodyStart = cue.consequenceFollows ? skipSpace(text, cueEnd, sentenceEnd) : cueStart;
      const inlineItems = enumeratedItems(text, bodyStart, sentenceEnd);
      const listItems = items.filter((item) => item.start >= cueEnd);
      const cases: Array<Span & { leadEnd?: number }> = inlineItems.length >= 2 ? inlineItems : listItems;
      const cueText = match[0].trim();
      if (cases.length >= 2 || (cases.length === 1 && listItems.length === 1)) {
        for (const item of cases) {
          const plain = exceptionSentence({ text: text.slice(item.start, item.end), cue: cueText, kind: cue.kind });
          out.push({ start: item.start, end: item.end, cue: cueText, plain, kind: cue.kind });
        }
      } else if (sentenceEnd > bodyStart) {
        const end = trimEnd(text, bodyStart, sentenceEnd);
        out.push({ start: bodyStart, end, cue: cueText, plain: exceptionSentence({ text: text.slice(bodyStart, end), cue: cueText, kind: cue.kind }), kind: cue.kind });
      }
    }
  }
}

/** Inline enumerated cases "(i) …, or (ii) …" between from and to: at least two, numbered in sequence. */
export function enumeratedItems(text: string, from: number, to: number): Array<Span & { leadEnd: number }> {
  const region = text.slice(from, to);
  const markers: Array<{ at: number; after: number; label: string }> = [];
  ENUMERATOR.lastIndex = 0;
  for (const match of region.matchAll(ENUMERATOR)) {
    const label = match[1]!;
    const at = from + match.index + match[0].indexOf(label);
    markers.push({ at, after: at + label.length, label: label.replace(/[()]/g, '').toLowerCase() });
  }
  const sequence = firstSequence(markers);
  if (sequence.length < 2) return [];
  return sequence.map((marker, i) => {
    const end = i + 1 < sequence.length ? sequence[i + 1]!.at : to;
    return { start: skipSpace(text, marker.after, end), end: trimEnd(text, marker.after, end), leadEnd: sequence[0]!.at };
  }).filter((span) => span.end > span.start);
}

const ORDERS = [
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'],
  ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
];

function firstSequence<T extends { label: string }>(markers: T[]): T[] {
  for (const order of ORDERS) {
    const start = markers.findIndex((marker) => marker.label === order[0]);
    if (start < 0) continue;
    const sequence = [markers[start]!];
    for (const marker of markers.slice(start + 1)) {
      if (marker.label === order[sequence.length]) sequence.push(marker);
    }
    if (sequence.length >= 2) return sequence;
  }
  return [];
}

function endOfSentence(text: string, from: number, limit: number): number {
  const semicolon = text.indexOf(';', from);
  return semicolon >= 0 && semicolon < limit ? semicolon : limit;
}

function skipSpace(text: string, at: number, limit: number): number {
  while (at < limit && /\s/.test(text[at]!)) at++;
  return at;
}

/** End of a case without its trailing punctuation and dangling "or"/"and". */
function trimEnd(text: string, start: number, end: number): number {
  const slice = text.slice(start, end);
  const trimmed = slice.replace(/(?:[\s,;:.]|\b(?:or|and|and\/or)\b)+$/i, '');
  return start + trimmed.length;
}

/** Cues are tried most specific first, so the first span found for a stretch of text wins. */
function dropOverlaps(found: ExceptionFinding[]): ExceptionFinding[] {
  const kept: ExceptionFinding[] = [];
  for (const candidate of found) {
    if (!kept.some((span) => candidate.start < span.end && span.start < candidate.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
