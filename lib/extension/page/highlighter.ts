import { nodeSlicesForOffsets, rangeForOffsets, type TextRun } from '../../engine/extract/dom';

/**
 * Paints opt-outs and exceptions on the page. With the CSS Custom Highlight API (Chromium 105+, Firefox 140+) the
 * page's DOM and layout are untouched: highlights are ranges registered with CSS.highlights and styled by
 * ::highlight() rules. Only where the API is missing are <mark> elements wrapped around the text.
 */
export type HighlightKind = 'opt-out' | 'exception' | 'flash';

export const HIGHLIGHT_NAMES: Record<HighlightKind, string> = {
  'opt-out': 'clausemark-opt-out',
  exception: 'clausemark-exception',
  flash: 'clausemark-flash',
};

export interface Span {
  start: number;
  end: number;
}

interface HighlightRegistry {
  set(name: string, highlight: unknown): void;
  delete(name: string): boolean;
}

type PageWindow = Window & typeof globalThis & { Highlight?: new (...ranges: Range[]) => unknown };

function registry(win: PageWindow): HighlightRegistry | null {
  const css = win.CSS as unknown as { highlights?: HighlightRegistry } | undefined;
  return css?.highlights && typeof win.Highlight === 'function' ? css.highlights : null;
}

/**
 * The document-text offset of the first text in view: 0 at the top of the page, else a binary search over the runs'
 * boxes (a few layout queries, not one per node).
 */
export function firstOffsetInView(win: Window, runs: TextRun[]): number {
  if (win.scrollY <= 0 || runs.length === 0) return 0;
  const range = win.document.createRange();
  let low = 0;
  let high = runs.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    const run = runs[mid]!;
    if (!run.node.isConnected) return 0;
    range.selectNodeContents(run.node);
    if (range.getBoundingClientRect().bottom < 0) low = mid + 1;
    else high = mid;
  }
  return runs[low]!.start;
}

export class Highlighter {
  private marks: HTMLElement[] = [];
  readonly usesHighlightApi: boolean;

  constructor(private readonly win: PageWindow, private runs: TextRun[]) {
    this.usesHighlightApi = registry(win) !== null;
  }

  setRuns(runs: TextRun[]): void {
    this.runs = runs;
    this.runStarts = null;
  }

  rangeFor(span: Span): Range | null {
    return rangeForOffsets(this.win.document, this.runs, span.start, span.end);
  }

  /**
   * The ranges that paint a span. A DOM Range cannot cross a shadow boundary (its ends must share a root), so a span
   * whose text runs from the page into a shadow tree, or between two, is painted as one range per stretch of
   * nodes with a common root.
   */
  rangesFor(span: Span): Range[] {
    const slices = nodeSlicesForOffsets(this.runs, span.start, span.end).filter((slice) => slice.node.isConnected);
    if (slices.length === 0) return [];
    const firstRoot = slices[0]!.node.getRootNode();
    if (slices.every((slice) => slice.node.getRootNode() === firstRoot)) {
      const range = this.rangeFor(span);
      return range ? [range] : [];
    }
    const ranges: Range[] = [];
    let group: typeof slices = [];
    const flush = (): void => {
      if (group.length === 0) return;
      const range = this.win.document.createRange();
      range.setStart(group[0]!.node, group[0]!.from);
      range.setEnd(group[group.length - 1]!.node, group[group.length - 1]!.to);
      ranges.push(range);
      group = [];
    };
    for (const slice of slices) {
      if (group.length > 0 && group[0]!.node.getRootNode() !== slice.node.getRootNode()) flush();
      group.push(slice);
    }
    flush();
    return ranges;
  }

  /** The document-text offset of a caret position in a text node of the runs, or null. */
  offsetOf(node: Node, offset: number): number | null {
    if (this.runStarts === null) {
      this.runStarts = new Map();
      for (const run of this.runs) this.runStarts.set(run.node, run.start);
    }
    const start = this.runStarts.get(node as Text);
    return start === undefined ? null : start + offset;
  }

  private runStarts: Map<Text, number> | null = null;

