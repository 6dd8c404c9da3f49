import { enumeratedItems, findExceptions } from '../classify/exceptions';
import { findOptOutCue } from '../classify/opt-out';
import type { ExceptionKind, LearnedModel, UnitScores } from './model';
import type { Unit } from './units';

/**
 * From unit scores to findings: offers, promises, and exceptions attached to the offer they limit. An exception
 * needs an offer to attach to (the spec labels no orphan carve-outs); enumerated cases "(i) … (ii) …" become one
 * exception each; an exception inside the offer's own sentence is the part after the offer's words.
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

/** How many units back an exception may sit from its offer (same section). */
const ATTACH_WINDOW = 6;

export function decide(model: LearnedModel, text: string, units: Unit[], scores: UnitScores[]): Finding[] {
  const { thresholds } = model;
  const findings: Finding[] = [];
  const offerOfUnit = new Map<number, number>();
  units.forEach((unit, i) => {
    const score = scores[i]!;
    const isOffer = score['opt-out'] >= thresholds['opt-out'];
    if (isOffer) {
      offerOfUnit.set(i, findings.length);
      findings.push({ type: 'opt-out', start: unit.start, end: unit.end, unit: i, probability: score['opt-out'] });
    } else if (score.promise >= thresholds.promise) {
      findings.push({ type: 'promise', start: unit.start, end: unit.end, unit: i, probability: score.promise });
    }
    if (score.exception < thresholds.exception) return;
    const offer = attachment(units, offerOfUnit, i, isOffer);
    if (offer === null) return;
    for (const span of exceptionSpans(text, unit, isOffer)) {
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

function exceptionSpans(text: string, unit: Unit, isOffer: boolean): Span[] {
  const unitText = text.slice(unit.start, unit.end);
  const offer = isOffer ? findOptOutCue(unitText) : null;
  const from = offer === null ? unit.start : unit.start + offer.end;
  // Inline enumerations: each case is its own exception.
  const cases = enumeratedItems(text, from, unit.end);
  if (cases.length >= 2) return cases.map(({ start, end }) => ({ start, end }));
  if (!isOffer) return [{ start: unit.start, end: unit.end }];
  // The exception shares the offer's sentence: the rules find its words, or there is none to show.
  const found = findExceptions({ text, clause: { ...unit, items: [] }, offerEnd: from, followers: [] }).exceptions;
  return found.map(({ start, end }) => ({ start, end }));
}
