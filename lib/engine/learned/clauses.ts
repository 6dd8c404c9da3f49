import type { AnalyzeInput } from '../analyze';
import { findExceptions } from '../classify/exceptions';
import { detectMechanism, type LinkInClause } from '../classify/mechanism';
import { defaultRegime, findOptOutCue } from '../classify/opt-out';
import { exceptionSentence } from '../classify/plain';
import { detectTopic } from '../classify/topic';
import type { AnalyzedClause, ExceptionFinding } from '../model/analysis';
import { exceptionReason, howReason, offerReason, promiseReason } from '../reasons';
import { decide, type Finding, type RuleVerdicts } from './decide';
import { documentFeatures, unitEvidenceOf } from './features';
import { scoreUnit, strongestFeatures, type LearnedModel, type UnitScores } from './model';
import { learningUnits, type Unit } from './units';
import { restack } from './stacked';
import { firstOverlappingAny, markOverlaps, mergedSpans } from './spans';
import weights from './weights.json';
import { loadModel } from './model';

/**
 * The learned stage's verdicts as the clauses the rest of Clausemark reads: each offer with its exceptions (and
 * their kinds), each promise, and the rule engine's other findings (opt-in, "you cannot opt out", data use) where
 * no learned clause covers them. The rule engine's mechanism, target and plain lines are reused where it found the
 * same offer or exception; its offers the model rejects are dropped.
 */
