import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { findBrowser, INSTALL_HINT, launchWithExtension, QUIET_FLAGS, type ExtensionBrowser } from '../support/browser';
import { CORPUS_DIR, FIXTURE_DIR, startSampleServer, type SampleServer } from '../support/sample-server';
import { escapeHtml, renderMarkdown } from '../../lib/node/cli/load-document';
import { cliCounts, type HighlightCounts } from '../support/scenarios';

/**
 * Every policy of the shared corpus (or, without it, the bundled fixtures) as a real page in several layouts, read by
 * the built extension in headless Chromium. For each page: no uncaught error anywhere, the page laid out exactly as
 * without the extension, and as many opt-out and exception highlights as the CLI's pipeline finds on the same HTML.
 *
 * Layouts: plain article; accordion (closed <details> and `hidden` panels, opened by clicks after load); single-page
 * app (policy inserted after load, replaced by another on a pushState navigation); open shadow root (with a slotted
 * heading); same-origin frame (`src` and `srcdoc` alternately).
 *
 * Coverage (fixed, so runs compare): every document in the plain layout; document i also in layout
 * OTHER_LAYOUTS[i % 4], so each layout sees a quarter of the documents and every document two layouts.
 * CLAUSEMARK_ALL_LAYOUTS=1 runs every document in every layout (about 2.5 times longer).
 */
type Layout = 'plain' | 'accordion' | 'spa' | 'shadow' | 'frame';
const OTHER_LAYOUTS: Layout[] = ['accordion', 'spa', 'shadow', 'frame'];
const ALL_LAYOUTS = process.env.CLAUSEMARK_ALL_LAYOUTS === '1';

interface PolicyDoc {
  name: string;
  /** the page the CLI renders for this Markdown file */
  html: string;
}

function loadDocs(): { docs: PolicyDoc[]; source: string } {
  const fromCorpus = existsSync(CORPUS_DIR);
  const dir = fromCorpus ? CORPUS_DIR : FIXTURE_DIR;
  const files = readdirSync(dir).filter((file) => file.endsWith('.md') && file !== 'SOURCE.md').sort();
  const docs = files.map((file) => {
    const name = basename(file, '.md');
    return { name, html: renderMarkdown(readFileSync(join(dir, file), 'utf8'), name) };
  });
  const source = fromCorpus
    ? `the shared corpus (${CORPUS_DIR}): ${docs.length} documents`
    : `SKIPPED the shared corpus: ${CORPUS_DIR} is absent; using the ${docs.length} bundled fixtures in ${FIXTURE_DIR} instead`;
  return { docs, source };
}

// ── Layouts ─────────────────────────────────────────────────────────────────────────────────────────────────────

function parts(html: string): { title: string; article: string; style: string } {
  const title = /<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? 'Policy';
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  const article = /<article>([\s\S]*)<\/article>/.exec(html)?.[1] ?? '';
  return { title, article, style };
}

