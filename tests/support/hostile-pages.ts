import type { Dialog, Page, Worker } from 'playwright-core';
import { expect } from 'vitest';
import { activeTabId, launchWithExtension, type ExtensionBrowser } from './browser';
import { startSampleServer, type SampleServer } from './sample-server';
import { seededRandom } from '../../lib/node/train/fit';

/**
 * Hostile pages for the content script, generated from a fixed seed so every run sees the same ones: deep nesting,
 * megabytes of text, thousands of tiny text nodes, invisible and bidirectional characters, editable regions, SVG
 * text, forms, pages that never stop mutating, text that looks like markup or script, paragraphs without
 * punctuation, and long repetitions that probe the engine's regular expressions for catastrophic backtracking.
 *
 * Every page runs its own ticker (`window.__ticks`, +1 every 10 ms): after the analysis it must still be ticking,
 * which is what "the page keeps working" means. `runHostilePage` drives one page and reports what it measured; the
 * stress suite (tests/stress) runs all of them, the end-to-end suite one of each kind.
 */
export const HOSTILE_SEED = 0x5eed_c1a5;

export const HOSTILE_KINDS = [
  'deep-nesting',
  'huge-text',
  'tiny-text-nodes',
  'invisible-and-bidi',
  'contenteditable',
  'svg-text',
  'forms',
  'mutating',
  'markup-as-text',
  'no-punctuation',
  'you-can-run',
  'opt-out-run',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostilePage {
  /** served at /<name>.html */
  name: string;
  kind: HostileKind;
  /** what was varied, for the report (depth, bytes, node count, repetitions…) */
  params: Record<string, number>;
  html: string;
}

/** mulberry32 (the training's seeded generator): small, fast, and the same sequence on every machine. */
export const prng = seededRandom;

const SENTENCES = [
  'We collect personal information that you provide to us when you create an account.',
  'You can opt out of marketing emails at any time by clicking the unsubscribe link in any email.',
  'We may use your content to train and improve our models, unless you opt out in your account settings.',
  'Even if you opt out, we will still use your data where we are required to do so by law.',
  'We share information with third parties who provide services on our behalf.',
  'You may withdraw your consent at any time through the privacy dashboard.',
  'Cookies help us remember your preferences and understand how you use the service.',
  'If you do not want us to use cookies for advertising, you can turn them off in your browser.',
  'We retain personal data for as long as your account is active.',
  'However, we may keep some information after you opt out to prevent fraud and abuse.',
  'You have the right to access, correct and delete your personal data.',
  'We do not sell your personal information.',
];

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: () => number, low: number, high: number): number {
  return Math.floor(low + random() * (high - low + 1));
}

function paragraphs(random: () => number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const sentences: string[] = [];
    for (let j = between(random, 2, 6); j > 0; j--) sentences.push(pick(random, SENTENCES));
    out.push(sentences.join(' '));
  }
  return out;
}

const TICKER = `<script>window.__ticks = 0; setInterval(() => { window.__ticks++; }, 10);</script>`;

