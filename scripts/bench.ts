import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page as ChromiumPage } from 'playwright-core';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { activeTabId, EXTENSION_DIR, findBrowser, INSTALL_HINT, launchWithExtension, QUIET_FLAGS } from '../tests/support/browser';
import { FIREFOX_EXTENSION_DIR, FIREFOX_INSTALL_HINT, findFirefox, launchFirefox } from '../tests/support/firefox';
import { HOSTILE_KINDS, hostilePage, lazyPages, longTaskRecorder, type HostilePage } from '../tests/support/hostile-pages';
import { CORPUS_DIR, policyFiles, REPO_ROOT, startSampleServer } from '../tests/support/sample-server';
import { attributeTasks, type TaskAttribution, type TraceEvent } from './trace-tasks';

/**
 * `npm run bench`: a benchmark, not a test — it measures and writes reports/bench.md, and fails only when it cannot
 * measure. Builds the extension for Chromium and Firefox, loads each build in its browser (Chromium through
 * playwright-core, Firefox ESR over WebDriver BiDi through puppeteer-core), and reads the content script's own
 * measures from each page's performance timeline: reading the page, the round trip to the background (which runs
 * the whole analysis), the first highlights painted, everything painted, and the content script's longest slice of
 * main-thread work. In Chromium each page is also loaded under a trace that says which long tasks held Clausemark's
 * code or its background's messages (scripts/trace-tasks.ts); Firefox has no such trace here, so there the longest
 * slice is what is measured.
 *
 * Pages: the largest corpus page, one page of each hostile kind at its extreme (tests/support/hostile-pages.ts), and
 * unless BENCH_PAGES=largest, every other corpus page.
 *
 * BENCH_SKIP_BUILD=1 measures the builds already in CLAUSEMARK_EXTENSION_DIR (default .output/chrome-mv3) and
 * CLAUSEMARK_FIREFOX_DIR (default .output/firefox-mv3). BENCH_BROWSERS=chromium or =firefox measures one browser.
 * BENCH_ONLY=<regular expression> measures only the pages whose names match. BENCH_TRACE=0 skips Chromium's traced
 * second pass; BENCH_TRACE_DIR=<folder> keeps each trace as JSON (open it in a trace viewer). BENCH_TIMELINE=1 logs each page's
 * Clausemark marks and measures in order. BENCH_OUTPUT writes the report elsewhere
 * (default reports/bench.md).
 */
const OUTPUT = process.env.BENCH_OUTPUT ?? join(REPO_ROOT, 'reports', 'bench.md');
const WEIGHTS = join(REPO_ROOT, 'lib', 'engine', 'learned', 'weights.json');
const BUDGET = { firstHighlightMs: 100, longTaskMs: 50, contentGzipKb: 30 };
/** A short fixture policy, analysed once before measuring. */
const WARM_UP_PAGE = 'anthropic-consumer-terms';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

type BrowserName = 'Chromium' | 'Firefox';

interface Target {
  name: string;
  kind: 'largest corpus page' | 'corpus page' | `hostile: ${string}`;
  /** hostile pages are not named like policies: the analysis is asked for, as the toolbar button does */
  onRequest: boolean;
}

/** What the page timeline says about one run of the content script (times in ms). */
interface Measured {
  /** when the run began: the content script's start on a policy page, the request on a hostile page (from navigation) */
  began: number;
  extract: number;
  roundTrip: number;
  /** from the start of the reading to the first slice of highlights (those in view) */
  firstFromRead: number;
  /** from `began` to the first slice of highlights */
  firstFromStart: number;
  /** from navigation start to the first slice of highlights */
  firstFromNavigation: number;
  paint: number;
  total: number;
  longestSlice: number;
  /** slices over 50 ms, by what they were doing */
  longSlices: Array<[string, number]>;
  /** Chromium only: the longest `longtask` entry overlapping the run (null where the API does not exist) */
  longestTask: number | null;
  tasksOver50: number | null;
  textChars: number;
  optOuts: number;
  exceptions: number;
}

interface Row {
  target: Target;
  browser: BrowserName;
  measured: Measured | null;
  error?: string;
  /** Chromium, a page over the task budget: the longest task of the same page without Clausemark, same window */
  alone?: number | null;
  /** Chromium, a page over the task budget: the same page measured again under a trace, each long task attributed */
  traced?: { measured: Measured | null; tasks: TaskAttribution | null; error?: string };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const ms = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : value.toFixed(1));
