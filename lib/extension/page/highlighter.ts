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
/** Past this many spans, only those around the view are registered (see paintInSlices)… */
const REGISTER_ALL_UP_TO = 3_000;
/** …this many on each side of the first span in view. */
const WINDOW_SPANS = 1_000;

export interface HighlighterOptions {
  /** past this many spans only a window around the view is registered (tests use small numbers) */
  registerAllUpTo?: number;
  /** spans on each side of the first one in view, in that window */
  windowSpans?: number;
  /**
   * How a paint in slices registers its ranges. `swap` (Chromium): gathered apart, registered in few steps, because
   * every change to a registered highlight costs a walk of the whole page before the next frame. `live` (Firefox):
   * added to registered highlights slice by slice, because there registering a highlight costs in proportion to its
   * ranges, at once (600 ranges over 20,000 text nodes: 36–61 ms to replace one), while each added range costs its
   * share inside the slice that adds it.
   */
  registration?: 'swap' | 'live';
}

interface PaintItem {
  kind: HighlightKind;
  span: Span;
}

/** The index of the first item (sorted by start) ending after `offset`; the last one when none does. */
function firstEndingAfter(items: PaintItem[], offset: number): number {
  // A binary search: spans barely overlap, so their ends rise with their starts (near enough to centre a window).
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid]!.span.end <= offset) low = mid + 1;
    else high = mid;
  }
  return Math.min(low, Math.max(0, items.length - 1));
}

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
export function firstOffsetInView(win: Window, runs: TextRun[], pageScrollsOnly = true): number {
  // At the top of a page that scrolls as a whole, nothing need be measured; text in a scroller of its own must be.
  if ((pageScrollsOnly && win.scrollY <= 0) || runs.length === 0) return 0;
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

  private readonly limits: Required<HighlighterOptions>;

  constructor(private readonly win: PageWindow, private runs: TextRun[], options: HighlighterOptions = {}) {
    this.limits = { registerAllUpTo: REGISTER_ALL_UP_TO, windowSpans: WINDOW_SPANS, registration: 'swap', ...options };
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
   * slice (what is in view; not when an earlier paint's highlights are still showing), then at most every
   * REGISTER_EVERY_MS, then at the end. A change to a registered highlight
   * makes the browser repaint them all (Chromium walks the whole page before painting), so adding to registered
   * highlights slice after slice cost one such walk per frame. And as that walk grows with the ranges registered
   * (200 ms for 25,000 on a 5 MB page), past REGISTER_ALL_UP_TO spans only those around the view are registered, and
   * the window follows the scroll.
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
    this.stopFollowing();
    // What a paint before (the first look) registered stays until this one registers: then the view already shows
    // highlights, and registering what the first slice gathered would only cost the browser one more walk.
    const showing = this.registered.size > 0;
    const kinds = Object.keys(spansByKind) as HighlightKind[];
    const items: PaintItem[] = [];
    for (const [kind, spans] of Object.entries(spansByKind) as Array<[HighlightKind, Span[]]>) {
      for (const span of spans) items.push({ kind, span });
    }
    // Sorted by place on the page; the first in view and, on a page of very many, the window around it.
    items.sort((a, b) => a.span.start - b.span.start);
    const center = firstEndingAfter(items, from);
    const { windowSpans } = this.limits;
    const windowed = items.length > this.limits.registerAllUpTo;
    const low = windowed ? Math.max(0, center - windowSpans) : 0;
    const high = windowed ? Math.min(items.length, center + windowSpans) : items.length;
    const order = items.slice(center, high).concat(items.slice(low, center).reverse());
    const gathered = new Map<HighlightKind, Range[]>(kinds.map((kind) => [kind, []]));
    let painted = 0;
    let shown = -1;
    let lastRegistered = began;
    const live = this.limits.registration === 'live' ? this.registerEmpty(kinds) : null;
    const register = (): void => {
      if (painted === shown) return;
      if (live === null) this.register(gathered);
      shown = painted;
      lastRegistered = now();
      onSlice(painted);
    };
    let sliceStart = now();
    // Sorting 25,000 spans is a slice of its own.
    if (sliceStart - began >= budgetMs) {
      await pause();
      if (generation !== this.generation) return painted;
      sliceStart = now();
    }
    for (const { kind, span } of order) {
      const ranges = this.rangesFor(span);
      if (live !== null) for (const range of ranges) live.get(kind)!.add(range);
      else gathered.get(kind)!.push(...ranges);
      painted++;
      if (now() - sliceStart >= budgetMs) {
        if (live !== null || (shown < 0 && !showing) || now() - lastRegistered >= REGISTER_EVERY_MS) register();
        await pause();
        if (generation !== this.generation) return painted;
        sliceStart = now();
      }
    }
    register();
    if (windowed) this.follow(items, kinds, center);
    return painted;
  }

  /** The highlights registered by the last paint in slices, per kind (to replace them where they are registered). */
  private registered = new Map<HighlightKind, unknown>();

  /** Registers the ranges of each kind as one highlight, in place of the one registered before. */
  private register(rangesByKind: Map<HighlightKind, Range[]>): void {
    const highlights = registry(this.win)!;
    for (const [kind, ranges] of rangesByKind) {
      const highlight = new this.win.Highlight!() as { add(range: Range): void };
      for (const range of ranges) highlight.add(range);
      this.registered.set(kind, replaceRegistered(highlights, HIGHLIGHT_NAMES[kind], this.registered.get(kind), highlight));
    }
  }

  /** `live` registration: an empty highlight per kind, registered now in place of the last, filled slice by slice. */
  private registerEmpty(kinds: HighlightKind[]): Map<HighlightKind, { add(range: Range): void }> {
    const highlights = registry(this.win)!;
    return new Map(kinds.map((kind) => {
      const highlight = new this.win.Highlight!() as { add(range: Range): void };
      this.registered.set(kind, replaceRegistered(highlights, HIGHLIGHT_NAMES[kind], this.registered.get(kind), highlight));
      return [kind, highlight];
    }));
  }

  private stopFollowing: () => void = () => {};

  /**
   * On a page of very many highlights: when the view has moved half a window away from the window's centre, the
   * window moves with it (checked once a frame while scrolling; any scroller, not only the page's).
   */
  private follow(items: PaintItem[], kinds: HighlightKind[], center: number): void {
    const { windowSpans } = this.limits;
    let current = center;
    let frame: number | null = null;
    const move = (): void => {
      frame = null;
      const next = firstEndingAfter(items, firstOffsetInView(this.win, this.runs, false));
      if (Math.abs(next - current) < windowSpans / 2) return;
      current = next;
      const gathered = new Map<HighlightKind, Range[]>(kinds.map((kind) => [kind, []]));
      for (const { kind, span } of items.slice(Math.max(0, next - windowSpans), next + windowSpans)) {
        gathered.get(kind)!.push(...this.rangesFor(span));
      }
      this.register(gathered);
    };
    const onScroll = (): void => {
      frame ??= this.win.requestAnimationFrame(move);
    };
    this.win.addEventListener('scroll', onScroll, { capture: true, passive: true });
    this.stopFollowing = () => {
      this.win.removeEventListener('scroll', onScroll, { capture: true });
      if (frame !== null) this.win.cancelAnimationFrame(frame);
      this.stopFollowing = () => {};
    };
  }

  clear(kind?: HighlightKind): void {
    if (kind === undefined) {
      this.generation++;
      this.stopFollowing();
      this.registered.clear();
    }
    const highlights = registry(this.win);
    const kinds = kind ? [kind] : (Object.keys(HIGHLIGHT_NAMES) as HighlightKind[]);
    if (highlights !== null) {
      for (const name of kinds) {
        highlights.delete(HIGHLIGHT_NAMES[name]);
        highlights.delete(`${HIGHLIGHT_NAMES[name]}-hc`); // where the painter's high-contrast style moved it
      }
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
