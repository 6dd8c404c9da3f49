import { analyzeInSlices } from '../../engine/analyze';
import { looksLikePolicyPage, namedLikePolicy } from '../../engine/classify/policy-page';
import { buildAnnotatedDocument } from '../../document/build';
import type { AnnotatedDocument, ExportedClause } from '../../document/schema';
import { extractInSlices, type DomExtraction, type TextRun } from '../../engine/extract/dom';
import { TOPIC_NAMES } from '../../engine/model/topics';
import { defaultSettings, parseSettings, type Settings } from '../settings/settings';
import { HoverCard, type CardContent } from './hover-card';
import { HIGHLIGHT_NAMES, Highlighter, type Span } from './highlighter';
import { ContentObserver } from './observer';

/**
 * The content script's work on one page: read the visible text, analyse it in slices that leave the main thread
 * free, hand the result to the background, and paint what comes back. Browser APIs arrive as arguments, so the
 * entrypoint stays a few lines of wiring.
 *
 * After the first run it keeps watching (lib/extension/page/observer.ts): text revealed or inserted later — an opened
 * accordion, a single-page app's next view — is read again; unchanged text only gets its highlights re-anchored,
 * changed text is analysed again and replaces the previous highlights.
 */
export interface PageMessenger {
  /** sends to the background; resolves with its reply */
  send(message: unknown): Promise<unknown>;
}

