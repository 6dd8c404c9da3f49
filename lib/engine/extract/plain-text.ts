import type { ExtractedText, TextBlock } from '../model/analysis';

/**
 * Plain text → blocks, for the CLI's .txt input and --jsonl batches: blank lines separate paragraphs, and a line
 * that starts with a bullet or number is a list item. Offsets index the text as given.
 */
const LIST_ITEM = /^[ \t]*(?:[•*·▪◦‣-]|\d{1,2}[.)]|\([a-z0-9]{1,4}\)|[a-z][.)])\s+/i;

export function extractFromPlainText(text: string): ExtractedText {
  const blocks: TextBlock[] = [];
  const pushBlock = (start: number, end: number, kind: TextBlock['kind']): void => {
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) blocks.push({ start, end, kind, level: 0 });
  };
  let paragraphStart = 0;
  let lineStart = 0;
  let inList = false;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim().length === 0) {
      pushBlock(paragraphStart, lineStart, inList ? 'list-item' : 'paragraph');
      paragraphStart = lineEnd + 1;
      inList = false;
    } else if (LIST_ITEM.test(line)) {
      pushBlock(paragraphStart, lineStart, inList ? 'list-item' : 'paragraph');
      paragraphStart = lineStart;
      inList = true;
    }
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  pushBlock(paragraphStart, text.length, inList ? 'list-item' : 'paragraph');
  return { text, blocks };
}
