import type { DefaultRegime } from '../model/topics';

/**
 * Opt-out offers: the person can stop, refuse, turn off, withdraw from or object to something that otherwise happens.
 * Each pattern is a cue a person can be shown ("Why is this highlighted?"). Opt-ins, deletion or access rights, and
 * statements that no opt-out exists are told apart below.
 */
interface Cue {
  name: string;
  pattern: RegExp;
}

const ACTOR = String.raw`(?:you|users?|members?|customers?|individuals?|consumers?|residents?|account holders?)`;
const MODAL = String.raw`(?:can|may|could|will be able to|are able to|have the (?:right|option|ability|choice) to|always have the (?:right|option|ability|choice) to|also have the (?:right|option|ability|choice) to|are entitled to|are free to|have the right,? (?:at any time,? )?to)`;
const STOP_VERB = String.raw`(?:opt[- ]?out|unsubscribe|turn (?:it |this |that |them |these |[a-z-]+ )?off|switch (?:it |this |that |them )?off|toggle (?:it |this |that )?off|disable|deactivate|withdraw (?:your |this |that |such )?consent|revoke (?:your |this |that )?consent|object|decline|refuse|reject|opt not to|choose not to|elect not to|ask us (?:not to|to stop)|tell us (?:not to|to stop)|request (?:that )?we (?:not|stop)|instruct us (?:not to|to stop)|stop (?:receiving|us from|sharing|the|your|our|having)|limit (?:the use|our use|how|the (?:processing|sharing|collection))|block (?:or delete )?(?:cookies|all cookies|third-party cookies|tracking)|delete (?:or block )?cookies|restrict (?:the )?processing|change your (?:privacy |ad |cookie )?(?:settings|preferences|choices) to (?:stop|prevent|turn off|limit|opt out))`;