const verdict = (met: boolean): string => (met ? 'met' : '**NOT met**');

function build(): void {
  if (process.env.BENCH_SKIP_BUILD === '1') return;
  for (const args of [['wxt', 'build'], ['wxt', 'build', '-b', 'firefox', '--mv3']]) {
    log(`building: npx ${args.join(' ')}…`);
    const result = spawnSync(npx, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed`);
  }
}

/** The corpus page with the most text (by its Markdown source's size). */
function largestCorpusPage(): string {
  const names = readdirSync(CORPUS_DIR).filter((file) => file.endsWith('.md') && file !== 'SOURCE.md');
  return basename(names.reduce((a, b) => (statSync(join(CORPUS_DIR, b)).size > statSync(join(CORPUS_DIR, a)).size ? b : a)), '.md');
}

function targets(hostile: HostilePage[]): Target[] {
  const largest = largestCorpusPage();
  const list: Target[] = [{ name: largest, kind: 'largest corpus page', onRequest: false }];
  for (const page of hostile) list.push({ name: page.name, kind: `hostile: ${page.kind}`, onRequest: true });
  if (process.env.BENCH_PAGES !== 'largest') {
    const corpus = [...policyFiles().entries()].filter(([, file]) => file.startsWith(CORPUS_DIR)).map(([name]) => name).sort();
    for (const name of corpus) if (name !== largest) list.push({ name, kind: 'corpus page', onRequest: false });
  }
  return list;
}

/**
 * Read in the page as an expression string (no bundler helpers, the same text for both drivers): the first run whose
 * measures start at or after `from`.
 */
function readTimeline(from: number): string {
  return `(() => {
    const from = ${from};
    const inRun = (entry) => entry.startTime >= from - 0.5;
    const measure = (name) => performance.getEntriesByName('clausemark:' + name, 'measure').filter(inRun)[0];
    const total = measure('total');
    const first = measure('first-highlight');
    if (total === undefined || first === undefined) return null;
    const end = total.startTime + total.duration;
    const scriptStart = performance.getEntriesByName('clausemark:start', 'mark')[0];
    const began = from > 0 ? from : (scriptStart ? scriptStart.startTime : 0);
    const longSlices = performance.getEntriesByType('measure')
      .filter((entry) => entry.name.startsWith('clausemark:long-slice:') && inRun(entry) && entry.startTime <= end)
      .map((entry) => [entry.name.slice('clausemark:long-slice:'.length), entry.duration]);
    const recorder = window.__longTasks === undefined ? null : window;
    let longestTask = null;
    let tasksOver50 = null;
    if (recorder !== null && typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes.includes('longtask')) {
      recorder.__flushLongTasks();
      const overlapping = recorder.__longTasks.filter(([start, length]) => start < end && start + length > began);
      longestTask = overlapping.reduce((max, [, length]) => Math.max(max, length), 0);
      tasksOver50 = overlapping.filter(([, length]) => length > 50).length;
    }
    const registry = CSS.highlights;
    // The painter's count (on a page of very many, only those around the view are registered at once).
    const countMark = performance.getEntriesByType('mark').filter((entry) => entry.name.startsWith('clausemark:highlights:')).at(-1);
    const counted = countMark ? /^clausemark:highlights:(\\d+):(\\d+)$/.exec(countMark.name) : null;
    const extract = measure('extract');
    const analyze = measure('analyze');
    const painted = measure('painted');
    const slice = measure('longest-slice');
    const firstEnd = first.startTime + first.duration;
    return {
      began,
      extract: extract ? extract.duration : 0,
      roundTrip: analyze ? analyze.duration : 0,
      firstFromRead: first.duration,
      firstFromStart: firstEnd - began,
      firstFromNavigation: firstEnd,
      paint: painted ? painted.duration : 0,
      total: total.duration,
      longestSlice: slice ? slice.duration : 0,
      longSlices,
      longestTask,
      tasksOver50,
      textChars: (document.body.innerText || '').length,
      optOuts: counted ? Number(counted[1]) : registry && registry.get('clausemark-opt-out') ? registry.get('clausemark-opt-out').size : 0,
      exceptions: counted ? Number(counted[2]) : registry && registry.get('clausemark-exception') ? registry.get('clausemark-exception').size : 0,
    };
  })()`;
}

/** Waits for the page's first rendering to settle, so its own load work is not counted against the extension. */
const SETTLE = 'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100))))';
/** Then records "now" on the page clock: the moment the analysis is asked for. */
const NOW = 'performance.now()';
/** BENCH_TIMELINE=1: every Clausemark mark and measure of the page, in order, to find where the time goes. */
const TIMELINE = `performance.getEntries().filter((entry) => entry.name.startsWith('clausemark:'))
  .concat((window.__flushLongTasks?.(), window.__longTasks ?? []).map(([startTime, duration]) => ({ name: 'longtask', entryType: 'measure', startTime, duration })))
  .sort((a, b) => a.startTime - b.startTime)
  .map((entry) => '  ' + entry.startTime.toFixed(1) + (entry.entryType === 'measure' ? ' +' + entry.duration.toFixed(1) : '') + ' ' + entry.name)
  .join('\\n')`;
/** Lets slices and late long-task entries land before reading. */
const AFTER = 'new Promise((done) => setTimeout(done, 300))';

interface Driver {
  browser: BrowserName;
  /** loads `url` in a fresh tab and returns a handle to evaluate in it and ask it for an analysis; `trace`: Chromium
   * records a trace of the page from before its navigation, which `stopTrace` ends and returns */
  open(url: string, trace?: boolean): Promise<Tab>;
  urlOf(name: string): string;
  /** Chromium: the page in a browser without the extension, its longest task overlapping [from, to] of its timeline */
  pageAlone?(url: string, from: number, to: number): Promise<number | null>;
  close(): Promise<void>;
}

interface Tab {
  evaluate(expression: string): Promise<unknown>;
  analyzeNow(): Promise<unknown>;
  stopTrace?(): Promise<TraceEvent[]>;
  close(): Promise<void>;
}

/** What a trace records: tasks and the rendering work inside them, Clausemark's user timing, V8's samples of scripts. */
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler'].join(',');

async function chromiumDriver(extraPages: Record<string, string>): Promise<Driver> {
  const server = await startSampleServer(0, extraPages);
  const browser = await launchWithExtension({ headless: true, extensionDir: process.env.CLAUSEMARK_EXTENSION_DIR ?? EXTENSION_DIR });
  await browser.context.addInitScript(longTaskRecorder);
  return {
    browser: 'Chromium',
    urlOf: (name) => server.urlOf(name),
    async open(url, trace = false) {
      const page: ChromiumPage = await browser.context.newPage();
      const events: TraceEvent[] = [];
      const cdp = trace ? await browser.context.newCDPSession(page) : null;
      if (cdp !== null) {
        cdp.on('Tracing.dataCollected', ({ value }) => void events.push(...(value as unknown as TraceEvent[])));
        await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES, transferMode: 'ReportEvents' });
      }
      await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
      await page.bringToFront();
      return {
        evaluate: (expression) => page.evaluate(expression),
        async analyzeNow() {
          const tabId = await activeTabId(browser.serviceWorker);
          return browser.serviceWorker.evaluate(async (id) => {
            const api = (globalThis as unknown as { chrome: { tabs: { sendMessage(tab: number, message: unknown): Promise<unknown> } } }).chrome;
            return api.tabs.sendMessage(id, { type: 'analyze-now' });
          }, tabId);
        },
        ...(cdp === null ? {} : {
          async stopTrace() {
            const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
            await cdp.send('Tracing.end');
            await complete;
            return events;
          },
        }),
        close: () => page.close(),
      };
    },
    async pageAlone(url, from, to) {
      const plain = await chromium.launch({ executablePath: findBrowser()!, headless: true, args: QUIET_FLAGS });
      try {
        const context = await plain.newContext();
        await context.addInitScript(longTaskRecorder);
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
        await page.waitForFunction((end) => performance.now() > end, to + 300, { timeout: 120_000 });
        return await page.evaluate(([start, end]) => {
          const recorder = window as unknown as { __longTasks?: Array<[number, number]>; __flushLongTasks?: () => void };
          if (recorder.__longTasks === undefined) return null;
          recorder.__flushLongTasks?.();
          return recorder.__longTasks.filter(([at, length]) => at < end && at + length > start).reduce((max, [, length]) => Math.max(max, length), 0);
        }, [from, to] as const);
      } finally {
        await plain.close();
      }
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

async function firefoxDriver(extraPages: Record<string, string>): Promise<Driver> {
  const session = await launchFirefox({ extraPages, extensionDir: process.env.CLAUSEMARK_FIREFOX_DIR ?? FIREFOX_EXTENSION_DIR });
  // The add-on page that asks for analyses opens now, not in the middle of the first page's measure.
  await session.inExtension(() => true, null);
  return {
    browser: 'Firefox',
    urlOf: (name) => session.server.urlOf(name),
    async open(url) {
      const page: FirefoxPage = await session.openPage(url);
      return {
        evaluate: (expression) => page.evaluate(expression),
        async analyzeNow() {
          const tabId = await session.tabIdOf(page);
          return session.inExtension(async (id: number) => {
            const api = (globalThis as unknown as { browser: { tabs: { sendMessage(tab: number, message: unknown): Promise<unknown> } } }).browser;
            return api.tabs.sendMessage(id, { type: 'analyze-now' });
          }, tabId);
        },
        close: () => page.close(),
      };
    },
    close: () => session.close(),
  };
}

async function poll<T>(check: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function measure(driver: Driver, target: Target, trace = false): Promise<Row> {
  const tab = await driver.open(driver.urlOf(target.name), trace);
  try {
    let from = 0;
    if (target.onRequest) {
      await tab.evaluate(SETTLE);
      from = (await tab.evaluate(NOW)) as number;
      const reply = (await tab.analyzeNow()) as { ok?: boolean } | undefined;
      if (reply?.ok !== true) throw new Error('the content script answered that the analysis failed');
      // The reply comes once the run that answered it has written its measures. None after the request: the page
      // names itself a policy and its automatic run (from the content script's start) had read it, or was reading it,
      // when asked; the request joined that run, or, the text unchanged since, only re-anchored its highlights.
      if ((await tab.evaluate(readTimeline(from))) === null) from = 0;
    }
    await poll(async () => ((await tab.evaluate(readTimeline(from))) as Measured | null), 120_000, `timings for ${target.name}`);
    await tab.evaluate(AFTER);
    const measured = (await tab.evaluate(readTimeline(from))) as Measured;
    log(`${driver.browser} ${target.name}: read ${ms(measured.extract)}, round trip ${ms(measured.roundTrip)}, first highlight ` +
      `${ms(measured.firstFromStart)} (from navigation ${ms(measured.firstFromNavigation)}), total ${ms(measured.total)} ms; ` +
      `longest slice ${ms(measured.longestSlice)}, longest task ${ms(measured.longestTask)} ms; ${measured.optOuts}+${measured.exceptions} highlights; ` +
      `slices > 50 ms: ${measured.longSlices.map(([what, duration]) => `${what} ${duration.toFixed(0)}`).join(', ') || 'none'}`);
    if (process.env.BENCH_TIMELINE === '1') log(String(await tab.evaluate(TIMELINE)));
    if (tab.stopTrace !== undefined) {
      const events = await tab.stopTrace();
      if (process.env.BENCH_TRACE_DIR !== undefined) writeFileSync(join(process.env.BENCH_TRACE_DIR, `${target.name}.json`), JSON.stringify(events));
      const tasks = attributeTasks(events, 'chrome-extension://', BUDGET.longTaskMs, [measured.began, measured.began + measured.firstFromStart + measured.total]);
      log(`${driver.browser} ${target.name} traced: longest task with Clausemark's code ${ms(tasks.longestClausemark)} ms ` +
        `(${tasks.clausemarkTasks} tasks with its code in the run), longest other ${ms(tasks.longestOther)} ms; over ${BUDGET.longTaskMs} ms: ` +
        (tasks.longTasks.map((task) => `${ms(task.duration)} (Clausemark ${ms(task.clausemarkMs)}; ${task.mostly})`).join('; ') || 'none'));
      return { target, browser: driver.browser, measured, traced: { measured, tasks } };
    }
    return { target, browser: driver.browser, measured };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    log(`${driver.browser} ${target.name}: FAILED ${message}`);
    return { target, browser: driver.browser, measured: null, error: message };
  } finally {
    await tab.close().catch(() => undefined);
  }
}