let bundled: LearnedModel | null = null;
export function bundledModel(): LearnedModel {
  bundled ??= loadModel(weights);
  return bundled;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;


/** Units and their scores, computed once when several thresholds are tried on one model (cross-validation). */
export interface Scored {
  units: Unit[];
  scores: UnitScores[];
  /** each unit's features, for the reasons of the ones that become findings */
  features?: string[][];
}

export function scoreUnits(input: AnalyzeInput, ruleClauses: AnalyzedClause[], model: LearnedModel): Scored {
  const units = learningUnits(input);
  const evidence = unitEvidenceOf(input.text, units, ruleClauses);
  const features = documentFeatures(units, evidence);
  const scores = restack(model.stacked, units, features.map((unitFeatures) => scoreUnit(model, unitFeatures)), features);
  return { units, features, scores };
}

export function ruleVerdicts(ruleClauses: AnalyzedClause[]): RuleVerdicts {
  return {
    offers: ruleClauses.flatMap((clause) => (clause.optOut === null ? [] : [clause.optOut])),
    exceptions: ruleClauses.flatMap((clause) => (clause.optOut === null ? [] : clause.exceptions.map((exception) => ({ ...exception, offer: clause.optOut! })))),
  };
}

export function learnedClauses(input: AnalyzeInput, ruleClauses: AnalyzedClause[], model: LearnedModel = bundledModel(), scored?: Scored): AnalyzedClause[] {
  const { text } = input;
  const { units, scores, features } = scored ?? scoreUnits(input, ruleClauses, model);
  const findings = decide(model, text, units, scores, ruleVerdicts(ruleClauses));
  const rules = ruleIndex(ruleClauses);
  const clauses: Array<Omit<AnalyzedClause, 'index'>> = [];
  findings.forEach((finding, at) => {
    if (finding.type === 'opt-out') {
      const reasons = features === undefined ? [] : strongestFeatures(model, features[finding.unit]!, 'opt-out');
      clauses.push(offerClause(input, units, rules, findings, at, reasons));
    }
    else if (finding.type === 'promise') clauses.push(promiseClause(input, units[finding.unit]!, ruleClauses));
  });
  // The rules' other findings (opt-in, "you cannot opt out", data use) where no learned clause covers them.
  const learned = [...clauses].sort((a, b) => a.start - b.start);
  const covered = markOverlaps(ruleClauses, mergedSpans(learned));
  ruleClauses.forEach((rule, i) => {
    if (rule.optOut === null && !covered[i]) clauses.push({ ...rule, exceptions: [] });
  });
  return clauses.sort((a, b) => a.start - b.start).map((clause, index) => ({ ...clause, index }));
}

/** The rule engine's offers and exceptions, sorted, for look-ups by position. */
interface RuleIndex {
  offers: Array<{ start: number; end: number; clause: AnalyzedClause }>;
  exceptions: ExceptionFinding[];
}

function ruleIndex(ruleClauses: AnalyzedClause[]): RuleIndex {
  return {
    offers: ruleClauses.flatMap((clause) => (clause.optOut === null ? [] : [{ start: clause.optOut.start, end: clause.optOut.end, clause }]))
      .sort((a, b) => a.start - b.start),
    exceptions: ruleClauses.flatMap((clause) => clause.exceptions).sort((a, b) => a.start - b.start),
  };
}


function offerClause(input: AnalyzeInput, units: Unit[], rules: RuleIndex, findings: Finding[], at: number, reasons: string[]): Omit<AnalyzedClause, 'index'> {
  const { text } = input;
  const offer = findings[at]!;
  const unit = units[offer.unit]!;
  const rule = rules.offers[firstOverlappingAny(rules.offers, offer)]?.clause;
  const attached = findings.filter((finding) => finding.type === 'exception' && finding.attachedTo === at).sort((a, b) => a.start - b.start);
  const exceptions = attached.map((finding) => exceptionFinding(text, finding, rules));
  // The clause reaches over the whole sentences that hold its exceptions.
  const start = Math.min(unit.start, ...attached.map((finding) => units[finding.unit]!.start));
  const end = Math.max(unit.end, ...attached.map((finding) => units[finding.unit]!.end));
  const unitText = text.slice(unit.start, unit.end);
  const cue = rule?.optOut?.cue ?? findOptOutCue(unitText)?.matched.trim() ?? '';
  const links: LinkInClause[] = (input.links ?? [])
    .filter((link) => link.start >= unit.start && link.end <= unit.end)
    .map((link) => ({ start: link.start - unit.start, end: link.end - unit.start, href: link.href }));
  const { mechanism, target } = rule?.optOut ?? detectMechanism(unitText, Math.max(0, unitText.indexOf(cue)), links);
  const fullText = text.slice(start, end);
  const offerCue = cue || reasonWords(reasons);
  const why = [offerReason({ cue: offerCue }), howReason({ mechanism, target }), ...exceptions.map(exceptionReason)];
  return {
    start,
    end,
    heading: unit.heading,
    topic: detectTopic(fullText, unit.heading).topic,
    labels: exceptions.length > 0 ? ['opt-out', 'exception'] : ['opt-out'],
    optOut: { mechanism, target, default: rule?.optOut?.default ?? defaultRegime(fullText, true), cue: offerCue, start: unit.start, end: unit.end },
    exceptions,
    why,
  };
}

function exceptionFinding(text: string, finding: Finding, rules: RuleIndex): ExceptionFinding {
  const rule = rules.exceptions[firstOverlappingAny(rules.exceptions, finding)];
  const spanText = text.slice(finding.start, finding.end);
  const kind = finding.kind ?? 'continues';
  const cue = rule?.cue ?? spanText.replace(/\s+/g, ' ').slice(0, 60).trim();
  // Worded by the kind this finding carries (the rule's sentence may be for another kind).
  return { start: finding.start, end: finding.end, kind, cue, plain: exceptionSentence({ text: spanText, cue, kind }) };
}

function promiseClause(input: AnalyzeInput, unit: Unit, ruleClauses: AnalyzedClause[]): Omit<AnalyzedClause, 'index'> {
  const { text } = input;
  const sentence = text.slice(unit.start, unit.end);
  // "We do not sell … except …": a promise is still read against its own carve-outs, named in "why" (they are not
  // exceptions to an opt-out, so they are neither painted nor counted as such).
  const carveOuts = findExceptions({ text, clause: { ...unit, items: [] }, offerEnd: unit.start, followers: [] }).exceptions;
  return {
    start: unit.start,
    end: unit.end,
    heading: unit.heading,
    topic: detectTopic(sentence, unit.heading).topic,
    // "We will only use it if you opt in" is a promise and an opt-in at once.
    labels: ['promise', ...new Set(ruleClauses.filter((rule) => overlaps(rule, unit))
      .flatMap((rule) => rule.labels.filter((label) => label === 'opt-in' || label === 'no-opt-out')))],
    optOut: null,
    exceptions: [],
    why: [promiseReason(), ...carveOuts.map((carveOut) => `Except: “${carveOut.cue}” — ${carveOut.plain}`)],
  };
}

/** The model's strongest word features as the words a person can read ("b:opt_out" → "opt out"). */
function reasonWords(reasons: string[]): string {
  const words = reasons.filter((reason) => /^[wb]:/.test(reason)).map((reason) => reason.slice(2).replace(/_/g, ' '));
  return words.length > 0 ? words.join(' … ') : 'its wording';
}
