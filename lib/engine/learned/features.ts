import { exceptionCueNames } from '../classify/exceptions';
import { findOptOutCue, optInCue, saysNoOptOut } from '../classify/opt-out';
import type { AnalyzedClause } from '../model/analysis';
import type { Unit } from './units';
import { markOverlaps } from './spans';

/**
 * Features of one unit for the learned stage: its words and word pairs, the rule cues it holds (the hand-written
 * cue tables become evidence, not verdicts), its polarity, and its context — heading words, list position, and how
 * far the nearest offer cue is. Every feature is a short string; the model keeps a weight per string.
 */
export interface UnitEvidence {
  text: string;
  /** the rule cue that reads an offer here, if any */
  offerCue: string | null;
  exceptionCues: string[];
  refusal: boolean;
  optIn: boolean;
  negatedPractice: boolean;
  /** the rule engine's verdicts on this unit: it holds an offer's words, or an exception span */
  engineOffer: boolean;
  engineException: boolean;
}

const MAX_TOKENS = 90;
/**
 * "we do not sell", "Zoom does not use", "we will never share", "we don't “sell”": the company says it does not do
 * something. Disclaimers ("we do not guarantee", "we do not respond to Do Not Track") are not promises.
 */
const NEGATED_PRACTICE = /\b(?:[Ww]e|[A-Z][\w.&-]+|[Ii]t|[Tt]hey)(?:['’]ll)?(?: (?:currently|generally|also|will|shall))?(?: (?:do|does|will|shall|did|can)(?: not|n['’]t)| never| neither| no longer| cannot| don['’]t| won['’]t| doesn['’]t| can['’]t)(?: \w+ly)?(?: ever)? [“"‘']?(?!(?:guarantee|warrant|accept|assume|control|endorse|respond|honou?r|recogni[sz]e|review|verify|monitor|need|require|have|make|represent|take|exceed|offer|be|apply|always)\b)[a-z]{3,}/;

export function tokens(text: string): string[] {
  const words: string[] = [];
  for (const piece of text.toLowerCase().replace(/[’‘]/g, "'").replace(/\d+/g, '0').split(/[^a-z0'-]+/)) {
    // Quotes around a word are not part of it (the test first: most words have none, and a regex per word is costly).
    const token = piece.charCodeAt(0) === 39 || piece.charCodeAt(piece.length - 1) === 39 ? piece.replace(/^'+|'+$/g, '') : piece;
    if (token.length === 0) continue;
    words.push(token);
    if (words.length === MAX_TOKENS) break;
  }
  return words;
}

/**
 * "… but will not store", "without collecting", "we will ask you to opt in before we use …", "we will only use it
 * for marketing if you consent", "they may access it only for the purpose of …", "we only use your sensitive
 * personal information as necessary", "no account is blocked …", "changes will not apply retroactively": promised
 * restraint. ("We keep it only as long as necessary" is not: the dataset records such retention as a practice.)
 */
const RESTRAINT = /\bbut (?:will|do|does|shall) not [a-z]{3,}|\bwithout (?:collecting|sharing|selling|using|storing|accessing|tracking|disclosing)\b|\bask(?:s)? (?:for )?(?:you(?:r)? )?(?:(?:prior|explicit|express) )?(?:consent|permission|to opt[- ]in) before\b|\bonly (?:[a-z]+ ){0,8}(?:if you (?:consent|agree|opt in)|with your (?:prior |explicit |express )?consent)\b|\bonly for the purposes? of\b|\bonly (?:use|process|disclose) (?:your )?sensitive (?:personal )?(?:information|data)\b|\bno (?:[a-z]+ ){0,3}(?:is|are|will be|shall be) (?:ever )?[a-z]{3,}ed\b|\b(?:will|shall) not (?:be )?appl(?:y|ied) retroactively\b/i;

/** Whether the text says the company does not do something (a promise's polarity). */
export function negatesAPractice(text: string): boolean {
  // A sentence in capitals ("WE DO NOT SELL") is read in lower case.
  return NEGATED_PRACTICE.test(/[a-z]/.test(text) ? text : text.toLowerCase()) || RESTRAINT.test(text);
}

export function unitEvidence(text: string, engine: { offer: boolean; exception: boolean } = { offer: false, exception: false }): UnitEvidence {
  const offer = findOptOutCue(text);
  return {
    text,
    offerCue: offer?.name ?? null,
    exceptionCues: exceptionCueNames(text),
    refusal: saysNoOptOut(text) !== null,
    optIn: optInCue(text) !== null,
    negatedPractice: negatesAPractice(text),
    engineOffer: engine.offer,
    engineException: engine.exception,
  };
}

/** The heading's word features; the units of a section share one heading, so the last one is kept. */
let lastHeading: { heading: string | null; names: string[] } = { heading: null, names: [] };
function headingNames(heading: string | null): string[] {
  if (lastHeading.heading !== heading) lastHeading = { heading, names: [...new Set(tokens(heading ?? '').slice(0, 12))].map((word) => `h:${word}`) };
  return lastHeading.names;
}

const distanceBucket = (distance: number | null): string =>
  distance === null ? 'none' : distance <= 3 ? String(distance) : distance <= 6 ? '4-6' : 'far';

/** Features of unit i, given every unit's evidence (for context) and its tokens. */
function unitFeatures(units: Unit[], evidence: UnitEvidence[], i: number, words: string[]): Set<string> {
  const unit = units[i]!;
  const own = evidence[i]!;
  const features = new Set<string>(['bias']);
  for (const word of words) {
    features.add(`w:${word}`);
    // A crude stem ("withdraw", "withdrawn", "withdrawing" → "withdr") so inflections share evidence.
    if (word.length > 6) features.add(`s:${word.slice(0, 6)}`);
  }
  for (let k = 0; k + 1 < words.length; k++) features.add(`b:${words[k]}_${words[k + 1]}`);
  if (own.offerCue !== null) features.add('r:offer').add(`r:offer:${own.offerCue}`);
  for (const cue of own.exceptionCues) features.add('r:exc').add(`r:exc:${cue}`);
  if (own.refusal) features.add('r:refusal');
  if (own.optIn) features.add('r:opt-in');
  if (own.negatedPractice) features.add('r:negated');
  if (own.negatedPractice && own.exceptionCues.length > 0) features.add('r:negated+exc');
  if (own.engineOffer) features.add('e:offer');
  if (own.engineException) features.add('e:exception');
  if (own.engineException && own.engineOffer) features.add('e:offer+exception');
  if (unit.inList) features.add('c:list');
  if (unit.firstInBlock) features.add('c:first');
  if (own.text.trimEnd().endsWith(':')) features.add('c:lead-in');
  features.add(`c:len:${words.length < 6 ? 'xs' : words.length < 15 ? 's' : words.length < 40 ? 'm' : 'l'}`);
  if (/^[^a-z]*$/.test(own.text) && /[A-Z]{4}/.test(own.text)) features.add('c:capitals');
  for (const name of headingNames(unit.heading)) features.add(name);
  // The nearest offer cue before this unit in the same section, and right after it.
  let distance: number | null = null;
  for (let j = i - 1; j >= Math.max(0, i - 8); j--) {
    if (units[j]!.heading !== unit.heading) break;
    if (evidence[j]!.offerCue !== null || evidence[j]!.engineOffer) {
      distance = i - j;
      break;
    }
  }
  features.add(`c:offer-before:${distanceBucket(distance)}`);
  const previous = i > 0 ? evidence[i - 1] : undefined;
  if (previous !== undefined && units[i - 1]!.heading === unit.heading) {
    if (previous.text.trimEnd().endsWith(':')) {
      features.add('c:after-lead-in');
      if (previous.exceptionCues.length > 0) features.add('c:after-exception-lead-in');
      if (previous.offerCue !== null) features.add('c:after-offer-lead-in');
      if (previous.negatedPractice) features.add('c:after-negated-lead-in');
    }
    for (const cue of previous.exceptionCues) features.add(`p:exc:${cue}`);
    if (previous.negatedPractice) features.add('p:negated');
  }
  const next = evidence[i + 1];
  if (next !== undefined && units[i + 1]!.heading === unit.heading && next.offerCue !== null) features.add('c:offer-next');
  // A list item reads through the lead-in that opens its list ("we may still share it when:" … each item).
  if (unit.inList) {
    let lead = i - 1;
    while (lead >= 0 && lead >= i - 16 && units[lead]!.inList && units[lead]!.heading === unit.heading) lead--;
    const leadIn = lead >= 0 && units[lead]!.heading === unit.heading ? evidence[lead]! : undefined;
    if (leadIn !== undefined && !units[lead]!.inList) {
      if (leadIn.exceptionCues.length > 0) features.add('l:exc');
      if (leadIn.offerCue !== null || leadIn.engineOffer) features.add('l:offer');
      if (leadIn.negatedPractice) features.add('l:negated');
      if (leadIn.text.trimEnd().endsWith(':')) features.add('l:colon');
    }
  }
  // Near an offer (its own unit, the next, or up to six before in the section), a word means something else: "still",
  // "unless", "within 30 days" limit the offer there and mean little elsewhere. Words and conjunctions near an offer
  // get features of their own.
  const nearOffer = own.offerCue !== null || own.engineOffer || distance !== null && distance <= 6 || features.has('c:offer-next');
  if (nearOffer) {
    features.add('n:near');
    for (const word of words) features.add(`n:${word}`);
    for (const cue of own.exceptionCues) features.add(`n:exc:${cue}`);
  }
  return features;
}

/** Evidence per unit, with the rule engine's verdicts (its offers and exceptions) as features. */
export function unitEvidenceOf(text: string, units: Unit[], ruleClauses: AnalyzedClause[]): UnitEvidence[] {
  const offers = markOverlaps(units, ruleClauses.flatMap((clause) => (clause.optOut === null ? [] : [clause.optOut])));
  const exceptions = markOverlaps(units, ruleClauses.flatMap((clause) => clause.exceptions));
  return units.map((unit, i) => unitEvidence(text.slice(unit.start, unit.end).replace(/\s+/g, ' '), {
    offer: offers[i]!,
    exception: exceptions[i]!,
  }));
}

/** Conjunctions (negation × verb, subject × modal × verb, carve-out words by position) raised the cross-validated F1. */
const STOP = new Set(['the', 'a', 'an', 'of', 'to', 'and', 'or', 'in', 'on', 'for', 'is', 'are', 'be', 'by', 'with', 'as', 'at', 'that', 'this', 'it', 'from', 'any', 'such', 'other', 'our', 'its', '0', 'can', 'will', 'also', 'these', 'which', 'about', 'more', 'if', 'may']);
const NEGATION = new Set(['not', 'never', "don't", "doesn't", "won't", "didn't", "can't", 'cannot', 'no', "isn't", "aren't", "wouldn't", "shouldn't", 'neither', 'nor', 'without']);
const SUBJECTS = new Set(['we', 'you', 'they', 'it', 'i', 'users', 'user', 'google', 'this', 'that']);
const MODALS = new Set(['can', 'may', 'will', 'might', 'must', 'should', 'could', 'would', 'shall', "won't", "can't", 'cannot', "don't", 'do', 'does', "doesn't", "'ll", 'still', 'also', 'continue']);

function conjunctionFeatures(words: string[], into: Set<string>): void {
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    if (NEGATION.has(word)) {
      // negation × the next content word within three words: "not sell", "never share", "don't … use"
      for (let j = k + 1; j < Math.min(words.length, k + 4); j++) {
        if (STOP.has(words[j]!) || NEGATION.has(words[j]!)) continue;
        into.add(`x:neg_${words[j]!.slice(0, 6)}`);
        break;
      }
      const subject = words.slice(Math.max(0, k - 3), k).reverse().find((w) => SUBJECTS.has(w));
      if (subject !== undefined) into.add(`x:${subject}_neg`);
    }
    if (SUBJECTS.has(word)) {
      // subject × modal × verb: "you can opt", "we will still", "you may withdraw"
      const modal = words[k + 1];
      if (modal !== undefined && MODALS.has(modal)) {
        const verb = words[k + 2] !== undefined && MODALS.has(words[k + 2]!) ? words[k + 3] : words[k + 2];
        into.add(`x:${word}_${modal}`);
        if (verb !== undefined) into.add(`x:${word}_${modal}_${verb.slice(0, 6)}`);
      }
    }
    if ((word === 'even' || word === 'regardless') && k + 1 < words.length) into.add(`x:even_${words[k + 1]}`);
    if (word === 'still' || word === 'continue' || word === 'remain') {
      const subject = words.slice(Math.max(0, k - 5), k).reverse().find((w) => SUBJECTS.has(w));
      into.add(`x:${subject ?? 'other'}_${word}`);
    }
    if (word === 'unless' || word === 'except' || word === 'however' || word === 'but') into.add(`x:pos_${word}_${k === 0 ? 'first' : k < words.length / 2 ? 'early' : 'late'}`);
  }
}

/** Features of every unit of a document: each unit's own and context features, and the conjunctions of its words. */
export function documentFeatures(units: Unit[], evidence: UnitEvidence[]): string[][] {
  return units.map((_, i) => {
    const words = tokens(evidence[i]!.text); // once per unit: its own features and the conjunctions read the same
    const features = unitFeatures(units, evidence, i, words);
    conjunctionFeatures(words, features);
    return [...features];
  });
}