function shell(title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeText(title)}</title>` +
    `<style>body{font:15px/1.5 system-ui,sans-serif;margin:1rem;max-width:60rem}</style></head>` +
    `<body>${body}${TICKER}${script}</body></html>`;
}

type Builder = (random: () => number, size: 'typical' | 'largest') => { params: Record<string, number>; body: string; script?: string };

const BUILDERS: Record<HostileKind, Builder> = {
  // The HTML parser caps nesting at 512, so the page builds its own depth with DOM calls. Chromium's renderer itself
  // crashes past about 2,500 nested boxes, so nine levels in ten are `display: contents` wrappers (as component
  // frameworks produce): 10,000 elements deep in the DOM, 1,000 boxes deep in the layout.
  'deep-nesting': (random, size) => {
    const depth = size === 'largest' ? 10_000 : between(random, 1_000, 10_000);
    const every = between(random, 50, 500);
    const script = `<script>(() => {
      let node = document.getElementById('deep');
      const tags = ['div', 'span', 'section', 'b'];
      for (let i = 0; i < ${depth}; i++) {
        const child = document.createElement(tags[i % 4]);
        if (i % 10 !== 0) child.className = 'wrap';
        if (i % ${every} === 0) child.append(${JSON.stringify(pick(random, SENTENCES))} + ' ');
        node.append(child); node = child;
      }
      node.append(${JSON.stringify(SENTENCES[2])});
    })();</script>`;
    return { params: { depth, textEvery: every }, body: `<style>.wrap{display:contents}</style><h1>Deep page</h1><div id="deep"></div>`, script };
  },
  'huge-text': (random, size) => {
    const bytes = size === 'largest' ? 5 * 1024 * 1024 : between(random, 200_000, 5 * 1024 * 1024);
    const parts: string[] = ['<h1>Privacy policy (very long)</h1>'];
    let length = 0;
    let section = 0;
    while (length < bytes) {
      if (random() < 0.05) parts.push(`<h2>Section ${++section}</h2>`);
      const [text] = paragraphs(random, 1);
      parts.push(`<p>${escapeText(text!)}</p>`);
      length += text!.length + 7;
    }
    return { params: { bytes: length }, body: parts.join('\n') };
  },
  // Comments split text nodes in the parser: each word is its own node, some wrapped in inline elements.
  'tiny-text-nodes': (random, size) => {
    const nodes = size === 'largest' ? 20_000 : between(random, 1_000, 20_000);
    const words = paragraphs(random, Math.ceil(nodes / 40)).join(' ').split(' ');
    const parts: string[] = ['<h1>Fragmented policy</h1><p>'];
    for (let i = 0; i < nodes; i++) {
      const word = escapeText(words[i % words.length]!);
      const wrap = random();
      parts.push(wrap < 0.2 ? `<span>${word}</span> ` : wrap < 0.3 ? `<b>${word}</b><!-- --> ` : `${word}<!-- --> `);
      if (i % 400 === 399) parts.push('</p><p>');
    }
    parts.push('</p>');
    return { params: { nodes }, body: parts.join('') };
  },
  'invisible-and-bidi': (random) => {
    const marks = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u00ad'];
    const rtl = ['سياسة الخصوصية', 'מדיניות פרטיות', 'يمكنك إلغاء الاشتراك'];
    const density = between(random, 1, 8) / 10;
    const body = paragraphs(random, between(random, 20, 120)).map((text, i) => {
      const mangled = Array.from(text).map((char) => (random() < density ? `${char}${pick(random, marks)}` : char)).join('');
      const dir = i % 5 === 0 ? ' dir="rtl"' : '';
      const extra = i % 3 === 0 ? ` <bdo dir="rtl">${pick(random, rtl)}</bdo> <span dir="auto">${pick(random, rtl)}</span>` : '';
      return `<p${dir}>${escapeText(mangled)}${extra}</p>`;
    });
    return { params: { paragraphs: body.length, density }, body: `<h1>Privacy \u200bpolicy\u202e</h1>${body.join('\n')}` };
  },
  'contenteditable': (random) => {
    const count = between(random, 5, 60);
    const body = paragraphs(random, count).map((text, i) =>
      i % 3 === 0 ? `<div contenteditable="true"><p>${escapeText(text)}</p></div>` : `<p>${escapeText(text)}</p>`).join('\n');
    // The page edits its own editable regions while the extension reads.
    const script = `<script>setInterval(() => {
      const region = document.querySelector('[contenteditable]');
      if (region) region.append(' edited');
    }, ${between(random, 30, 300)});
    document.querySelector('[contenteditable]')?.focus();</script>`;
    return { params: { paragraphs: count }, body: `<h1>Editable policy</h1><div contenteditable="">${escapeText(SENTENCES[1]!)}</div>${body}`, script };
  },
  'svg-text': (random) => {
    const texts = between(random, 50, 2_000);
    const parts: string[] = ['<h1>Policy with graphics</h1><p>', escapeText(SENTENCES[2]!), '</p><svg width="800" height="600" viewBox="0 0 800 600">'];
    for (let i = 0; i < texts; i++) {
      const x = between(random, 0, 780);
      const y = between(random, 10, 590);
      parts.push(i % 10 === 0
        ? `<text x="${x}" y="${y}">${escapeText(pick(random, SENTENCES))}<tspan dy="12">${escapeText(pick(random, SENTENCES))}</tspan></text>`
        : `<text x="${x}" y="${y}" font-size="6">${escapeText(pick(random, SENTENCES).slice(0, 30))}</text>`);
    }
    parts.push(`<foreignObject x="0" y="0" width="400" height="200"><p xmlns="http://www.w3.org/1999/xhtml">${escapeText(SENTENCES[3]!)}</p></foreignObject></svg>`);
    return { params: { texts }, body: parts.join('') };
  },
  'forms': (random) => {
    const fields = between(random, 20, 400);
    const parts: string[] = ['<h1>Consent form</h1><form onsubmit="return false">'];
    for (let i = 0; i < fields; i++) {
      const sentence = escapeText(pick(random, SENTENCES));
      switch (i % 5) {
        case 0: parts.push(`<label><input type="checkbox" name="c${i}"> ${sentence}</label><br>`); break;
        case 1: parts.push(`<textarea name="t${i}">${sentence}</textarea>`); break;
        case 2: parts.push(`<select name="s${i}"><option>${sentence}</option><option>Opt out</option></select>`); break;
        case 3: parts.push(`<fieldset><legend>${sentence}</legend><input value="${sentence}"></fieldset>`); break;
        default: parts.push(`<button type="button">${sentence}</button><output>${sentence}</output>`);
      }
    }
    parts.push('</form>');
    return { params: { fields }, body: parts.join('') };
  },
  // Adds, removes and rewrites nodes on a short interval, forever.
  'mutating': (random) => {
    const interval = between(random, 5, 100);
    const count = between(random, 10, 80);
    const body = `<h1>Live policy</h1><p id="clock">0</p><div id="feed">${paragraphs(random, count).map((text) => `<p>${escapeText(text)}</p>`).join('')}</div>`;
    const script = `<script>(() => {
      const feed = document.getElementById('feed'); const clock = document.getElementById('clock');
      const sentences = ${JSON.stringify(SENTENCES)}; let n = 0;
      setInterval(() => {
        n++; clock.textContent = 'Updated ' + n + ' times';
        const p = document.createElement('p'); p.textContent = sentences[n % sentences.length]; feed.append(p);
        if (feed.childElementCount > ${count}) feed.firstElementChild.remove();
        const target = feed.children[n % feed.childElementCount]; if (target) target.hidden = !target.hidden;
      }, ${interval});
    })();</script>`;
    return { params: { intervalMs: interval, paragraphs: count }, body, script };
  },
  // Text, not markup: the extension must never turn it into elements or run it.
  'markup-as-text': (random) => {
    const payloads = [
      '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "javascript:alert('x')",
      '</textarea><script>alert(2)</script>', '{{constructor.constructor("alert(3)")()}}', '<!-- --><iframe src=javascript:alert(4)>',
      '&lt;b&gt;not bold&lt;/b&gt;', '${alert(5)}', '<style>*{display:none}</style>',
    ];
    const count = between(random, 20, 200);
    const body = Array.from({ length: count }, (_, i) =>
      `<p>${escapeText(`${pick(random, SENTENCES)} ${pick(random, payloads)} ${i % 4 === 0 ? SENTENCES[1] : ''}`)}</p>`).join('\n');
    return { params: { paragraphs: count }, body: `<h1>${escapeText('<script>alert("title")</script> Privacy')}</h1><pre>${escapeText(payloads.join('\n'))}</pre>${body}` };
  },
  'no-punctuation': (random, size) => {
    const words = size === 'largest' ? 300_000 : between(random, 20_000, 300_000);
    const vocabulary = paragraphs(random, 50).join(' ').replace(/[.,;:]/g, '').split(' ');
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(i % 997 === 0 ? 'you can opt out of this' : vocabulary[i % vocabulary.length]!);
    return { params: { words }, body: `<h1>Terms</h1><p>${escapeText(out.join(' '))}</p>` };
  },
  'you-can-run': (random, size) => {
    const repeats = size === 'largest' ? 100_000 : between(random, 1_000, 100_000);
    const tail = pick(random, ['opt out of sales', 'object', 'unsubscribe', '', 'control whether we use cookies']);
    return { params: { repeats }, body: `<h1>Choices</h1><p>${'you can '.repeat(repeats)}${tail}</p>` };
  },
  'opt-out-run': (random, size) => {
    const repeats = size === 'largest' ? 100_000 : between(random, 1_000, 100_000);
    const lead = pick(random, ['', 'Unless you ', 'If you wish to ', 'You may ', 'Even if you ']);
    return { params: { repeats }, body: `<h1>Opt out</h1><p>${lead}${'opt out '.repeat(repeats)}except where required by law</p>` };
  },
};

/**
 * Page `index` of the fixed set: kinds in turn, parameters drawn from the seeded generator. `largest` gives the
 * kind's extreme case (10,000 levels, 5 MB, 100,000 repetitions…): the end-to-end suite's one page per kind.
 */
export function hostilePage(index: number, size: 'typical' | 'largest' = 'typical'): HostilePage {
  const kind = HOSTILE_KINDS[index % HOSTILE_KINDS.length]!;
  const random = prng(HOSTILE_SEED + index * 7919 + (size === 'largest' ? 1 : 0));
  const { params, body, script } = BUILDERS[kind](random, size);
  const name = `hostile-${String(index).padStart(4, '0')}-${kind}${size === 'largest' ? '-largest' : ''}`;
  // A neutral title and address: automatic mode leaves the page alone, the run asks for the analysis explicitly.
  return { name, kind, params, html: shell(`Stress page ${index} (${kind})`, body, script) };
}

/** Lazily generated pages for startSampleServer's extraPages: each built when requested, not all held at once. */
export function lazyPages(pages: Array<{ name: string; build: () => string }>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { name, build } of pages) Object.defineProperty(record, name, { enumerable: true, get: build });
  return record;
}

export interface HostileResult {
  name: string;
  kind: HostileKind;
  params: Record<string, number>;
  /** the analysis reply: true when the content script finished with status "done" */
  ok: boolean;
  extractMs: number | null;
  analyzeMs: number | null;
  totalMs: number | null;
  /** longest main-thread task overlapping the content script's work (PerformanceObserver "longtask") */
  longestTaskMs: number;
  optOuts: number;
  exceptions: number;
  /** the page's ticker advanced during the analysis, and again afterwards */
  ticksDuring: number;
  ticksAfter: number;
  errors: string[];
  dialogs: string[];
  /** wall time of the whole check in this process, for the report only */
  wallMs: number;
}

/** Registered before any page script: collects long tasks so they can be matched against the clausemark measures. */
export function longTaskRecorder(): void {
  const store: Array<[number, number]> = [];
  const target = window as unknown as { __longTasks: Array<[number, number]>; __flushLongTasks: () => void };
  target.__longTasks = store;
  target.__flushLongTasks = () => undefined;
  try {
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) store.push([entry.startTime, entry.duration]);
    });
    observer.observe({ type: 'longtask', buffered: true });
    // Entries reach the callback later; a reader flushes the queue first.
    target.__flushLongTasks = () => {
      for (const entry of observer.takeRecords()) store.push([entry.startTime, entry.duration]);
    };
  } catch {
    // no longtask support: nothing recorded
  }
}

/** The promise, or a rejection naming `what` once `ms` have passed (a hang is a failure, not a stuck run). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)),
  ]);
}

/**
 * What a hostile run reads off the page once the analysis answered (run inside the page, in either browser): the
 * content script's own measures, the longest task overlapping its work (Chromium's Long Tasks API through the
 * recorder script; Firefox has none: there the content script's longest slice of work between two awaits), the
 * highlights painted and the page's own ticker. No helper functions inside: a bundler's name-keeping wrappers do not
 * exist in the page.
 */
export function hostileMeasuresInPage(): {
  extractMs: number | null;
  analyzeMs: number | null;
  totalMs: number | null;
  longestTaskMs: number;
  longestSliceMs: number | null;
  optOuts: number;
  exceptions: number;
  ticks: number;
} {
  const total = performance.getEntriesByName('clausemark:total').at(-1);
  const start = total?.startTime ?? 0;
  const end = total ? total.startTime + total.duration : 0;
  const recorder = window as unknown as { __longTasks?: Array<[number, number]>; __flushLongTasks?: () => void };
  recorder.__flushLongTasks?.();
  const tasks = recorder.__longTasks ?? [];
  const overlapping = tasks.filter(([taskStart, duration]) => taskStart < end && taskStart + duration > start);
  const registry = (CSS as unknown as { highlights?: Map<string, Set<Range>> }).highlights;
  // The painter's count (on a page of very many, only those around the view are registered at once).
  const countMark = performance.getEntriesByType('mark').filter((entry) => entry.name.startsWith('clausemark:highlights:')).at(-1);
  const counted = countMark ? /^clausemark:highlights:(\d+):(\d+)$/.exec(countMark.name) : null;
  return {
    extractMs: performance.getEntriesByName('clausemark:extract').at(-1)?.duration ?? null,
    analyzeMs: performance.getEntriesByName('clausemark:analyze').at(-1)?.duration ?? null,
    totalMs: total?.duration ?? null,
    longestTaskMs: overlapping.reduce((max, [, duration]) => Math.max(max, duration), 0),
    longestSliceMs: performance.getEntriesByName('clausemark:longest-slice').at(-1)?.duration ?? null,
    optOuts: counted ? Number(counted[1]) : registry?.get('clausemark-opt-out')?.size ?? 0,
    exceptions: counted ? Number(counted[2]) : registry?.get('clausemark-exception')?.size ?? 0,
    ticks: (window as unknown as { __ticks: number }).__ticks,
  };
}

/** One page's result from what the run saw; `longest` picks the task measure (Firefox has no Long Tasks API). */
export function hostileResult(
  hostile: Pick<HostilePage, 'name' | 'kind' | 'params'>,
  run: {
    ok: boolean;
    measured: ReturnType<typeof hostileMeasuresInPage>;
    ticksBefore: number;
    ticksLater: number;
    errors: string[];
    dialogs: string[];
    began: number;
    longest?: 'task' | 'slice';
  },
): HostileResult {
  const { measured } = run;
  return {
    name: hostile.name,
    kind: hostile.kind,
    params: hostile.params,
    ok: run.ok,
    extractMs: measured.extractMs,
    analyzeMs: measured.analyzeMs,
    totalMs: measured.totalMs,
    longestTaskMs: run.longest === 'slice' ? measured.longestSliceMs ?? 0 : measured.longestTaskMs,
    optOuts: measured.optOuts,
    exceptions: measured.exceptions,
    ticksDuring: measured.ticks - run.ticksBefore,
    ticksAfter: run.ticksLater - measured.ticks,
    errors: run.errors,
    dialogs: run.dialogs,
    wallMs: Date.now() - run.began,
  };
}

/** The kinds whose pages carry opt-out sentences a reader sees: those must get highlights. */
const READABLE_OFFERS: readonly HostileKind[] = ['huge-text', 'tiny-text-nodes', 'deep-nesting', 'forms', 'mutating', 'markup-as-text'];

/**
 * What every hostile page must hold to, in either browser: an answer, no error, no dialog (nothing written as text ran
 * as script), the page's ticker still advancing afterwards; with `readable`, highlights where the page shows offers.
 */
export function expectHostilePageHeld(result: HostileResult, readable: boolean): void {
  expect(result.errors).toEqual([]);
  expect(result.dialogs).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.ticksAfter).toBeGreaterThan(0);
  if (readable && READABLE_OFFERS.includes(result.kind)) expect(result.optOuts).toBeGreaterThan(0);
}

/**
 * Loads one hostile page in `page` (a tab of the extension's browser), asks the content script to analyse it, and
 * checks the page kept running. Throws on a hang (no reply within `timeoutMs`); everything else is reported.
 */
export async function runHostilePage(
  page: Page,
  serviceWorker: Worker,
  tabId: number,
  url: string,
  hostile: Pick<HostilePage, 'name' | 'kind' | 'params'>,
  timeoutMs = 120_000,
): Promise<HostileResult> {
  const began = Date.now();
  const errors: string[] = [];
  const dialogs: string[] = [];
  const onError = (error: Error): void => void errors.push(error.message);
  const onCrash = (): void => void errors.push('page crashed');
  const onDialog = (dialog: Dialog): void => {
    dialogs.push(dialog.message());
    void dialog.dismiss().catch(() => undefined);
  };
  page.on('pageerror', onError);
  page.on('crash', onCrash);
  page.on('dialog', onDialog);
  try {
    await page.goto(url, { timeout: timeoutMs, waitUntil: 'load' });
    // Let the page finish its own first rendering, so its load work is not counted against the extension.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)))));
    const ticksBefore = await page.evaluate(() => (window as unknown as { __ticks: number }).__ticks);
    const reply = await withTimeout(
      serviceWorker.evaluate(async (id) => {
        const api = (globalThis as unknown as { chrome: { tabs: { sendMessage(tab: number, message: unknown): Promise<unknown> } } }).chrome;
        return api.tabs.sendMessage(id, { type: 'analyze-now' });
      }, tabId),
      timeoutMs,
      `analysis of ${hostile.name}`,
    ) as { ok?: boolean } | undefined;
    const measured = await page.evaluate(hostileMeasuresInPage);
    // The page's own script still runs after the analysis: its ticker (every 10 ms) keeps counting. 300 ms: a page
    // of thousands of highlighted text nodes can spend over 100 ms rendering them right after the answer.
    await page.waitForTimeout(300);
    const ticksLater = await page.evaluate(() => (window as unknown as { __ticks: number }).__ticks);
    return hostileResult(hostile, { ok: reply?.ok === true, measured, ticksBefore, ticksLater, errors, dialogs, began });
  } finally {
    page.off('pageerror', onError);
    page.off('crash', onCrash);
    page.off('dialog', onDialog);
  }
}

/** One line per page for logs and reports. */
export function describeResult(result: HostileResult): string {
  const params = Object.entries(result.params).map(([key, value]) => `${key}=${value}`).join(' ');
  const ms = (value: number | null): string => (value === null ? '–' : value.toFixed(0));
  return `${result.name} [${params}] ok=${result.ok} extract=${ms(result.extractMs)}ms analyze=${ms(result.analyzeMs)}ms ` +
    `total=${ms(result.totalMs)}ms longest-task=${result.longestTaskMs.toFixed(0)}ms highlights=${result.optOuts}+${result.exceptions} ` +
    `ticks=${result.ticksDuring}/${result.ticksAfter} wall=${result.wallMs}ms`;
}

/**
 * A browser with the extension, a loopback server holding the pages (built when requested), and one reused tab.
 * A crashed tab is replaced, so one bad page cannot take the rest of the run with it.
 */
export interface HostileSession {
  run(page: HostilePage): Promise<HostileResult>;
  /** evaluates an expression in the tab of the last run (its page still open) */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export async function openHostileSession(pages: HostilePage[], extensionDir?: string): Promise<HostileSession> {
  const byName = new Map(pages.map((page) => [page.name, page]));
  const server: SampleServer = await startSampleServer(0, lazyPages(pages.map((page) => ({ name: page.name, build: () => byName.get(page.name)!.html }))));
  const browser: ExtensionBrowser = await launchWithExtension({ headless: true, extensionDir });
  await browser.context.addInitScript(longTaskRecorder);
  let tab: Page | null = null;
  let tabId = -1;
  const freshTab = async (): Promise<Page> => {
    await tab?.close().catch(() => undefined);
    tab = await browser.context.newPage();
    await tab.goto(`${server.origin}/`);
    await tab.bringToFront();
    tabId = await activeTabId(browser.serviceWorker);
    return tab;
  };
  await freshTab();
  return {
    async run(page) {
      let result: HostileResult;
      try {
        result = await runHostilePage(tab!, browser.serviceWorker, tabId, server.urlOf(page.name), page);
      } catch (error) {
        await freshTab();
        throw error;
      }
      if (result.errors.includes('page crashed')) await freshTab();
      return result;
    },
    evaluate: <T>(expression: string) => tab!.evaluate(expression) as Promise<T>,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Per kind: pages, slowest analysis, slowest total, longest task (with the page that had it). */
export function summarize(results: HostileResult[]): string {
  const lines = ['| kind | pages | ok | slowest analysis (ms) | slowest total (ms) | longest task (ms) | at |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |'];
  for (const kind of HOSTILE_KINDS) {
    const mine = results.filter((result) => result.kind === kind);
    if (mine.length === 0) continue;
    const max = (pick: (result: HostileResult) => number | null): number => Math.max(0, ...mine.map((result) => pick(result) ?? 0));
    const worst = mine.reduce((a, b) => (b.longestTaskMs > a.longestTaskMs ? b : a));
    const params = Object.entries(worst.params).map(([key, value]) => `${key}=${value}`).join(' ');
    lines.push(`| ${kind} | ${mine.length} | ${mine.filter((result) => result.ok).length} | ${max((r) => r.analyzeMs).toFixed(0)} | ` +
      `${max((r) => r.totalMs).toFixed(0)} | ${worst.longestTaskMs.toFixed(0)} | ${params} |`);
  }
  return lines.join('\n');
}

/** In the page: how many ranges are registered, how many highlights the painter has, and whether one is in view. */
const REGISTERED_IN_VIEW = `(() => {
  const ranges = ['clausemark-opt-out', 'clausemark-exception'].flatMap((name) => [...(CSS.highlights.get(name) ?? [])]);
  const mark = performance.getEntriesByType('mark').filter((entry) => entry.name.startsWith('clausemark:highlights:')).at(-1);
  const [optOuts, exceptions] = mark.name.split(':').slice(2).map(Number);
  const inView = ranges.some((range) => {
    const box = range.getBoundingClientRect();
    return box.height > 0 && box.bottom > 0 && box.top < innerHeight;
  });
  return { registered: ranges.length, highlights: optOuts + exceptions, inView };
})()`;

/**
 * On the 5 MB page (painted, still open): only the highlights around the view are registered (each registered range
 * costs the browser's repaint), and wherever the person scrolls, the text in view has its highlights.
 */
export async function expectHighlightWindowFollowsScroll(evaluate: (expression: string) => Promise<unknown>): Promise<void> {
  type InView = { registered: number; highlights: number; inView: boolean };
  const top = await evaluate(REGISTERED_IN_VIEW) as InView;
  expect(top.highlights).toBeGreaterThan(10_000);
  // a window of spans (a span can take more than one range), far fewer than all
  expect(top.registered).toBeLessThan(top.highlights / 4);
  expect(top.inView).toBe(true);
  for (const share of [0.5, 0.97]) {
    await evaluate(`scrollTo(0, document.documentElement.scrollHeight * ${share})`);
    // the window follows on the next frame after the scroll
    await evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50))))');
    const there = await evaluate(REGISTERED_IN_VIEW) as InView;
    expect(there.inView, `highlights in view at ${share * 100}% of the page`).toBe(true);
    expect(there.registered).toBeLessThan(top.highlights / 4);
  }
}
