import type { ExtractedText } from '../model/analysis';
import { normalizeWhitespace } from '../text/normalize';
import { sentenceSpans, type Span } from './sentences';

/**
 * Blocks → clause spans. A clause is a sentence, or a lead-in ending in ":" with the short list items that complete
 * it ("we will use … when:" + "• your conversations are flagged …" + "• you report …"), so an enumeration stays
 * attached to its lead-in.
 */
export interface ClauseSpan extends Span {
  /** nearest heading above the clause */
  heading: string | null;
  /** the items of a merged enumeration (list-item blocks), in order */
  items: Span[];
  /** index of the block the clause starts in */
  blockIndex: number;
}

/** Items longer than this are clauses of their own, not parts of a lead-in. */
const MAX_ATTACHED_ITEM = 400;
const MAX_ATTACHED_ITEMS = 12;
const MAX_HEADING = 160;

/**
 * `attachItems` decides, from the lead-in's text, whether the list after it completes it (cases of an exception)
 * or is a list of statements of its own (a list of rights, each its own clause).
 */
export function segmentClauses(
  extracted: ExtractedText,
  attachItems: (leadIn: string, items: string[]) => boolean = () => true,
): ClauseSpan[] {
  const { text, blocks } = extracted;
  const clauses: ClauseSpan[] = [];
  let heading: string | null = null;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    if (block.kind === 'heading') {
      heading = normalizeWhitespace(text.slice(block.start, block.end)).slice(0, MAX_HEADING);
      continue;
    }
    const sentences = sentenceSpans(text, block.start, block.end);
    for (const sentence of sentences) clauses.push({ ...sentence, heading, items: [], blockIndex: b });
    const last = clauses[clauses.length - 1];
    if (last === undefined || last.blockIndex !== b) continue;
    const leadIn = text.slice(last.start, last.end);
    if (!leadIn.endsWith(':')) continue;
    // The short list items that follow a lead-in.
    const items: Span[] = [];
    let next = b + 1;
    while (next < blocks.length && items.length < MAX_ATTACHED_ITEMS) {
      const item = blocks[next]!;
      if (item.kind !== 'list-item' || item.end - item.start > MAX_ATTACHED_ITEM) break;
      items.push({ start: item.start, end: item.end });
      next++;
    }
    if (items.length === 0 || !attachItems(leadIn, items.map((item) => text.slice(item.start, item.end)))) continue;
    last.items.push(...items);
    last.end = items[items.length - 1]!.end;
    b = next - 1;
  }
  return clauses;
}
