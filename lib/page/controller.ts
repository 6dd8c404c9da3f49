import { analyzeInSlices } from '../analyze';
import { looksLikePolicyPage, namedLikePolicy } from '../classify/policy-page';
import { buildAnnotatedDocument } from '../export/build';
import type { AnnotatedDocument, ExportedClause } from '../export/schema';
import { extractFromDom, type TextRun } from '../extract/dom';
import { TOPIC_NAMES } from '../model/topics';
import { HoverCard, type CardContent } from './hover-card';
import { Highlighter, type Span } from './highlighter';

/**
 * The content script's work on one page: read the visible text, analyse it in slices that leave the main thread
 * free, hand the result to the background, and paint what comes back. Browser APIs arrive as arguments, so the
 * entrypoint stays a few lines of wiring.
 */
export interface PageMessenger {
  /** sends to the background; resolves with its reply */
  send(message: unknown): Promise<unknown>;
}

export interface RunResult {
  status: 'done' | 'not-a-policy' | 'failed';
  document?: AnnotatedDocument;
  /** timings in ms, read by the benchmark and the end-to-end tests */
  timings?: { extract: number; analyze: number; firstHighlight: number; total: number };
}

interface Annotated {
  span: Span;
  kind: 'opt-out' | 'exception';
  clause: ExportedClause;
  plain: string | null;
}

const FLASH_MS = 1600;

