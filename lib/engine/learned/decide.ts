import { enumeratedItems, findExceptions } from '../classify/exceptions';
import { findOptOutCue } from '../classify/opt-out';
import type { ExceptionKind, LearnedModel, UnitScores } from './model';
import type { Unit } from './units';
import { firstOverlapping, overlapping } from './spans';

/**
 * From unit scores to findings: offers, promises, and exceptions attached to the offer they limit. An exception
 * needs an offer to attach to (the spec labels no orphan carve-outs). Each exception is shown as a whole sentence or
 * list item, never a fragment of one, except the cases of an inline enumeration "(i) … (ii) …", each its own
 * exception as the spec counts them, and an exception inside the offer's own sentence: the words after the offer's.
 */
export interface Finding {
  type: 'opt-out' | 'exception' | 'promise';
  start: number;
  end: number;
  unit: number;
  probability: number;
  /** exceptions: index (in the findings array) of the offer it limits, and its kind */
  attachedTo?: number;
  kind?: ExceptionKind;
}

/** How many units back an exception may sit from its offer (same section): 6 kept more labelled exceptions in reach than 3 under cross-validation. */
const ATTACH_WINDOW = 6;

/**
 * The rule engine's verdicts: its offers, and its exceptions with the offer each belongs to. Where the rules and the
 * model agree a lower threshold applies (the rules are precise where they fire); the rules' exception spans are kept
 * as they are, since they cut enumerated cases exactly.
 */
export interface RuleVerdicts {
  offers: Span[];
  /** `cue`: the words that introduced it; cases of one enumeration share their offer and cue */
  exceptions: Array<Span & { offer: Span; cue: string }>;
}


export function decide(model: LearnedModel, text: string, units: Unit[], scores: UnitScores[], rules: RuleVerdicts = { offers: [], exceptions: [] }): Finding[] {
  const { thresholds } = model;
  const withRule = { offer: thresholds['opt-out-rule'] ?? thresholds['opt-out'], exception: thresholds['exception-rule'] ?? thresholds.exception };
  const unitOf = (span: Span) => firstOverlapping(units, span);
  const ruleOfferUnits = new Set(rules.offers.map(unitOf));
  const findings: Finding[] = [];
  const offerOfUnit = new Map<number, number>();
  // Units that already hold an exception: another reading of the same words is not a second exception.
  const takenUnits = new Set<number>();
  units.forEach((unit, i) => {
    const score = scores[i]!;
    const isOffer = score['opt-out'] >= (ruleOfferUnits.has(i) ? withRule.offer : thresholds['opt-out']);
    if (isOffer) {
      offerOfUnit.set(i, findings.length);
      findings.push({ type: 'opt-out', start: unit.start, end: unit.end, unit: i, probability: score['opt-out'] });
    } else if (score.promise >= thresholds.promise) {
      findings.push({ type: 'promise', start: unit.start, end: unit.end, unit: i, probability: score.promise });
    }
  });
  // The rules' exceptions whose unit the model also reads as an exception, attached to a kept offer. The cases of
  // one enumeration stand or fall together: the model reads the lead-in's words best in one of them.
  const enumeration = (exception: RuleVerdicts['exceptions'][number]) => `${exception.offer.start}:${exception.cue}`;
  const best = new Map<string, number>();
  const cases = new Map<string, number>();
  for (const exception of rules.exceptions) {
    const i = unitOf(exception);
    if (i < 0) continue;
    cases.set(enumeration(exception), (cases.get(enumeration(exception)) ?? 0) + 1);
    best.set(enumeration(exception), Math.max(best.get(enumeration(exception)) ?? 0, scores[i]!.exception));
  }
  for (const exception of rules.exceptions) {
    const i = unitOf(exception);
    if (i < 0 || best.get(enumeration(exception))! < withRule.exception) continue;
    const offerUnit = unitOf(exception.offer);
    const offer = offerOfUnit.get(offerUnit) ?? attachment(units, offerOfUnit, i, offerOfUnit.has(i));
    if (offer === null || offer === undefined) continue;
    // An enumeration's cases "(i) … (ii) …" are kept as the rules cut them, each its own exception (as the spec counts
    // them); any other exception is shown as the whole sentences or list items that hold its words, once each.
    const kind = scores[i]!.kind;
    if ((cases.get(enumeration(exception)) ?? 0) >= 2) {
      findings.push({ type: 'exception', start: exception.start, end: exception.end, unit: i, probability: scores[i]!.exception, attachedTo: offer, kind });
      for (const j of overlapping(units, exception)) takenUnits.add(j);
      continue;
    }
    for (const j of overlapping(units, exception)) {
      if (takenUnits.has(j)) continue;
      takenUnits.add(j);
      // In an offer's own sentence the exception is the rules' words after the offer's, never the whole sentence:
      // that would show the offer itself as its own exception.
      const span = offerOfUnit.has(j)
        ? { start: Math.max(exception.start, units[j]!.start), end: Math.min(exception.end, units[j]!.end) }
        : { start: units[j]!.start, end: units[j]!.end };
      findings.push({ type: 'exception', ...span, unit: j, probability: scores[j]!.exception, attachedTo: offer, kind });
    }
  }
  // The model's own exceptions elsewhere.
  units.forEach((unit, i) => {
    const score = scores[i]!;
    if (score.exception < thresholds.exception || takenUnits.has(i)) return;
    const isOffer = offerOfUnit.has(i);
    const offer = attachment(units, offerOfUnit, i, isOffer);
    if (offer === null) return;
    for (const span of exceptionSpans(text, units, i, isOffer)) {
      const spanUnits = overlapping(units, span);
      if (spanUnits.some((j) => j !== i && takenUnits.has(j))) continue;
      for (const j of spanUnits) takenUnits.add(j);
      findings.push({ type: 'exception', ...span, unit: i, probability: score.exception, attachedTo: offer, kind: score.kind });
    }
  });
  return findings;
}

