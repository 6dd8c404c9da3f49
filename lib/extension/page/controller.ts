import { looksLikePolicyPage, namedLikePolicy } from '../../engine/classify/policy-page';
import { extractInSlices, type DomExtraction, type TextRun } from '../../engine/extract/dom';
import { errorText } from '../../engine/text/format';
import { unreadableLanguage } from '../../engine/language';
import type { AnnotatedDocument } from '../../document/schema';
import type { BackgroundMessage, MessageClient } from '../messages/client';
import type { BackgroundRequest } from '../messages/protocol';
import type { BackgroundReply } from '../messages/replies';
import { MAX_PAGE_TEXT } from '../messages/protocol';
import { defaultSettings, parseSettings, type Settings } from '../settings/settings';
import { fakePageContext, type PageContext } from './context';
import { ContentObserver } from './observer';
import { firstOffsetInView } from './highlighter';
import { Painter } from './painter';
import { previewOf } from './preview';
import { PointerCards } from './pointer';
import { isHiddenByLayout, recordTimings, SliceMeter, yieldToPage } from './timing';

/**
 * The content script's work on one page: read the visible text in slices that leave the main thread free, hand it to
 * the background, which analyses it (the engine and its learned model run there, off the page's main thread), and
 * paint what comes back. Browser APIs arrive as arguments, so the
 * entrypoint stays a few lines of wiring.
 *
 * After the first run it keeps watching (lib/extension/page/observer.ts): text revealed or inserted later — an opened
 * accordion, a single-page app's next view — is read again; unchanged text only gets its highlights re-anchored,
 * changed text is analysed again and replaces the previous highlights.
 */
/** Sends to the background through the typed client (lib/extension/messages/client.ts). */
export type PageMessenger = Pick<MessageClient, 'send'>;

export interface RunResult {
  /**
   * 'automatic-off': the person turned automatic reading off, and this run was not asked for;
   * 'unsupported-language': the page is in a language the engine does not read (the background said so)
   */
  status: 'done' | 'not-a-policy' | 'failed' | 'automatic-off' | 'unsupported-language';
  document?: AnnotatedDocument;
  /** timings in ms, read by the benchmark and the end-to-end tests */
  timings?: { extract: number; analyze: number; firstHighlight: number; total: number };
}

