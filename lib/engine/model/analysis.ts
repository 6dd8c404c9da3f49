import type { DefaultRegime, Mechanism, Topic } from './topics';

/** How an exception limits its opt-out (the labelling spec's kinds; they decide how the popup words it). */
export const EXCEPTION_KINDS = ['continues', 'not-covered', 'condition', 'not-retroactive', 'legal-override'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** A block of extracted text: a paragraph, heading, list item or cell. Offsets index the document text. */
export interface TextBlock {
  start: number;
  end: number;
  kind: 'heading' | 'paragraph' | 'list-item' | 'cell';
  /** heading level 1–6, 0 for other blocks */
  level: number;
}

/** The document as the core sees it: one string, blocks separated by blank lines. */
export interface ExtractedText {
  text: string;
  blocks: TextBlock[];
}

/** A span of the document text with the words that triggered a label, for "why is this highlighted?". */
export interface CueSpan {
  start: number;
  end: number;
  cue: string;
}

export interface ExceptionFinding {
  start: number;
  end: number;
  /** the words that made it an exception */
  cue: string;
  /** plain-language line: what still happens after you opt out */
  plain: string;
  kind: ExceptionKind;
}

export interface OptOutFinding {
  mechanism: Mechanism;
  target: string | null;
  default: DefaultRegime;
  cue: string;
  /** where the offer's own words sit, for highlighting */
  start: number;
  end: number;
}

/** One analysed clause: a sentence, or a lead-in with its enumerated items. Offsets index the document text. */
export interface AnalyzedClause {
  index: number;
  start: number;
  end: number;
  heading: string | null;
  topic: Topic;
  labels: Array<'opt-out' | 'exception' | 'opt-in' | 'no-opt-out' | 'data-use' | 'promise'>;
  optOut: OptOutFinding | null;
  exceptions: ExceptionFinding[];
  why: string[];
}

export interface Analysis {
  text: string;
  blocks: TextBlock[];
  clauses: AnalyzedClause[];
  looksLikePolicy: boolean;
}
