import type { Topic } from '../model/topics';
import { RecentAnswers } from '../text/recent';

/**
 * Topic by weighted keyword evidence: the clause's own words count three times as much as its heading's, so
 * "you can unsubscribe from marketing emails" under "How we use your data" is about marketing messages, and a bare
 * "you may opt out within 30 days" under "Arbitration" is about arbitration.
 */
const TOPIC_CUES: Array<[Topic, RegExp]> = [
  ['model-training', /\b(?:train(?:s|ed|ing)?\b(?:[^.;]{0,40}?\b(?:models?|AI|artificial intelligence|algorithms?|llms?)\b)?|machine[- ]learning|model (?:improvement|training|development)|improve (?:and train |the )?(?:our |the |its )?(?:AI |generative AI )?models?|generative AI|content[- ]generating AI|improve the model|develop(?:ing)? (?:new )?(?:AI )?models?|foundation models?|large language models?)/gi],
  ['human-review', /\b(?:human review(?:ers?)?|reviewed by (?:(?:our|trained|authori[sz]ed) )?(?:staff|people|humans|reviewers|employees)|(?:trained |human )reviewers|manual(?:ly)? review)/gi],
  ['marketing-messages', /\b(?:marketing (?:e-?mails?|communications?|messages?|materials?)|promotional (?:e-?mails?|communications?|messages?|offers?)|newsletters?|unsubscribe|direct marketing|marketing purposes|commercial (?:e-?mails?|messages))/gi],
  ['advertising', /\b(?:ads\b|advertis(?:ing|ements?|ers?)|(?:personali[sz]ed|targeted|interest[- ]based|behavio(?:u)?ral) (?:ads|advertising)|ad (?:settings|preferences|personali[sz]ation|choices))/gi],
  ['sale-sharing', /\b(?:sell(?:s|ing)?|sale of|do not sell|cross[- ]context behavio(?:u)?ral|share (?:your )?(?:personal (?:data|information)) (?:for|with third)|“?sharing”? (?:of )?(?:your )?personal)/gi],
  ['affiliates-sharing', /\b(?:affiliates?|(?:business|marketing) partners|corporate group|group companies|family of companies)/gi],
  ['cookies-tracking', /\b(?:cookies?|tracking technolog(?:y|ies)|web beacons?|pixels?|pixel tags?|local storage|SDKs?|device identifiers?|similar technologies)/gi],
  ['do-not-track', /\b(?:do not track|do-not-track|DNT|global privacy control|GPC|opt-out preference signals?)/gi],
  ['analytics', /\b(?:analytics|measure(?:ment)?|audience measurement|usage statistics)/gi],
  ['personalization', /\b(?:personali[sz](?:e|ed|ation|ing)|recommendations?|tailor(?:ed)?|customi[sz](?:e|ed) (?:content|experience|feed))/gi],
  ['data-retention', /\b(?:retain(?:s|ed)?|retention|keep (?:your|personal|the) (?:data|information)|stored? for|delete(?:d)? (?:after|within)|as long as)/gi],
  ['location', /\b(?:(?:precise |approximate |geo-?)?location|GPS|geolocation)/gi],
  ['sensitive-data', /\b(?:biometric|sensitive (?:personal )?(?:data|information)|health (?:data|information)|racial|ethnic origin|sexual orientation|religious|facial (?:recognition|geometry)|voiceprints?|genetic)/gi],
  ['children', /\b(?:child(?:ren|'s|ren's)?|minors?|under (?:the age of )?(?:13|16|18)|parental consent|teens?)\b/gi],
  ['international-transfer', /\b(?:(?:international|cross-border) (?:data )?transfers?|transfer(?:red|s)? (?:[^.]{0,40}?)(?:outside|to other countries|to countries|to the United States|abroad)|standard contractual clauses|adequacy decisions?|third countries|data privacy framework)/gi],
  ['authorities-disclosure', /\b(?:law enforcement|government(?:al)? (?:authorities|agencies|requests?)|public authorities|subpoenas?|court orders?|legal process|comply with (?:applicable )?(?:law|legal obligations))/gi],
  ['arbitration', /\b(?:arbitrat(?:ion|or|e)|class[- ]action|jury trial|dispute resolution|small claims|mass arbitration)/gi],
  ['terms-changes', /\b(?:(?:change|modify|update|amend|revise)(?:s|d)? (?:these|the|this|our) (?:terms|agreement|policy|privacy policy)|changes to (?:these|the|this) (?:terms|agreement|policy))/gi],
  ['account-termination', /\b(?:(?:suspend|terminate|disable|close)(?:s|d)? (?:your )?(?:account|access)|termination|suspension)/gi],
  ['liability', /\b(?:liab(?:le|ility)|damages|warrant(?:y|ies)|indemnif(?:y|ication)|as is)/gi],
  ['content-licence', /\b(?:licen[cs]e (?:to|in) (?:your|any|the|user) content|(?:worldwide|royalty-free|sublicensable|perpetual)[, ]+(?:non-exclusive|royalty-free|transferable|irrevocable|license|licence))/gi],
  ['ai-output-ownership', /\b(?:(?:own|ownership of|rights? (?:in|to)|assign (?:to you )?(?:all )?(?:our )?(?:right, title,? and interest in(?:,? and to)?)?) (?:the )?outputs?|outputs? (?:are|is) (?:yours|owned))/gi],
];

export interface TopicEvidence {
  topic: Topic;
  cue: string | null;
}

type CueCount = [topic: Topic, matches: number, first: string];

/** Each topic's cue matches in a text: how many, and the first. */
function cueCounts(text: string): CueCount[] {
  const counts: CueCount[] = [];
  for (const [topic, pattern] of TOPIC_CUES) {
    pattern.lastIndex = 0;
    let matches = 0;
    let first = '';
    for (const match of text.matchAll(pattern)) if (matches++ === 0) first = match[0];
    if (matches > 0) counts.push([topic, matches, first]);
  }
  return counts;
}

/** A heading stands over many clauses: its cues are counted once. */
const headingCounts = new RecentAnswers<string, CueCount[]>(256);

function addScores(counts: CueCount[], weight: number, scores: Map<Topic, { score: number; cue: string }>): void {
  for (const [topic, matches, first] of counts) {
    const entry = scores.get(topic);
    if (entry) entry.score += weight * matches;
    else scores.set(topic, { score: weight * matches, cue: first });
  }
}

export function detectTopic(clauseText: string, heading: string | null): TopicEvidence {
  const scores = new Map<Topic, { score: number; cue: string }>();
  addScores(cueCounts(clauseText), 3, scores);
  if (heading !== null) addScores(headingCounts.get(heading, cueCounts), 1, scores);
  let best: TopicEvidence = { topic: 'other', cue: null };
  let bestScore = 0;
  for (const [topic, entry] of scores) {
    if (entry.score > bestScore) {
      best = { topic, cue: entry.cue };
      bestScore = entry.score;
    }
  }
  return best;
}
