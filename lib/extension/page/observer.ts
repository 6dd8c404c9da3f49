/**
 * Notices when the page's visible text may have changed — an accordion opened, a panel un-hidden, a single-page app
 * that inserted or replaced its content — and asks for a fresh reading, debounced. Only the page's own changes count:
 * nodes marked `data-clausemark` (the hover card's host, the <mark> fallback) are the extension's and are ignored,
 * so painting never triggers another pass. Highlight API changes do not touch the DOM at all.
 *
 * A page that never stops changing (a ticker, a clock, class churn) would otherwise be read again and again: after
 * each pass the minimum gap before the next one doubles, up to `maxGapMs`; once the page has been quiet for twice
 * the current gap, it drops back to `debounceMs`, so a click on a quiet page is answered promptly.
 */
export interface ContentObserverOptions {
  /** quiet time after the last relevant change before asking for a pass */
  debounceMs?: number;
  /** a stream of changes postpones the pass at most this long */
  maxWaitMs?: number;
  /** ceiling of the backed-off quiet time on pages that keep changing */
  maxGapMs?: number;
}

/** Attributes whose change can show or hide text. */
export const WATCHED_ATTRIBUTES = ['hidden', 'open', 'style', 'class', 'aria-hidden', 'aria-expanded', 'inert'];

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const WHITESPACE_ONLY = /^[\s\u00a0\u200b]*$/;

function ownedByExtension(node: Node): boolean {
  const element = node.nodeType === ELEMENT_NODE ? (node as Element) : node.parentElement;
  return element?.closest('[data-clausemark]') != null;
}

/** A node whose arrival or departure can change the text: an element, or a text node with something in it. */
function carriesText(node: Node): boolean {
  if (node.nodeType === TEXT_NODE) return !WHITESPACE_ONLY.test((node as Text).data);
  if (node.nodeType !== ELEMENT_NODE) return false;
  return !(node as Element).hasAttribute('data-clausemark');
}

/** Does this record come from the page (not from the extension) and possibly change what a reader sees? */
export function isRelevantMutation(record: MutationRecord): boolean {
  switch (record.type) {
    case 'characterData':
      return !ownedByExtension(record.target);
    case 'attributes':
      return !(record.target as Element).hasAttribute?.('data-clausemark') && !ownedByExtension(record.target);
    case 'childList': {
      if (record.target.nodeType === ELEMENT_NODE && ownedByExtension(record.target)) return false;
      for (const node of Array.from(record.addedNodes)) if (carriesText(node)) return true;
      for (const node of Array.from(record.removedNodes)) if (carriesText(node)) return true;
      return false;
    }
    default:
      return false;
  }
}

export class ContentObserver {
  private readonly observer: MutationObserver;
  private roots: Node[] = [];
  private watchingAttributes = true;
  private timer: number | null = null;
  private firstPending = 0;
  private gapMs: number;
  private lastPassEnd = 0;
  private passRunning = false;
  private pendingDuringPass = false;
  private stopped = false;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly maxGapMs: number;

  constructor(
    private readonly win: Window & typeof globalThis,
    private readonly onChange: () => Promise<void>,
    options: ContentObserverOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 300;
    this.maxWaitMs = options.maxWaitMs ?? 1500;
    this.maxGapMs = options.maxGapMs ?? 30_000;
    this.gapMs = this.debounceMs;
    this.observer = new win.MutationObserver((records) => this.onRecords(records));
  }

  /**
   * Watches these roots (the document, and each open shadow root the extraction entered), replacing the previous
   * set. `attributes: false` watches only nodes and text: enough to notice a page renaming itself a policy (its
   * title, address or heading changes with them), and far fewer records on pages that animate styles and classes.
   */
  observe(roots: Node[], { attributes = true }: { attributes?: boolean } = {}): void {
    if (this.stopped) return;
    if (attributes === this.watchingAttributes && roots.length === this.roots.length && roots.every((root, i) => root === this.roots[i])) return;
    // disconnect() drops records not yet delivered: hear them first, so a change made just now is not lost.
    const undelivered = this.observer.takeRecords();
    if (undelivered.length > 0) this.onRecords(undelivered);
    this.observer.disconnect();
    this.roots = [...roots];
    this.watchingAttributes = attributes;
    for (const root of roots) {
      this.observer.observe(root, {
        subtree: true,
        childList: true,
        characterData: true,
        ...(attributes ? { attributes: true, attributeFilter: WATCHED_ATTRIBUTES } : {}),
      });
    }
  }

  /** Drops records queued so far: the caller has just changed the DOM itself (the <mark> fallback). */
  discardPending(): void {
    this.observer.takeRecords();
  }

  disconnect(): void {
    this.stopped = true;
    this.observer.disconnect();
    if (this.timer !== null) this.win.clearTimeout(this.timer);
    this.timer = null;
  }

  private onRecords(records: MutationRecord[]): void {
    if (this.stopped || !records.some(isRelevantMutation)) return;
    if (this.passRunning) {
      this.pendingDuringPass = true;
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    const now = this.win.performance.now();
    if (this.timer === null) {
      this.firstPending = now;
      if (now - this.lastPassEnd > 2 * this.gapMs) this.gapMs = this.debounceMs;
    } else {
      this.win.clearTimeout(this.timer);
    }
    // Wait for a quiet moment, but never longer than maxWaitMs after the first change, and never sooner than the
    // backed-off gap after the previous pass.
    const quietAt = now + this.debounceMs;
    const latest = Math.max(this.firstPending + this.maxWaitMs, this.lastPassEnd + this.gapMs);
    const earliest = this.lastPassEnd + this.gapMs;
    const at = Math.max(earliest, Math.min(quietAt, latest));
    this.timer = this.win.setTimeout(() => void this.pass(), Math.max(0, at - now));
  }

  private async pass(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    this.passRunning = true;
    this.pendingDuringPass = false;
    try {
      await this.onChange();
    } catch {
      // the caller reports its own failures; the observer keeps watching
    } finally {
      this.passRunning = false;
      this.lastPassEnd = this.win.performance.now();
    }
    this.gapMs = Math.min(this.maxGapMs, this.gapMs * 2);
    if (this.pendingDuringPass && !this.stopped) {
      this.pendingDuringPass = false;
      this.schedule();
    }
  }
}