function sizeOf(path: string): { raw: number; gzip: number } | null {
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function sizes(dir: string): Array<{ part: string; file: string; size: { raw: number; gzip: number } | null }> {
  const content = join(dir, 'content-scripts', 'policy.js');
  return [
    { part: 'content script', file: relative(REPO_ROOT, content), size: sizeOf(content) },
    { part: 'background', file: relative(REPO_ROOT, join(dir, 'background.js')), size: sizeOf(join(dir, 'background.js')) },
  ];
}

/**
 * Clausemark's longest task. Chromium, traced: the longest task with its code or its messages in it (trace), or its
 * own longest slice if longer. Chromium, not traced: the Long Tasks API (any task of the page, an upper bound).
 * Firefox: the content script's longest slice.
 */
function longestOf(row: Row): number {
  const measured = row.measured!;
  const traced = row.traced?.tasks;
  if (traced != null) return Math.max(measured.longestSlice, row.traced!.measured?.longestSlice ?? 0, traced.longestClausemark);
  return Math.max(measured.longestTask ?? 0, measured.longestSlice);
}

function report(rows: Row[], browsers: BrowserName[], coldRows: Row[] = []): string {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? 'unknown CPU';
  const byTarget = new Map<string, Map<BrowserName, Row>>();
  for (const row of rows) {
    if (!byTarget.has(row.target.name)) byTarget.set(row.target.name, new Map());
    byTarget.get(row.target.name)!.set(row.browser, row);
  }
  const out: string[] = [];
  out.push('# Clausemark benchmark', '');
  out.push(`Generated by \`npm run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpu}, Node ${process.version}, ` +
    `${browsers.join(' and ')} headless with the built extension (Chromium: ${basename(findBrowser() ?? '?')} via playwright-core; Firefox: ` +
    `${basename(findFirefox() ?? '?')} over WebDriver BiDi via puppeteer-core). A benchmark, not a test: numbers vary with the machine's load ` +
    '(2 shared cores).', '');
  out.push('## What is measured', '');
  out.push('The analysis runs in the background (lib/extension/background/handler.ts → lib/pipeline.ts `annotate()`): the content ' +
    'script reads the page in slices, sends the text, and paints the document that comes back, in slices, what is in view first. ' +
    'Every number comes from the page\'s performance timeline, where the content script writes its own measures ' +
    '(lib/extension/page/timing.ts).', '');
  out.push('- **read**: extracting the visible text (`clausemark:extract`).');
  out.push('- **round trip**: sending the text to the background, its analysis, and the reply (`clausemark:analyze`).');
  out.push('- **first highlight**: until the first slice of highlights is registered with `CSS.highlights` (spans in view first). ' +
    'Measured **from the content script\'s start** (`clausemark:start`, injected at `document_idle`; this includes asking the ' +
    'background for the settings) on policy pages, and from the request on hostile pages (they are not named like policies, so ' +
    'the analysis is asked for, as the toolbar button does). This is the budgeted number. *From navigation* adds the page\'s own ' +
    'loading until `document_idle`; *from read* is the old definition (from the start of the reading, after the settings).');
  out.push('- **total**: until every highlight is painted.');
  out.push('- **longest task**: Chromium: each page is loaded a second time under a trace (scripts/trace-tasks.ts): the longest ' +
    'task of the page\'s main thread during the run that holds samples of Clausemark\'s code (V8\'s sampling profiler) or a ' +
    'message from its background (read natively, with no script on the stack), or its longest slice if longer. Rendering ' +
    'work in a task of its own (style, layout, pre-paint after highlights change) holds neither, and is not counted: it is ' +
    'listed apart. The Long Tasks API\'s longest entry is in the detail table (it missed the messages). Firefox has no such ' +
    'trace here: there it is the content script\'s longest slice of main-thread work between two awaits ' +
    '(`clausemark:longest-slice`), which does not see the browser\'s own work on the script\'s behalf (reading the reply).', '');

  out.push('## Budgets', '');
  out.push('| budget | ' + browsers.join(' | ') + ' |', '| --- |' + browsers.map(() => ' --- |').join(''));
  const largest = rows.find((row) => row.target.kind === 'largest corpus page')?.target.name ?? '?';
  const cell = (browser: BrowserName, pick: (rows: Row[]) => string): string => pick(rows.filter((row) => row.browser === browser));
  out.push(`| first highlight ≤ ${BUDGET.firstHighlightMs} ms from the content script's start, largest corpus page (${largest}) | ` + browsers.map((browser) => cell(browser, (mine) => {
    const row = mine.find((candidate) => candidate.target.name === largest);
    if (!row?.measured) return `not measured (${row?.error ?? 'missing'})`;
    return `${ms(row.measured.firstFromStart)} ms: ${verdict(row.measured.firstFromStart <= BUDGET.firstHighlightMs)}`;
  })).join(' | ') + ' |');
  out.push(`| longest Clausemark task ≤ ${BUDGET.longTaskMs} ms on every page | ` + browsers.map((browser) => cell(browser, (mine) => {
    const measured = mine.filter((row) => row.measured !== null);
    if (measured.length === 0) return 'not measured';
    const worst = measured.reduce((a, b) => (longestOf(b) > longestOf(a) ? b : a));
    const over = measured.filter((row) => longestOf(row) > BUDGET.longTaskMs).length;
    const failed = mine.length - measured.length;
    return `${ms(longestOf(worst))} ms (${worst.target.name}); ${over} of ${measured.length} pages over` +
      `${failed > 0 ? `, ${failed} not measured` : ''}: ${verdict(over === 0 && failed === 0)}`;
  })).join(' | ') + ' |');
  // Not in the budget, but not hidden: rendering tasks hold no Clausemark code, yet a highlight registration causes some.
  out.push(`| rendering tasks over ${BUDGET.longTaskMs} ms during the run, no Clausemark code in them (traced) | ` + browsers.map((browser) => cell(browser, (mine) => {
    if (browser !== 'Chromium') return 'no trace';
    const tasks = mine.flatMap((row) => (row.traced?.tasks?.longTasks ?? []).filter((task) => task.clausemarkMs === 0).map((task) => ({ row, task })));
    if (tasks.length === 0) return 'none';
    const worst = tasks.reduce((a, b) => (b.task.duration > a.task.duration ? b : a));
    const pages = new Set(tasks.map(({ row }) => row.target.name)).size;
    return `${tasks.length} on ${pages} pages; longest ${ms(worst.task.duration)} ms (${worst.row.target.name}: ${worst.task.mostly}) — see the trace table`;
  })).join(' | ') + ' |', '');

  out.push('## Side by side', '');
  out.push('ms. *First* = first highlight from the content script\'s start (from the request on hostile pages); *longest* = ' +
    'Clausemark\'s longest task as above (Chromium: trace; Firefox: longest slice).', '');
  out.push('| page | kind | ' + browsers.map((b) => `${b} first | ${b} total | ${b} longest`).join(' | ') + ' |');
  out.push('| --- | --- |' + browsers.map(() => ' ---: | ---: | ---: |').join(''));
  for (const [name, perBrowser] of byTarget) {
    const kind = [...perBrowser.values()][0]!.target.kind;
    const cells = browsers.map((browser) => {
      const row = perBrowser.get(browser);
      const measured = row?.measured;
      if (!row || !measured) return `failed | – | –`;
      return `${ms(measured.firstFromStart)} | ${ms(measured.total)} | ${ms(longestOf(row))}`;
    });
    out.push(`| ${name} | ${kind} | ${cells.join(' | ')} |`);
  }
  out.push('');

  for (const browser of browsers) {
    out.push(`## ${browser} in detail`, '');
    out.push('| page | text chars | read | round trip | first (from start) | first (from navigation) | first (from read) | paint | total | longest slice | slices > 50 ms | longest task | tasks > 50 ms | highlights |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
    for (const row of rows.filter((candidate) => candidate.browser === browser)) {
      const m = row.measured;
      if (!m) {
        out.push(`| ${row.target.name} | failed: ${row.error ?? '?'} |||||||||||||`);
        continue;
      }
      const slices = m.longSlices.map(([what, duration]) => `${what} ${duration.toFixed(0)}`).join(', ') || '–';
      out.push(`| ${row.target.name} | ${m.textChars.toLocaleString('en')} | ${ms(m.extract)} | ${ms(m.roundTrip)} | ${ms(m.firstFromStart)} | ` +
        `${ms(m.firstFromNavigation)} | ${ms(m.firstFromRead)} | ${ms(m.paint)} | ${ms(m.total)} | ${ms(m.longestSlice)} | ${slices} | ` +
        `${ms(m.longestTask)} | ${m.tasksOver50 ?? '–'} | ${m.optOuts}+${m.exceptions} |`);
    }
    out.push('');
  }

  if (coldRows.length > 0) {
    out.push('## The first page after the background starts', '');
    out.push(`${WARM_UP_PAGE}, read before the pages above and not in the budgets: the background's first analysis loads its ` +
      'dataset and learned model and compiles the engine. A person meets this on the first policy page after the browser ' +
      'starts the extension\'s background again, which both browsers do after it has been idle for about 30 seconds.', '');
    out.push('| browser | first highlight (from start) | round trip | total |', '| --- | ---: | ---: | ---: |');
    for (const row of coldRows) {
      const m = row.measured;
      out.push(m === null ? `| ${row.browser} | failed: ${row.error ?? '?'} | | |` : `| ${row.browser} | ${ms(m.firstFromStart)} | ${ms(m.roundTrip)} | ${ms(m.total)} |`);
    }
    out.push('');
  }

  const traced = rows.filter((row) => row.traced?.tasks != null && row.traced.tasks.longTasks.length > 0);
  if (traced.length > 0) {
    out.push('## Chromium: what ran in each task over the budget (trace)', '');
    out.push(`Every page was loaded once more under a trace; these are the tasks of the page's main thread over ${BUDGET.longTaskMs} ms ` +
      'during Clausemark\'s run. *Clausemark* = ms of its code (sampled) and of its background\'s messages inside the task; ' +
      '*mostly* = the longest events inside it. Pre-paint and paint are the browser\'s work, but a change to the registered ' +
      'highlights causes such work (registering 15,000 ranges at once on the 5 MB page costs one pre-paint of about 45 ms; ' +
      'adding them to a registered highlight slice by slice cost one per frame), so a rendering task right after a ' +
      'registration is Clausemark\'s doing although none of its code runs in it.', '');
    out.push('| page | task ms | Clausemark ms | mostly |', '| --- | ---: | ---: | --- |');
    for (const row of traced) {
      for (const task of row.traced!.tasks!.longTasks.slice(0, 6)) out.push(`| ${row.target.name} | ${ms(task.duration)} | ${ms(task.clausemarkMs)} | ${task.mostly} |`);
    }
    out.push('');
  }
  const failedTraces = rows.filter((row) => row.traced !== undefined && row.traced.tasks == null);
  if (failedTraces.length > 0) out.push(`Not traced (failed): ${failedTraces.map((row) => `${row.target.name} (${row.traced!.error ?? '?'})`).join(', ')}; their longest task is the Long Tasks API's.`, '');

  const overBudget = rows.filter((row) => row.alone !== undefined);
  if (overBudget.length > 0) {
    out.push('## Chromium pages over the task budget, and the same page without Clausemark', '');
    out.push('The Long Tasks API counts any task of the page. Each page whose longest task overlapping the run was over ' +
      `${BUDGET.longTaskMs} ms was loaded once more in a browser without the extension; *alone* is its longest task in the ` +
      'same stretch of its timeline (from the start of the run to its end). Clausemark\'s longest slice is its own ' +
      'longest stretch of work between two awaits.', '');
    out.push('| page | longest task with Clausemark | alone | Clausemark\'s longest slice |', '| --- | ---: | ---: | ---: |');
    for (const row of overBudget) out.push(`| ${row.target.name} | ${ms(row.measured!.longestTask)} | ${row.alone === null ? 'not measured' : ms(row.alone ?? null)} | ${ms(row.measured!.longestSlice)} |`);
    out.push('');
  }

  out.push('## Sizes', '');
  out.push('gzip -9 of the built files.', '');
  out.push('| part | file | raw KB | gzip KB | budget |', '| --- | --- | ---: | ---: | --- |');
  const dirs: Array<[string, string]> = [
    ['Chromium', process.env.CLAUSEMARK_EXTENSION_DIR ?? EXTENSION_DIR],
    ['Firefox', process.env.CLAUSEMARK_FIREFOX_DIR ?? FIREFOX_EXTENSION_DIR],
  ];
  for (const [browser, dir] of dirs) {
    for (const { part, file, size } of sizes(dir)) {
      const budget = part === 'content script' && size ? `≤ ${BUDGET.contentGzipKb} KB: ${verdict(size.gzip <= BUDGET.contentGzipKb * 1024)}` : '';
      out.push(`| ${browser} ${part} | ${file} | ${size ? kb(size.raw) : 'missing'} | ${size ? kb(size.gzip) : '–'} | ${budget} |`);
    }
  }
  const weights = sizeOf(WEIGHTS);
  out.push(`| learned weights (bundled into the background) | ${relative(REPO_ROOT, WEIGHTS)} | ${weights ? kb(weights.raw) : 'missing'} | ${weights ? kb(weights.gzip) : '–'} | |`, '');
  out.push('The command line\'s throughput is measured by `npm run bench:cli` (reports/cli-bench.md).', '');
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const wanted = (process.env.BENCH_BROWSERS ?? 'chromium,firefox').toLowerCase();
  const browsers: BrowserName[] = [];
  if (wanted.includes('chromium')) {
    if (findBrowser() === null) throw new Error(INSTALL_HINT);
    browsers.push('Chromium');
  }
  if (wanted.includes('firefox')) {
    if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
    browsers.push('Firefox');
  }
  build();
  const hostile = HOSTILE_KINDS.map((_, index) => hostilePage(index, 'largest'));
  const pages = lazyPages(hostile.map((page) => ({ name: page.name, build: () => page.html })));
  const only = process.env.BENCH_ONLY === undefined ? null : new RegExp(process.env.BENCH_ONLY);
  const list = targets(hostile).filter((target) => only === null || only.test(target.name));
  const rows: Row[] = [];
  const coldRows: Row[] = [];
  mkdirSync(join(OUTPUT, '..'), { recursive: true });
  for (const browser of browsers) {
    log(`measuring ${list.length} pages in ${browser}…`);
    const driver = browser === 'Chromium' ? await chromiumDriver(pages) : await firefoxDriver(pages);
    try {
      // One page first, apart from the budgets: the background's first analysis also loads its dataset and compiles
      // the engine. A person pays that on the first policy page after the background starts, which the browser does
      // again after its background has been idle for a while (about 30 s in both browsers): reported on its own.
      coldRows.push(await measure(driver, { name: WARM_UP_PAGE, kind: 'corpus page', onRequest: false }));
      for (const target of list) {
        rows.push(await measure(driver, target));
        // Written after every page: a run cut short still leaves what it measured.
        writeFileSync(OUTPUT, report(rows, browsers, coldRows));
      }
      // The Long Tasks API cannot say whose task it was: a page over the budget is loaded once more without the
      // extension, and its own longest task in the same stretch of its timeline is reported beside.
      for (const row of rows) {
        const m = row.measured;
        if (row.browser !== driver.browser || driver.pageAlone === undefined || m === null || (m.longestTask ?? 0) <= BUDGET.longTaskMs) continue;
        row.alone = await driver.pageAlone(driver.urlOf(row.target.name), m.began, m.began + m.firstFromStart + m.total).catch(() => null);
        log(`${driver.browser} ${row.target.name} without Clausemark: longest task ${ms(row.alone ?? null)} ms`);
      }
      // And once more with the extension, under a trace that says what ran in each long task (BENCH_TRACE=0: not).
      for (const row of rows) {
        if (row.browser !== 'Chromium' || driver.browser !== 'Chromium' || row.measured === null || process.env.BENCH_TRACE === '0') continue;
        const again = await measure(driver, row.target, true);
        row.traced = again.traced ?? { measured: null, tasks: null, error: again.error ?? 'no trace' };
      }
    } finally {
      await driver.close();
    }
  }
  const text = report(rows, browsers, coldRows);
  writeFileSync(OUTPUT, text);
  log(`wrote ${relative(process.cwd(), OUTPUT)}`);
  const budgets = text.indexOf('## Budgets');
  process.stdout.write(`${text.slice(budgets, text.indexOf('## Side by side'))}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
