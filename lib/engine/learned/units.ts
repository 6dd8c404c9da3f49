import type { ExtractedText } from '../model/analysis';
import { sentenceSpans } from '../segment/sentences';
import { normalizeWhitespace } from '../text/normalize';

/**
 * The units the learned stage labels: each sentence of a paragraph or cell, and each list item (a list item is
 * one unit even when it holds several sentences, as the labelling spec counts it). Offsets index the text.
 */
export interface Unit {
  start: number;
  end: number;
  blockIndex: number;
  /** nearest heading above, normalised */
  heading: string | null;
  inList: boolean;
  /** the first unit of its block */
  firstInBlock: boolean;
}

const MAX_HEADING = 160;

export function learningUnits(input: ExtractedText): Unit[] {
  const units: Unit[] = [];
  let heading: string | null = null;
  input.blocks.forEach((block, blockIndex) => {
    if (block.kind === 'heading') {
      heading = normalizeWhitespace(input.text.slice(block.start, block.end)).slice(0, MAX_HEADING);
      return;
    }
    const inList = block.kind === 'list-item';
    const spans = sentenceSpans(input.text, block.start, block.end);
    spans.forEach((span, i) => units.push({ ...span, blockIndex, heading, inList, firstInBlock: i === 0 }));
  });
  return units;
}