function yieldToPage(win: Window): Promise<void> {
  const scheduler = (win as Window & { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => win.setTimeout(resolve, 0));
}

export class PageController {
  private highlighter: Highlighter | null = null;
  private card: HoverCard | null = null;
  private annotated: Annotated[] = [];
  private document: AnnotatedDocument | null = null;
  private running: Promise<RunResult> | null = null;
  private pointerFrame = 0;

  constructor(
    private readonly win: Window & typeof globalThis,
    private readonly messenger: PageMessenger,
    private readonly toolVersion: string,
  ) {}

  /** Automatic mode: analyse only pages that name themselves a policy; `force` is "analyse anyway". */
  run(force: boolean): Promise<RunResult> {
    this.running ??= this.analyze(force).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async analyze(force: boolean): Promise<RunResult> {
    const { win } = this;
    const doc = win.document;
    const url = win.location.href;
    const heading = doc.querySelector('h1')?.textContent ?? '';
    try {
      if (!force && !namedLikePolicy(url, doc.title, heading)) {
        await this.messenger.send({ type: 'not-a-policy', url });
        return { status: 'not-a-policy' };
      }
      const t0 = win.performance.now();
      const extraction = extractFromDom(doc.body ?? doc.documentElement, {
        isHidden: (element) => element.checkVisibility?.({ visibilityProperty: true, opacityProperty: false }) === false,
      });
      const t1 = win.performance.now();
      const looksLikePolicy = looksLikePolicyPage(url, doc.title, extraction.text, heading);
      if (!force && !looksLikePolicy) {
        await this.messenger.send({ type: 'not-a-policy', url });
        return { status: 'not-a-policy' };
      }
      await this.messenger.send({ type: 'progress', done: 0, total: 1 });
      const clauses = await analyzeInSlices(
        extraction,
        () => yieldToPage(win),
        (progress) => void this.messenger.send({ type: 'progress', ...progress }).catch(() => undefined),
      );
      const t2 = win.performance.now();
      const built = await buildAnnotatedDocument({
        text: extraction.text,
        clauses,
        url,
        title: doc.title || heading,
        looksLikePolicy,
        toolVersion: this.toolVersion,
      });
      // Paint at once; the background's reply (with provision matches) only enriches the cards.
      this.paint(built, extraction.runs);
      const t3 = win.performance.now();
      const reply = await this.messenger.send({ type: 'analysis', document: built });
      const enriched = isAnnotatedReply(reply) ? reply.document : built;
      this.paint(enriched, extraction.runs);
      // On the page's performance timeline (shared by all worlds), so benchmarks and tests can read them.
      win.performance.measure('clausemark:extract', { start: t0, end: t1 });
      win.performance.measure('clausemark:analyze', { start: t1, end: t2 });
      win.performance.measure('clausemark:first-highlight', { start: t0, end: t3 });
      win.performance.measure('clausemark:total', { start: t0, end: win.performance.now() });
      return {
        status: 'done',
        document: enriched,
        timings: { extract: t1 - t0, analyze: t2 - t1, firstHighlight: t3 - t0, total: win.performance.now() - t0 },
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.messenger.send({ type: 'analysis-failed', reason: reason.slice(0, 2000) }).catch(() => undefined);
      return { status: 'failed' };
    }
  }

  private paint(doc: AnnotatedDocument, runs: TextRun[]): void {
    this.document = doc;
    this.annotated = [];
    for (const clause of doc.clauses) {
      if (clause.optOut === null) continue;
      this.annotated.push({ span: clause.optOut, kind: 'opt-out', clause, plain: null });
      for (const exception of clause.exceptions) {
        this.annotated.push({ span: exception, kind: 'exception', clause, plain: exception.plain });
      }
    }
    if (this.highlighter === null) this.highlighter = new Highlighter(this.win, runs);
    else {
      this.highlighter.clear();
      this.highlighter.setRuns(runs);
    }
    this.highlighter.paint({
      'opt-out': this.annotated.filter((item) => item.kind === 'opt-out').map((item) => item.span),
      exception: this.annotated.filter((item) => item.kind === 'exception').map((item) => item.span),
    });
    this.listenForPointer();
  }

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

  private listening = false;

  private listenForPointer(): void {
    if (this.listening || this.highlighter?.usesHighlightApi !== true) return;
    this.listening = true;
    this.win.addEventListener('mousemove', (event) => {
      if (this.pointerFrame !== 0) return;
      this.pointerFrame = this.win.requestAnimationFrame(() => {
        this.pointerFrame = 0;
        this.onPointer(event.clientX, event.clientY);
      });
    }, { passive: true });
  }

  /** Highlights have no DOM events: find the text offset under the pointer and the annotation holding it. */
  private onPointer(x: number, y: number): void {
    const hit = this.annotationAt(x, y);
    if (hit === null) {
      this.card?.hide();
      return;
    }
    this.card ??= new HoverCard(this.win.document);
    this.card.show(cardContent(hit), x, y);
  }

  private annotationAt(x: number, y: number): Annotated | null {
    const doc = this.win.document as Document & {
      caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null;
    };
    const caret = doc.caretPositionFromPoint?.(x, y);
    if (!caret || caret.offsetNode.nodeType !== 3) return null;
    for (const item of this.annotated.filter((candidate) => candidate.kind === 'exception').concat(this.annotated)) {
      const range = this.highlighter?.rangeFor(item.span);
      if (range?.isPointInRange(caret.offsetNode, caret.offset)) {
        // The caret sits between characters: make sure the pointer is over the text, not beside it.
        const rects = Array.from(range.getClientRects());
        if (rects.some((rect) => x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom)) return item;
      }
    }
    return null;
  }
}

function cardContent(item: Annotated): CardContent {
  const { clause } = item;
  const topic = TOPIC_NAMES[clause.topic];
  if (item.kind === 'exception') {
    return {
      kind: 'exception',
      title: 'Still happens after you opt out',
      lines: [item.plain ?? '', `About: ${topic}.`],
      why: clause.why.filter((line) => line.startsWith('Exception')).slice(0, 2),
    };
  }
  const lines = [`You can opt out of ${topic}.`];
  const how = clause.why.find((line) => line.startsWith('How:'));
  if (how) lines.push(how);
  if (clause.exceptions.length > 0) {
    lines.push(`But ${clause.exceptions.length} exception${clause.exceptions.length > 1 ? 's' : ''} still appl${clause.exceptions.length > 1 ? 'y' : 'ies'} after you opt out.`);
  }
  if (clause.provision) lines.push(`${clause.provision.title} · ${clause.provision.severity} severity`);
  return { kind: 'opt-out', title: 'Opt-out offer', lines, why: clause.why.filter((line) => line.startsWith('Opt-out')) };
}

function isAnnotatedReply(reply: unknown): reply is { ok: true; document: AnnotatedDocument } {
  return typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === true &&
    typeof (reply as { document?: unknown }).document === 'object';
}
