import { looksLikePolicyPage, namedLikePolicy } from '../../engine/classify/policy-page';
import { extractInSlices, type DomExtraction, type ExtractProgress, type TextRun } from '../../engine/extract/dom';
import { errorText } from '../../engine/text/format';
import { unreadableLanguage } from '../../engine/language';
import type { AnnotatedDocument } from '../../document/schema';
import type { BackgroundMessage, MessageClient } from '../messages/client';
import type { BackgroundRequest } from '../messages/protocol';
import type { BackgroundReply } from '../messages/replies';
import { LIST_PART_ITEMS, MAX_PAGE_TEXT, PARTS_LOST, TEXT_PART_CHARS, transferId } from '../messages/content-protocol';
import { defaultSettings, parseSettings, type Settings } from '../settings/settings';
import { fakePageContext, type PageContext } from './context';
import { ContentObserver } from './observer';
import { firstOffsetInView, type HighlighterOptions } from './highlighter';
import { Painter } from './painter';
import { PREVIEW_CHARS, previewOf } from './preview';
import { PointerCards } from './pointer';
import { afterFirstPaint, isHiddenByLayout, recordTimings, SliceMeter, yieldToPage } from './timing';

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

/** What the analysis messages say of the page besides its text. */
type PageFacts = Pick<BackgroundMessage<'analysis'>, 'type' | 'url' | 'title' | 'heading' | 'lang'>;

