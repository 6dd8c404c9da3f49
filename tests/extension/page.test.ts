// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentFromSource } from '../../lib/node/cli/load-document';
import { annotate } from '../../lib/pipeline';
import type { AnnotatedDocument } from '../../lib/document/schema';
import { extractFromDom } from '../../lib/engine/extract/dom';
import { TOPIC_NAMES } from '../../lib/engine/model/topics';
import { annotationsOf, cardContent, type Annotation } from '../../lib/extension/page/annotations';
import { EXCEPTION_KIND_TITLES, exceptionReason } from '../../lib/engine/reasons';
import { fakePageContext } from '../../lib/extension/page/context';
import { PageController, sameText } from '../../lib/extension/page/controller';
import { Highlighter } from '../../lib/extension/page/highlighter';
import { HoverCard } from '../../lib/extension/page/hover-card';
import { createMockClient } from '../../lib/extension/messages/mock';
import type { BackgroundMessage } from '../../lib/extension/messages/client';
import type { BackgroundReply } from '../../lib/extension/messages/replies';
import { AnalysisReport, LIST_PART_ITEMS, TEXT_PART_CHARS } from '../../lib/extension/messages/protocol';
import { createExtractionUploads } from '../../lib/extension/background/uploads';
import { extractionProblem } from '../../lib/extension/background/handler';
import { defaultSettings } from '../../lib/extension/settings/settings';
import { unreadableLanguage } from '../../lib/engine/language';

/** The content script's page parts on a DOM: highlighter, hover card and its words, the controller with WXT's ctx. */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'policies', 'anthropic-privacy-policy.md');

// previewOf as it is, counted: how often the controller decides on a first look.
vi.mock('../../lib/extension/page/preview', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/extension/page/preview')>();
  return { ...original, previewOf: vi.fn(original.previewOf) };
});
const win = () => window as unknown as Window & typeof globalThis;

let doc: AnnotatedDocument;
beforeAll(async () => {
  const { title, extraction } = documentFromSource(readFileSync(FIXTURE, 'utf8'), '.md', 'Privacy Policy');
  doc = await annotate({ extraction, url: 'https://www.anthropic.com/legal/privacy', title, toolVersion: 'test', looksLikePolicy: true });
});

/** Every controller's context: a test's controller keeps watching the page until its context is invalidated. */
const contexts: Array<ReturnType<typeof fakePageContext>> = [];
function pageContext(): ReturnType<typeof fakePageContext> {
  const ctx = fakePageContext();
  contexts.push(ctx);
  return ctx;
}

afterEach(() => {
  // Stop the tests' controllers first: otherwise they would read (and paint) the next test's page.
  for (const ctx of contexts.splice(0)) if (!ctx.isInvalid) ctx.invalidate();
  document.documentElement.querySelectorAll('clausemark-card').forEach((host) => host.remove());
  document.body.replaceChildren();
});

/** The opt-out card's words as they were picked out of `why` by prefix, before the card was built from the findings. */
function offerCardFromWhy(item: Annotation) {
  const { clause } = item;
  const lines = [`You can opt out of ${TOPIC_NAMES[clause.topic]}.`];
  const how = clause.why.find((line) => line.startsWith('How:'));
  if (how) lines.push(how);
  const n = clause.exceptions.length;
  if (n > 0) lines.push(`But ${n} exception${n > 1 ? 's' : ''} still appl${n > 1 ? 'y' : 'ies'} after you opt out.`);
  if (clause.provision) lines.push(clause.provision.severity ? `${clause.provision.title} · ${clause.provision.severity} severity` : clause.provision.title);
  return { kind: 'opt-out', title: 'Opt-out offer', lines, why: clause.why.filter((line) => line.startsWith('Opt-out')) };
}

/** A stand-in for the CSS Custom Highlight API, which happy-dom lacks: names → highlights of ranges. */
async function withHighlightApi(run: (registry: Map<string, { ranges: Range[] }>) => void | Promise<void>): Promise<void> {
  const registry = new Map<string, { ranges: Range[] }>();
  const page = win() as unknown as Record<string, unknown>;
  const css = Object.getOwnPropertyDescriptor(page, 'CSS');
  page.Highlight = class {
    ranges: Range[];
    constructor(...ranges: Range[]) { this.ranges = ranges; }
    add(range: Range): void { this.ranges.push(range); }
  };
  Object.defineProperty(page, 'CSS', { value: { highlights: registry }, configurable: true });
  try {
    await run(registry);
  } finally {
    delete page.Highlight;
    if (css) Object.defineProperty(page, 'CSS', css);
    else delete page.CSS;
  }
}

describe('hover card words', () => {
  it('are built from the structured findings, word for word what the why lines said', () => {
    const offers = annotationsOf(doc, []).filter((item) => item.kind === 'opt-out');
    expect(offers.length).toBeGreaterThan(0);
    for (const item of offers) expect(cardContent(item)).toEqual(offerCardFromWhy(item));
  });

  it('speak of the hovered exception alone, titled by its kind', () => {
    const exceptions = annotationsOf(doc, []).filter((item) => item.kind === 'exception');
    expect(exceptions.length).toBeGreaterThan(1);
    for (const item of exceptions) {
      const card = cardContent(item);
      expect(card.title).toBe(EXCEPTION_KIND_TITLES[item.exception!.kind]);
      expect(card.lines[0]).toBe(item.exception!.plain);
      // one reason, the clause's own why line for this exception
      expect(card.why).toEqual([exceptionReason(item.exception!)]);
      expect(item.clause.why).toContain(card.why[0]);
    }
    const withTwo = exceptions.find((item) => item.clause.exceptions.length > 1)!;
    expect(cardContent(withTwo).why).toHaveLength(1);
    expect(EXCEPTION_KIND_TITLES['not-retroactive']).not.toMatch(/still happens/i);
  });

  it('give no severity for a promise, whose provision has none', () => {
    const offer = annotationsOf(doc, []).find((item) => item.kind === 'opt-out')!;
    const provision = { id: 'selling', title: 'Selling or sharing', severity: null, polarity: 'promise' as const, match: 'type' as const, similarity: 0.9, knownClauseId: null, platform: null, recordedAt: null };
    const lines = cardContent({ ...offer, clause: { ...offer.clause, provision } }).lines;
    expect(lines).toContain('Selling or sharing');
    expect(lines.join(' ')).not.toMatch(/null|severity/);
  });

  it('leave out the topics the person chose not to highlight', () => {
    const topic = doc.clauses.find((clause) => clause.optOut !== null)!.topic;
    expect(annotationsOf(doc, [topic]).some((item) => item.clause.topic === topic)).toBe(false);
  });
});

