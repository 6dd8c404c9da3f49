import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_DIR, findBrowser, INSTALL_HINT, launchWithExtension } from '../tests/support/browser';
import { policyFiles, REPO_ROOT, startSampleServer } from '../tests/support/sample-server';
import { longTaskRecorder } from '../tests/support/hostile-pages';
import { annotateFile } from '../lib/node/cli/annotate';
import { analyze } from '../lib/engine/analyze';
import { documentFromHtml } from '../lib/node/cli/load-document';
import { extractFromPlainText } from '../lib/engine/extract/plain-text';
import { hostilePage } from '../tests/support/hostile-pages';

/**
 * `npm run bench`: a benchmark, not a test — it measures and writes reports/bench.md, and fails only when it cannot
 * measure. Builds and zips the extension, then in headless Chromium with the built extension, for every corpus page:
 * the content script's own timings (performance measures it writes), a bare read-only TreeWalker pass over the same
 * text in the same page (the floor for anything that reads a page), and the longest main-thread task overlapping the
 * content script's work. Then the CLI's throughput, pathological inputs for the engine, and bundle sizes. Budgets
 * are reported as met or NOT met, with the number.
 *
 * BENCH_SKIP_BUILD=1 measures the build already in CLAUSEMARK_EXTENSION_DIR (default .output/chrome-mv3).
 */
