import { exceptionCueNames } from '../classify/exceptions';
import { findOptOutCue, optInCue, saysNoOptOut } from '../classify/opt-out';
import type { Unit } from './units';

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
/** "we do not sell", "Zoom does not use", "we will never share": the company says it does not do something. */
const NEGATED_PRACTICE = /\b(?:we|[A-Z][\w.&-]+|it|they)(?: (?:do|does|will|shall|would|did|have|has|may|can|could)(?: not|n['’]t)| never| neither| no longer| don['’]t| won['’]t| doesn['’]t)(?: \w+ly)?(?: ever)? (?:sell|sells|rent|rents|share|shares|use|uses|train|trains|disclose|discloses|collect|collects|access|accesses|read|reads|trade|trades|monetize|monetise|store|stores|keep|keeps|retain|retains|track|tracks|process|processes|allow|allows|permit|permits|target|targets|provide|provides|give|gives|transfer|transfers|knowingly|send|sends|show|shows|look|looks|listen|listens|scan|scans)\b/;

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\d+/g, '0')
    .split(/[^a-z0'-]+/)
    .map((token) => token.replace(/^'+|'+$/g, ''))
    .filter((token) => token.length > 0)
    .slice(0, MAX_TOKENS);
}

export function unitEvidence(text: string, engine: { offer: boolean; exception: boolean } = { offer: false, exception: false }): UnitEvidence {
  const offer = findOptOutCue(text);
  return {
    text,
    offerCue: offer?.name ?? null,
    exceptionCues: exceptionCueNames(text),
    refusal: saysNoOptOut(text) !== null,
    optIn: optInCue(text) !== null,
    negatedPractice: NEGATED_PRACTICE.test(text),
    engineOffer: engine.offer,
    engineException: engine.exception,
  };
}

const distanceBucket = (distance: number | null): string =>
  distance === null ? 'none' : distance <= 3 ? String(distance) : distance <= 6 ? '4-6' : 'far';

/** Features of unit i, given every unit's evidence (for context). */
export function unitFeatures(units: Unit[], evidence: UnitEvidence[], i: number): string[] {
  const unit = units[i]!;
  const own = evidence[i]!;
  const features = new Set<string>(['bias']);
  const words = tokens(own.text);
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
  for (const word of new Set(tokens(unit.heading ?? '').slice(0, 12))) features.add(`h:${word}`);
  // The nearest offer cue before this unit in the same section, and right after it.
  let distance: number | null = null;
  for (let j = i - 1; j >= Math.max(0, i - 8); j--) {
    if (units[j]!.heading !== unit.heading) break;
    if (evidence[j]!.offerCue !== null) {
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
  return [...features];
}

/**
 * Which feature families documentFeatures adds beyond unitFeatures. Only the conjunctions raised the cross-validated
 * F1 (promises most); the others measured neutral or worse on the dev split and stay off (kept for experiments).
 */
export interface FeatureConfig {
  /** value of each lexical feature (w:, b:, s:) is scale / sqrt(number of lexical features): long sentences do not outvote cues */
  lexicalScale: number;
  /** words of the previous and next unit of the same section (pw:, nw:) */
  neighbourWords: boolean;
  /** words of the list's lead-in sentence, for list items (lw:) */
  leadInWords: boolean;
  /** conjunctions: negation × verb, subject × modal × verb (x:) */
  conjunctions: boolean;
  /** words of the units up to 3 before in the same section that hold an offer cue (ow:) */
  offerContext: boolean;
  /** value for context-word features */
  contextValue: number;
  /** carve-out words and conjunctions again, marked as near an offer (within 3 units after one, or in it) (n:) */
  nearOfferConjunctions: boolean;
}
export const DEFAULT_FEATURES: FeatureConfig = {
  lexicalScale: 0,
  neighbourWords: false,
  leadInWords: false,
  conjunctions: true,
  offerContext: false,
  contextValue: 1,
  nearOfferConjunctions: false,
};

/** Words that carry carve-outs: what still happens, what is not covered, conditions, what stays, the law. */
const CARVE_OUT_WORDS = new Set(['still', 'continue', 'continues', 'even', 'unless', 'except', 'however', 'affect', 'apply', 'applies',
  'lawfulness', 'prior', 'before', 'retain', 'required', 'law', 'legal', 'obligations', 'note', 'browser', 'device', 'devices', 'days',
  'within', 'must', 'include', 'transactional', 'administrative', 'service', 'account', 'remain', 'not', "won't", "doesn't", "don't",
  'regardless', 'limited', 'exempt', 'grounds', 'compelling', 'necessary', 'only', 'each', 'separately', 'cookie', 'cookies', 'receive',
  'relevant', 'less', 'other', 'certain', 'some', 'delete', 'deleted', 'keep', 'saved', 'may', 'cannot', 'future', 'previously']);

const STOP = new Set(['the', 'a', 'an', 'of', 'to', 'and', 'or', 'in', 'on', 'for', 'is', 'are', 'be', 'by', 'with', 'as', 'at', 'that', 'this', 'it', 'from', 'any', 'such', 'other', 'our', 'its', '0', 'can', 'will', 'also', 'these', 'which', 'about', 'more', 'if', 'may']);
const NEGATION = new Set(['not', 'never', "don't", "doesn't", "won't", "didn't", "can't", 'cannot', 'no', "isn't", "aren't", "wouldn't", "shouldn't", 'neither', 'nor', 'without']);
const SUBJECTS = new Set(['we', 'you', 'they', 'it', 'i', 'users', 'user', 'google', 'this', 'that']);
const MODALS = new Set(['can', 'may', 'will', 'might', 'must', 'should', 'could', 'would', 'shall', "won't", "can't", 'cannot', "don't", 'do', 'does', "doesn't", "'ll", 'still', 'also', 'continue']);

function conjunctionFeatures(words: string[], into: Map<string, number>, value: number): void {
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    if (NEGATION.has(word)) {
      // negation × the next content word within three words: "not sell", "never share", "don't … use"
      for (let j = k + 1; j < Math.min(words.length, k + 4); j++) {
        if (STOP.has(words[j]!) || NEGATION.has(words[j]!)) continue;
        into.set(`x:neg_${words[j]!.slice(0, 6)}`, value);
        break;
      }
      const subject = words.slice(Math.max(0, k - 3), k).reverse().find((w) => SUBJECTS.has(w));
      if (subject !== undefined) into.set(`x:${subject}_neg`, value);
    }
    if (SUBJECTS.has(word)) {
      // subject × modal × verb: "you can opt", "we will still", "you may withdraw"
      const modal = words[k + 1];
      if (modal !== undefined && MODALS.has(modal)) {
        const verb = words[k + 2] !== undefined && MODALS.has(words[k + 2]!) ? words[k + 3] : words[k + 2];
        into.set(`x:${word}_${modal}`, value);
        if (verb !== undefined) into.set(`x:${word}_${modal}_${verb.slice(0, 6)}`, value);
      }
    }
    if ((word === 'even' || word === 'regardless') && k + 1 < words.length) into.set(`x:even_${words[k + 1]}`, value);
    if (word === 'still' || word === 'continue' || word === 'remain') {
      const subject = words.slice(Math.max(0, k - 5), k).reverse().find((w) => SUBJECTS.has(w));
      into.set(`x:${subject ?? 'other'}_${word}`, value);
    }
    if (word === 'unless' || word === 'except' || word === 'however' || word === 'but') into.set(`x:pos_${word}_${k === 0 ? 'first' : k < words.length / 2 ? 'early' : 'late'}`, value);
  }
}

/** Features of every unit of a document, with their values (undefined when every value is 1). */
export function documentFeatures(_text: string, units: Unit[], evidence: UnitEvidence[], config: FeatureConfig = DEFAULT_FEATURES): Array<{ features: string[]; values?: number[] }> {
  const words = evidence.map((e) => tokens(e.text));
  const content = words.map((list) => [...new Set(list.filter((w) => !STOP.has(w) && w.length > 1))]);
  const own = (j: number) => evidence[j]!.offerCue !== null || evidence[j]!.engineOffer;
  return units.map((unit, i) => {
    const base = unitFeatures(units, evidence, i);
    const map = new Map<string, number>();
    const lexicalCount = base.filter((f) => /^[wbs]:/.test(f)).length;
    const lexicalValue = config.lexicalScale > 0 ? config.lexicalScale / Math.sqrt(Math.max(1, lexicalCount)) : 1;
    for (const f of base) map.set(f, /^[wbs]:/.test(f) ? lexicalValue : 1);
    const cv = config.contextValue;
    const sameSection = (j: number) => j >= 0 && j < units.length && units[j]!.heading === unit.heading;
    if (config.neighbourWords) {
      if (sameSection(i - 1)) for (const w of content[i - 1]!) map.set(`pw:${w}`, cv);
      if (sameSection(i + 1)) for (const w of content[i + 1]!) map.set(`nw:${w}`, cv);
    }
    if (config.leadInWords && unit.inList) {
      let j = i - 1;
      while (j >= 0 && units[j]!.inList && sameSection(j)) j--;
      if (j >= 0 && sameSection(j) && !units[j]!.inList) {
        for (const w of content[j]!) map.set(`lw:${w}`, cv);
        map.set(`c:list-pos:${Math.min(i - j, 6)}`, 1);
      }
    }
    if (config.conjunctions) conjunctionFeatures(words[i]!, map, 1);
    if (config.nearOfferConjunctions) {
      let near = own(i);
      for (let j = i - 1; !near && j >= Math.max(0, i - 3) && sameSection(j); j--) near = own(j);
      if (near) {
        map.set('n:near', 1);
        for (const f of [...map.keys()]) if (f.startsWith('x:') || f.startsWith('r:exc') || f === 'r:negated') map.set(`n:${f}`, 1);
        for (const w of new Set(words[i]!)) if (CARVE_OUT_WORDS.has(w)) map.set(`n:w:${w}`, 1);
      }
    }
    if (config.offerContext) {
      for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
        if (!sameSection(j)) break;
        if (evidence[j]!.offerCue === null && !evidence[j]!.engineOffer) continue;
        for (const w of content[j]!) map.set(`ow:${w}`, cv);
        break;
      }
    }
    const features = [...map.keys()];
    const values = [...map.values()];
    return values.every((v) => v === 1) ? { features } : { features, values };
  });
}