function pageShell(title: string, style: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${style}</style></head><body>${body}</body></html>`;
}

/** Splits an article at its <h2> headings: [intro, ...sections], each section starting with its heading. */
function sections(article: string): string[] {
  return article.split(/(?=<h2[\s>])/);
}

/**
 * Accordion: after the intro, sections alternate between a closed <details> (heading in the summary) and a heading
 * that toggles a `hidden` panel. The page's own script wires the toggles; the test opens everything with clicks.
 */
function accordionPage(doc: PolicyDoc): { html: string; revealedHtml: string } {
  const { title, article, style } = parts(doc.html);
  const [intro = '', ...rest] = sections(article);
  const build = (revealed: boolean): string => rest.map((section, i) => {
    const heading = /^<h2[^>]*>[\s\S]*?<\/h2>/.exec(section)?.[0] ?? '';
    const body = section.slice(heading.length);
    if (i % 2 === 0) return `<details${revealed ? ' open' : ''}><summary>${heading}</summary><div>${body}</div></details>`;
    const toggle = heading.replace(/^<h2/, `<h2 data-toggle="panel-${i}" role="button" tabindex="0" aria-expanded="${revealed}"`);
    return `<section>${toggle}<div id="panel-${i}"${revealed ? '' : ' hidden'}>${body}</div></section>`;
  }).join('');
  const script = `<script>document.addEventListener('click', (event) => {
    const toggle = event.target.closest('[data-toggle]'); if (!toggle) return;
    const panel = document.getElementById(toggle.dataset.toggle); panel.hidden = !panel.hidden;
    toggle.setAttribute('aria-expanded', String(!panel.hidden));
  });</script>`;
  const style2 = `${style} summary h2{display:inline} [data-toggle]{cursor:pointer}`;
  return {
    html: pageShell(title, style2, `<main><article>${intro}${build(false)}</article></main>${script}`),
    revealedHtml: pageShell(title, style2, `<main><article>${intro}${build(true)}</article></main>`),
  };
}

/** Single-page app: a shell that inserts the policy after load, and another policy on a pushState navigation. */
function spaPage(first: PolicyDoc, second: PolicyDoc): { html: string; firstHtml: string; secondHtml: string } {
  const a = parts(first.html);
  const b = parts(second.html);
  const shellBody = (content: string): string =>
    `<header><strong>Example app</strong></header><main id="app">${content}</main>`;
  const script = `<script>
    const views = { '${first.name}': [${JSON.stringify(a.title)}, 'view-a'], '${second.name}': [${JSON.stringify(b.title)}, 'view-b'] };
    function show(name) {
      const [title, template] = views[name];
      const app = document.getElementById('app');
      app.replaceChildren(document.getElementById(template).content.cloneNode(true));
      document.title = title;
    }
    window.navigateTo = (name) => { history.pushState({ name }, '', '/app/' + name); show(name); };
    window.addEventListener('load', () => setTimeout(() => { show('${first.name}'); document.body.dataset.ready = '1'; }, 250));
  </script>`;
  const templates = `<template id="view-a"><article>${a.article}</article></template><template id="view-b"><article>${b.article}</article></template>`;
  return {
    html: pageShell('Loading…', a.style, `${shellBody('<p>Loading…</p>')}${templates}${script}`),
    firstHtml: pageShell(a.title, a.style, shellBody(`<article>${a.article}</article>`)),
    secondHtml: pageShell(b.title, b.style, shellBody(`<article>${b.article}</article>`)),
  };
}

/** Open shadow root: the article lives in the host's shadow tree; the page's <h1> stays light DOM, slotted in. */
function shadowPage(doc: PolicyDoc): { html: string; flatHtml: string } {
  const { title, article, style } = parts(doc.html);
  const h1 = /^\s*<h1[^>]*>[\s\S]*?<\/h1>/.exec(article)?.[0] ?? '';
  const rest = article.slice(h1.length);
  const script = `<script>
    const host = document.getElementById('policy-host');
    const shadow = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = ${JSON.stringify(style)};
    shadow.append(style, document.getElementById('policy-body').content.cloneNode(true));
  </script>`;
  const light = h1.replace(/^\s*<h1/, '<h1 slot="title"');
  return {
    html: pageShell(title, style, `<div id="policy-host">${light}</div>` +
      `<template id="policy-body"><main><article><slot name="title"></slot>${rest}</article></main></template>${script}`),
    flatHtml: pageShell(title, style, `<div><main><article>${h1}${rest}</article></main></div>`),
  };
}

/** Same-origin frame: the policy page inside a help-centre page, by `src` or by `srcdoc` (about:srcdoc). */
function framePage(doc: PolicyDoc, innerPath: string, srcdoc: boolean): string {
  const frame = srcdoc
    ? `<iframe title="policy" srcdoc="${escapeHtml(doc.html)}"></iframe>`
    : `<iframe title="policy" src="${innerPath}"></iframe>`;
  return pageShell('Help centre', 'body{margin:0;font:16px system-ui} iframe{width:100%;height:760px;border:0}',
    `<header><h1>Help centre</h1></header>${frame}`);
}

// ── Expected counts: the CLI's pipeline on the same HTML, in Node ─────────────────────────────────────────────

type Counts = HighlightCounts;

// ── Browser helpers ─────────────────────────────────────────────────────────────────────────────────────────────

interface LayoutSnapshot {
  text: string[];
  boxes: string[];
}

/**
 * Every element's box and the visible text, across open shadow roots and same-origin frames: what "the page is
 * unchanged" means. Nodes marked data-clausemark (the hover card, created only on hover) would count as changes.
 */
async function snapshot(page: Page): Promise<LayoutSnapshot> {
  const result: LayoutSnapshot = { text: [], boxes: [] };
  for (const frame of page.frames()) {
    const part = await frame.evaluate(() => {
      const boxes: string[] = [];
      const texts: string[] = [document.body.innerText];
      const visit = (root: ParentNode): void => {
        for (const element of Array.from(root.querySelectorAll('*'))) {
          const box = element.getBoundingClientRect();
          boxes.push(`${element.tagName}:${box.x.toFixed(1)},${box.y.toFixed(1)},${box.width.toFixed(1)},${box.height.toFixed(1)}`);
          if (element.shadowRoot) {
            texts.push((element.shadowRoot as unknown as HTMLElement).textContent ?? '');
            visit(element.shadowRoot);
          }
        }
      };
      visit(document);
      return { boxes, texts };
    });
    result.boxes.push(`frame ${frame.url()}`, ...part.boxes);
    result.text.push(...part.texts);
  }
  return result;
}

function counts(frame: Frame | Page): Promise<Counts & { reads: number }> {
  return frame.evaluate(() => {
    const registry = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
    return {
      optOuts: registry.get('clausemark-opt-out')?.size ?? 0,
      exceptions: registry.get('clausemark-exception')?.size ?? 0,
      reads: performance.getEntriesByName('clausemark:read').length,
    };
  });
}

/**
 * Waits until the frame has read the page more than `readsBefore` times and shows `expected` highlights (or times
 * out, and the assertion that follows reports it).
 */
async function settle(frame: Frame | Page, expected: Counts, readsBefore = 0, timeout = 30_000): Promise<Counts & { reads: number }> {
  const until = Date.now() + timeout;
  for (;;) {
    const now = await counts(frame);
    if ((now.optOuts === expected.optOuts && now.exceptions === expected.exceptions && now.reads > readsBefore) || Date.now() > until) return now;
    await new Promise((done) => setTimeout(done, 150));
  }
}

// ── The suite ───────────────────────────────────────────────────────────────────────────────────────────────────

const { docs, source } = loadDocs();
const cases: Array<{ doc: PolicyDoc; index: number; layout: Layout }> = [];
docs.forEach((doc, index) => {
  cases.push({ doc, index, layout: 'plain' });
  for (const layout of ALL_LAYOUTS ? OTHER_LAYOUTS : [OTHER_LAYOUTS[index % OTHER_LAYOUTS.length]!]) cases.push({ doc, index, layout });
});

let server: SampleServer;
let extension: ExtensionBrowser;
let plainBrowser: Browser;
let page: Page;
let plainPage: Page;
const pageErrors: string[] = [];
const extensionErrors: string[] = [];
const extraPages: Record<string, string> = {};
const revealGains: string[] = [];

/** The pages each case needs, registered before the server starts. */
interface Prepared {
  path: string;
  expected: Counts;
  /** for the single-page app: the view after navigation */
  next?: { name: string; expected: Counts };
  revealBy?: 'click';
  frame?: boolean;
}
const prepared = new Map<string, Prepared>();
const plainCounts = new Map<string, Counts>();

function prepare(doc: PolicyDoc, index: number, layout: Layout): Prepared {
  const plain = plainCounts.get(doc.name) ?? cliCounts(doc.html, doc.name);
  plainCounts.set(doc.name, plain);
  const key = `${layout}--${doc.name}`;
  switch (layout) {
    case 'plain':
      extraPages[key] = doc.html;
      return { path: `/${key}.html`, expected: plain };
    case 'accordion': {
      const { html, revealedHtml } = accordionPage(doc);
      extraPages[key] = html;
      return { path: `/${key}.html`, expected: cliCounts(revealedHtml, doc.name), revealBy: 'click' };
    }
    case 'spa': {
      const second = docs[(index + 1) % docs.length]!;
      const { html, firstHtml, secondHtml } = spaPage(doc, second);
      extraPages[key] = html;
      return {
        path: `/${key}.html`,
        expected: cliCounts(firstHtml, doc.name),
        next: { name: second.name, expected: cliCounts(secondHtml, second.name) },
      };
    }
    case 'shadow': {
      const { html, flatHtml } = shadowPage(doc);
      extraPages[key] = html;
      return { path: `/${key}.html`, expected: cliCounts(flatHtml, doc.name) };
    }
    case 'frame': {
      const srcdoc = Math.floor(index / OTHER_LAYOUTS.length) % 2 === 1;
      extraPages[`frame-inner--${doc.name}`] = doc.html;
      extraPages[key] = framePage(doc, `/frame-inner--${doc.name}.html`, srcdoc);
      return { path: `/${key}.html`, expected: plain, frame: true };
    }
  }
}

beforeAll(async () => {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  console.info(`real-pages: ${source}; ${cases.length} pages (${ALL_LAYOUTS ? 'every layout' : 'plain for all, one rotating layout each'})`);
  for (const { doc, index, layout } of cases) prepared.set(`${layout}--${doc.name}`, prepare(doc, index, layout));
  server = await startSampleServer(0, extraPages);
  // CLAUSEMARK_EXTENSION_DIR: test another build than .output/chrome-mv3.
  extension = await launchWithExtension({ headless: true, extensionDir: process.env.CLAUSEMARK_EXTENSION_DIR });
  extension.context.on('weberror', (error) => pageErrors.push(`${error.page()?.url() ?? 'worker'}: ${error.error().message}`));
  extension.serviceWorker.on('console', (message) => {
    if (message.type() === 'error') extensionErrors.push(`service worker: ${message.text()}`);
  });
  plainBrowser = await chromium.launch({ executablePath: findBrowser()!, headless: true, args: QUIET_FLAGS });
  page = await extension.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // The page's own resources (favicon, images of the original site) fail to load offline: not errors of the
    // page's code or of the extension. Every other console error is a finding.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      extensionErrors.push(`${page.url()}: ${message.text()}`);
    }
  });
  plainPage = await plainBrowser.newPage({ viewport: { width: 1200, height: 900 } });
}, 300_000);

afterAll(async () => {
  await extension?.close();
  await plainBrowser?.close();
  await server?.close();
});

/** Brings a page (with or without the extension) into the case's final state. */
async function drive(target: Page, layout: Layout, prep: Prepared, phase: 'load' | 'reveal' | 'navigate'): Promise<void> {
  if (phase === 'load') {
    await target.goto(server.origin + prep.path);
    if (layout === 'spa') await target.waitForFunction(() => document.body.dataset.ready === '1');
    if (layout === 'frame') await target.frames()[1]!.waitForLoadState('load');
  } else if (phase === 'reveal') {
    await target.evaluate(() => {
      for (const toggle of Array.from(document.querySelectorAll<HTMLElement>('summary, [data-toggle]'))) toggle.click();
    });
  } else {
    await target.evaluate((name) => (window as unknown as { navigateTo(name: string): void }).navigateTo(name), prep.next!.name);
  }
}

describe(`real policy pages in several layouts (${source})`, () => {
  it.each(cases.map((c) => [`${c.layout}: ${c.doc.name}`, c] as const))('%s', async (_label, { doc, layout }) => {
    const prep = prepared.get(`${layout}--${doc.name}`)!;
    const errorsBefore = pageErrors.length + extensionErrors.length;
    await Promise.all([drive(page, layout, prep, 'load'), drive(plainPage, layout, prep, 'load')]);
    const target: Frame | Page = prep.frame ? page.frames()[1]! : page;

    let expected = prep.expected;
    let readsBefore = 0;
    if (prep.revealBy === 'click') {
      // Collapsed sections are invisible, so not read yet: wait for the first reading, then open everything.
      await page.waitForFunction(() => performance.getEntriesByName('clausemark:read').length > 0, null, { timeout: 30_000 });
      await new Promise((done) => setTimeout(done, 400));
      const before = await counts(page);
      readsBefore = before.reads;
      await Promise.all([drive(page, layout, prep, 'reveal'), drive(plainPage, layout, prep, 'reveal')]);
      if (before.optOuts + before.exceptions < expected.optOuts + expected.exceptions) {
        revealGains.push(`${doc.name}: ${before.optOuts}+${before.exceptions} before opening`);
      }
    }
    if (prep.next) {
      const first = await settle(page, expected);
      expect({ optOuts: first.optOuts, exceptions: first.exceptions }, 'highlights of the first view').toEqual(expected);
      await Promise.all([drive(page, layout, prep, 'navigate'), drive(plainPage, layout, prep, 'navigate')]);
      expected = prep.next.expected;
      // The replaced view must be read again; the counts then must be the new document's, not a sum.
      readsBefore = first.reads;
    }

    const settled = await settle(target, expected, readsBefore);
    expect({ optOuts: settled.optOuts, exceptions: settled.exceptions }, 'highlights vs the CLI on the same HTML').toEqual(expected);

    const [withExtension, without] = await Promise.all([snapshot(page), snapshot(plainPage)]);
    expect(withExtension.text).toEqual(without.text);
    expect(withExtension.boxes.length).toBe(without.boxes.length);
    expect(withExtension.boxes).toEqual(without.boxes);

    // Quiet afterwards: painting must not set off another reading (the observer ignores the extension's own work).
    await new Promise((done) => setTimeout(done, 1_200));
    const after = await counts(target);
    expect(after).toEqual(settled);
    expect([...pageErrors, ...extensionErrors].slice(errorsBefore)).toEqual([]);
  });

  it('had pages whose collapsed sections held clauses found only once opened (the observer read them)', () => {
    const accordionCases = cases.filter((c) => c.layout === 'accordion').length;
    console.info(`revealed later: ${revealGains.length} of ${accordionCases} accordion pages gained highlights after opening`);
    expect(accordionCases).toBeGreaterThan(0);
    expect(revealGains.length).toBeGreaterThan(0);
  });

  it('raised no error in any page, the content script or the service worker', () => {
    expect(pageErrors).toEqual([]);
    expect(extensionErrors).toEqual([]);
  });
});