function attachment(units: Unit[], offerOfUnit: Map<number, number>, i: number, isOffer: boolean): number | null {
  if (isOffer) return offerOfUnit.get(i)!;
  for (let j = i - 1; j >= Math.max(0, i - ATTACH_WINDOW); j--) {
    if (units[j]!.heading !== units[i]!.heading) break;
    const offer = offerOfUnit.get(j);
    if (offer !== undefined) return offer;
  }
  return null;
}

interface Span {
  start: number;
  end: number;
}

/** A lead-in ("we will still use it when:") stands for the list items after it: each item is one exception. */
const MAX_ITEMS = 12;

/**
 * An exception is shown as whole units: the sentence or list item itself, or the list items its lead-in opens. The
 * cases of an inline enumeration "(i) … (ii) …" (after the offer's words, in the offer's own sentence) are each their
 * own exception, as the spec counts them; in the offer's own sentence otherwise, the rules' words after the offer's.
 */
function exceptionSpans(text: string, units: Unit[], i: number, isOffer: boolean): Span[] {
  const unit = units[i]!;
  const unitText = text.slice(unit.start, unit.end);
  if (unitText.trimEnd().endsWith(':')) {
    const items: Span[] = [];
    for (let j = i + 1; j < units.length && items.length < MAX_ITEMS && units[j]!.inList && units[j]!.heading === unit.heading; j++) {
      items.push({ start: units[j]!.start, end: units[j]!.end });
    }
    if (items.length > 0) return items;
  }
  const offer = isOffer ? findOptOutCue(unitText) : null;
  const from = offer === null ? unit.start : unit.start + offer.end;
  const cases = enumeratedItems(text, from, unit.end);
  if (cases.length >= 2) return cases.map(({ start, end }) => ({ start, end }));
  if (!isOffer) return [{ start: unit.start, end: unit.end }];
  // The exception shares the offer's sentence: the rules find its words after the offer's, or there is none to show
  // (the whole sentence would be the offer itself, shown as its own exception).
  const found = findExceptions({ text, clause: { ...unit, items: [] }, offerEnd: from, followers: [] }).exceptions;
  return found.map(({ start, end }) => ({ start, end }));
}