export interface RunResult {
  /** 'automatic-off': the person turned automatic reading off, and this run was not asked for */
  status: 'done' | 'not-a-policy' | 'failed' | 'automatic-off';
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
const PROGRESS_EVERY_MS = 250;
/**
 * Chromium refuses extension messages over 64 MiB, counted after its own serialisation: a document of 27 million
 * JSON characters was already refused. Stay well below.
 */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The document's JSON size, estimated without serialising all of it: a sample of clauses spread over the document is
 * serialised, and its size per clause scaled to the whole.
 */
function approximateMessageBytes(doc: AnnotatedDocument): number {
  const count = doc.clauses.length;
  if (count <= 200) return JSON.stringify(doc).length;
  const step = Math.floor(count / 100);
  let sampled = 0;
  let sampleSize = 0;
  for (let i = 0; i < count; i += step) {
    sampled += JSON.stringify(doc.clauses[i]).length;
    sampleSize++;
  }
  return 4096 + (sampled / sampleSize) * count * 1.2;
}

/** The kinds with a high-contrast variant: `<name>-hc`, styled in entrypoints/policy.content/highlights.css. */
const CONTRAST_KINDS = ['opt-out', 'exception'] as const;

interface HighlightMap {
  get(name: string): unknown;
  set(name: string, highlight: unknown): void;
  delete(name: string): boolean;
}

let yields = 0;

/**
 * Gives the main thread back between slices. scheduler.yield() lets input and rendering in but resumes ahead of the
 * page's own timers, so a long analysis would starve them: every fourth yield goes to the back of the task queue.
 */
function yieldToPage(win: Window): Promise<void> {
  const scheduler = (win as Window & { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield && ++yields % 4 !== 0) return scheduler.yield();
  return new Promise((resolve) => win.setTimeout(resolve, 0));
}

export class PageController {
  private highlighter: Highlighter | null = null;
  private card: HoverCard | null = null;
  private annotated: Annotated[] = [];
  private document: AnnotatedDocument | null = null;
  private running: Promise<RunResult> | null = null;
  private pointerFrame = 0;
  /** the person's settings (lib/settings), asked of the background at the start of every run */
  private settings: Settings = defaultSettings();
  /** the address "automatic reading is off" was last reported for: once per address, like "not a policy" */
  private automaticOffReported: string | null = null;
  private observer: ContentObserver | null = null;
  /** what the last run decided, so a re-reading with nothing new stays quiet */
  private last: { force: boolean; status: RunResult['status']; url: string; text: string | null; named?: boolean } | null = null;

  constructor(
    private readonly win: Window & typeof globalThis,
    private readonly messenger: PageMessenger,
    private readonly toolVersion: string,
  ) {
    // When the content script began, on the page timeline: the benchmark tells its start-up from the page's load.
    win.performance.mark('clausemark:start');
  }

  /** Automatic mode: analyse only pages that name themselves a policy; `force` is "analyse anyway". */
  run(force: boolean): Promise<RunResult> {
    this.running ??= this.analyze(force || this.last?.force === true).finally(() => {
      this.running = null;
      this.watch();
    });
    return this.running;
  }

  /** Stops watching the page (the highlights stay). */
  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  private watch(): void {
    const doc = this.win.document;
    this.observer ??= new ContentObserver(this.win, async () => {
      // A pass started while a run is under way waits for it, then reads the page again.
      await this.running?.catch(() => undefined);
      await this.run(false);
    });
    // A page not even named like a policy can only become one through its nodes (title, heading, address on
    // navigation): no need to hear about its attributes.
    const unnamed = this.last?.status === 'not-a-policy' && !this.last.named;
    this.observer.observe([doc.documentElement, ...this.shadowRoots], { attributes: !unnamed });
  }

  private shadowRoots: ShadowRoot[] = [];

  /** Sends "not a policy" once per address, and only from the top frame: a frame does not speak for its tab. */
  private async reportNotAPolicy(url: string, named: boolean): Promise<RunResult> {
    const already = this.last?.status === 'not-a-policy' && this.last.url === url;
    if (this.document !== null) {
      // The page was a policy and no longer is (a single-page app moved on): its highlights go.
      this.highlighter?.clear();
      this.applyContrast(); // the high-contrast names go too
      this.annotated = [];
      this.document = null;
    }
    this.last = { force: false, status: 'not-a-policy', url, text: null, named };
    if (!already && this.win === this.win.top) await this.messenger.send({ type: 'not-a-policy', url });
    return { status: 'not-a-policy' };
  }

  private extract(doc: Document): Promise<DomExtraction> {
    // One mark per reading of the page: tests check that painting never sets off another one.
    this.win.performance.mark('clausemark:read');
    return extractInSlices(
      doc.body ?? doc.documentElement,
      { isHidden: (element) => isHiddenByLayout(this.win, element) },
      () => yieldToPage(this.win),
    );
  }

  private async analyze(force: boolean): Promise<RunResult> {
    const { win } = this;
    const doc = win.document;
    // A srcdoc or about:blank frame has no address of its own; it speaks for the page that holds it.
    const url = win.location.protocol === 'about:' ? doc.baseURI : win.location.href;
    const heading = doc.querySelector('h1')?.textContent ?? '';
    try {
      if (!force && !namedLikePolicy(url, doc.title, heading)) return await this.reportNotAPolicy(url, false);
      // Settings only past the cheap name check: ordinary pages never ask the background for them.
      this.settings = await this.loadSettings();
      if (!force && !this.settings.automatic) return await this.reportAutomaticOff(url);
      const t0 = win.performance.now();
      const extraction = await this.extract(doc);
      const t1 = win.performance.now();
      this.shadowRoots = extraction.shadowRoots ?? [];
      if (this.document !== null && this.last?.text === extraction.text && this.last.url === url) {
        // Same text (a re-render, or a change outside the text): re-anchor the highlights on the current nodes.
        this.paint(this.document, extraction.runs);
        return { status: 'done', document: this.document };
      }
      const looksLikePolicy = looksLikePolicyPage(url, doc.title, extraction.text, heading);
      if (!force && !looksLikePolicy) return await this.reportNotAPolicy(url, true);
      this.last = { force, status: 'done', url, text: extraction.text };
      await this.messenger.send({ type: 'progress', done: 0, total: 1 });
      let lastProgress = win.performance.now();
      const clauses = await analyzeInSlices(
        extraction,
        () => yieldToPage(win),
        (progress) => {
          // At most a few a second: each one is a database write in the background.
          const now = win.performance.now();
          if (now - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = now;
          void this.messenger.send({ type: 'progress', ...progress }).catch(() => undefined);
        },
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
      win.performance.mark('clausemark:exported');
      this.paint(built, extraction.runs);
      const t3 = win.performance.now();
      // The text lets the background find recorded clauses the analysis does not label (a liability cap, a licence).
      const bytes = approximateMessageBytes(built) + extraction.text.length * 1.1;
      if (bytes > MAX_MESSAGE_BYTES) {
        // The browser refuses larger messages (and takes seconds to find out): keep the highlights, say why
        // nothing is stored.
        const reason = `This page is too large to keep its analysis (${built.clauses.length} clauses, about ` +
          `${Math.round(bytes / 1024 / 1024)} MB); its highlights are shown on the page.`;
        await this.messenger.send({ type: 'analysis-failed', reason });
        recordTimings(win, t0, t1, t2, t3);
        return { status: 'done', document: built };
      }
      const reply = await this.messenger.send({ type: 'analysis', document: built, text: extraction.text });
      const enriched = isAnnotatedReply(reply) ? reply.document : built;
      this.paint(enriched, extraction.runs);
      recordTimings(win, t0, t1, t2, t3);
      return {
        status: 'done',
        document: enriched,
        timings: { extract: t1 - t0, analyze: t2 - t1, firstHighlight: t3 - t0, total: win.performance.now() - t0 },
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.last = { force, status: 'failed', url, text: null };
      console.warn('Clausemark: the analysis failed:', reason);
      await this.messenger.send({ type: 'analysis-failed', reason: reason.slice(0, 2000) }).catch(() => undefined);
      return { status: 'failed' };
    }
  }

  private paint(doc: AnnotatedDocument, runs: TextRun[]): void {
    this.document = doc;
    this.annotated = [];
    const hidden = new Set(this.settings.hiddenTopics);
    for (const clause of doc.clauses) {
      // Topics the person chose not to highlight are neither painted nor hoverable; the popup still lists them.
      if (clause.optOut === null || hidden.has(clause.topic)) continue;
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
    // The <mark> fallback changed the DOM: those changes are ours, not the page's.
    if (!this.highlighter.usesHighlightApi) this.observer?.discardPending();
    this.applyContrast();
    this.listenForPointer();
  }

  /** The person's settings; the defaults when the background can't say (the page stays readable). */
  private async loadSettings(): Promise<Settings> {
    try {
      const reply = await this.messenger.send({ type: 'get-settings' });
      if (typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === true) {
        return parseSettings((reply as { settings?: unknown }).settings, (line) => console.warn(`Clausemark: ${line}`));
      }
    } catch {
      // background unreachable: fall through to the defaults
    }
    return defaultSettings();
  }

  /** Automatic reading is off and nobody asked: read nothing, and let the tab forget an earlier page's state. */
  private async reportAutomaticOff(url: string): Promise<RunResult> {
    if (this.automaticOffReported !== url && this.win === this.win.top) {
      this.automaticOffReported = url;
      // On the page timeline, like the timings: tests and benchmarks can tell the script decided not to read.
      this.win.performance.mark('clausemark:automatic-off');
      await this.messenger.send({ type: 'automatic-off' });
    }
    return { status: 'automatic-off' };
  }

  /**
   * High contrast: the painted highlights move to their `-hc` names, which highlights.css styles with thicker, darker
   * underlines and stronger backgrounds. Only names change; the page's DOM is untouched. (The <mark> fallback for
   * browsers without the Highlight API keeps the standard style.)
   */
  private applyContrast(): void {
    const registry = (this.win.CSS as unknown as { highlights?: HighlightMap } | undefined)?.highlights;
    if (!registry || this.highlighter?.usesHighlightApi !== true) return;
    for (const kind of CONTRAST_KINDS) {
      const name = HIGHLIGHT_NAMES[kind];
      registry.delete(`${name}-hc`);
      if (!this.settings.highContrast) continue;
      const highlight = registry.get(name);
      if (highlight === undefined) continue;
      registry.delete(name);
      registry.set(`${name}-hc`, highlight);
    }
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
    // Offsets first (numbers, cheap even with thousands of highlights), ranges only for the few candidates.
    const at = this.highlighter?.offsetOf(caret.offsetNode, caret.offset) ?? null;
    if (at === null) return null;
    const holding = (item: Annotated): boolean => item.span.start <= at && at <= item.span.end;
    const candidates = this.annotated.filter((item) => item.kind === 'exception' && holding(item))
      .concat(this.annotated.filter((item) => item.kind === 'opt-out' && holding(item)));
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

/**
 * On the page's performance timeline (shared by all worlds), all four together once the run is over, so benchmarks
 * and tests can read them.
 */
function recordTimings(win: Window, t0: number, t1: number, t2: number, t3: number): void {
  win.performance.measure('clausemark:extract', { start: t0, end: t1 });
  win.performance.measure('clausemark:analyze', { start: t1, end: t2 });
  win.performance.measure('clausemark:first-highlight', { start: t0, end: t3 });
  win.performance.measure('clausemark:total', { start: t0, end: win.performance.now() });
}

/**
 * Asks the layout engine. An element with `display: contents` has no box of its own, so checkVisibility calls it
 * invisible, yet its children render: it is hidden only if its parent is (the walk checked that already).
 */
function isHiddenByLayout(win: Window, element: Element): boolean {
  if (element.checkVisibility?.({ visibilityProperty: true, opacityProperty: false }) !== false) return false;
  return win.getComputedStyle(element).display !== 'contents';
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
