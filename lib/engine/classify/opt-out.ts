import type { DefaultRegime } from '../model/topics';
import { RecentAnswers } from '../text/recent';

/**
 * Opt-out offers: the person can stop, refuse, turn off, withdraw from or object to something that otherwise happens.
 * Each pattern is a cue a person can be shown ("Why is this highlighted?"). Opt-ins, deletion or access rights, and
 * statements that no opt-out exists are told apart below.
 */
interface Cue {
  name: string;
  pattern: RegExp;
}

const ACTOR = String.raw`(?:you|users?|members?|customers?|individuals?|consumers?|residents?|account holders?|parents?|subscribers?|visitors?|students?|patients?|participants?|guests?|(?:any|either|each) (?:\w+ )?(?:party|parties|claimants?)|Customer)`;
/** "can", "may", "have the right to", with the adverbs policies put in between ("you can also easily …"). */
const MODAL = String.raw`(?:(?:also|always|still|then|now|further|additionally|similarly|easily|simply|generally|typically|usually|at any time|at all times),? )*(?:can|may|could|(?:may|might|should) be able to|(?:will|['’]ll) (?:always |also |still )?be able to|are able to|(?:will )?always be able to|have the (?:right|option|ability|choice) to|are entitled to|are free to|have the right,? (?:at any time,? )?to)(?:,? (?:also|always|still|then|now|further|additionally|similarly|easily|simply|generally|at any time|at all times|each|individually),?)*`;
const STOP_VERB = String.raw`(?:opt[- ]?out|unsubscribe|turn (?:it |this |that |them |these |[a-z&-]+ )?(?:on or )?off|switch (?:it |this |that |them |[a-z-]+ )?off|toggle (?:it |this |that |[a-z-]+ )?off|disable|deactivate|pause|withdraw (?:your |this |that |such |any )?consent|revoke (?:your |this |that |such |any |the )?(?:consent|permission|access|link|connection)|object|decline|refuse|reject|opt not to|choose not to (?:receive|have|allow|let|share|be|participate|permit)|elect not to|ask us (?:not to|to stop)|tell us (?:not to|to stop)|request (?:that )?we (?:not|stop)|instruct us (?:not to|to stop)|stop (?:receiving|us from|sharing|the|your|our|having|getting|these|such)|limit (?:the use|our use|how|the (?:processing|sharing|collection|use)|what|which|ad|the ads)|prevent (?:us|websites|third|cookies|the|your|this|apps|[A-Z]\w+)|block (?:or delete )?(?:cookies|all cookies|third-party cookies|tracking|some)|(?:delete|remove|clear) (?:or block )?(?:cookies|these cookies)|restrict (?:the )?processing|unlink|disconnect|dis(?:as)?sociate|exclude (?:your|yourself)|change your (?:privacy |ad |cookie )?(?:settings|preferences|choices) to (?:stop|prevent|turn off|limit|opt out))`;
/** What a control is over, when "control / manage / choose" makes an offer rather than a generic pointer. */
const CONTROLLED = String.raw`(?:whether|how|what|which|if|the extent|(?:our|the) (?:use|processing|sharing) of|location (?:settings|history|services|sharing)|the (?:ads|advertising|information|data|cookies|messages|emails|notifications|use|sharing|collection)|your (?:ad|ads|advertising|cookie|cookies|communication|marketing|email|notification|location|tracking|personali[sz]ation|search|activity|(?:search|watch|location|browsing|viewing) (?:services )?history)|ads\b|cookies\b|marketing\b|personali[sz]ed)`;
const STRONG_STOP = String.raw`(?:object to|opt[- ]?out of|withdraw (?:your |such |any )?consent|unsubscribe from|ask us to (?:stop|restrict)|choose whether|decide whether|turn (?:on or )?off|unlink|by (?:refusing|disabling|blocking|rejecting|opting[- ]?out|turning off|unsubscribing))`;

