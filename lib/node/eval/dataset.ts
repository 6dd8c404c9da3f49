import { analyzeByRules, type AnalyzeInput } from '../../engine/analyze';
import type { AnalyzedClause } from '../../engine/model/analysis';
import { loadDocumentFile } from '../cli/load-document';
import { locateQuote } from './span-match';
import { documentFeatures, unitEvidenceOf, type UnitEvidence } from '../../engine/learned/features';
import { EXCEPTION_KINDS } from '../../engine/learned/model';
import { learningUnits, type Unit } from '../../engine/learned/units';
import type { LabelFile } from './labels';

/**
 * One labelled document as training and evaluation data: its units with features and targets, and its labels
 * located in the extracted text (the same extraction the extension makes from the page).
 */
export interface LocatedLabel {
  type: 'opt-out' | 'exception' | 'promise';
  start: number;
  end: number;
  quote: string;
  /** exceptions: their kind and the quote of the offer they belong to */
  kind?: string;
  offerQuote?: string;
}

export interface Example {
  features: string[];
  /** value of each feature, when not all are 1 */
  values?: number[];
  /** opt-out, exception, promise targets (0/1) and the exception kind index (-1 when not an exception) */
  y: [number, number, number];
  kind: number;
}

export interface DocumentData {
  document: string;
  /** the extraction and the rule engine's clauses, as the product computes them */
  input: AnalyzeInput;
  ruleClauses: AnalyzedClause[];
  split: 'dev' | 'test';
  text: string;
  units: Unit[];
  evidence: UnitEvidence[];
  examples: Example[];
  labels: LocatedLabel[];
  /** spans holding sentences repeated word for word (not scored) */
  ignore: Array<{ start: number; end: number }>;
  unlocated: string[];
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

export async function documentData(labels: LabelFile, path: string, split: 'dev' | 'test'): Promise<DocumentData> {
  const { extraction } = await loadDocumentFile(path);
  const text = extraction.text;
  const units = learningUnits(extraction);
  const ruleClauses = analyzeByRules(extraction);
  const evidence = unitEvidenceOf(text, units, ruleClauses);
  const unlocated: string[] = [];
  const located: LocatedLabel[] = [];
  const place = (label: Omit<LocatedLabel, 'start' | 'end'>) => {
    const span = locateQuote(text, label.quote);
    if (span === null) unlocated.push(label.quote);
    else located.push({ ...label, ...span });
  };
  for (const offer of labels.optOuts) {
    place({ type: 'opt-out', quote: offer.quote });
    for (const exception of offer.exceptions) place({ type: 'exception', quote: exception.quote, kind: exception.kind, offerQuote: offer.quote });
  }
  for (const promise of labels.promises ?? []) place({ type: 'promise', quote: promise.quote });
  const ignore = (labels.skippedRepeats ?? []).flatMap((repeat) => {
    const span = locateQuote(text, repeat.sentence.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*|__/g, ''));
    return span === null ? [] : [span];
  });
  const features = documentFeatures(units, evidence);
  const examples = units.map((unit, i): Example => {
    const inside = located.filter((label) => overlaps(label, unit));
    const exception = inside.find((label) => label.type === 'exception');
    return {
      features: features[i]!,
      y: [Number(inside.some((l) => l.type === 'opt-out')), Number(exception !== undefined), Number(inside.some((l) => l.type === 'promise'))],
      kind: exception?.kind === undefined ? -1 : EXCEPTION_KINDS.indexOf(exception.kind as never),
    };
  });
  return { document: labels.document, input: extraction, ruleClauses, split, text, units, evidence, examples, labels: located, ignore, unlocated };
}