/** A first look under way: its answer from the background, then its paint. */
interface FirstLook {
  answered: Promise<void>;
  /** when its first highlights were painted, what it painted, and how much of the text it covered; null if nothing */
  done: Promise<{ at: number | null; keys: Set<string>; covered: number } | null>;
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
    /** how highlights are registered in this browser (lib/extension/page/highlighter.ts) */
    highlighting: HighlighterOptions = {},
  ) {
    this.painter = new Painter(win, highlighting);
    this.meter = new SliceMeter(win.performance);
    this.pointer = new PointerCards(win, ctx, this.painter);
    ctx.onInvalidated(() => {
      this.stop();
      this.painter.clear();
      this.pointer.remove();
    });
    // When the content script began, on the page timeline: the benchmark tells its start-up from the page's load.
    win.performance.mark('clausemark:start');
  }

  /** Automatic mode: analyse only pages that name themselves a policy; `force` is "analyse anyway". */
  run(force: boolean): Promise<RunResult> {
    if (this.ctx.isInvalid) return Promise.resolve({ status: 'failed' });
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
    // Watch from before the first reading: a single-page app that inserts its policy while that reading is under
    // way (the "Loading…" shell read as not a policy) would otherwise change the page before anyone listens.
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
      this.painter.clear();
    }
    this.last = { force: false, status: 'not-a-policy', url, text: null, named };
    if (!already && this.win === this.win.top) await this.send({ type: 'not-a-policy', url });
    return { status: 'not-a-policy' };
  }

  private extract(
    doc: Document,
    meter: SliceMeter,
    onProgress: (progress: ExtractProgress) => void,
    firstLookOut: () => Promise<void> | null,
  ): Promise<DomExtraction> {
    // One mark per reading of the page: tests check that painting never sets off another one.
    this.win.performance.mark('clausemark:read');
    const betweenSlices = async (): Promise<void> => {
      // While the first look is analysed and painted, the reading waits: on a machine with few cores it would take
      // the CPU the background needs to answer it.
      const out = firstLookOut();
      if (out !== null) await out;
      await yieldToPage(this.win);
    };
    return extractInSlices(
      doc.body ?? doc.documentElement,
      { isHidden: (element) => isHiddenByLayout(this.win, element) },
      () => meter.pause(betweenSlices, 'extract'),
      onProgress,
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
      // The script was injected in a task of its own, with its start-up: the reading starts in a later one, once
      // the page has painted.
      await meter.pause(() => afterFirstPaint(this.win), 'start');
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
    // set from a callback of the reading: typed so the compiler does not take it for null
    let firstLook = null as FirstLook | null;
    try {
      if (!force && !namedLikePolicy(url, doc.title, heading)) return await this.reportNotAPolicy(url, false);
      // Settings only past the cheap name check: ordinary pages never ask the background for them. The page is read
      // while they are on their way (a round trip to the background is tens of ms); if they say not to run, what
      // was read is dropped (a first look already sent is refused by the background, which knows the settings).
      const settings = this.loadSettings();
      const lang = doc.documentElement.getAttribute('lang') ?? '';
      const page: PageFacts = { type: 'analysis', url, title: (doc.title || heading).slice(0, 2000), heading: heading.slice(0, 2000), lang: lang.slice(0, 100) };
      const t0 = win.performance.now();
      // Decided once: the first look's text is the page's start, which more reading does not change, and deciding
      // joins all that was read so far (every slice of a megabyte page would do it again).
      let earlyDecided = false;
      const rereading = this.showsAnalysisOf(url);
      // Until the first look is shown, or FIRST_LOOK_HEAD_START_MS after it went out (one deadline for the whole
      // wait, not one per slice), the reading waits for it between slices.
      let firstLookOut: Promise<void> | null = null;
      const extraction = await this.extract(doc, meter, (progress) => {
        if (earlyDecided || rereading) return;
        // At the top of a long page, its first look goes out as soon as its start is read, while the rest is read.
        const early = this.earlyFirstLook(progress, page, settings, force, meter);
        if (early === 'not-yet') return;
        earlyDecided = true;
        firstLook = early;
        if (early === null) return;
        const deadline = new Promise<void>((resolve) => win.setTimeout(resolve, FIRST_LOOK_HEAD_START_MS));
        firstLookOut = Promise.race([early.done, deadline]).then(() => {
          firstLookOut = null;
        });
      }, () => firstLookOut);
      const t1 = win.performance.now();
      meter.step('extract');
      this.settings = await meter.pause(() => settings, 'settings');
      if (!force && !this.settings.automatic) return await this.reportAutomaticOff(url);
      this.shadowRoots = extraction.shadowRoots ?? [];
      const painted = this.painter.document;
      const dropFirstLook = async (): Promise<void> => {
        if (firstLook === null || (await firstLook.done) === null || !this.previewShown) return;
        this.painter.clear();
        this.previewShown = false;
      };
      if (this.last?.status === 'unsupported-language' && this.last.url === url && sameText(this.last.text, extraction.text)) {
        await dropFirstLook();
        return { status: 'unsupported-language' };
      }
      if (painted !== null && this.last?.url === url && sameText(this.last.text, extraction.text)) {
        // Same text (a re-render, or a change outside the text): re-anchor the highlights on the current nodes.
        await firstLook?.done;
        await this.paint(painted, extraction.runs, meter);
        return { status: 'done', document: painted };
      }
      // The policy test reads up to 200,000 characters: on a long page, a slice of its own.
      if (extraction.text.length > 50_000) await meter.pause(() => yieldToPage(win), 'extract');
      const looksLikePolicy = looksLikePolicyPage(url, doc.title, extraction.text, heading);
      meter.step('policy-test');
      // The policy vocabulary is English: a page named like a policy in another language goes to the background
      // too, so the tab can say "this page is in French" rather than "not a policy".
      if (!force && !looksLikePolicy && unreadableLanguage({ lang, text: extraction.text }) === null) {
        await dropFirstLook();
        return await this.reportNotAPolicy(url, true);
      }
      this.last = { force, status: 'done', url, text: extraction.text };
      if (extraction.text.length > MAX_PAGE_TEXT) {
        // Far past any policy: the browser would refuse the message (and take seconds to find out).
        await dropFirstLook();
        await this.send({ type: 'analysis-failed', reason: `This page is too large to analyse (${Math.round(extraction.text.length / 1e6)} million characters).` });
        return { status: 'failed' };
      }
      // Not sent while reading (the page was scrolled, or short): the first look at the start of a long page, from
      // what is in view, analysed and painted before the whole of it.
      if (firstLook === null && !rereading) {
        const preview = previewOf(extraction, firstOffsetInView(win, extraction.runs));
        meter.step('preview');
        if (preview !== null) firstLook = this.startFirstLook({ ...page, looksLikePolicy, preview: true, ...preview }, settings, force, extraction.runs, meter);
      }
      // The background analyses one page at a time, and a whole page takes it long: the first look goes first.
      if (firstLook !== null) await meter.pause(() => firstLook!.answered, 'first-look');
      const reply = await this.sendWhole({ ...page, looksLikePolicy }, extraction);
      const t2 = win.performance.now();
      // The first look is painted before the whole analysis replaces it.
      const early = firstLook === null ? null : await meter.pause(() => firstLook!.done, 'first-look');
      if (reply?.ok === true && 'unsupportedLanguage' in reply) {
        if (painted !== null || this.previewShown) this.painter.clear();
        this.previewShown = false;
        this.last = { force, status: 'unsupported-language', url, text: extraction.text };
        return { status: 'unsupported-language' };
      }
      // Replies reach the content script unchecked (zod/mini only here): make sure it is a document before painting.
      if (reply?.ok !== true || !('document' in reply) || typeof reply.document !== 'object') throw new Error(reply?.ok === false ? reply.error : 'the background did not answer');
      const document = await this.wholeDocument(reply, (message) => this.send(message));
      win.performance.mark('clausemark:exported');
      const firstPaint = await this.paint(document, extraction.runs, meter);
      const t3 = win.performance.now();
      meter.step('painted');
      if (early !== null) this.recordPreviewAgreement(early.keys, early.covered);
      meter.step('agreement');
      const first = early?.at ?? firstPaint ?? t3;
      recordTimings(win, t0, t1, t2, first, t3);
      return {
        status: 'done',
        document,
        timings: { extract: t1 - t0, analyze: t2 - t1, firstHighlight: first - t0, total: win.performance.now() - t0 },
      };
    } catch (error) {
      const reason = errorText(error);
      this.last = { force, status: 'failed', url, text: null };
      console.warn('Clausemark: the analysis failed:', reason);
      await firstLook?.done;
      // A first look stays only if the whole analysis confirms it.
      if (this.previewShown) {
        this.painter.clear();
        this.previewShown = false;
      }
      await this.send({ type: 'analysis-failed', reason: reason.slice(0, 2000) }).catch(() => undefined);
      return { status: 'failed' };
    }
  }

  /**
   * Sends the whole page for analysis. A page sent in parts is sent once more if the background lost them (it was
   * stopped and started again between two parts: Firefox's event page, Chromium's service worker).
   */
  private async sendWhole(page: Omit<BackgroundMessage<'analysis'>, 'text' | 'blocks' | 'links'>, extraction: DomExtraction): Promise<BackgroundReply<'analysis'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.send({ ...page, ...(await this.upload(extraction)) });
        if (attempt === 1 && reply?.ok === false && reply.error.includes(PARTS_LOST)) continue;
        return reply;
      } catch (error) {
        if (attempt > 1) throw error;
      }
    }
  }

  /**
   * The extraction for the analysis message: as it is, or, for a long page, sent ahead in parts of at most
   * TEXT_PART_CHARS characters and LIST_PART_ITEMS blocks and links (one long message would hold the main thread
   * while the browser clones it) and named in the message.
   */
  private async upload(extraction: Pick<DomExtraction, 'text' | 'blocks' | 'links'>): Promise<Pick<BackgroundMessage<'analysis'>, 'text' | 'blocks' | 'links' | 'parts'>> {
    const { text, blocks, links } = extraction;
    const count = Math.max(Math.ceil(text.length / TEXT_PART_CHARS), Math.ceil(blocks.length / LIST_PART_ITEMS), Math.ceil(links.length / LIST_PART_ITEMS));
    if (count <= 1) return { text, blocks, links };
    const upload = transferId();
    for (let index = 0; index < count; index++) {
      const [from, to] = [index * LIST_PART_ITEMS, (index + 1) * LIST_PART_ITEMS];
      const reply = await this.send({
        type: 'analysis-part',
        upload,
        index,
        text: text.slice(index * TEXT_PART_CHARS, (index + 1) * TEXT_PART_CHARS),
        blocks: blocks.slice(from, to),
        links: links.slice(from, to),
      });
      if (reply?.ok !== true) throw new Error(reply?.ok === false ? reply.error : 'the background did not take the page');
    }
    return { text: '', blocks: [], links: [], parts: { upload, count, length: text.length } };
  }

  /**
   * The reply's document with all its clauses: a huge analysis comes without them, and they follow in parts asked for
   * one by one (lib/extension/background/downloads.ts), each read by the browser in a task of its own.
   */
  private async wholeDocument(
    reply: Extract<BackgroundReply<'analysis'>, { document: AnnotatedDocument }>,
    send: (message: BackgroundMessage<'analysis-reply-part'>) => Promise<BackgroundReply<'analysis-reply-part'>>,
  ): Promise<AnnotatedDocument> {
    if (reply.clauseParts === undefined) return reply.document;
    const { download, count } = reply.clauseParts;
    const clauses: AnnotatedDocument['clauses'] = [];
    for (let index = 0; index < count; index++) {
      const part = await send({ type: 'analysis-reply-part', download, index });
      if (part?.ok !== true || !Array.isArray(part.clauses)) throw new Error(part?.ok === false ? part.error : 'the background did not send the analysis');
      for (const clause of part.clauses) clauses.push(clause);
    }
    return { ...reply.document, clauses };
  }

  /** Whether what is painted is a first look, not yet replaced by the whole analysis. */
  private previewShown = false;

  /**
   * A page read again (a change on it, or the toolbar's "analyse") keeps its highlights until the new analysis comes:
   * a first look would swap them for fewer ones meanwhile.
   */
  private showsAnalysisOf(url: string): boolean {
    return this.painter.document !== null && this.last?.url === url;
  }

  /**
   * The first look while the page is still being read: only at the top of the page (what is in view is its start),
   * once enough of it is read for a first look, and when that start already reads like a policy (unless the person
   * asked). Null when there is none to send now (the page was scrolled, or its start is no policy); 'not-yet' while
   * too little is read to say.
   */
  private earlyFirstLook(progress: ExtractProgress, page: PageFacts, settings: Promise<Settings>, force: boolean, meter: SliceMeter): FirstLook | null | 'not-yet' {
    if (this.win.scrollY > 0) return null;
    if (progress.soFar === undefined || progress.chars <= 2 * PREVIEW_CHARS) return 'not-yet';
    const soFar = progress.soFar();
    const preview = previewOf(soFar, 0);
    if (preview === null) return null;
    // Judged on the first look's text alone: the page may be megabytes long, and this is one slice of work.
    const looksLikePolicy = looksLikePolicyPage(page.url, this.win.document.title, preview.text, page.heading);
    if (!force && !looksLikePolicy) return null;
    return this.startFirstLook({ ...page, looksLikePolicy, preview: true, ...preview }, settings, force, soFar.runs, meter);
  }

  /**
   * Sends a first look (`answered`), then paints it (`done`: when its first highlights were painted and what it
   * painted; null when nothing was). One that fails is only skipped: the whole analysis follows.
   */
  private startFirstLook(message: BackgroundMessage<'analysis'>, settings: Promise<Settings>, force: boolean, runs: TextRun[], meter: SliceMeter): FirstLook {
    const answer = (async (): Promise<AnnotatedDocument | null> => {
      // Sent without waiting for the settings: the background analyses it only if they allow (`asked` or automatic).
      this.win.performance.mark('clausemark:first-look-sent');
      const reply = await this.messenger.send({ ...message, asked: force });
      this.win.performance.mark('clausemark:first-look-answered');
      if (reply?.ok !== true || !('document' in reply) || typeof reply.document !== 'object') return null;
      return await this.wholeDocument(reply, (part) => this.messenger.send(part));
    })().catch(() => null);
    const done = answer.then(async (document) => {
      if (document === null) return null;
      // Painted as the person chose (hidden topics, contrast): the settings were asked for first.
      const allowed = await settings;
      if ((!force && !allowed.automatic) || this.ctx.isInvalid) return null;
      this.settings = allowed;
      const at = await this.paint(document, runs, meter);
      this.previewShown = true;
      return { at, keys: this.painter.paintedKeys(), covered: message.text.length };
    }).catch(() => null);
    return { answered: answer.then(() => undefined), done };
  }

  /**
   * How the first look compares with the whole analysis over the text it covered, on the page timeline for the
   * benchmark: `clausemark:preview:<painted>:<dropped>:<added>` (highlights the whole analysis took away or added).
   */
  private recordPreviewAgreement(early: Set<string>, covered: number): void {
    const final = this.painter.paintedKeys(covered);
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
      // Not through the meter: the page is read while this is on its way.
      this.win.performance.mark('clausemark:settings-asked');
      const reply = await this.messenger.send({ type: 'get-settings' });
      this.win.performance.mark('clausemark:settings-answered');
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

/**
 * Whether two readings of a page gave the same text, compared a slice at a time: a long page's text is kept as the
 * concatenation of its parts (lib/engine/extract/dom.ts), and `===` would first copy each into one string (80 ms
 * for 5 MB in Firefox).
 */
export function sameText(a: string | null, b: string): boolean {
  if (a === null || a.length !== b.length) return false;
  for (let at = 0; at < a.length; at += SAME_TEXT_SLICE) {
    if (a.slice(at, at + SAME_TEXT_SLICE) !== b.slice(at, at + SAME_TEXT_SLICE)) return false;
  }
  return true;
}

const SAME_TEXT_SLICE = 1 << 16;

/** How long, in all, the reading of a long page waits for its first look to be shown before it goes on regardless. */
const FIRST_LOOK_HEAD_START_MS = 150;