describe('HoverCard', () => {
  it('shows text only, in a closed shadow root on a host outside <body>, and hides and goes', () => {
    let shadow: ShadowRoot | null = null;
    const attach = Element.prototype.attachShadow;
    const spy = vi.spyOn(Element.prototype, 'attachShadow').mockImplementation(function (this: Element, init) {
      shadow = attach.call(this, init);
      return shadow;
    });
    const card = new HoverCard(document);
    card.show({ kind: 'exception', title: 'Still happens', lines: ['<b>not markup</b>'], why: ['Exception: “even if”'] }, 10, 10);
    spy.mockRestore();
    const host = document.documentElement.querySelector('clausemark-card');
    expect(host?.parentElement).toBe(document.documentElement);
    expect(document.body.contains(host)).toBe(false);
    const box = shadow!.querySelector('.card') as HTMLElement;
    expect(box.dataset.kind).toBe('exception');
    expect(box.querySelector('h2')?.textContent).toBe('Still happens');
    expect(box.querySelector('p')?.textContent).toBe('<b>not markup</b>');
    expect(box.querySelector('b')).toBeNull();
    expect(box.querySelector('.why')?.textContent).toBe('Why highlighted: Exception: “even if”');
    card.hide();
    expect(box.hidden).toBe(true);
    card.remove();
    expect(document.documentElement.querySelector('clausemark-card')).toBeNull();
  });
});

describe('Highlighter', () => {
  it('without the Highlight API, wraps each span in <mark> and puts the text back on clear', () => {
    document.body.innerHTML = '<p>You can opt out <em>at any time</em>. Even if you opt out, we keep logs.</p>';
    const extraction = extractFromDom(document.body);
    const start = extraction.text.indexOf('opt out at');
    const highlighter = new Highlighter(win(), extraction.runs);
    expect(highlighter.usesHighlightApi).toBe(false);
    expect(highlighter.paint({ 'opt-out': [{ start, end: start + 'opt out at any'.length }] })).toBeGreaterThan(0);
    const marks = [...document.querySelectorAll('mark')];
    expect(marks.map((mark) => mark.textContent).join('')).toBe('opt out at any');
    expect(document.body.textContent).toBe('You can opt out at any time. Even if you opt out, we keep logs.');
    highlighter.clear();
    expect(document.querySelectorAll('mark')).toHaveLength(0);
    expect(document.body.textContent).toBe('You can opt out at any time. Even if you opt out, we keep logs.');
  });

  it('with the Highlight API, registers ranges and leaves the DOM alone', async () => {
    document.body.innerHTML = '<p>You can opt out at any time.</p>';
    await withHighlightApi((registry) => {
      const extraction = extractFromDom(document.body);
      const before = document.body.innerHTML;
      const highlighter = new Highlighter(win(), extraction.runs);
      expect(highlighter.usesHighlightApi).toBe(true);
      highlighter.paint({ exception: [{ start: 8, end: 15 }] });
      expect(document.body.innerHTML).toBe(before);
      expect(registry.get('clausemark-exception')?.ranges[0]?.toString()).toBe('opt out');
      highlighter.clear();
      expect(registry.has('clausemark-exception')).toBe(false);
    });
  });
});

/**
 * The fixture policy as a page: its blocks as headings, paragraphs and lists (list items in a list: the analysis
 * reads a list's lead-in and items together), enough for it to read like the policy the CLI reads.
 */
function showPolicyPage(): void {
  const markdown = readFileSync(FIXTURE, 'utf8');
  document.title = 'Privacy Policy';
  const { extraction } = documentFromSource(markdown, '.md', 'Privacy Policy');
  const elements: HTMLElement[] = [];
  for (const block of extraction.blocks) {
    const element = document.createElement(block.kind === 'heading' ? 'h2' : block.kind === 'list-item' ? 'li' : 'p');
    element.textContent = extraction.text.slice(block.start, block.end);
    if (block.kind !== 'list-item') {
      elements.push(element);
      continue;
    }
    let list = elements.at(-1);
    if (list?.tagName !== 'UL') {
      list = document.createElement('ul');
      elements.push(list);
    }
    list.append(element);
  }
  document.body.replaceChildren(...elements);
}

/** The fixture three times over: long enough for a first look, and sent in parts. */
function showLongPolicyPage(): void {
  showPolicyPage();
  const copies = [...document.body.children].map((element) => element.cloneNode(true));
  document.body.append(...copies.map((node) => node.cloneNode(true)), ...copies.map((node) => node.cloneNode(true)));
}