const OUTPUT = join(REPO_ROOT, 'reports', 'bench.md');
const OPP115 = join(REPO_ROOT, '..', 'shared', 'corpus', 'opp115', 'opp115_segments.jsonl');
const BUDGET = { ratio: 3, longTaskMs: 50, contentGzipKb: 30, popupGzipKb: 60 };
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface PageRow {
  name: string;
  textChars: number;
  /** warm, in one task, same page: the extraction and the engine as bundled for the content script */
  warm: { bare: number; extract: number; analyze: number };
  extract: number;
  analyze: number;
  firstHighlight: number;
  total: number;
  bare: number;
  ratio: number;
  longestTask: number;
  tasksOver50: number;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const ms = (value: number): string => value.toFixed(1);
const verdict = (met: boolean): string => (met ? 'met' : '**NOT met**');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function buildAndZip(): void {
  if (process.env.BENCH_SKIP_BUILD === '1') return;
  log('building and zipping the extension (wxt zip)…');
  const result = spawnSync(npx, ['wxt', 'zip'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('wxt zip failed');
}

/**
 * lib/engine/extract/dom.ts and lib/engine/analyze.ts bundled for the page (esbuild, which the toolchain already carries), so the
 * bench can time them warm next to the bare pass, with the content script's own visibility test.
 */
async function bundleForPage(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: {
      contents: "import { extractFromDom } from './lib/engine/extract/dom'; import { analyze } from './lib/engine/analyze';" +
        ' (globalThis as any).__clausemarkBench = { extractFromDom, analyze };',
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

/** Evaluated in the page as a string (no bundler wrappers): bare pass, extraction, analysis, warm, 5 rounds each. */
const WARM_PASS = `(() => {
  const { extractFromDom, analyze } = globalThis.__clausemarkBench;
  const visible = { isHidden: (element) => element.checkVisibility({ visibilityProperty: true, opacityProperty: false }) === false &&
    getComputedStyle(element).display !== 'contents' };
  const rounds = 5;
  const time = (run) => { run(); const began = performance.now(); for (let i = 0; i < rounds; i++) run(); return (performance.now() - began) / rounds; };
  const bare = time(() => { const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const parts = [];
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) parts.push(node.data); return parts.join(''); });
  const extraction = extractFromDom(document.body, visible);
  const extract = time(() => extractFromDom(document.body, visible));
  const analyzeMs = time(() => analyze(extraction));
  return { bare, extract, analyze: analyzeMs };
})()`;

let warmBundle = '';

async function measurePages(extensionDir: string): Promise<PageRow[]> {
  warmBundle = await bundleForPage();
  const server = await startSampleServer(0);
  const browser = await launchWithExtension({ headless: true, extensionDir });
  await browser.context.addInitScript(longTaskRecorder);
  const page = await browser.context.newPage();
  const names = [...policyFiles().keys()].sort();
  const rows: PageRow[] = [];
  try {
    for (const name of names) {
      await page.goto(server.urlOf(name));
      await page.waitForFunction(() => performance.getEntriesByName('clausemark:total').length > 0, null, { timeout: 120_000 });
      // Let late long-task entries arrive, then read everything from the page timeline.
      await page.waitForTimeout(200);
      // No helper functions inside evaluate callbacks: tsx's name-keeping wrappers do not exist in the page.
      const row = await page.evaluate(() => {
        const start = performance.getEntriesByName('clausemark:start')[0]?.startTime ?? 0;
        const total = performance.getEntriesByName('clausemark:total')[0]!;
        const end = total.startTime + total.duration;
        const recorder = window as unknown as { __longTasks?: Array<[number, number]>; __flushLongTasks?: () => void };
        recorder.__flushLongTasks?.();
        const overlapping = (recorder.__longTasks ?? []).filter(([taskStart, length]) => taskStart < end && taskStart + length > start);
        // The floor: a read-only TreeWalker over every text node of the body, the mean of 20 passes (the page
        // clock is coarse).
        let chars = 0;
        const began = performance.now();
        for (let i = 0; i < 20; i++) {
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const parts: string[] = [];
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) parts.push((node as Text).data);
          chars = parts.join('').length;
        }
        const bare = (performance.now() - began) / 20;
        return {
          textChars: chars,
          extract: performance.getEntriesByName('clausemark:extract')[0]?.duration ?? 0,
          analyze: performance.getEntriesByName('clausemark:analyze')[0]?.duration ?? 0,
          firstHighlight: performance.getEntriesByName('clausemark:first-highlight')[0]?.duration ?? 0,
          total: total.duration,
          bare,
          longestTask: overlapping.reduce((max, [, length]) => Math.max(max, length), 0),
          tasksOver50: overlapping.filter(([, length]) => length > 50).length,
        };
      });
      const ratio = (row.extract + row.analyze) / Math.max(row.bare, 0.01);
      // The same code warm, in the page's main world: no slicing, no JIT start-up, same clock as the bare pass.
      await page.addScriptTag({ content: warmBundle });
      const warm = await page.evaluate(WARM_PASS) as PageRow['warm'];
      rows.push({ name, ...row, ratio, warm });
      log(`${name}: extract ${ms(row.extract)} analyse ${ms(row.analyze)} first highlight ${ms(row.firstHighlight)} total ${ms(row.total)} ms; bare pass ${ms(row.bare)} ms; longest task ${ms(row.longestTask)} ms`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

/** The CLI's pipeline in process (annotateFile, what `npm run annotate` calls), over every corpus file. */
async function cliCorpusThroughput(): Promise<{ files: number; bytes: number; seconds: number }> {
  const files = [...policyFiles().values()];
  let bytes = 0;
  const began = performance.now();
  for (const file of files) {
    bytes += statSync(file).size;
    await annotateFile(file, `file://${file}`, 'bench');
  }
  return { files: files.length, bytes, seconds: (performance.now() - began) / 1000 };
}

/** `npm run annotate -- --jsonl` as a process over the OPP-115 segments (as {id,text} lines). */
function cliOppThroughput(): { segments: number; bytes: number; seconds: number; exit: number | null } | null {
  if (!existsSync(OPP115)) return null;
  const lines = readFileSync(OPP115, 'utf8').split('\n').filter((line) => line.trim().length > 0);
  let bytes = 0;
  const input = lines.map((line) => {
    const record = JSON.parse(line) as { policy_uid: number; segment_id: number; text: string };
    bytes += Buffer.byteLength(record.text);
    return JSON.stringify({ id: `${record.policy_uid}-${record.segment_id}`, text: record.text });
  }).join('\n');
  const began = performance.now();
  const result = spawnSync(npx, ['tsx', 'lib/node/cli/main.ts', '--jsonl'], { cwd: REPO_ROOT, input, maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  return { segments: lines.length, bytes, seconds: (performance.now() - began) / 1000, exit: result.status };
}

const SENTENCE_WARM_UP = 'You can opt out of marketing emails at any time. Even if you opt out, we will still send you service messages.';

/** How the engine's time grows on inputs built to make regular expressions backtrack. */
function engineProbes(): Array<{ input: string; path: string; chars: number; ms: number }> {
  const rows: Array<{ input: string; path: string; chars: number; ms: number }> = [];
  const time = (input: string, path: string, text: string, run: () => unknown): void => {
    const began = performance.now();
    run();
    rows.push({ input, path, chars: text.length, ms: performance.now() - began });
  };
  // The stress pages' unpunctuated paragraph: policy sentences (offers and exceptions) with the punctuation removed.
  const paragraph = /<p>([\s\S]*?)<\/p>/.exec(hostilePage(9, 'largest').html)![1]!.replace(/&#39;/g, "'").split(' ');
  const unpunctuated = (words: number): string => paragraph.slice(0, words).join(' ');
  analyze(extractFromPlainText(SENTENCE_WARM_UP)); // JIT warm-up, so the first row is not start-up
  const inputs: Array<[string, string]> = [
    ...[1_000, 10_000, 100_000].map((n) => [`"you can " × ${n.toLocaleString('en')}`, 'you can '.repeat(n) + 'opt out of sales'] as [string, string]),
    ...[1_000, 10_000, 100_000].map((n) => [`"opt out " × ${n.toLocaleString('en')}`, 'Unless you ' + 'opt out '.repeat(n) + 'except where required by law'] as [string, string]),
    ...[10_000, 30_000, 60_000, 100_000].map((n) => [`${n.toLocaleString('en')} words, no punctuation`, unpunctuated(n)] as [string, string]),
  ];
  for (const [input, text] of inputs) {
    // One paragraph as plain text (the CLI's .txt and --jsonl path: one block, however long)…
    time(input, 'plain text: one block', text, () => analyze(extractFromPlainText(text)));
    // …and as a page (the extension's and the CLI's HTML path: blocks cut at 10,000 characters).
    const { extraction } = documentFromHtml(`<p>${text}</p>`, 'probe');
    time(input, 'page: blocks ≤ 10,000 chars', text, () => analyze(extraction));
  }
  return rows;
}

/** The content script's parts bundled one by one, to say where its size comes from. */
async function contentScriptComposition(): Promise<Array<{ part: string; raw: number; gzip: number }>> {
  const { build } = await import('esbuild');
  const parts: Array<[string, string]> = [
    ['engine (lib/engine/analyze.ts, lib/segment, lib/classify)', "import { analyzeInSlices } from './lib/engine/analyze'; export { analyzeInSlices };"],
    ['zod/mini (message and settings schemas)', "import * as z from 'zod/mini'; export const s = z.object({ a: z.string(), b: z.number().check(z.int()) }); export const u = z.discriminatedUnion('t', [z.object({ t: z.literal('x') })]);"],
    ['DOM adapters (lib/engine/extract/dom.ts, lib/extension/page/highlighter, observer, hover-card)', "export { extractInSlices } from './lib/engine/extract/dom'; export { Highlighter } from './lib/extension/page/highlighter'; export { ContentObserver } from './lib/extension/page/observer'; export { HoverCard } from './lib/extension/page/hover-card';"],
    ['export building (lib/document/build.ts, summary, hashing)', "export { buildAnnotatedDocument } from './lib/document/build';"],
    ['whole controller (all of the above, settings, messages)', "export { PageController } from './lib/extension/page/controller'; export { ContentRequest } from './lib/extension/messages/protocol';"],
  ];
  const rows: Array<{ part: string; raw: number; gzip: number }> = [];
  for (const [part, contents] of parts) {
    const result = await build({ stdin: { contents, resolveDir: REPO_ROOT, loader: 'ts' }, bundle: true, minify: true, format: 'esm', write: false, logLevel: 'error' });
    const bytes = Buffer.from(result.outputFiles[0]!.contents);
    rows.push({ part, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return rows;
}

function sizeOf(path: string): { raw: number; gzip: number } {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function bundleSizes(extensionDir: string): Array<{ part: string; files: string[]; raw: number; gzip: number }> {
  const collect = (dir: string, test: (file: string) => boolean): string[] =>
    existsSync(dir) ? readdirSync(dir).filter(test).map((file) => join(dir, file)) : [];
  const parts: Array<{ part: string; files: string[] }> = [
    { part: 'content script', files: collect(join(extensionDir, 'content-scripts'), (file) => file.startsWith('policy.')) },
    { part: 'background', files: [join(extensionDir, 'background.js')] },
    {
      part: 'popup',
      files: [
        join(extensionDir, 'popup.html'),
        ...collect(join(extensionDir, 'chunks'), (file) => file.startsWith('popup')),
        ...collect(join(extensionDir, 'assets'), (file) => file.startsWith('popup')),
      ],
    },
  ];
  return parts.map(({ part, files }) => {
    const present = files.filter((file) => existsSync(file));
    const sizes = present.map(sizeOf);
    return { part, files: present.map((file) => relative(extensionDir, file)), raw: sizes.reduce((s, x) => s + x.raw, 0), gzip: sizes.reduce((s, x) => s + x.gzip, 0) };
  });
}

function zipSize(): { file: string; bytes: number } | null {
  const dir = join(REPO_ROOT, '.output');
  const zips = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('-chrome.zip')) : [];
  if (zips.length === 0) return null;
  const newest = zips.map((file) => ({ file, time: statSync(join(dir, file)).mtimeMs })).sort((a, b) => b.time - a.time)[0]!;
  return { file: newest.file, bytes: statSync(join(dir, newest.file)).size };
}

async function main(): Promise<void> {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  buildAndZip();
  const extensionDir = process.env.CLAUSEMARK_EXTENSION_DIR ?? EXTENSION_DIR;
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? 'unknown CPU';
  log('measuring corpus pages in Chromium…');
  const rows = await measurePages(extensionDir);
  log('measuring the CLI…');
  const corpus = await cliCorpusThroughput();
  const opp = cliOppThroughput();
  log('probing the engine with pathological inputs…');
  const probes = engineProbes();
  const sizes = bundleSizes(extensionDir);
  const zip = zipSize();

  const largest = rows.reduce((a, b) => (b.textChars > a.textChars ? b : a));
  const longest = rows.reduce((a, b) => (b.longestTask > a.longestTask ? b : a));
  const content = sizes.find((size) => size.part === 'content script')!;
  const popup = sizes.find((size) => size.part === 'popup')!;
  const sum = (pick: (row: PageRow) => number): number => rows.reduce((s, row) => s + pick(row), 0);
  const engineShare = sum((row) => row.analyze) / sum((row) => row.extract + row.analyze);

  const out: string[] = [];
  out.push('# Clausemark benchmark', '');
  out.push(`Generated by \`npm run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ` +
    `Node ${process.version}, ${basename(findBrowser()!)} headless with the built extension. A benchmark, not a test: ` +
    'numbers vary with machine load (this machine has 2 shared cores).', '');
  out.push('## Budgets', '');
  out.push('| budget | measured | verdict |', '| --- | --- | --- |');
  const warmRatio = (largest.warm.extract + largest.warm.analyze) / largest.warm.bare;
  out.push(`| full analysis ≤ ${BUDGET.ratio}× a bare TreeWalker pass, largest page (${largest.name}, ${largest.textChars.toLocaleString('en')} chars) | ` +
    `warm, same task: ${ms(largest.warm.extract + largest.warm.analyze)} ms vs ${ms(largest.warm.bare)} ms = **${warmRatio.toFixed(0)}×** ` +
    `(extraction ${(largest.warm.extract / largest.warm.bare).toFixed(1)}×, engine ${(largest.warm.analyze / largest.warm.bare).toFixed(0)}×); ` +
    `as the content script ran it (cold, sliced): ${ms(largest.extract + largest.analyze)} ms = ${largest.ratio.toFixed(0)}× | ${verdict(warmRatio <= BUDGET.ratio)} |`);
  out.push(`| no main-thread task over ${BUDGET.longTaskMs} ms while the content script works (all ${rows.length} pages) | ` +
    `longest ${ms(longest.longestTask)} ms (${longest.name}); ${rows.filter((row) => row.longestTask > BUDGET.longTaskMs).length} pages with one; ` +
    `the first page after the browser starts also compiles the content script (${ms(rows[0]!.longestTask)} ms there), ` +
    `the other pages' longest is ${ms(Math.max(0, ...rows.slice(1).map((row) => row.longestTask)))} ms | ${verdict(longest.longestTask <= BUDGET.longTaskMs)} |`);
  out.push(`| content script ≤ ${BUDGET.contentGzipKb} KB gzip | ${kb(content.gzip)} KB | ${verdict(content.gzip <= BUDGET.contentGzipKb * 1024)} |`);
  out.push(`| popup ≤ ${BUDGET.popupGzipKb} KB gzip | ${kb(popup.gzip)} KB | ${verdict(popup.gzip <= BUDGET.popupGzipKb * 1024)} |`, '');
  const warmEngine = sum((row) => row.warm.analyze) / sum((row) => row.warm.extract + row.warm.analyze);
  out.push(`Warm, over all pages, the engine's share of extraction + analysis is ${(warmEngine * 100).toFixed(0)}%; extraction alone ` +
    `is ${median(rows.map((row) => row.warm.extract / row.warm.bare)).toFixed(1)}× the bare pass (median), the engine ` +
    `${median(rows.map((row) => row.warm.analyze / row.warm.bare)).toFixed(0)}×.`, '');
  out.push(`As the content script ran, over all pages: extraction ${ms(sum((row) => row.extract))} ms, analysis (the engine: ` +
    `lib/segment, lib/classify, lib/engine/analyze.ts) ${ms(sum((row) => row.analyze))} ms — the engine's share of reading + analysing is ` +
    `${(engineShare * 100).toFixed(0)}%. The bare pass only concatenates text nodes; extraction also asks the layout engine ` +
    'which elements are visible, keeps block structure and the offset map, and yields to the page every 8 ms.', '');

  out.push('## Content script on each corpus page', '');
  out.push('Times in ms from the page timeline (`clausemark:*` measures). *Full* = extract + analyse; *ratio* = full ÷ bare ' +
    'TreeWalker pass; *first highlight* and *total* include building the export and painting (total also the round trip ' +
    'to the background). *Longest task*: longest `longtask` entry overlapping the content script\'s work.', '');
  out.push('*Warm* columns: the same extraction and engine code bundled into the page and timed in one task right after the ' +
    'bare pass (mean of 5 runs after a warm-up): no slicing, no JIT start-up.', '');
  out.push('| page | text chars | extract | analyse | full | bare pass | ratio | first highlight | total | longest task | tasks > 50 ms | warm bare | warm extract | warm analyse | warm ratio |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const warmRatioOf = (row: PageRow): number => (row.warm.extract + row.warm.analyze) / row.warm.bare;
  for (const row of rows) {
    out.push(`| ${row.name} | ${row.textChars.toLocaleString('en')} | ${ms(row.extract)} | ${ms(row.analyze)} | ${ms(row.extract + row.analyze)} | ` +
      `${ms(row.bare)} | ${row.ratio.toFixed(0)}× | ${ms(row.firstHighlight)} | ${ms(row.total)} | ${ms(row.longestTask)} | ${row.tasksOver50} | ` +
      `${row.warm.bare.toFixed(2)} | ${ms(row.warm.extract)} | ${ms(row.warm.analyze)} | ${warmRatioOf(row).toFixed(0)}× |`);
  }
  out.push(`| **median** | | ${ms(median(rows.map((r) => r.extract)))} | ${ms(median(rows.map((r) => r.analyze)))} | | ${ms(median(rows.map((r) => r.bare)))} | ` +
    `${median(rows.map((r) => r.ratio)).toFixed(0)}× | ${ms(median(rows.map((r) => r.firstHighlight)))} | ${ms(median(rows.map((r) => r.total)))} | ` +
    `${ms(median(rows.map((r) => r.longestTask)))} | | ${median(rows.map((r) => r.warm.bare)).toFixed(2)} | ${ms(median(rows.map((r) => r.warm.extract)))} | ` +
    `${ms(median(rows.map((r) => r.warm.analyze)))} | ${median(rows.map(warmRatioOf)).toFixed(0)}× |`, '');

  out.push('## Command line throughput', '');
  out.push(`- Corpus, in process (\`annotateFile\`, the pipeline \`npm run annotate\` runs: Markdown → HTML → DOM extraction → ` +
    `analysis → export → provision matching): ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(2)} MB in ${corpus.seconds.toFixed(2)} s = ` +
    `**${(corpus.bytes / 1e6 / corpus.seconds).toFixed(2)} MB/s**.`);
  if (opp) {
    out.push(`- OPP-115 segments, as a process (\`npm run annotate -- --jsonl\`, start-up included): ${opp.segments} segments, ` +
      `${(opp.bytes / 1e6).toFixed(2)} MB of text in ${opp.seconds.toFixed(2)} s = **${(opp.bytes / 1e6 / opp.seconds).toFixed(2)} MB/s** (exit ${opp.exit}).`);
  } else {
    out.push(`- OPP-115 segments: SKIPPED, ${OPP115} is absent.`);
  }
  out.push('');

  out.push('## Engine on pathological inputs (Node)', '');
  out.push('`analyze()` on inputs built to make regular expressions backtrack, as one plain-text block (the CLI\'s .txt and ' +
    '--jsonl path) and as a page (the HTML path, where lib/engine/extract/dom.ts cuts blocks at 10,000 characters). Time that ' +
    'grows faster than the input is the engine\'s (lib/classify); the page path bounds it.', '');
  out.push('| input | path | chars | ms |', '| --- | --- | ---: | ---: |');
  for (const probe of probes) out.push(`| ${probe.input} | ${probe.path} | ${probe.chars.toLocaleString('en')} | ${ms(probe.ms)} |`);
  out.push('');

  const composition = await contentScriptComposition();
  out.push('## Sizes', '');
  out.push('| part | files | raw KB | gzip -9 KB |', '| --- | --- | ---: | ---: |');
  for (const size of sizes) out.push(`| ${size.part} | ${size.files.join(', ')} | ${kb(size.raw)} | ${kb(size.gzip)} |`);
  out.push(zip ? `| zip (\`wxt zip\`) | .output/${zip.file} | ${kb(zip.bytes)} | – |` : '| zip | not found: run `npx wxt zip` | – | – |', '');
  out.push('What the content script is made of: each group bundled alone (esbuild, minified, gzip -9; groups share code, ' +
    'so the parts do not add up exactly; the rest of the shipped file is the browser-API polyfill and WXT\'s loader).', '');
  out.push('| part | raw KB | gzip KB |', '| --- | ---: | ---: |');
  for (const part of composition) out.push(`| ${part.part} | ${kb(part.raw)} | ${kb(part.gzip)} |`);
  out.push('');

  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  writeFileSync(OUTPUT, `${out.join('\n')}\n`);
  log(`wrote ${relative(process.cwd(), OUTPUT)}`);
  process.stdout.write(`${out.slice(0, 12).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