const OPT_OUT_CUES: Cue[] = [
  { name: 'unless you opt out', pattern: new RegExp(String.raw`\b(?:unless|until) ${ACTOR} (?:(?:choose to|decide to|affirmatively) )?(?:opt[- ]?out|object|withdraw|unsubscribe|turn (?:it |this |that |[a-z-]+ )?off|disable|change (?:your|the|this) setting|tell us otherwise|instruct us otherwise|ask us not to)`, 'i') },
  { name: 'you can opt out', pattern: new RegExp(String.raw`\b${ACTOR} (?:(?:also|always|still|at any time|at all times|now) )?${MODAL} (?:(?:at any time|always|also|easily|still),? )?(?:(?:choose|elect|decide) (?:whether )?to )?${STOP_VERB}`, 'i') },
  { name: 'your right to object', pattern: /\b(?:(?:a|the|your) right to (?:object|opt[- ]?out|withdraw (?:your )?consent|restrict (?:the )?processing|unsubscribe)|right of objection)/i },
  { name: 'opt out by / through / here', pattern: /\b(?:to|can|may|please|you) opt[- ]?out(?: of [^.;]{1,80}?)?,? (?:by|through|via|using|at|here|in|from|with|please|visit|go|click|use|contact|email|follow|adjust|select|submit|send)\b/i },
  { name: 'if you (do not) want … you can', pattern: /\bif you (?:do not|don['’]t|no longer) (?:want|wish|would like) [^.;]{3,160}?,? (?:you (?:can|may|should|will need to)|please|simply|visit|go to|adjust|contact|email|click|turn|use|select|update)\b/i },
  { name: 'if you wish to opt out', pattern: /\bif you (?:would like|wish|want|prefer|choose|decide) (?:to |not to )?(?:opt[- ]?out|unsubscribe|object|withdraw (?:your )?consent|stop (?:receiving|us)|not (?:to )?(?:receive|have|allow|be)|disable|turn off|limit|prevent)/i },
  { name: 'opt-out link or mechanism', pattern: /\b(?:opt[- ]out (?:link|form|page|request|mechanism|tool|option|choice|preference signals?|instructions|process|notice)|unsubscribe (?:link|button|instructions|option)|“?do not (?:sell|share)(?: or share| or sell)?(?: my)?(?: personal)? (?:info(?:rmation)?|data)”?(?: link)?|global privacy control)/i },
  { name: 'you can control or manage it', pattern: new RegExp(String.raw`\b${ACTOR} (?:can|may|are able to|have the ability to) (?:also )?(?:control|manage|adjust|update|change|review and (?:change|update)|set) (?:[^.;]{0,60}?)(?:cookie|ad|advertising|privacy|tracking|marketing|communication|email|notification|personali[sz]ation|data|training|model improvement|location|sharing|consent|browser|device)[a-z ]{0,20}?(?:settings|preferences|choices|controls|permissions|options)`, 'i') },
  { name: 'set your browser to refuse', pattern: /\b(?:(?:set|configure|adjust) (?:your|the) (?:browser|device)[^.;]{0,60}?(?:refuse|reject|block|decline|disable|delete|alert|notify|not accept|stop)|(?:most|your) (?:web )?browsers? (?:allow|let|permit|enable)s? you to (?:[^.;]{0,40}?)(?:refuse|reject|block|delete|remove|disable|control|manage))/i },
  { name: 'you can turn off', pattern: /\b(?:can|may) be (?:turned|switched|toggled) off\b|\b(?:turn|switch|toggle) off [^.;]{0,60}?(?:in|under|from|via|through) (?:your |the )?(?:settings|preferences|account|privacy|app)/i },
];

/** A cue that looks like an opt-out but is not one. */
const NOT_AN_OPT_OUT: RegExp[] = [
  // access/deletion/correction/portability only, with no stop verb
  /^(?!.*\b(?:opt[- ]?out|object|unsubscribe|withdraw|turn off|disable|stop|limit|restrict|refuse|decline|reject)\b).*\b(?:access|delete|correct|rectify|port)\b/i,
];

const CANNOT_OPT_OUT = /\b(?:cannot|can['’]t|can ?not|are not able to|will not be able to|won['’]t be able to|may not|unable to|no (?:way|option|ability) to)\s+(?:opt[- ]?out|unsubscribe|turn (?:this |it )?off|disable|object|decline)\b/i;

const OPT_IN = /\b(?:only (?:if|when|with|after) (?:you|your)\b[^.;]{0,60}?(?:opt[- ]?in|consent|agree|choose|turn (?:it |this )?on|enable|allow|authori[sz]e|permission)|with your (?:prior |explicit |express |affirmative )?(?:consent|permission|opt[- ]?in)|if you (?:opt[- ]?in|choose to (?:opt in|enable|turn on|share|allow)|consent|agree|turn on|enable)|(?:requires?|ask(?:s|ing)? for|obtain|seek) your (?:prior |explicit |express |affirmative )?(?:consent|permission)|opt[- ]?in\b)/i;
const ON_BY_DEFAULT = /\b(?:by default|automatically|(?:is|are) (?:turned |switched )?on\b|unless you|until you)/i;

export interface OptOutCue {
  name: string;
  /** offsets relative to the clause text */
  start: number;
  end: number;
  matched: string;
}

export function findOptOutCue(clauseText: string): OptOutCue | null {
  if (CANNOT_OPT_OUT.test(clauseText) && !/\b(?:you can|you may)\b/i.test(clauseText.replace(CANNOT_OPT_OUT, ''))) {
    return null;
  }
  let best: OptOutCue | null = null;
  for (const cue of OPT_OUT_CUES) {
    const match = cue.pattern.exec(clauseText);
    if (match === null) continue;
    if (best === null || match.index < best.start) {
      best = { name: cue.name, start: match.index, end: match.index + match[0].length, matched: match[0] };
    }
  }
  if (best === null) return null;
  if (NOT_AN_OPT_OUT.some((pattern) => pattern.test(best.matched))) return null;
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