/** A stand-in background for a long page: settings, parts and analyses as the real one answers them. */
function longPageClient(): ReturnType<typeof createMockClient> {
  return createMockClient({
    'get-settings': () => ({ ok: true, settings: defaultSettings() }),
    'analysis-part': backgroundTakesPart,
    analysis: backgroundAnswer,
  });
}

/** The background's store of pages sent in parts, for the stand-in below (one per test file is enough). */
const uploads = createExtractionUploads();

/** A stand-in for the background taking a part of a long page, as the real one does. */
async function backgroundTakesPart(message: BackgroundMessage<'analysis-part'>): Promise<BackgroundReply<'analysis-part'>> {
  const problem = uploads.add(`tab:${message.upload}`, message);
  return problem === null ? { ok: true } : { ok: false, error: problem };
}

/** A stand-in for the background: it runs the pipeline on the extraction it receives, as the real one does. */
async function backgroundAnswer(message: BackgroundMessage<'analysis'>): Promise<BackgroundReply<'analysis'>> {
  if (message.parts !== undefined) {
    const taken = uploads.take(`tab:${message.parts.upload}`, message.parts.count, message.parts.length);
    if ('error' in taken) return { ok: false, error: taken.error };
    message = { ...message, ...taken, parts: undefined };
  }
  const problem = extractionProblem(message);
  if (problem !== null) return { ok: false, error: problem };
  const document = await annotate({
    extraction: { text: message.text, blocks: message.blocks, links: message.links },
    url: message.url,
    title: message.title,
    heading: message.heading,
    looksLikePolicy: message.looksLikePolicy,
    toolVersion: 'test',
  });
  return { ok: true, document };
}

describe('PageController with WXT ctx', () => {
  it('reads, paints and reports a policy; after the extension is updated nothing of it is left running', async () => {
    showPolicyPage();
    const pageText = extractFromDom(document.body).text;
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: defaultSettings() }),
      analysis: backgroundAnswer,
    });
    await withHighlightApi(async (registry) => {
      const ctx = pageContext();
      const controller = new PageController(win(), client, 'test', ctx);
      const result = await controller.run(true);
      expect(result.status).toBe('done');
      // the page is read here and analysed in the background: one message with the extraction, no analysis here
      // the fixture is long enough for a first look at its start: the whole page is the last message
      expect(client.sent.map((message) => ('type' in message ? message.type : ''))).toEqual(['get-settings', 'analysis', 'analysis']);
      const sent = client.sent[2] as BackgroundMessage<'analysis'>;
      expect(AnalysisReport.safeParse(sent).success).toBe(true);
      expect(sent).toMatchObject({ type: 'analysis', url: window.location.href, title: 'Privacy Policy', looksLikePolicy: true, text: pageText });
      expect(sent.blocks).toHaveLength(document.body.querySelectorAll('h2, p, li').length);
      expect(extractionProblem(sent)).toBeNull();
      // what is painted is the background's answer
      expect(result.document!.document.title).toBe('Privacy Policy');
      expect(result.document!.clauses.map((clause) => clause.id)).toEqual(doc.clauses.map((clause) => clause.id));
      expect(registry.get('clausemark-opt-out')?.ranges.length).toBeGreaterThan(0);
      expect(registry.get('clausemark-exception')?.ranges.length).toBeGreaterThan(0);
      const clause = result.document!.clauses.find((candidate) => candidate.optOut !== null)!;
      expect(controller.jumpTo(clause.id)).toBe(true);

      ctx.invalidate();
      expect(registry.size).toBe(0);
      expect((await controller.run(true)).status).toBe('failed');
      expect(controller.jumpTo(clause.id)).toBe(false);
    });
  });

  it('"analyse anyway" asked during an automatic pass on a page not named like a policy reads the page', async () => {
    // A page that changes all the time sets off automatic passes ("not a policy": its name says nothing); the
    // request from the toolbar must not be answered with the pass that happened to be under way.
    showPolicyPage();
    document.title = 'Stress page';
    let release: () => void = () => undefined;
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: { ...defaultSettings(), automatic: true } }),
      'not-a-policy': () => new Promise((done) => (release = () => done({ ok: true }))),
      'analysis-part': backgroundTakesPart,
      analysis: backgroundAnswer,
    });
    await withHighlightApi(async () => {
      const controller = new PageController(win(), client, 'test', pageContext());
      const automatic = controller.run(false);
      const asked = controller.run(true);
      const joining = controller.run(false); // another automatic pass meanwhile joins the asked-for reading
      // the automatic pass is held at its "not a policy" message until the other two were asked for
      await vi.waitFor(() => expect(client.sent.some((message) => 'type' in message && message.type === 'not-a-policy')).toBe(true));
      release();
      expect((await automatic).status).toBe('not-a-policy');
      expect((await asked).status).toBe('done');
      expect((await joining).status).toBe('done');
      expect(client.sent.filter((message) => 'type' in message && message.type === 'analysis' && message.preview !== true)).toHaveLength(1);
    });
  });

  it('hears a single-page app that inserts its policy while the first reading is under way', async () => {
    // The shell is read first ("Loading…": not a policy); the app's view arrives before that run has finished.
    document.title = 'Privacy Policy';
    document.body.innerHTML = '<main id="app"><p>Loading…</p></main>';
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: { ...defaultSettings(), automatic: true } }),
      'not-a-policy': () => {
        showPolicyPage();
        return { ok: true };
      },
      analysis: backgroundAnswer,
    });
    await withHighlightApi(async (registry) => {
      const ctx = pageContext();
      const controller = new PageController(win(), client, 'test', ctx);
      expect((await controller.run(false)).status).toBe('not-a-policy');
      await vi.waitFor(() => expect(registry.get('clausemark-opt-out')?.ranges.length).toBeGreaterThan(0), { timeout: 5_000 });
      const sent = client.sent.findLast((message) => 'type' in message && message.type === 'analysis' && message.preview !== true) as BackgroundMessage<'analysis'>;
      expect(sent.text).toBe(extractFromDom(document.body).text);
      ctx.invalidate();
    });
  });

  it('paints nothing and reports the failure when the background refuses the page', async () => {
    showPolicyPage();
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: defaultSettings() }),
      analysis: () => ({ ok: false, error: "the page's text could not be read: block 3 is outside the text or out of order" }),
      'analysis-failed': () => ({ ok: true }),
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await withHighlightApi(async (registry) => {
        const controller = new PageController(win(), client, 'test', pageContext());
        const result = await controller.run(true);
        expect(result.status).toBe('failed');
        expect(registry.size).toBe(0);
        expect(client.sent.at(-1)).toEqual({ type: 'analysis-failed', reason: "the page's text could not be read: block 3 is outside the text or out of order" });
      });
    } finally {
      warn.mockRestore();
    }
  });

  it('hands a French page named like a policy to the background, which says it cannot read it; nothing is painted', async () => {
    const before = window.location.href;
    window.history.replaceState(null, '', '/legal/confidentialite');
    document.documentElement.setAttribute('lang', 'fr');
    document.title = 'Politique de confidentialité';
    const paragraph = document.createElement('p');
    paragraph.textContent = "Nous utilisons vos données personnelles pour fournir et améliorer nos services. Vous pouvez vous opposer à l'utilisation de vos conversations pour l'entraînement de nos modèles dans les paramètres de votre compte.";
    document.body.replaceChildren(paragraph);
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: { ...defaultSettings(), automatic: true } }),
      // The background's own check, on what the page sent.
      analysis: async (message) => {
        const language = unreadableLanguage({ lang: message.lang, text: message.text });
        return language ? { ok: true, unsupportedLanguage: language } : backgroundAnswer(message);
      },
    });
    try {
      await withHighlightApi(async (registry) => {
        const controller = new PageController(win(), client, 'test', pageContext());
        expect((await controller.run(false)).status).toBe('unsupported-language');
        const sent = client.sent.findLast((message) => 'type' in message && message.type === 'analysis' && message.preview !== true) as BackgroundMessage<'analysis'>;
        expect(sent).toMatchObject({ lang: 'fr', looksLikePolicy: false });
        expect(AnalysisReport.safeParse(sent).success).toBe(true);
        expect(registry.size).toBe(0);
        // Read again with nothing new: the page is not sent a second time.
        const count = client.sent.length;
        expect((await controller.run(false)).status).toBe('unsupported-language');
        expect(client.sent.slice(count).filter((message) => 'type' in message && message.type === 'analysis')).toEqual([]);
        controller.stop();
      });
    } finally {
      document.documentElement.removeAttribute('lang');
      window.history.replaceState(null, '', before);
    }
  });
});

