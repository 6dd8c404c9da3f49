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
  get(name: string): unknown;
  set(name: string, highlight: unknown): void;
  delete(name: string): boolean;
}

/** While a paint in slices goes on, the page's highlights are replaced at most this often (see paintInSlices). */
const REGISTER_EVERY_MS = 1_000;

/**
 * Registers `next` where `previous` is registered: under `name`, or under the high-contrast name the painter may have
 * moved it to (`<name>-hc`); under `name` when it is neither (the first registration). Returns `next`.
 */
function replaceRegistered(highlights: HighlightRegistry, name: string, previous: unknown, next: unknown): unknown {
  const contrast = `${name}-hc`;
  highlights.set(previous !== undefined && highlights.get(contrast) === previous ? contrast : name, next);
  return next;
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
   * ones a person sees come first. `onSlice` is told how many spans are on the page each time more are registered.
   * Without the Highlight API, the <mark> fallback paints in one go.
   *
   * Ranges are gathered into highlights that are not registered yet, and registered in few steps: after the first
   * slice (what is in view), then at most every REGISTER_EVERY_MS, then at the end. A change to a registered highlight
   * makes the browser repaint them all (Chromium walks the whole page before painting: 200 ms and more on a 5 MB
   * page), so adding to registered highlights slice after slice cost one such walk per frame.
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
    const gathered = new Map<HighlightKind, Range[]>();
    const registered = new Map<HighlightKind, unknown>();
    const items: Array<{ kind: HighlightKind; span: Span }> = [];
    for (const [kind, spans] of Object.entries(spansByKind) as Array<[HighlightKind, Span[]]>) {
      gathered.set(kind, []);
      for (const span of spans) items.push({ kind, span });
    }
    let painted = 0;
    let shown = -1;
    let lastRegistered = began;
    const register = (): void => {
      if (painted === shown) return;
      for (const [kind, ranges] of gathered) {
        const highlight = new this.win.Highlight!() as { add(range: Range): void };
        for (const range of ranges) highlight.add(range);
        registered.set(kind, replaceRegistered(highlights, HIGHLIGHT_NAMES[kind], registered.get(kind), highlight));
      }
      shown = painted;
      lastRegistered = now();
      onSlice(painted);
    };
    const ahead = items.filter((item) => item.span.end > from).sort((a, b) => a.span.start - b.span.start);
    const behind = items.filter((item) => item.span.end <= from).sort((a, b) => b.span.start - a.span.start);
    let sliceStart = now();
    // Sorting 25,000 spans is a slice of its own.
    if (sliceStart - began >= budgetMs) {
      await pause();
      if (generation !== this.generation) return painted;
      sliceStart = now();
    }
    for (const { kind, span } of ahead.concat(behind)) {
      gathered.get(kind)!.push(...this.rangesFor(span));
      painted++;
      if (now() - sliceStart >= budgetMs) {
        if (shown < 0 || now() - lastRegistered >= REGISTER_EVERY_MS) register();
        await pause();
        if (generation !== this.generation) return painted;
        sliceStart = now();
      }
    }
    register();
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