  /** Paints every kind at once (the fallback splits text nodes, so it must work from the end of the page back). */
  paint(spansByKind: Partial<Record<HighlightKind, Span[]>>): number {
    const highlights = registry(this.win);
    let painted = 0;
    if (highlights !== null) {
      for (const [kind, spans] of Object.entries(spansByKind) as Array<[HighlightKind, Span[]]>) {
        const ranges = spans.flatMap((span) => this.rangesFor(span));
        highlights.set(HIGHLIGHT_NAMES[kind], new this.win.Highlight!(...ranges));
        painted += ranges.length;
      }
      return painted;
    }
    const all = (Object.entries(spansByKind) as Array<[HighlightKind, Span[]]>)
      .flatMap(([kind, spans]) => spans.map((span) => ({ kind, span })))
      .sort((a, b) => b.span.start - a.span.start);
    for (const { kind, span } of all) this.wrapInMarks(kind, span);
    return all.length;
  }

  /** Bumped by every paint and clear: a paint in slices stops when a newer one (or a clear) has begun. */
  private generation = 0;

  /**
   * Paints in slices of at most `budgetMs`, awaiting `pause` between them, spans from `from` on first (what is in
   * view), then those before it, nearest first: 20,000 highlights never hold the main thread in one task, and the
   * ones a person sees come first. Each kind's Highlight is registered empty at once and filled slice by slice.
   * `onSlice` is told after each slice how many spans are painted so far. Without the Highlight API, the <mark>
   * fallback paints in one go.
   */
  async paintInSlices(
    spansByKind: Partial<Record<HighlightKind, Span[]>>,
    from: number,
    pause: () => Promise<void>,
    onSlice: (painted: number) => void = () => {},
    budgetMs = 8,
    now: () => number = () => this.win.performance.now(),
  ): Promise<number> {
    const highlights = registry(this.win);
    if (highlights === null) {
      const painted = this.paint(spansByKind);
      onSlice(painted);
      return painted;
    }
    const began = now();
    const generation = ++this.generation;
    const targets = new Map<HighlightKind, { add(range: Range): void }>();
    const items: Array<{ kind: HighlightKind; span: Span }> = [];
    for (const [kind, spans] of Object.entries(spansByKind) as Array<[HighlightKind, Span[]]>) {
      const highlight = new this.win.Highlight!() as { add(range: Range): void };
      highlights.set(HIGHLIGHT_NAMES[kind], highlight);
      targets.set(kind, highlight);
      for (const span of spans) items.push({ kind, span });
    }
    const ahead = items.filter((item) => item.span.end > from).sort((a, b) => a.span.start - b.span.start);
    const behind = items.filter((item) => item.span.end <= from).sort((a, b) => b.span.start - a.span.start);
    let painted = 0;
    let sliceStart = now();
    // Sorting 25,000 spans is a slice of its own.
    if (sliceStart - began >= budgetMs) {
      await pause();
      if (generation !== this.generation) return painted;
      sliceStart = now();
    }
    for (const { kind, span } of ahead.concat(behind)) {
      for (const range of this.rangesFor(span)) targets.get(kind)!.add(range);
      painted++;
      if (now() - sliceStart >= budgetMs) {
        onSlice(painted);
        await pause();
        if (generation !== this.generation) return painted;
        sliceStart = now();
      }
    }
    onSlice(painted);
    return painted;
  }

  clear(kind?: HighlightKind): void {
    if (kind === undefined) this.generation++;
    const highlights = registry(this.win);
    const kinds = kind ? [kind] : (Object.keys(HIGHLIGHT_NAMES) as HighlightKind[]);
    if (highlights !== null) {
      for (const name of kinds) highlights.delete(HIGHLIGHT_NAMES[name]);
      return;
    }
    for (const mark of this.marks.filter((element) => kinds.includes(element.dataset.clausemark as HighlightKind))) {
      mark.replaceWith(...Array.from(mark.childNodes));
    }
    this.marks = this.marks.filter((element) => element.isConnected);
  }

  /** Fallback: wrap each text-node slice of the span in a <mark>, splitting text nodes (changes the DOM). */
  private wrapInMarks(kind: HighlightKind, span: Span): void {
    const doc = this.win.document;
    for (const { node, from, to } of nodeSlicesForOffsets(this.runs, span.start, span.end).reverse()) {
      const target = node.splitText(from);
      target.splitText(to - from);
      const mark = doc.createElement('mark');
      mark.dataset.clausemark = kind;
      mark.className = HIGHLIGHT_NAMES[kind];
      target.replaceWith(mark);
      mark.append(target);
      this.marks.push(mark);
    }
  }
}