describe('Highlighter.paintInSlices', () => {
  function page(paragraphs: number): ReturnType<typeof extractFromDom> {
    document.body.innerHTML = Array.from({ length: paragraphs }, (_, i) => `<p>Clause ${String(i).padStart(3, '0')} you can opt out.</p>`).join('');
    return extractFromDom(document.body);
  }

  it('paints what is in view first, then the rest nearest first, yielding between slices', async () => {
    const extraction = page(60);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs);
      const from = spans[40]!.start;
      let clock = 0;
      let pauses = 0;
      const progress: number[] = [];
      const painted = await highlighter.paintInSlices({ 'opt-out': spans }, from, async () => void pauses++, (count) => progress.push(count), 4, () => clock++);
      expect(painted).toBe(60);
      expect(pauses).toBeGreaterThan(5);
      expect(progress.at(-1)).toBe(60);
      const texts = registry.get('clausemark-opt-out')!.ranges.map((range) => range.toString().slice(0, 10));
      expect(texts.slice(0, 20)).toEqual(spans.slice(40).map((_, i) => `Clause ${String(40 + i).padStart(3, '0')}`));
      expect(texts.slice(20, 22)).toEqual(['Clause 039', 'Clause 038']);
      expect(new Set(texts).size).toBe(60);
    });
  });

  it('registers the highlights in few steps, not once per slice: after the first slice, then at the end', async () => {
    // Each change to a registered highlight makes the browser repaint them all (a walk of the whole page in Chromium).
    const extraction = page(60);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const sets: Array<[string, number]> = [];
      const set = registry.set.bind(registry);
      registry.set = (name, highlight) => {
        sets.push([name, highlight.ranges.length]);
        return set(name, highlight);
      };
      const highlighter = new Highlighter(win(), extraction.runs);
      let clock = 0;
      let pauses = 0;
      const progress: number[] = [];
      await highlighter.paintInSlices({ 'opt-out': spans.slice(0, 30), exception: spans.slice(30) }, 0, async () => void pauses++, (count) => progress.push(count), 4, () => clock++);
      expect(pauses).toBeGreaterThan(5);
      // two registrations per kind: what the first slice gathered (what is in view), then everything
      expect(sets.filter(([name]) => name === 'clausemark-opt-out').length).toBe(2);
      expect(sets.filter(([name]) => name === 'clausemark-exception').length).toBe(2);
      expect(sets.at(-2)).toEqual(['clausemark-opt-out', 30]);
      expect(sets.at(-1)).toEqual(['clausemark-exception', 30]);
      expect(progress).toHaveLength(2);
      expect(progress[0]).toBeGreaterThan(0);
      expect(progress[1]).toBe(60);
    });
  });

  it('on a long paint registers at most once a second, and keeps a high-contrast name the highlights were moved to', async () => {
    const extraction = page(200);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs);
      let clock = 0;
      let registrations = 0;
      const painted = await highlighter.paintInSlices({ 'opt-out': spans }, 0, async () => {}, () => {
        registrations++;
        // the painter moves the highlights to their high-contrast name after the first registration
        if (registrations === 1) {
          registry.set('clausemark-opt-out-hc', registry.get('clausemark-opt-out')!);
          registry.delete('clausemark-opt-out');
        }
      }, 4, () => (clock += 25));
      expect(painted).toBe(200);
      // 200 spans at 25 ms per clock reading: several seconds of painting, a registration a second at most
      expect(clock).toBeGreaterThan(5_000);
      expect(registrations).toBeLessThanOrEqual(Math.ceil(clock / 1_000) + 1);
      expect(registrations).toBeGreaterThan(2);
      expect(registry.has('clausemark-opt-out')).toBe(false);
      expect(registry.get('clausemark-opt-out-hc')!.ranges).toHaveLength(200);
    });
  });

  it('when the highlights reach into more text nodes than its budget, registers only a window around the view, which follows the scroll', async () => {
    const limits = { nodeBudget: 20 }; // one text node a paragraph here: 10 highlights each side of the view
    const extraction = page(60);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs, limits);
      let clock = 0;
      const inView = 40;
      const painted = await highlighter.paintInSlices({ 'opt-out': spans }, spans[inView]!.start, async () => {}, () => {}, 4, () => clock++);
      expect(painted).toBe(limits.nodeBudget);
      const registered = () => registry.get('clausemark-opt-out')!.ranges.map((range) => Number(/Clause (\d+)/.exec(range.toString())![1]));
      expect(registered()).toHaveLength(limits.nodeBudget);
      expect(Math.min(...registered())).toBe(inView - limits.nodeBudget / 2);
      expect(Math.max(...registered())).toBe(inView + limits.nodeBudget / 2 - 1);
      // Scrolled back to the top (this DOM has no layout: every box is at 0, so the first text is the one in view).
      window.dispatchEvent(new Event('scroll'));
      await new Promise((resolve) => window.requestAnimationFrame(() => resolve(undefined)));
      expect(Math.min(...registered())).toBe(0);
      expect(registered()).toHaveLength(limits.nodeBudget / 2);
      // Cleared: the window stops following.
      highlighter.clear();
      window.dispatchEvent(new Event('scroll'));
      await new Promise((resolve) => window.requestAnimationFrame(() => resolve(undefined)));
      expect(registry.has('clausemark-opt-out')).toBe(false);
    });
  });

  /** Paints every block of the page as an opt-out, the view at block `inView`; how many were painted and registered. */
  async function paintWithBudget(extraction: ReturnType<typeof extractFromDom>, nodeBudget: number, inView: number): Promise<{ painted: number; registered: number }> {
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    let result = { painted: 0, registered: 0 };
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs, { nodeBudget });
      let clock = 0;
      const painted = await highlighter.paintInSlices({ 'opt-out': spans }, spans[inView]!.start, async () => {}, () => {}, 4, () => clock++);
      result = { painted, registered: registry.get('clausemark-opt-out')!.ranges.length };
      highlighter.clear(); // a window that follows the scroll stops following: later tests scroll this page
    });
    return result;
  }

  it('counts the text nodes a highlight reaches into, not the highlights: fewer are registered where each covers many', async () => {
    document.body.innerHTML = Array.from({ length: 60 }, (_, i) => `<p>Clause <b>${i}</b> you <i>can</i> opt <u>out</u>.</p>`).join('');
    // seven text nodes a paragraph: 35 on each side of the view is five paragraphs
    expect(await paintWithBudget(extractFromDom(document.body), 70, 30)).toEqual({ painted: 10, registered: 10 });
  });

  it('registers every highlight when they reach into no more text nodes than its budget', async () => {
    expect(await paintWithBudget(page(30), 30, 15)).toEqual({ painted: 30, registered: 30 });
  });

  it('a paint over highlights still showing (the first look) keeps them until its own are ready, then swaps once', async () => {
    const extraction = page(60);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs);
      let clock = 0;
      await highlighter.paintInSlices({ 'opt-out': spans.slice(0, 5) }, 0, async () => {}, () => {}, 4, () => clock++);
      const firstLook = registry.get('clausemark-opt-out')!;
      expect(firstLook.ranges).toHaveLength(5);
      const seenBetweenSlices: number[] = [];
      let registrations = 0;
      await highlighter.paintInSlices({ 'opt-out': spans }, 0, async () => void seenBetweenSlices.push(registry.get('clausemark-opt-out')!.ranges.length), () => registrations++, 4, () => clock++);
      expect(seenBetweenSlices.length).toBeGreaterThan(5);
      expect(new Set(seenBetweenSlices)).toEqual(new Set([5])); // the first look's, never a half-registered whole
      expect(registrations).toBe(1);
      expect(registry.get('clausemark-opt-out')!.ranges).toHaveLength(60);
    });
  });

  it('`live` registration (Firefox): one highlight registered at once, filled slice by slice, window kept', async () => {
    const extraction = page(60);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs, { registration: 'live', nodeBudget: 40 });
      let clock = 0;
      const seen: Array<[unknown, number]> = [];
      const progress: number[] = [];
      const painted = await highlighter.paintInSlices({ 'opt-out': spans }, 0, async () => {
        const highlight = registry.get('clausemark-opt-out')!;
        seen.push([highlight, highlight.ranges.length]);
      }, (count) => progress.push(count), 4, () => clock++);
      expect(painted).toBe(20); // the window: 20 spans from the top
      expect(seen.length).toBeGreaterThan(3);
      expect(new Set(seen.map(([highlight]) => highlight)).size).toBe(1); // one registered object throughout
      const lengths = seen.map(([, length]) => length);
      expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
      expect(lengths[0]).toBeGreaterThan(0);
      expect(progress.length).toBeGreaterThan(3); // told after every slice
      expect(registry.get('clausemark-opt-out')!.ranges).toHaveLength(20);
    });
  });

  it('stops a paint in slices when the highlights are cleared meanwhile', async () => {
    const extraction = page(40);
    const spans = extraction.blocks.map((block) => ({ start: block.start, end: block.end }));
    await withHighlightApi(async (registry) => {
      const highlighter = new Highlighter(win(), extraction.runs);
      let clock = 0;
      const painted = await highlighter.paintInSlices({ exception: spans }, 0, async () => highlighter.clear(), () => {}, 4, () => clock++);
      expect(painted).toBeLessThan(40);
      expect(registry.has('clausemark-exception')).toBe(false);
    });
  });
});

