import type { DomExtraction } from '../../engine/extract/dom';
import type { ExtractedText } from '../../engine/model/analysis';

/**
 * The first look: the start of the page, up to a little past what is in view, cut at the end of a block. The
 * background analyses it first (a few thousand characters, without provision matching), so what a person sees is
 * highlighted before the whole page comes back; the whole analysis then replaces it.
 */
export const PREVIEW_CHARS = 6_000;

/** Past this, the view is so far down that the start of the page is not worth a first look. */
export const PREVIEW_MAX_START = 60_000;

export type Preview = ExtractedText & { links: DomExtraction['links'] };

/** Null when the page is short enough for one round trip to be as quick, or the view is far down the page. */
export function previewOf(extraction: Pick<DomExtraction, 'text' | 'blocks' | 'links'>, inView: number): Preview | null {
  if (inView > PREVIEW_MAX_START) return null;
  const wanted = inView + PREVIEW_CHARS;
  if (extraction.text.length <= wanted * 2) return null;
  const blocks: ExtractedText['blocks'] = [];
  for (const block of extraction.blocks) {
    if (block.start >= wanted) break;
    blocks.push(block);
  }
  const end = blocks.at(-1)?.end ?? 0;
  if (end === 0) return null;
  return {
    text: extraction.text.slice(0, end),
    blocks,
    links: extraction.links.filter((link) => link.end <= end),
  };
}