const OPT_OUT_CUES: Cue[] = [
  { name: 'unless you opt out', pattern: new RegExp(String.raw`\b(?:unless|until) ${ACTOR} (?:(?:choose to|decide to|affirmatively|have|had) )?(?:(?:request|ask|instruct|tell) (?:that (?:we|it|your)|us (?:not|to stop))|opt(?:s|ed)?[- ]?out|object(?:s|ed)?|withdr(?:aw|awn|ew)|unsubscribe(?:s|d)?|turn(?:s|ed)? (?:it |this |that |[a-z-]+ )?off|disable(?:s|d)?|change (?:your|the|this) setting|tell us otherwise|instruct us otherwise|ask us not to)`, 'i') },
  { name: 'you can opt out', pattern: new RegExp(String.raw`\b${ACTOR}(?:['’]ll| ${MODAL}) (?:(?:choose|elect|decide|attempt|try) (?:whether )?to )?${STOP_VERB}`, 'i') },
  { name: 'you can object to …', pattern: new RegExp(String.raw`\b${ACTOR} ${MODAL}:? [^.;]{0,100}?(?:\b|,)(?:,|or|and|by)? ?${STRONG_STOP}`, 'i') },
  { name: 'you can control whether', pattern: new RegExp(String.raw`\b(?:${ACTOR} ${MODAL}|(?:lets?|allows?|enables?|permits?) you(?: to)?) (?:also )?(?:(?:view|review|see|access) and )?(?:control|manage|adjust|modify|choose|decide|select|determine|limit|restrict|set|review and (?:change|update|manage)|change|update|turn on or off|turn off or on|opt in (?:to )?\(?and (?:opt )?out of\)?) (?:and (?:\w+ )?)?${CONTROLLED}|\byou(?:['’]re| are) in control of ${CONTROLLED}`, 'i') },
  { name: 'your right to object', pattern: /\b(?:(?:a|the|your) right to (?:\w+ (?:and|or) )?(?:object|opt[- ]?out|withdraw (?:your )?consent|unsubscribe)|right of objection|right to (?:opt[- ]?out|object)\b)/i },
  { name: 'opt out by / through / here', pattern: /\b(?:to|can|may|please|you) opt[- ]?out(?: of [^.;,]{1,80}?)?,? (?:by|through|via|using|at|here|in|from|with|please|visit|go|click|use|contact|email|follow|adjust|select|submit|send)\b/i },
  { name: 'to opt out, do this', pattern: /\b(?:to|if you (?:want|wish|would like) to) (?:opt[- ]?out|unsubscribe|turn off|disable|stop (?:receiving|sharing|the)|object|withdraw (?:your )?consent|limit|control|manage|pause|block|delete cookies)\b[^.;]{0,140}?,\s*(?:you (?:can|may|should|will need to|need to|must)|please|simply|visit|go|click|follow|use|contact|email|select|toggle|adjust|update|navigate|open|see|write|send|tap)\b/i },
  { name: 'if you (do not) want … you can', pattern: /\bif,?(?: [^,.;]{1,60},)? you (?:do not|don['’]t|no longer) (?:want|wish|would like) (?!to (?:continue|use|accept|agree|be bound))[^.;]{3,160}?,? (?:you (?:can|may|should|will need to)|please|simply|visit|go to|adjust|contact|email|click|turn|use|select|update)\b/i },
  { name: 'if you wish to opt out', pattern: new RegExp(String.raw`\bif ${ACTOR} (?:would like|wish(?:es)?|want(?:s)?|prefer(?:s)?|choose(?:s)?|decide(?:s)?) (?:to |not to )?(?:opt[- ]?out|unsubscribe|object|withdraw (?:your |its )?consent|stop (?:receiving|us)|not (?:to )?(?:receive|have|allow|be)|disable|turn off|limit|prevent|exclude|remove (?:your|yourself))`, 'i') },
  { name: 'you would like to opt out', pattern: new RegExp(String.raw`\b${ACTOR} (?:would like|wish(?:es)?|want(?:s)?|prefer(?:s)?|choose(?:s)?|elect(?:s)?) (?:to )?(?:opt[- ]?out|unsubscribe|not (?:to )?(?:receive|be (?:included|contacted|added))|stop receiving|no longer receive)`, 'i') },
  { name: 'lets you opt out', pattern: new RegExp(String.raw`\b(?:lets?|allows?|enables?|permits?|gives?) (?:you|users?|visitors?|members?)(?: the (?:ability|option|opportunity|right))?(?: to)? (?:(?:choose|elect|decide) to )?${STOP_VERB}`, 'i') },
  { name: 'unsubscribing', pattern: /\bunsubscrib(?:ed|ing)\b|\bunsubscribe requests?\b|\b(?:and|or) opting[- ]?out\b|\b(?:procedures?|instructions|steps|links?|means|mechanisms?) (?:to|for) (?:[^.;]{0,40}? )?(?:opt(?:ing)?[- ]?out|unsubscrib)/i },
  { name: 'settings to manage it', pattern: /\b(?:settings|controls|choices|options|tools) (?:you have |available (?:to you )?)?to (?:manage|control|limit|opt[- ]?out|turn off|stop|disable)\b(?= (?:it|them|this|these)\b|[^.;]{0,40}?\b(?:ads|advertising|cookies|tracking|marketing|e-?mails|messages|notifications|personali[sz]|training|location))|\bto (?:manage|control|limit|choose|decide) (?:how|whether|which) (?:your|we|our|the)\b(?=[^.;]{0,60}?\b(?:ads|advertising|cookies|tracking|marketing|e-?mails|messages|notifications|personali[sz]|training|location))|\bhow (?:to|you can) (?:manage|control|limit|adjust) [^.;]{0,40}?\b(?:ads|advertising|cookies|tracking|marketing|e-?mails|messages|notifications)\b/i },
  { name: 'a private mode', pattern: /\b(?:use|turn on|start|switch to|choose to use|open) (?:a |an |the )?(?:Temporary Chat|Incognito(?: mode)?|Private (?:Chat|mode)|Guest mode)\b/i },
  { name: 'the option to opt out', pattern: /\b(?:opportunity|option|ability|chance|right|choice|way) to (?:choose not to|opt[- ]?out|unsubscribe|decline|refuse|object|stop receiving|turn off|disable|withdraw)\b|\b(?:options?|instructions|choices?|ways?|information|details|learn more) (?:for|on|about|regarding) (?:opting[- ]?out|unsubscribing|how to (?:opt|unsubscribe|disable|object))/i },
  { name: 'if you prefer not to receive', pattern: new RegExp(String.raw`\b(?:if|should) ${ACTOR} (?:(?:at any time|no longer|ever),? )?(?:prefer|would prefer|wish|want|would like|do not wish|do not want|don['’]t want)(?:s)? (?:not )?(?:to )?(?:receive|get|be contacted|be included|be on|be added|participate|have us|that we (?:not|do not|don['’]t))`, 'i') },
  { name: 'request that we stop', pattern: /\b(?:request|ask|instruct|tell|notify) (?:us )?(?:that we )?(?:not to|no longer|not|no further|no more|stop|to stop|to cease|that we (?:not|no longer|stop|cease))\b(?! (?:be )?(?:able|required))|\b(?:request|ask|instruct) that (?:[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}|the company|the institution) (?:not|no longer|stop|cease)\b|\bremove (?:your|my) [^.;]{0,40}?from (?:our |any |the )?(?:promotional|marketing|mailing|e-?mail|contact) (?:lists?|mailings?)|\bremove (?:yourself|your (?:name|e-?mail(?: address)?|information)) from (?:our|these|the|any) (?:mailings?|(?:e-?mail|mailing|marketing|contact) lists?)/i },
  { name: 'unsubscribe', pattern: /\b(?:to (?:subscribe or )?unsubscribe|unsubscribe (?:from|at any time|by|here|using|via)|opt[- ]out (?:at any time|anytime))\b/i },
  { name: 'if you do not opt out', pattern: /\bif you do(?: not|n['’]t) (?:opt[- ]?out|object)\b|\bif you(?: have|['’]ve) (?:already |previously )?opted[- ]?out\b/i },
  { name: 'anyone may opt out', pattern: /\b(?:may|can) (?:also |easily |always |at any time )?(?:opt[- ]?out|unsubscribe)\b|\b(?:available|existing|these|the following) opt[- ]outs\b/i },
  { name: 'if you would like to … or limit', pattern: /\bif you (?:would like|wish|want) to [^.;]{0,80}?\b(?:or|and) (?:otherwise )?(?:limit|suppress|opt[- ]?out|object|restrict|stop)\b/i },
  { name: 'opt-out link or mechanism', pattern: /\b(?:opt[- ]out (?:link|form|page|request|mechanism|tool|option|choice|preference signals?|instructions|process|notice|controls?|settings?)|[“"]?unsubscribe[”"]? (?:link|button|instructions|option|mechanism|feature|function)|do not (?:sell|share)(?: or (?:sell|share))? my\b|global privacy control|easy (?:for you )?to opt[- ]?out|how (?:to|you can) (?:opt[- ]?out|object|unsubscribe|withdraw (?:your )?consent|turn off|disable|refuse|block|delete)\b)/i },
  { name: 'you can manage it in settings', pattern: new RegExp(String.raw`\b${ACTOR} ${MODAL} (?:also )?(?:control|manage|adjust|update|change|review and (?:change|update)|set) (?:[^.;]{0,60}?)(?:cookie|ad|advertising|tracking|marketing|communication|email|notification|personali[sz]ation|training|model improvement|location|sharing|browser|device)[a-z ]{0,20}?(?:settings|preferences|choices|controls|permissions|options)`, 'i') },
  { name: 'we offer you choices', pattern: /\b(?:we (?:also )?(?:offer|provide|give)(?: you)?(?: with)?|you have) (?:(?:several|various|certain|many|some|the following) )?(?:settings|choices|controls|options|tools)\b[^.;]{0,60}?(?:regarding|to (?:control|manage|limit|choose|opt|review|stop|turn)|over|about how)\b[^.;]{0,100}?\b(?:ads|advertising|cookies|marketing|e-?mails?|messages|personali[sz]|tracking|location|training|sharing|notifications|communications|third[- ]party apps|apps and (?:sites|services))/i },
  { name: 'your browser lets you refuse', pattern: /\b(?:(?:set|configure|adjust) (?:your|the) (?:browser|device)[^.;]{0,60}?(?:refuse|reject|block|decline|disable|delete|alert|notify|not accept|stop)|(?:browsers?|devices?|settings? app|operating systems?)\b[^.;]{0,40}?\b(?:allow|let|permit|enable|help)s? you(?: to)? (?:[^.;]{0,40}?)(?:refuse|reject|block|delete|remove|disable|control|manage|choose|limit|opt[- ]?out|turn off))/i },
  { name: 'can be turned off', pattern: /\b(?:can|may) (?:also )?be (?:turned|switched|toggled) off\b|\b(?:can|may) (?:also |easily )?be (?:unlinked|disconnected|disabled|deactivated|revoked|withdrawn|paused|managed|reset)\b|\b(?:turn|switch|toggle) off [^.;]{0,60}?(?:in|under|from|via|through) (?:your |the )?(?:settings|preferences|account|privacy|app)/i },
  { name: 'which you can withdraw', pattern: /\b(?:which|that) you (?:can|may) (?:withdraw|revoke|change|turn off)(?: at any time)?\b/i },
  { name: 'choose to have it deleted automatically', pattern: /\b(?:choose|elect|opt) to have [^.;]{0,30}?deleted automatically\b|\bauto-?delete\b/i },
  { name: 'opt out of … (imperative)', pattern: /^(?:[^:.;]{1,60}:\s*)?(?:[•*\-–]\s*)?(?:Opt[- ]?out of|Object to|Withdraw (?:your )?consent|Unsubscribe|Turn off|Switch off|Disable|Pause|Choose whether|Decide whether|Manage (?:your |the )?(?:preferences|settings|information|ads|cookies|activity|communications?)|Control (?:whether|how|what|your)|Limit (?:the use|how|what|ad)|Link or unlink|Unlink|Revoke)\b/ },
];

/** Declining to give data, to use a feature or to stay is not opting out of an ongoing use (labelling rule 9). */
const LEAVING = /\b(?:choose not to (?:provide|use|give|submit|share|disclose|continue)|choose whether (?:or not )?(?:to )?(?:share|include|post|provide|submit|upload|make|you include|to include)|continue (?:to use|using) the (?:Service|Services|Platform|Products)|(?:do not|don['’]t) (?:wish|want) to continue|discontinue (?:your )?use|stop using (?:the|our)|(?:cancel|close|delete|terminate) (?:your )?(?:account|subscription|these terms)|if you do(?: not|n['’]t) agree)/i;
/** A cue that looks like an opt-out but is not one: access, deletion, correction or portability alone. */
const NOT_AN_OPT_OUT: RegExp[] = [
  /^(?!.*\b(?:opt[- ]?out|object|unsubscribe|withdraw|turn off|disable|stop|limit|restrict|refuse|decline|reject|control|choose|decide|manage|pause|unlink|revoke|block|prevent)\b).*\b(?:access|delete|correct|rectify|port)\b/i,
];

const CANNOT_OPT_OUT = /\b(?:cannot|can['’]t|can ?not|are not able to|will not be able to|won['’]t be able to|may not|unable to|no (?:way|option|ability) to)\s+(?:opt[- ]?out|unsubscribe|turn (?:this |it )?off|disable|object|decline)\b/i;

const OPT_IN = /\b(?:only (?:if|when|with|after) (?:you|your)\b[^.;]{0,60}?(?:opt[- ]?in|consent|agree|choose|turn (?:it |this )?on|enable|allow|authori[sz]e|permission)|with your (?:prior |explicit |express |affirmative )?(?:consent|permission|opt[- ]?in)|if you (?:opt[- ]?in|choose to (?:opt in|enable|turn on|share|allow)|consent|agree|turn on|enable)|(?:requires?|ask(?:s|ing)? for|obtain|seek) your (?:prior |explicit |express |affirmative )?(?:consent|permission)|opt[- ]?in\b)/i;
const ON_BY_DEFAULT = /\b(?:by default|automatically|(?:is|are) (?:turned |switched )?on\b|unless you|until you)/i;

/** Cues that name an opt-out without offering one ("your choice to disable", "if you wish to opt out"). */
export const MENTION_CUES: ReadonlySet<string> = new Set([
  'the option to opt out',
  'if you wish to opt out',
  'you would like to opt out',
  'if you prefer not to receive',
  'unsubscribing',
  'opt-out link or mechanism',
]);

export interface OptOutCue {
  name: string;
  /** offsets relative to the clause text */
  start: number;
  end: number;
  matched: string;
}

/** Words without which no cue can match: most sentences skip every pattern. */
const ANY_CUE_WORD = /opt|sociat|suppress|temporary|incognito|private|guest|modify|prefer|chang|modif|updat|adjust|link|unsubscri|object|withdr|turn|switch|toggl|disabl|deactiv|paus|declin|refus|reject|choose|decid|select|control|manag|limit|restrict|stop|block|delet|remov|clear|prevent|unless|until|revok|unlink|disconnect|setting|choice|option|browser|device|wish|want|right|how to|lets? you|allows? you|enables? you|permits? you|help/i;

// Module constants, not literals in the function: Unicode classes are costly to compile, and a profile of Firefox's
// background had the two literals here in a third of a first look's samples.
const HAS_LETTER = /\p{L}/u;
const CAPITALISED = /^[\p{Lu}\d“"(]/u;

/** A title-like line ("Right to Opt-out of Sales.", "Opt-out of Website Targeted Advertising.") names a section. */
export function looksLikeHeading(text: string): boolean {
  const words = text.replace(/[.:]+$/, '').split(/\s+/).filter((word) => HAS_LETTER.test(word));
  if (words.length === 0 || words.length > 10) return false;
  const capitalised = words.filter((word) => CAPITALISED.test(word)).length;
  return capitalised / words.length >= 0.6 && !/\b(?:you|we|your|our)\b/i.test(text);
}

/**
 * The rule engine asks this of each clause and the learned stage of each sentence, mostly the same texts: the answers
 * for the last few hundred texts are kept (a pure function of the text, so a kept answer is the answer).
 */
const recent = new RecentAnswers<string, OptOutCue | null>(512);

const RECENT_MAX_LENGTH = 4000; // longer texts are asked once each anyway, and would only weigh on memory

export function findOptOutCue(clauseText: string): OptOutCue | null {
  if (clauseText.length > RECENT_MAX_LENGTH) return searchOptOutCue(clauseText);
  const cue = recent.get(clauseText, searchOptOutCue);
  return cue === null ? null : { ...cue }; // a copy: callers may keep or change what they get
}

function searchOptOutCue(clauseText: string): OptOutCue | null {
  if (!ANY_CUE_WORD.test(clauseText) || looksLikeHeading(clauseText)) return null;
  // "You cannot opt out of …" is not an offer, but "… choices, but you cannot opt out of X" still holds one.
  const refusal = CANNOT_OPT_OUT.exec(clauseText);
  let best: OptOutCue | null = null;
  for (const cue of OPT_OUT_CUES) {
    const match = cue.pattern.exec(clauseText);
    if (match === null) continue;
    const start = match.index;
    const end = start + match[0].length;
    if (refusal !== null && start < refusal.index + refusal[0].length && refusal.index < end) continue;
    if (best === null || start < best.start) best = { name: cue.name, start, end, matched: match[0] };
  }
  if (best === null) return null;
  if (NOT_AN_OPT_OUT.some((pattern) => pattern.test(best.matched))) return null;
  if (LEAVING.test(clauseText) && !/\bopt[- ]?out\b|\bunsubscribe\b/i.test(best.matched)) return null;
  // A private mode that still lets them track you avoids nothing.
  if (best.name === 'a private mode' && /\bstill\b/i.test(clauseText)) return null;
  return best;
}

export function saysNoOptOut(clauseText: string): string | null {
  return CANNOT_OPT_OUT.exec(clauseText)?.[0] ?? null;
}

export function optInCue(clauseText: string): string | null {
  return OPT_IN.exec(clauseText)?.[0] ?? null;
}

/**
 * An opt-out offer means it happens unless you act. The exception: the thing is consent-based ("with your consent
 * … you can withdraw it"), or the text says "only if you opt in", and nothing says it is on by default.
 */
export function defaultRegime(clauseText: string, hasOptOut: boolean): DefaultRegime {
  const optIn = OPT_IN.test(clauseText);
  if (!hasOptOut) return optIn ? 'only-if-opt-in' : 'unknown';
  return optIn && !ON_BY_DEFAULT.test(clauseText) ? 'only-if-opt-in' : 'applies-unless-opt-out';
}