describe('previewOf', () => {
  const blocksOf = (text: string) => {
    const blocks: Array<{ start: number; end: number; kind: 'paragraph'; level: number }> = [];
    let start = 0;
    for (const part of text.split('\n\n')) {
      blocks.push({ start, end: start + part.length, kind: 'paragraph', level: 0 });
      start += part.length + 2;
    }
    return blocks;
  };

  it('is the start of a long page up to the end of the block past PREVIEW_CHARS from what is in view', async () => {
    const { previewOf, PREVIEW_CHARS } = await import('../../lib/extension/page/preview');
    const text = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} says you can opt out at any time.`).join('\n\n');
    const blocks = blocksOf(text);
    const links = [{ start: 0, end: 9, href: '/a' }, { start: text.length - 5, end: text.length, href: '/b' }];
    const preview = previewOf({ text, blocks, links }, 0)!;
    expect(preview.text).toBe(text.slice(0, preview.text.length));
    expect(preview.text.length).toBeGreaterThanOrEqual(PREVIEW_CHARS);
    expect(preview.text.length).toBeLessThan(PREVIEW_CHARS + 100);
    expect(preview.blocks.at(-1)!.end).toBe(preview.text.length);
    expect(preview.blocks).toEqual(blocks.slice(0, preview.blocks.length));
    expect(preview.links).toEqual([links[0]]);
    // further down the page, a longer start
    expect(previewOf({ text, blocks, links }, 2_000)!.text.length).toBeGreaterThanOrEqual(PREVIEW_CHARS + 2_000);
  });

  it('is null for a page short enough for one round trip, or a view far down the page', async () => {
    const { previewOf, PREVIEW_MAX_START } = await import('../../lib/extension/page/preview');
    const short = 'You can opt out.\n\nWe keep logs.';
    expect(previewOf({ text: short, blocks: blocksOf(short), links: [] }, 0)).toBeNull();
    const long = Array.from({ length: 4000 }, (_, i) => `Paragraph ${i} says you can opt out at any time.`).join('\n\n');
    expect(previewOf({ text: long, blocks: blocksOf(long), links: [] }, PREVIEW_MAX_START + 1)).toBeNull();
  });
});

describe('PageController on a long page', () => {
  it('sends a first look at the start of the page, then the whole page, and ends with the whole analysis painted', async () => {
    showLongPolicyPage();
    // An offer and its exception in the first view (the fixture's first offer is further down).
    const top = document.createElement('p');
    top.textContent = 'You can opt out of marketing emails at any time. Even if you opt out, we will still send you service messages.';
    document.body.prepend(top);
    const client = longPageClient();
    await withHighlightApi(async (registry) => {
      const controller = new PageController(win(), client, 'test', pageContext());
      const result = await controller.run(true);
      expect(result.status).toBe('done');
      const types = client.sent.map((message) => ('type' in message ? message.type : ''));
      expect(types.filter((type) => type !== 'analysis-part')).toEqual(['get-settings', 'analysis', 'analysis']);
      const [first, whole] = client.sent.filter((message) => 'type' in message && message.type === 'analysis') as Array<BackgroundMessage<'analysis'>>;
      expect(first!.preview).toBe(true);
      expect(whole!.preview).toBeUndefined();
      expect(AnalysisReport.safeParse(first).success).toBe(true);
      // A page past TEXT_PART_CHARS goes ahead in parts, each small enough to clone quickly, in order.
      const parts = client.sent.filter((message) => 'type' in message && message.type === 'analysis-part') as Array<BackgroundMessage<'analysis-part'>>;
      const wholeText = parts.map((part) => part.text).join('');
      expect(wholeText.length).toBeGreaterThan(2 * TEXT_PART_CHARS);
      expect([whole!.text, whole!.blocks, whole!.links]).toEqual(['', [], []]);
      expect(parts.map((part) => part.index)).toEqual(parts.map((_, i) => i));
      expect(parts.every((part) => part.text.length <= TEXT_PART_CHARS && part.blocks.length <= LIST_PART_ITEMS)).toBe(true);
      expect(whole!.parts).toMatchObject({ count: parts.length, length: wholeText.length });
      // after the first look, before the whole page's message
      expect(types.indexOf('analysis-part')).toBeGreaterThan(types.indexOf('analysis'));
      expect(types.lastIndexOf('analysis-part')).toBeLessThan(types.lastIndexOf('analysis'));
      const wholeMessage = { ...whole!, text: wholeText, blocks: parts.flatMap((part) => part.blocks), links: parts.flatMap((part) => part.links), parts: undefined };
      // the parts put together are the page as read in one piece
      expect(wholeMessage.blocks).toEqual(extractFromDom(document.body).blocks);
      // what stays painted is the whole analysis
      const wholeDocument = (await backgroundAnswer(wholeMessage)) as { ok: true; document: AnnotatedDocument };
      const expected = annotationsOf(wholeDocument.document, defaultSettings().hiddenTopics).filter((item) => item.kind === 'opt-out').length;
      expect(registry.get('clausemark-opt-out')!.ranges).toHaveLength(expected);
      expect(result.document!.clauses.map((clause) => clause.id)).toEqual(wholeDocument.document.clauses.map((clause) => clause.id));
      // the timeline says how the first look compared: nothing it painted was taken away
      const mark = performance.getEntriesByType('mark').map((entry) => entry.name).findLast((name) => name.startsWith('clausemark:preview:'));
      expect(mark).toBeDefined();
      const [painted, dropped] = mark!.split(':').slice(2).map(Number);
      expect(painted).toBeGreaterThan(0);
      expect(dropped).toBe(0);
    });
  });
});

describe('PageController given a huge analysis', () => {
  it('asks for its clauses part by part and paints them all, as if the document had come whole', async () => {
    showLongPolicyPage();
    const asked: number[] = [];
    let parts: AnnotatedDocument['clauses'][] = [];
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: defaultSettings() }),
      'analysis-part': backgroundTakesPart,
      analysis: async (message) => {
        const reply = await backgroundAnswer(message);
        if (reply.ok !== true || !('document' in reply) || message.preview === true) return reply;
        // The background's way with a huge document: its clauses in three parts, under a download id.
        const { clauses } = reply.document;
        const third = Math.ceil(clauses.length / 3);
        parts = [clauses.slice(0, third), clauses.slice(third, 2 * third), clauses.slice(2 * third)];
        return { ok: true, document: { ...reply.document, clauses: [] }, clauseParts: { download: 'd-1', count: 3 } };
      },
      'analysis-reply-part': (message) => {
        asked.push(message.index);
        return message.download === 'd-1' && parts[message.index] !== undefined ? { ok: true, clauses: parts[message.index]! } : { ok: false, error: 'no such part' };
      },
    });
    await withHighlightApi(async (registry) => {
      const result = await new PageController(win(), client, 'test', pageContext()).run(true);
      expect(result.status).toBe('done');
      expect(asked).toEqual([0, 1, 2]);
      const whole = parts.flat();
      expect(result.document!.clauses).toEqual(whole);
      const expected = annotationsOf({ ...result.document!, clauses: whole }, defaultSettings().hiddenTopics).filter((item) => item.kind === 'opt-out').length;
      expect(expected).toBeGreaterThan(0);
      expect(registry.get('clausemark-opt-out')!.ranges).toHaveLength(expected);
    });
  });
});

describe('PageController while its first look is out', () => {
  it('pauses the reading until the first look is painted, so the background has the CPU to answer it', async () => {
    showLongPolicyPage();
    let answerFirstLook: () => void = () => undefined;
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: defaultSettings() }),
      'analysis-part': backgroundTakesPart,
      analysis: (message) => message.preview === true
        ? new Promise<void>((resolve) => { answerFirstLook = resolve; }).then(() => backgroundAnswer(message))
        : backgroundAnswer(message),
    });
    // Every element the reading looks at is asked whether it is visible: the count says how far it got.
    const asked = vi.spyOn(Element.prototype, 'checkVisibility');
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      await withHighlightApi(async () => {
        // A slow page: every look at the clock is 5 ms later, so the reading pauses every few elements.
        let clock = performance.now();
        const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 5));
        const run = new PageController(win(), client, 'test', pageContext()).run(true);
        while (!client.sent.some((message) => 'preview' in message && message.preview === true)) await sleep(1);
        await sleep(10); // the slice that sent it ends
        const whileOut = asked.mock.calls.length;
        await sleep(60);
        expect(asked.mock.calls.length).toBe(whileOut);
        answerFirstLook();
        const result = await run;
        now.mockRestore();
        expect(result.status).toBe('done');
        expect(asked.mock.calls.length).toBeGreaterThan(whileOut);
      });
    } finally {
      asked.mockRestore();
    }
  });
});

describe('PageController whose first look is slow to come back', () => {
  it('waits for it FIRST_LOOK_HEAD_START_MS in all, not at every slice of the reading', async () => {
    showLongPolicyPage();
    // Every element the reading looks at is asked whether it is visible: the count says how far it got.
    const asked = vi.spyOn(Element.prototype, 'checkVisibility');
    let readWhenAnswered = -1;
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: defaultSettings() }),
      'analysis-part': backgroundTakesPart,
      analysis: (message) => message.preview === true
        ? new Promise((resolve) => setTimeout(resolve, 800)).then(() => {
          readWhenAnswered = asked.mock.calls.length;
          return backgroundAnswer(message);
        })
        : backgroundAnswer(message),
    });
    try {
      await withHighlightApi(async () => {
        // A slow page: every look at the clock is 5 ms later, so the reading pauses every few elements.
        let clock = performance.now();
        const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 5));
        const result = await new PageController(win(), client, 'test', pageContext()).run(true);
        now.mockRestore();
        expect(result.status).toBe('done');
        // By the time the first look comes back the reading has gone on through many slices (the whole page is
        // about 1,100 elements): a wait at every slice let 174 through.
        expect(readWhenAnswered).toBeGreaterThan(500);
      });
    } finally {
      asked.mockRestore();
    }
  });
});

describe('PageController reading a long page again', () => {
  it('sends no first look: the highlights it shows stay until the new analysis', async () => {
    showLongPolicyPage();
    const client = longPageClient();
    await withHighlightApi(async (registry) => {
      const controller = new PageController(win(), client, 'test', pageContext());
      expect((await controller.run(true)).status).toBe('done');
      const previews = () => client.sent.filter((message) => 'preview' in message && message.preview === true).length;
      expect(previews()).toBe(1);
      const shown = registry.get('clausemark-opt-out')!.ranges.length;
      // The page changes (one more paragraph at its end), and it is read again.
      const more = document.createElement('p');
      more.textContent = 'You can also opt out of surveys at any time.';
      document.body.append(more);
      expect((await controller.run(true)).status).toBe('done');
      expect(previews()).toBe(1);
      expect(registry.get('clausemark-opt-out')!.ranges.length).toBeGreaterThanOrEqual(shown);
    });
  });
});

describe('PageController on a long page whose start is no policy', () => {
  it('decides once, not at every slice of the reading, that its start gets no first look', async () => {
    const { previewOf } = await import('../../lib/extension/page/preview');
    showPolicyPage();
    // A long menu of plain words on top (no legal vocabulary): the start of the page is not worth a first look.
    const menu = Array.from({ length: 600 }, (_, i) => {
      const item = document.createElement('p');
      item.textContent = `Menu item ${i}: coffee, tea, cake and biscuits from the bakery next door.`;
      return item;
    });
    document.body.prepend(...menu);
    window.scrollTo(0, 0);
    const client = longPageClient();
    await withHighlightApi(async () => {
      vi.mocked(previewOf).mockClear();
      // A slow page: every look at the clock is 5 ms later, so each pause of the reading (every 32 nodes) ends a slice.
      let clock = performance.now();
      const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 5));
      const result = await new PageController(win(), client, 'test', pageContext()).run(false);
      now.mockRestore();
      expect(result.status).toBe('done');
      // The whole page, after at most one first look: what is in view once the page is read.
      const analyses = client.sent.filter((message) => 'type' in message && message.type === 'analysis') as Array<BackgroundMessage<'analysis'>>;
      expect(analyses.at(-1)!.preview).toBeUndefined();
      expect(analyses.length).toBeLessThanOrEqual(2);
      // read in many slices, decided on once while reading and once at the end
      expect(performance.getEntriesByType('measure').some((entry) => entry.name === 'clausemark:extract' && entry.duration > 20 * 5)).toBe(true);
      expect(vi.mocked(previewOf).mock.calls.length).toBeLessThanOrEqual(2);
    });
  });
});

describe('sameText', () => {
  it('compares two readings slice by slice: equal only when every character is', () => {
    const groups = Array.from({ length: 40 }, (_, i) => `group ${i} `.repeat(500));
    const joined = groups.join('');
    const concatenated = groups.reduce((text, group) => text + group, '');
    expect(sameText(joined, concatenated)).toBe(true);
    expect(sameText(joined, `${concatenated.slice(0, -1)}!`)).toBe(false);
    expect(sameText(joined, `!${concatenated.slice(1)}`)).toBe(false);
    expect(sameText(joined, concatenated.slice(1))).toBe(false);
    expect(sameText(null, '')).toBe(false);
    expect(sameText('', '')).toBe(true);
  });
});

describe('PageController sending a long page in parts', () => {
  it('sends the parts once more when the background lost them (stopped and started between two messages)', async () => {
    showLongPolicyPage();
    window.scrollTo(0, 0);
    let restarts = 1;
    const client = createMockClient({
      'get-settings': () => ({ ok: true, settings: defaultSettings() }),
      'analysis-part': backgroundTakesPart,
      analysis: (message) => {
        if (message.parts !== undefined && restarts-- > 0) {
          // what a restarted background answers: it holds no parts
          uploads.take(`tab:${message.parts.upload}`, message.parts.count, message.parts.length);
          return backgroundAnswer(message);
        }
        return backgroundAnswer(message);
      },
    });
    await withHighlightApi(async () => {
      const result = await new PageController(win(), client, 'test', pageContext()).run(true);
      expect(result.status).toBe('done');
      const wholes = client.sent.filter((message) => 'type' in message && message.type === 'analysis' && message.preview !== true) as Array<BackgroundMessage<'analysis'>>;
      expect(wholes).toHaveLength(2);
      expect(wholes[0]!.parts!.upload).not.toBe(wholes[1]!.parts!.upload);
    });
  });
});

describe('SliceMeter', () => {
  it('names every slice over LONG_SLICE_MS and records the longest', async () => {
    const { SliceMeter, LONG_SLICE_MS } = await import('../../lib/extension/page/timing');
    let clock = 0;
    const measures: Array<{ name: string; start: number; duration: number }> = [];
    const perf = {
      now: () => clock,
      measure: (name: string, options: { start: number; duration: number }) => void measures.push({ name, ...options }),
    } as unknown as Performance;
    const meter = new SliceMeter(perf);
    meter.begin();
    clock += 10;
    // waiting (here a timer that moves the clock) is not main-thread time
    await meter.pause(() => new Promise<void>((done) => setTimeout(() => {
      clock += 1000;
      done();
    }, 0)), 'send');
    clock += LONG_SLICE_MS + 5;
    meter.end('paint');
    meter.record();
    expect(meter.slices).toBe(2);
    expect(measures).toEqual([
      { name: `clausemark:long-slice:paint(paint ${LONG_SLICE_MS + 5})`, start: 1010, duration: LONG_SLICE_MS + 5 },
      { name: 'clausemark:longest-slice', start: 1010, duration: LONG_SLICE_MS + 5 },
    ]);
  });
});