export class PageController {
  private readonly painter: Painter;
  private readonly pointer: PointerCards;
  private running: Promise<RunResult> | null = null;
  /** whether the run under way was asked for ("analyse anyway") rather than automatic */
  private runningForced = false;
  /** an "analyse anyway" that came while an automatic pass was under way: it follows that pass */
  private forcedNext: Promise<RunResult> | null = null;
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
    /** WXT's content-script context: when the extension is updated, the observer, listeners and paint go */
    private readonly ctx: PageContext = fakePageContext(),
  ) {
    this.painter = new Painter(win);
    this.meter = new SliceMeter(win.performance);
    this.pointer = new PointerCards(win, ctx, this.painter);
    ctx.onInvalidated(() => {
      this.stop();
      this.painter.clear(this.settings);
      this.pointer.remove();
    });
    // When the content script began, on the page timeline: the benchmark tells its start-up from the page's load.
    win.performance.mark('clausemark:start');
  }

  /** Automatic mode: analyse only pages that name themselves a policy; `force` is "analyse anyway". */
  run(force: boolean): Promise<RunResult> {
    if (this.ctx.isInvalid) return Promise.resolve({ status: 'failed' });
    // Watch from before the first reading: a single-page app that inserts its policy while that reading is under
    // way (the "Loading…" shell read as not a policy) would otherwise change the page before anyone listens.
    if (this.running !== null && force && !this.runningForced) {
      // The automatic pass may well end in "not a policy" (a page not named like one): the asked-for reading follows
      // it, and automatic passes that come meanwhile join that one rather than cut in before it.
      this.forcedNext ??= this.running.catch(() => undefined).then(() => {
        this.forcedNext = null;
        return this.run(true);
      });
      return this.forcedNext;
    }
    if (this.forcedNext !== null) return this.forcedNext;
    if (this.running !== null) return this.running;
    this.watch();
    this.runningForced = force || this.last?.force === true;
    this.running = this.analyze(this.runningForced).finally(() => {
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
    if (this.ctx.isInvalid) return;
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
    if (this.painter.document !== null) {
      // The page was a policy and no longer is (a single-page app moved on): its highlights go.
      this.painter.clear(this.settings);
    }
    this.last = { force: false, status: 'not-a-policy', url, text: null, named };
    if (!already && this.win === this.win.top) await this.send({ type: 'not-a-policy', url });
    return { status: 'not-a-policy' };
  }

  private extract(doc: Document, meter: SliceMeter): Promise<DomExtraction> {
    // One mark per reading of the page: tests check that painting never sets off another one.
    this.win.performance.mark('clausemark:read');
    return extractInSlices(
      doc.body ?? doc.documentElement,
      { isHidden: (element) => isHiddenByLayout(this.win, element) },
      () => meter.pause(() => yieldToPage(this.win), 'extract'),
    );
  }

  /** The current run's main-thread slices (lib/extension/page/timing.ts). */
  private meter: SliceMeter;

  /** Every message of a run goes through here: its wait is not the script's main-thread time. */
  private send<T extends BackgroundRequest['type']>(message: BackgroundMessage<T>): Promise<BackgroundReply<T>> {
    return this.meter.pause(() => this.messenger.send(message), 'send');
  }

  private async analyze(force: boolean): Promise<RunResult> {
    const meter = new SliceMeter(this.win.performance);
    this.meter = meter;
    meter.begin();
    try {
      return await this.analyzeMetered(force, meter);
    } finally {
      meter.end('finish');
      meter.record();
    }
  }

  private async analyzeMetered(force: boolean, meter: SliceMeter): Promise<RunResult> {
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
      const extraction = await this.extract(doc, meter);
      const t1 = win.performance.now();
      meter.step('extract');
      this.shadowRoots = extraction.shadowRoots ?? [];
      const painted = this.painter.document;
      if (this.last?.status === 'unsupported-language' && this.last.text === extraction.text && this.last.url === url) {
        return { status: 'unsupported-language' };
      }
      if (painted !== null && this.last?.text === extraction.text && this.last.url === url) {
        // Same text (a re-render, or a change outside the text): re-anchor the highlights on the current nodes.
        await this.paint(painted, extraction.runs, meter);
        return { status: 'done', document: painted };
      }
      const looksLikePolicy = looksLikePolicyPage(url, doc.title, extraction.text, heading);
      const lang = doc.documentElement.getAttribute('lang') ?? '';
      meter.step('policy-test');
      // The policy vocabulary is English: a page named like a policy in another language goes to the background
      // too, so the tab can say "this page is in French" rather than "not a policy".
      if (!force && !looksLikePolicy && unreadableLanguage({ lang, text: extraction.text }) === null) return await this.reportNotAPolicy(url, true);
      this.last = { force, status: 'done', url, text: extraction.text };
      if (extraction.text.length > MAX_PAGE_TEXT) {
        // Far past any policy: the browser would refuse the message (and take seconds to find out).
        await this.send({ type: 'analysis-failed', reason: `This page is too large to analyse (${Math.round(extraction.text.length / 1e6)} million characters).` });
        return { status: 'failed' };
      }
      const page = {
        type: 'analysis' as const,
        url,
        title: (doc.title || heading).slice(0, 2000),
        heading: heading.slice(0, 2000),
        looksLikePolicy,
        lang: lang.slice(0, 100),
      };
      // The first look: the start of a long page, analysed and painted before the whole of it.
      const preview = previewOf(extraction, firstOffsetInView(win, extraction.runs));
      meter.step('preview');
      const early = preview === null ? null : await this.paintPreview({ ...page, preview: true, ...preview }, extraction.runs, meter);
      const reply = await this.send({ ...page, text: extraction.text, blocks: extraction.blocks, links: extraction.links });
      const t2 = win.performance.now();
      if (reply?.ok === true && 'unsupportedLanguage' in reply) {
        if (painted !== null) this.painter.clear(this.settings);
        this.last = { force, status: 'unsupported-language', url, text: extraction.text };
        return { status: 'unsupported-language' };
      }
      // Replies reach the content script unchecked (zod/mini only here): make sure it is a document before painting.
      if (reply?.ok !== true || !('document' in reply) || typeof reply.document !== 'object') throw new Error(reply?.ok === false ? reply.error : 'the background did not answer');
      win.performance.mark('clausemark:exported');
      const firstPaint = await this.paint(reply.document, extraction.runs, meter);
      const t3 = win.performance.now();
      if (early !== null && preview !== null) this.recordPreviewAgreement(early.keys, preview.text.length);
      const first = early?.at ?? firstPaint ?? t3;
      recordTimings(win, t0, t1, t2, first, t3);
      return {
        status: 'done',
        document: reply.document,
        timings: { extract: t1 - t0, analyze: t2 - t1, firstHighlight: first - t0, total: win.performance.now() - t0 },
      };
    } catch (error) {
      const reason = errorText(error);
      this.last = { force, status: 'failed', url, text: null };
      console.warn('Clausemark: the analysis failed:', reason);
      // A first look stays only if the whole analysis confirms it.
      if (this.previewShown) {
        this.painter.clear(this.settings);
        this.previewShown = false;
      }
      await this.send({ type: 'analysis-failed', reason: reason.slice(0, 2000) }).catch(() => undefined);
      return { status: 'failed' };
    }
  }

  /** Whether what is painted is a first look, not yet replaced by the whole analysis. */
  private previewShown = false;

  /**
   * Sends the first look and paints its answer; resolves with when its first highlights were painted and what it
   * painted. A first look that fails is only skipped: the whole analysis follows.
   */
  private async paintPreview(message: BackgroundMessage<'analysis'>, runs: TextRun[], meter: SliceMeter): Promise<{ at: number | null; keys: Set<string> } | null> {
    try {
      const reply = await this.send(message);
      if (reply?.ok !== true || !('document' in reply) || typeof reply.document !== 'object') return null;
      const at = await this.paint(reply.document, runs, meter);
      this.previewShown = true;
      return { at, keys: this.painter.paintedKeys() };
    } catch {
      return null;
    }
  }

  /**
   * How the first look compares with the whole analysis over the text it covered, on the page timeline for the
   * benchmark: `clausemark:preview:<painted>:<dropped>:<added>` (highlights the whole analysis took away or added).
   */
  private recordPreviewAgreement(early: Set<string>, covered: number): void {
    const final = new Set([...this.painter.paintedKeys()].filter((key) => Number(key.split(':').at(-1)) <= covered));
    const dropped = [...early].filter((key) => !final.has(key)).length;
    const added = [...final].filter((key) => !early.has(key)).length;
    this.win.performance.mark(`clausemark:preview:${early.size}:${dropped}:${added}`);
  }

  /**
   * Paints in slices, what is in view first; resolves when everything is painted, with the time the first slice was
   * (null when nothing was).
   */
  private async paint(doc: AnnotatedDocument, runs: TextRun[], meter: SliceMeter): Promise<number | null> {
    if (this.ctx.isInvalid) return null;
    this.pointer.listen();
    this.previewShown = false;
    const firstPaint = await this.painter.paint(doc, runs, this.settings, () => meter.pause(() => yieldToPage(this.win), 'paint'));
    // The <mark> fallback changed the DOM: those changes are ours, not the page's.
    if (!this.painter.usesHighlightApi) this.observer?.discardPending();
    return firstPaint;
  }

  /** The person's settings; the defaults when the background can't say (the page stays readable). */
  private async loadSettings(): Promise<Settings> {
    try {
      const reply = await this.send({ type: 'get-settings' });
      if (reply?.ok === true) return parseSettings(reply.settings, (line) => console.warn(`Clausemark: ${line}`));
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
      await this.send({ type: 'automatic-off' });
    }
    return { status: 'automatic-off' };
  }

  jumpTo(clauseId: string): boolean {
    return this.painter.jumpTo(clauseId);
  }

}
