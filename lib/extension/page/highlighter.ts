import { nodeSlicesForOffsets, rangeForOffsets, runsReached, type TextRun } from '../../engine/extract/dom';

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
 * What the registered highlights may cost the browser to repaint, in text nodes. Past it, only highlights around the
 * view are registered (see paintInSlices): Chromium repaints every node a highlight reaches into, whole, each time
 * the registered highlights change (600 highlights over 7,800 tiny text nodes: 250–320 ms of pre-paint and paint; a
 * window of 1,000 of those nodes still 70 ms; 290 highlights inside paragraphs of 1.6 MB without a full stop: 60 ms).
 */
const NODE_BUDGET = 500;
/** Characters of a highlighted node that cost the browser about as much as one more node. */
const CHARS_PER_NODE = 300;

/** A highlight's share of the budget: the text nodes it reaches into, and how long they are. */
function paintCost(runs: TextRun[], span: Span): number {
  const reached = runsReached(runs, span.start, span.end);
  return reached.count + Math.floor(reached.chars / CHARS_PER_NODE);
}

export interface HighlighterOptions {
  /** what the registered highlights may cost to repaint, in text nodes (NODE_BUDGET; tests use small numbers) */
  nodeBudget?: number;
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

/**
 * The window [low, high) of items around `center` whose costs (`costs[i]` for item i) fit the budget: half of it from
 * the centre on (at least the centre's item), half before it.
 */
function windowAround(costs: number[], center: number, budget: number): [number, number] {
  let high = center;
  for (let used = 0; high < costs.length && (high === center || used + costs[high]! <= budget / 2); high++) used += costs[high]!;
  let low = center;
  for (let used = 0; low > 0 && used + costs[low - 1]! <= budget / 2; low--) used += costs[low - 1]!;
  return [low, high];
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
    this.limits = { nodeBudget: NODE_BUDGET, registration: 'swap', ...options };
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
   * With `swap` registration (Chromium), ranges are gathered into highlights that are not registered yet, and
   * registered in few steps: after the first slice (what is in view; not when an earlier paint's highlights are
   * still showing), then at most every REGISTER_EVERY_MS, then at the end. A change to a registered highlight makes
   * Chromium walk the whole page before painting, so adding to registered highlights slice after slice cost one such
   * walk per frame. With `live` registration (Firefox), empty highlights are registered at once and filled slice by
   * slice (see HighlighterOptions). In both, when the highlights would cost more to repaint than NODE_BUDGET, only
   * those around the view are registered, and the window follows the scroll: the browser's work grows with the nodes
   * and text highlighted (a 202 ms pre-paint for 25,000 highlights on a 5 MB page).
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
    const costs = items.map((item) => paintCost(this.runs, item.span));
    const windowed = costs.reduce((sum, cost) => sum + cost, 0) > this.limits.nodeBudget;
    const [low, high] = windowed ? windowAround(costs, center, this.limits.nodeBudget) : [0, items.length];
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
    if (windowed) this.follow(items, costs, kinds, [low, center, high]);
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
   * When only a window of highlights is registered: once the view has moved half way from the window's centre to one
   * of its ends, a new window is registered around it (checked once a frame while scrolling; any scroller, not only
   * the page's).
   */
  private follow(items: PaintItem[], costs: number[], kinds: HighlightKind[], window: [number, number, number]): void {
    let [low, center, high] = window;
    let frame: number | null = null;
    const move = (): void => {
      frame = null;
      const next = firstEndingAfter(items, firstOffsetInView(this.win, this.runs, false));
      if (next >= low + (center - low) / 2 && next <= center + (high - center) / 2) return;
      center = next;
      [low, high] = windowAround(costs, center, this.limits.nodeBudget);
      const gathered = new Map<HighlightKind, Range[]>(kinds.map((kind) => [kind, []]));
      for (const { kind, span } of items.slice(low, high)) gathered.get(kind)!.push(...this.rangesFor(span));
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
