import type { AnnotatedDocument } from '../../document/schema';
import type { TextRun } from '../../engine/extract/dom';
import type { Settings } from '../settings/settings';
import { annotationsOf, type Annotation } from './annotations';
import { firstOffsetInView, HIGHLIGHT_NAMES, Highlighter, type HighlighterOptions } from './highlighter';

/**
 * What is painted on the page: the annotations of one document over the current text runs, the high-contrast
 * variant, the flash of "Show on page", and which annotation sits under the pointer.
 */
const FLASH_MS = 1600;

/** More annotations than this, and listing them ends a slice of its own. */
const LIST_IN_ONE_SLICE = 2_000;

/** The kinds with a high-contrast variant: `<name>-hc`, styled in entrypoints/policy.content/highlights.css. */
const CONTRAST_KINDS = ['opt-out', 'exception'] as const;

interface HighlightMap {
  get(name: string): unknown;
  set(name: string, highlight: unknown): void;
  delete(name: string): boolean;
}

export class Painter {
  private highlighter: Highlighter | null = null;
  private annotations: Annotation[] = [];
  document: AnnotatedDocument | null = null;

  constructor(private readonly win: Window & typeof globalThis, private readonly highlighting: HighlighterOptions = {}) {}

  get usesHighlightApi(): boolean {
    return this.highlighter?.usesHighlightApi === true;
  }

  /**
   * Paints in slices, what is in view first, awaiting `pause` between slices; resolves once all is painted, with the
   * time the first highlights were (those a person sees first; null when there was nothing to paint).
   */
  async paint(doc: AnnotatedDocument, runs: TextRun[], settings: Settings, pause: () => Promise<void>): Promise<number | null> {
    this.document = doc;
    this.annotations = annotationsOf(doc, settings.hiddenTopics);
    // 20,000 highlights take a slice to list: the registering starts in the next one.
    if (this.annotations.length > LIST_IN_ONE_SLICE) await pause();
    if (this.highlighter === null) this.highlighter = new Highlighter(this.win, runs, this.highlighting);
    else {
      // Highlights of the API are replaced when the new ones are ready (no blink, one repaint); <mark>s go first.
      if (!this.highlighter.usesHighlightApi) this.highlighter.clear();
      this.highlighter.setRuns(runs);
    }
    const highlighter = this.highlighter;
    let firstPaint: number | null = null;
    let named = false;
    const optOuts = this.annotations.filter((item) => item.kind === 'opt-out').map((item) => item.span);
    const exceptions = this.annotations.filter((item) => item.kind === 'exception').map((item) => item.span);
    // How many there are, for the benchmark and the tests: on a page of very many, not all are registered at once.
    this.win.performance.mark(`clausemark:highlights:${optOuts.length}:${exceptions.length}`);
    await highlighter.paintInSlices({ 'opt-out': optOuts, exception: exceptions }, firstOffsetInView(this.win, runs), pause, (painted) => {
      if (painted > 0) firstPaint ??= this.win.performance.now();
      // The highlights are first registered after the first slice: give them their high-contrast names once.
      if (!named) this.applyContrast(settings);
      named = true;
    });
    return firstPaint;
  }

  /** What is painted (up to an offset), as `kind:start:end` keys: to compare a first look with the whole analysis. */
  paintedKeys(upTo = Infinity): Set<string> {
    const keys = new Set<string>();
    // Only those ending by `upTo`: a 5 MB page has 25,000 highlights, a first look a few dozen.
    for (const item of this.annotations) if (item.span.end <= upTo) keys.add(`${item.kind}:${item.span.start}:${item.span.end}`);
    return keys;
  }

  /** Everything painted goes (the page stopped being a policy, or the extension was updated). */
  clear(): void {
    this.highlighter?.clear(); // under either name
    this.annotations = [];
    this.document = null;
  }

  /**
   * High contrast: the painted highlights move to their `-hc` names, which highlights.css styles with thicker, darker
   * underlines and stronger backgrounds. Only names change; the page's DOM is untouched. (The <mark> fallback for
   * browsers without the Highlight API keeps the standard style.)
   */
  private applyContrast(settings: Settings): void {
    const registry = (this.win.CSS as unknown as { highlights?: HighlightMap } | undefined)?.highlights;
    if (!registry || this.highlighter?.usesHighlightApi !== true) return;
    for (const kind of CONTRAST_KINDS) {
      const name = HIGHLIGHT_NAMES[kind];
      const wanted = settings.highContrast ? `${name}-hc` : name;
      const other = settings.highContrast ? name : `${name}-hc`;
      const highlight = registry.get(other);
      if (highlight === undefined) continue; // under its wanted name already, or nothing painted
      registry.delete(other);
      registry.set(wanted, highlight);
    }
  }

  /** Scrolls a third of the way down to a clause and flashes it; false when it is not on the page. */
  jumpTo(clauseId: string): boolean {
    const clause = this.document?.clauses.find((candidate) => candidate.id === clauseId);
    const range = clause && this.highlighter?.rangeFor(clause);
    if (!clause || !range) return false;
    const rect = range.getBoundingClientRect();
    const top = rect.top + this.win.scrollY - this.win.innerHeight / 3;
    this.win.scrollTo({ top: Math.max(0, top), behavior: 'instant' as ScrollBehavior });
    this.highlighter!.paint({ flash: [clause] });
    this.win.setTimeout(() => this.highlighter?.clear('flash'), FLASH_MS);
    return true;
  }

  /** Highlights have no DOM events: find the text offset under the pointer and the annotation holding it. */
  annotationAt(x: number, y: number): Annotation | null {
    const doc = this.win.document as Document & {
      caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null;
    };
    const caret = doc.caretPositionFromPoint?.(x, y);
    if (!caret || caret.offsetNode.nodeType !== 3) return null;
    // Offsets first (numbers, cheap even with thousands of highlights), ranges only for the few candidates.
    const at = this.highlighter?.offsetOf(caret.offsetNode, caret.offset) ?? null;
    if (at === null) return null;
    const holding = (item: Annotation): boolean => item.span.start <= at && at <= item.span.end;
    const candidates = this.annotations.filter((item) => item.kind === 'exception' && holding(item))
      .concat(this.annotations.filter((item) => item.kind === 'opt-out' && holding(item)));
    for (const item of candidates) {
      for (const range of this.highlighter?.rangesFor(item.span) ?? []) {
        // The caret sits between characters: make sure the pointer is over the text, not beside it.
        const rects = Array.from(range.getClientRects());
        if (rects.some((rect) => x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom)) return item;
      }
    }
    return null;
  }
}
