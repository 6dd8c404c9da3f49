import 'fake-indexeddb/auto';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { forPainting, tabState, type MessageSender, type Reply } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import {
  EXT_ID,
  EXT_ORIGIN,
  fileMessage,
  stateOf,
  textMessage,
  TOOL_VERSION,
  useHandlerHarness,
  type AnalysisMessage,
  type Harness,
} from '../support/handler-harness';
import { annotate } from '../../lib/pipeline';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../../lib/document/schema';
import { TabStateSchema, type TabState } from '../../lib/extension/messages/tab-state';
import { MAX_PAGE_TEXT } from '../../lib/extension/messages/protocol';
import { REPLY_PART_BYTES } from '../../lib/extension/background/downloads';
import { loadDocumentFile } from '../../lib/node/cli/load-document';
import { saveSettings } from '../../lib/extension/settings/store';
import { defaultSettings } from '../../lib/extension/settings/settings';
import { annotateFile } from '../../lib/node/cli/annotate';

const POLICY_URL = 'https://www.anthropic.com/legal/privacy';
const FIXTURE = fileURLToPath(new URL('../fixtures/policies/anthropic-privacy-policy.md', import.meta.url));

const contentScript: MessageSender = { id: EXT_ID, url: 'https://example.com/privacy', tab: { id: 7 } };
const popup: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}popup.html` };
/** The popup opened as a page sits in a tab of its own. */
const popupInTab: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}popup.html`, tab: { id: 12, url: `${EXT_ORIGIN}popup.html` } };

/** The background's clock in these tests: each analysis is dated by it. */
const ANALYZED_AT = '2026-03-04T05:06:07.000Z';
const clock = () => new Date(ANALYZED_AT);

/** What the content script sends for the fixture policy: its extraction, address and title. */
let policyMessage: AnalysisMessage;
/** The same page through the pipeline without provision matching: what the analysis alone finds. */
let plainDocument: AnnotatedDocument;
/** The same document as the CLI prints it (with provision matches). */
let cliDocument: AnnotatedDocument;

/** Opt-out offers without an exception to any of them. */
const OPT_OUTS_ONLY =
  'You can unsubscribe from marketing emails at any time using the link in each email.\n\n' +
  'You can opt out of targeted advertising in your account settings.\n\n' +
  'You can opt out of the sale of your personal information through the "Do Not Sell" link.';

beforeAll(async () => {
  policyMessage = await fileMessage(FIXTURE, { url: POLICY_URL });
  const { title, extraction } = await loadDocumentFile(FIXTURE);
  plainDocument = await annotate({
    extraction: extraction,
    url: POLICY_URL,
    title,
    looksLikePolicy: true,
    toolVersion: TOOL_VERSION,
  });
  cliDocument = await annotateFile(FIXTURE, POLICY_URL, TOOL_VERSION);
});

const harness = useHandlerHarness('handler-test');
const makeHandler = harness.makeHandler;
let db: ClausemarkDatabase;
let badges: Harness['badges'];
let logged: string[];
beforeEach(() => ({ db, badges, logged } = harness));

function expectRejected(reply: Reply | TabState): string {
  expect(reply).toMatchObject({ ok: false });
  const error = (reply as { ok: false; error: string }).error;
  expect(typeof error).toBe('string');
  expect(error.length).toBeGreaterThan(0);
  return error;
}

async function expectNothingStored(): Promise<void> {
  expect(await db.analyses.count()).toBe(0);
  expect(await db.tabs.count()).toBe(0);
  expect(badges).toEqual([]);
}

describe('the pipeline fixture', () => {
  it('is a real page extraction whose analysis has opt-outs and exceptions', () => {
    expect(policyMessage.text.length).toBeGreaterThan(1000);
    expect(policyMessage.blocks.length).toBeGreaterThan(10);
    expect(policyMessage.blocks.some((block) => block.kind === 'heading')).toBe(true);
    expect(AnnotatedDocumentSchema.safeParse(plainDocument).success).toBe(true);
    expect(plainDocument.document.dataset).toBeNull();
    expect(plainDocument.clauses.every((clause) => clause.provision === null)).toBe(true);
    expect(plainDocument.summary.optOutCount).toBeGreaterThan(0);
    expect(plainDocument.summary.exceptionCount).toBeGreaterThan(0);
  });
});

describe('createMessageHandler: analysis from a content script, then the popup asks', () => {
  it('analyses the page, adds provision matches, stores it, marks the tab done and sets the badge', async () => {
    const handle = makeHandler({ now: clock });
    const reply = await handle(policyMessage, contentScript);

    expect(reply).toMatchObject({ ok: true });
    const document = (reply as { ok: true; document?: AnnotatedDocument }).document;
    expect(document).toBeDefined();
    expect(AnnotatedDocumentSchema.safeParse(document).success).toBe(true);
    expect(document!.document).toMatchObject({ url: POLICY_URL, title: plainDocument.document.title, analyzedAt: ANALYZED_AT });
    expect(document!.document.tool.version).toBe(TOOL_VERSION);
    // provisions added by the background
    expect(document!.document.dataset).not.toBeNull();
    expect(document!.document.dataset!.version).toBe(bundledMatcher().dataset.version);
    const matched = document!.clauses.filter((clause) => clause.provision !== null);
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.map((clause) => clause.provision!.id)).toContain('model-training-user-content');
    // the analysis alone found the same clauses; the background added the recorded clauses the text let it locate
    expect(document!.clauses.length).toBeGreaterThanOrEqual(plainDocument.clauses.length);
    // same clauses, provisions and summary as the CLI's pipeline produces for the same file
    expect(document!.clauses).toEqual(cliDocument.clauses);
    expect(document!.clauses.map((clause) => clause.provision)).toEqual(cliDocument.clauses.map((clause) => clause.provision));
    expect(document!.summary).toEqual(cliDocument.summary);
    expect(document!.document.sha256).toBe(cliDocument.document.sha256);

    // the database holds one analysis with its clause hashes
    const analyses = await db.analyses.toArray();
    expect(analyses).toHaveLength(1);
    const [stored] = analyses;
    expect(stored!.url).toBe(POLICY_URL);
    expect(stored!.sha256).toBe(plainDocument.document.sha256);
    expect(stored!.analyzedAt).toBe(ANALYZED_AT);
    expect(stored!.clauseHashes).toEqual(document!.clauses.map((clause) => clause.sha256));
    expect(stored!.clauseHashes.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(stored!.document).toEqual(document);

    // the tab is done and points at it
    const tab = await db.tabs.get(7);
    expect(tab?.state).toEqual({ status: 'done', analysisId: stored!.id });
    expect(Number.isNaN(Date.parse(tab!.updatedAt))).toBe(false);

    // badge: the number of exceptions
    const { exceptionCount, optOutCount } = document!.summary;
    expect(exceptionCount).toBeGreaterThan(0);
    expect(badges).toEqual([
      {
        tabId: 7,
        text: String(exceptionCount),
        title: `Clausemark: ${optOutCount} opt-outs, ${exceptionCount} exception${exceptionCount === 1 ? '' : 's'} to them`,
      },
    ]);
    expect(logged).toEqual([]);
  });

  it('answers a first look (preview) with the analysis alone: no provision matching, nothing stored, no badge', async () => {
    const handle = makeHandler({ now: clock });
    const reply = await handle({ ...policyMessage, preview: true }, contentScript);
    expect(reply).toMatchObject({ ok: true });
    const document = (reply as { ok: true; document: AnnotatedDocument }).document;
    expect(document.clauses).toEqual(plainDocument.clauses);
    expect(document.clauses.every((clause) => clause.provision === null)).toBe(true);
    await expectNothingStored();
  });

  it('refuses a first look not asked for while automatic reading is off, and analyses one that was asked for', async () => {
    const handle = makeHandler({ now: clock });
    await saveSettings(db, { ...defaultSettings(), automatic: false });
    expect(await handle({ ...policyMessage, preview: true }, contentScript)).toEqual({ ok: true, automaticOff: true });
    const asked = await handle({ ...policyMessage, preview: true, asked: true }, contentScript);
    expect((asked as { ok: true; document: AnnotatedDocument }).document.clauses).toEqual(plainDocument.clauses);
  });

  it('takes a long page in parts, per frame, and analyses it as if sent whole', async () => {
    const handle = makeHandler({ now: clock });
    const { text, blocks, links } = policyMessage;
    const size = Math.ceil(text.length / 3);
    const otherFrame: MessageSender = { ...contentScript, frameId: 3 };
    for (let index = 0; index < 3; index++) {
      const [from, to] = [index * size, (index + 1) * size];
      const part = {
        type: 'analysis-part' as const,
        upload: 'up-1',
        index,
        text: text.slice(from, to),
        blocks: blocks.filter((block) => block.start >= from && block.start < to),
        links: links.filter((link) => link.start >= from && link.start < to),
      };
      expect(await handle(part, contentScript)).toEqual({ ok: true });
    }
    const named = { ...policyMessage, text: '', blocks: [], links: [], parts: { upload: 'up-1', count: 3, length: text.length } };
    // another frame of the tab cannot take them, nor use them up
    expectRejected(await handle(named, otherFrame));
    const reply = await handle(named, contentScript);
    const whole = await handle(policyMessage, contentScript);
    expect((reply as { ok: true; document: AnnotatedDocument }).document.clauses).toEqual((whole as { ok: true; document: AnnotatedDocument }).document.clauses);
    // taken once; and a message with parts and an extraction of its own is refused
    expectRejected(await handle(named, contentScript));
    await handle({ type: 'analysis-part', upload: 'up-2', index: 0, text, blocks, links }, contentScript);
    expectRejected(await handle({ ...policyMessage, parts: { upload: 'up-2', count: 1, length: text.length } }, contentScript));
  });

  it('sends a huge analysis back in parts, per frame, each read in a message of its own', async () => {
    const handle = makeHandler({ now: clock });
    // 1,000 sections of offers with exceptions: a painting document of several megabytes.
    const text = Array.from({ length: 1000 }, (_, i) => `Section ${i}\n\n${OPT_OUTS_ONLY}\n\nEven if you opt out, we will still send you service messages about section ${i}.`).join('\n\n');
    const message = textMessage(text, { url: POLICY_URL, title: 'Huge policy' });
    const reply = await handle(message, contentScript) as { ok: true; document: AnnotatedDocument; clauseParts?: { download: string; count: number } };
    expect(reply.ok).toBe(true);
    expect(reply.document.clauses).toEqual([]);
    const { download, count } = reply.clauseParts!;
    expect(count).toBeGreaterThan(3);
    // another frame of the tab cannot take the parts
    expectRejected(await handle({ type: 'analysis-reply-part', download, index: 0 }, { ...contentScript, frameId: 3 }));
    const clauses: AnnotatedDocument['clauses'] = [];
    for (let index = 0; index < count; index++) {
      const part = await handle({ type: 'analysis-reply-part', download, index }, contentScript) as { ok: true; clauses: AnnotatedDocument['clauses'] };
      expect(part.ok).toBe(true);
      expect(JSON.stringify(part.clauses).length).toBeLessThanOrEqual(REPLY_PART_BYTES + 2 + part.clauses.length);
      clauses.push(...part.clauses);
    }
    // the parts put together are the stored analysis's clauses to paint, in order
    const stored = (await db.analyses.toArray()).at(-1)!.document;
    expect(clauses).toEqual(forPainting(stored).clauses);
    expect(clauses.filter((clause) => clause.optOut !== null).length).toBeGreaterThanOrEqual(3000);
    // taken once: after the last part the download is gone
    expectRejected(await handle({ type: 'analysis-reply-part', download, index: 0 }, contentScript));
  });

  it('dates an analysis by the current time when no clock is given', async () => {
    const handle = makeHandler();
    const before = Date.now();
    const reply = await handle(policyMessage, contentScript);
    const analyzedAt = Date.parse((reply as { ok: true; document: AnnotatedDocument }).document.document.analyzedAt);
    expect(analyzedAt).toBeGreaterThanOrEqual(before);
    expect(analyzedAt).toBeLessThanOrEqual(Date.now());
  });

  it('answers the popup (opened as a page, so with a tab) with the done state and the document', async () => {
    const handle = makeHandler();
    const first = await handle(policyMessage, contentScript);
    expect(first).toMatchObject({ ok: true });

    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popupInTab));
    const parsed = TabStateSchema.safeParse(state);
    expect(parsed.success).toBe(true);
    expect(state).toMatchObject({ status: 'done' });
    const document = (state as Extract<TabState, { status: 'done' }>).document;
    expect(document).toEqual((first as { ok: true; document: AnnotatedDocument }).document);
    expect(document.clauses.length).toBe(cliDocument.clauses.length);

    // the popup in its usual place (no tab) gets the same answer
    expect(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup))).toEqual(state);
    expect(logged).toEqual([]);
  });

  it('sets the badge to the opt-out count when there are opt-outs but no exceptions, and clears it when neither', async () => {
    const handle = makeHandler();
    const reply = await handle(textMessage(OPT_OUTS_ONLY, { url: 'https://example.com/privacy', title: 'Privacy' }), contentScript);
    expect(reply).toMatchObject({ ok: true });
    const optOutsOnly = (reply as { ok: true; document: AnnotatedDocument }).document;
    const optOuts = optOutsOnly.summary.optOutCount;
    expect(optOuts).toBeGreaterThan(1);
    expect(optOutsOnly.summary.exceptionCount).toBe(0);
    expect(optOutsOnly.clauses.filter((clause) => clause.optOut !== null)).toHaveLength(optOuts);
    expect(badges.at(-1)).toEqual({ tabId: 7, text: String(optOuts), title: `Clausemark: ${optOuts} opt-outs, 0 exceptions to them` });

    const empty = await handle(textMessage('', { url: 'https://example.com/empty', title: 'Nothing here' }), { ...contentScript, tab: { id: 8 } });
    expect(empty).toMatchObject({ ok: true, document: { clauses: [] } });
    expect(badges.at(-1)).toEqual({ tabId: 8, text: '', title: 'Clausemark: 0 opt-outs, 0 exceptions to them' });
    expect(await db.analyses.count()).toBe(2);
  });

  it('gives a later analysis of the same tab precedence', async () => {
    const handle = makeHandler();
    await handle(policyMessage, contentScript);
    await handle({ ...policyMessage, title: 'Second visit' }, contentScript);
    expect(await db.analyses.count()).toBe(2);
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
    expect(state).toMatchObject({ status: 'done', document: { document: { title: 'Second visit' } } });
  });

  it('reads nothing but the extraction: fields a message does not declare are dropped', async () => {
    const handle = makeHandler({ now: clock });
    const planted = { ...policyMessage, document: { ...plainDocument, clauses: [] }, blocks: policyMessage.blocks.map((block) => ({ ...block, html: '<b>x</b>' })) };
    const reply = await handle(planted, contentScript);
    expect(reply).toMatchObject({ ok: true });
    expect((reply as { ok: true; document: AnnotatedDocument }).document.clauses).toEqual(cliDocument.clauses);
  });
});

describe('createMessageHandler: other content-script reports', () => {
  it('progress → analyzing with done/total', async () => {
    const handle = makeHandler();
    expect(await handle({ type: 'progress', done: 3, total: 40 }, contentScript)).toEqual({ ok: true });
    expect((await db.tabs.get(7))?.state).toEqual({ status: 'analyzing', done: 3, total: 40 });
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
    expect(state).toEqual({ status: 'analyzing', done: 3, total: 40 });
    expect(TabStateSchema.safeParse(state).success).toBe(true);
    expect(badges).toEqual([]);
  });

  it('not-a-policy → its state, and the badge cleared', async () => {
    const handle = makeHandler();
    await handle(policyMessage, contentScript);
    expect(badges.at(-1)?.text).not.toBe('');
    const reply = await handle({ type: 'not-a-policy', url: 'https://example.com/blog' }, contentScript);
    expect(reply).toEqual({ ok: true });
    expect((await db.tabs.get(7))?.state).toEqual({ status: 'not-a-policy', url: 'https://example.com/blog' });
    expect(badges.at(-1)).toEqual({ tabId: 7, text: '', title: 'Clausemark: this page does not look like a policy' });
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
    expect(state).toEqual({ status: 'not-a-policy', url: 'https://example.com/blog' });
    expect(TabStateSchema.safeParse(state).success).toBe(true);
  });

  it('analysis-failed → error state with the reason', async () => {
    const handle = makeHandler();
    expect(await handle({ type: 'analysis-failed', reason: 'the page went away' }, contentScript)).toEqual({ ok: true });
    expect((await db.tabs.get(7))?.state).toEqual({ status: 'error', reason: 'the page went away' });
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
    expect(state).toEqual({ status: 'error', reason: 'the page went away' });
    expect(TabStateSchema.safeParse(state).success).toBe(true);
    expect(await db.analyses.count()).toBe(0);
  });

  it('reports for one tab leave another tab alone', async () => {
    const handle = makeHandler();
    await handle({ type: 'progress', done: 1, total: 2 }, { ...contentScript, tab: { id: 1 } });
    await handle({ type: 'analysis-failed', reason: 'x' }, { ...contentScript, tab: { id: 2 } });
    expect(stateOf(await handle({ type: 'get-tab-state', tabId: 1 }, popup))).toEqual({ status: 'analyzing', done: 1, total: 2 });
    expect(stateOf(await handle({ type: 'get-tab-state', tabId: 2 }, popup))).toEqual({ status: 'error', reason: 'x' });
  });

  it('an unknown tab is idle', async () => {
    const handle = makeHandler();
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 4242 }, popup));
    expect(state).toEqual({ status: 'idle' });
    expect(TabStateSchema.safeParse(state).success).toBe(true);
    expect(await tabState(db, 4242)).toEqual({ status: 'idle' });
  });

  it('a done tab whose analysis is gone reads as idle', async () => {
    await db.tabs.put({ tabId: 9, state: { status: 'done', analysisId: 999 }, updatedAt: new Date().toISOString() });
    expect(await tabState(db, 9)).toEqual({ status: 'idle' });
  });
});

describe('createMessageHandler: rejections', () => {
  it('rejects a sender from another extension or a web page', async () => {
    const handle = makeHandler();
    for (const sender of [
      { ...contentScript, id: 'someone-else' },
      { ...popup, id: 'someone-else' },
      { url: 'https://evil.example/', tab: { id: 7 } },
      {},
    ] as MessageSender[]) {
      const error = expectRejected(await handle(policyMessage, sender));
      expect(error).toMatch(/outside the extension/);
      expectRejected(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, sender)));
    }
    expect(logged).toHaveLength(8);
    expect(logged.every((line) => /outside the extension/.test(line))).toBe(true);
    await expectNothingStored();
  });

  const SMALL_TEXT = 'You can opt out of targeted advertising in your account settings.';
  const SMALL_BLOCK = { start: 0, end: SMALL_TEXT.length, kind: 'paragraph', level: 0 };
  /** A well-formed analysis message, for the malformed variants below. */
  const SMALL_PAGE = {
    type: 'analysis',
    url: 'https://example.com/privacy',
    title: 'Privacy',
    heading: '',
    looksLikePolicy: true,
    text: SMALL_TEXT,
    blocks: [SMALL_BLOCK],
    links: [],
  };

  it('accepts the well-formed message the malformed ones below are made from', async () => {
    expect(await makeHandler()(SMALL_PAGE, contentScript)).toMatchObject({ ok: true, document: { summary: { optOutCount: 1 } } });
  });

  const malformed: Array<[string, unknown]> = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'analysis'],
    ['a number', 42],
    ['an array', [{ type: 'progress', done: 1, total: 2 }]],
    ['an unknown type', { type: 'delete-everything' }],
    ['no type', { done: 1, total: 2 }],
    ['progress without total', { type: 'progress', done: 1 }],
    ['progress with string numbers', { type: 'progress', done: '1', total: '2' }],
    ['progress with a negative count', { type: 'progress', done: -1, total: 2 }],
    ['progress with a fraction', { type: 'progress', done: 1.5, total: 2 }],
    ['not-a-policy without url', { type: 'not-a-policy' }],
    ['not-a-policy with a numeric url', { type: 'not-a-policy', url: 7 }],
    ['not-a-policy with a huge url', { type: 'not-a-policy', url: `https://example.com/${'a'.repeat(10_000)}` }],
    ['analysis-failed with a huge reason', { type: 'analysis-failed', reason: 'x'.repeat(5_000) }],
    ['analysis-failed without reason', { type: 'analysis-failed' }],
    ['get-tab-state with a string tab id', { type: 'get-tab-state', tabId: '7' }],
    ['get-tab-state without tab id', { type: 'get-tab-state' }],
    ['a type of the wrong type', { type: 7 }],
    // analysis: the page's extraction, nothing else
    ['analysis with a document instead of the page\'s text (the old message)', { type: 'analysis', document: { clauses: [] }, text: 'x' }],
    ['analysis without blocks', { ...SMALL_PAGE, blocks: undefined }],
    ['analysis without links', { ...SMALL_PAGE, links: undefined }],
    ['analysis with a text that is not a string', { ...SMALL_PAGE, text: ['You can opt out.'] }],
    ['analysis with looksLikePolicy as a string', { ...SMALL_PAGE, looksLikePolicy: 'yes' }],
    ['analysis with a negative block offset', { ...SMALL_PAGE, blocks: [{ ...SMALL_BLOCK, start: -1 }] }],
    ['analysis with a fractional block offset', { ...SMALL_PAGE, blocks: [{ ...SMALL_BLOCK, end: 10.5 }] }],
    ['analysis with an unknown block kind', { ...SMALL_PAGE, blocks: [{ ...SMALL_BLOCK, kind: 'script' }] }],
    ['analysis with a heading level past 6', { ...SMALL_PAGE, blocks: [{ ...SMALL_BLOCK, kind: 'heading', level: 7 }] }],
    ['analysis with a link without href', { ...SMALL_PAGE, links: [{ start: 0, end: 3 }] }],
    ['analysis with a huge title', { ...SMALL_PAGE, title: 'x'.repeat(5_000) }],
    ['analysis with a huge address', { ...SMALL_PAGE, url: `https://example.com/${'a'.repeat(10_000)}` }],
  ];

  for (const [name, message] of malformed) {
    it(`rejects a malformed message: ${name}`, async () => {
      const handle = makeHandler();
      for (const sender of [contentScript, popup]) {
        const error = expectRejected(await handle(message, sender));
        expect(error).toMatch(/^rejected a malformed message: /);
      }
      expect(logged).toHaveLength(2);
      expect(logged[0]).toMatch(/^rejected a malformed message: .+/);
      await expectNothingStored();
    });
  }

  it('rejects get-tab-state from a content script', async () => {
    const handle = makeHandler();
    await handle({ type: 'progress', done: 1, total: 2 }, contentScript);
    logged.length = 0;
    const error = expectRejected(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, contentScript)));
    expect(error).toMatch(/only the extension's own pages/);
    expect(logged).toEqual([error]);
  });

  it('rejects content-script reports from an extension page, even one in a tab', async () => {
    const handle = makeHandler();
    const reports: unknown[] = [
      policyMessage,
      { type: 'progress', done: 1, total: 2 },
      { type: 'not-a-policy', url: 'https://example.com/' },
      { type: 'analysis-failed', reason: 'no' },
    ];
    for (const sender of [popup, popupInTab]) {
      for (const report of reports) {
        const error = expectRejected(await handle(report, sender));
        expect(error).toMatch(/only a content script in a tab may send it/);
      }
    }
    expect(logged).toHaveLength(8);
    await expectNothingStored();
  });

  it('rejects content-script reports from a sender without a tab', async () => {
    const handle = makeHandler();
    const error = expectRejected(await handle({ type: 'progress', done: 1, total: 2 }, { id: EXT_ID, url: 'https://example.com/' }));
    expect(error).toMatch(/only a content script/);
    await expectNothingStored();
  });

  it('refuses a text longer than any page it reads, by the schema, before any work', async () => {
    const handle = makeHandler();
    const huge = 'x'.repeat(MAX_PAGE_TEXT + 1);
    const error = expectRejected(await handle({ ...SMALL_PAGE, text: huge, blocks: [{ ...SMALL_BLOCK, end: huge.length }] }, contentScript));
    expect(error).toMatch(/^rejected a malformed message: text: /);
    expect(logged).toEqual([error]);
    await expectNothingStored();
  });

  /** Extractions the schema takes but whose offsets do not fit the text: the content script is not trusted. */
  const TWO_PARAGRAPHS = 'You can opt out of targeted advertising in your account settings.\n\nEven if you opt out, we keep your data for security.';
  const badExtractions: Array<[string, (page: AnalysisMessage) => AnalysisMessage, RegExp]> = [
    ['blocks out of order', (page) => ({ ...page, blocks: [...page.blocks].reverse() }), /block 1 is outside the text or out of order$/],
    ['overlapping blocks', (page) => ({ ...page, blocks: [page.blocks[0]!, { ...page.blocks[1]!, start: page.blocks[0]!.end - 5 }] }), /block 1 is outside the text or out of order$/],
    ['a block that ends before it starts', (page) => ({ ...page, blocks: [{ ...page.blocks[0]!, start: 10, end: 5 }] }), /block 0 is outside the text or out of order$/],
    ['a block beyond the text', (page) => ({ ...page, blocks: [page.blocks[0]!, { ...page.blocks[1]!, end: page.text.length + 1 }] }), /block 1 is outside the text or out of order$/],
    ['a block wholly past the end', (page) => ({ ...page, blocks: [{ start: 5_000, end: 6_000, kind: 'paragraph', level: 0 }] }), /block 0 is outside the text or out of order$/],
    ['a link beyond the text', (page) => ({ ...page, links: [{ start: 0, end: 3, href: 'https://example.com/' }, { start: page.text.length - 2, end: page.text.length + 40, href: 'https://example.com/x' }] }), /link 1 is outside the text$/],
    ['a link that ends before it starts', (page) => ({ ...page, links: [{ start: 9, end: 3, href: 'https://example.com/' }] }), /link 0 is outside the text$/],
  ];

  it('takes the extraction those are made from', async () => {
    const page = textMessage(TWO_PARAGRAPHS, { url: 'https://example.com/privacy', title: 'Privacy' });
    expect(page.blocks).toHaveLength(2);
    expect(await makeHandler()({ ...page, links: [{ start: 0, end: 3, href: 'https://example.com/' }] }, contentScript)).toMatchObject({ ok: true });
  });

  for (const [name, corrupt, reason] of badExtractions) {
    it(`rejects an analysis whose extraction does not fit its text (${name}), stores nothing and marks the tab as error`, async () => {
      const handle = makeHandler();
      const message = corrupt(textMessage(TWO_PARAGRAPHS, { url: 'https://example.com/privacy', title: 'Privacy' }));
      const error = expectRejected(await handle(message, contentScript));
      expect(error).toMatch(/^the page's text could not be read: /);
      expect(error).toMatch(reason);
      expect(logged).toEqual([error]);
      expect(await db.analyses.count()).toBe(0);
      expect(badges).toEqual([]);
      const tab = await db.tabs.get(7);
      expect(tab?.state).toEqual({ status: 'error', reason: error });
      const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
      expect(state).toEqual({ status: 'error', reason: error });
      expect(TabStateSchema.safeParse(state).success).toBe(true);
    });
  }

  it('when the analysis itself fails, the tab shows the error instead of an analysis that never ends', async () => {
    const handle = makeHandler({ matcher: () => { throw new Error('the provision dataset did not load'); } });
    const error = expectRejected(await handle(policyMessage, contentScript));
    expect(error).toMatch(/^failed on "analysis": .*the provision dataset did not load/);
    expect(await db.analyses.count()).toBe(0);
    expect(badges).toEqual([]);
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
    expect(state).toMatchObject({ status: 'error', reason: expect.stringContaining('the provision dataset did not load') });
    expect(TabStateSchema.safeParse(state).success).toBe(true);
  });

  it('answers with an error, never throws, when storage fails', async () => {
    const handle = makeHandler();
    db.close();
    const reply = await handle({ type: 'progress', done: 1, total: 2 }, contentScript);
    const error = expectRejected(reply);
    expect(error).toMatch(/^failed on "progress": /);
    expect(logged).toEqual([error]);
  });

  it('logs through console.warn when no log function is given', async () => {
    const warnings: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const handle = makeHandler({ log: undefined });
      expectRejected(await handle(null, contentScript));
    } finally {
      console.warn = original;
    }
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toMatch(/^Clausemark background: rejected a malformed message/);
  });
});

describe('through the WXT fake browser', () => {
  /** The browser's sender type wants a full Tab; a content script's sender carries what the handler reads. */
  type BrowserSender = Parameters<typeof fakeBrowser.runtime.onMessage.trigger>[1];
  const trigger = async (message: unknown, sender: MessageSender): Promise<unknown> => {
    const [reply] = await fakeBrowser.runtime.onMessage.trigger(message, sender as BrowserSender, () => {});
    return reply;
  };

  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('routes runtime.onMessage to the handler and returns its reply', async () => {
    const extensionId = fakeBrowser.runtime.id;
    const handle = makeHandler({ extensionId, extensionOrigin: fakeBrowser.runtime.getURL('/') });
    fakeBrowser.runtime.onMessage.addListener((message: unknown, sender) => handle(message, sender as MessageSender));

    const tabSender = { id: extensionId, url: 'https://www.anthropic.com/legal/privacy', tab: { id: 3 } };
    const analysisReply = await trigger(policyMessage, tabSender);
    expect(analysisReply).toMatchObject({ ok: true });
    expect(AnnotatedDocumentSchema.safeParse((analysisReply as { document: unknown }).document).success).toBe(true);

    const popupSender = { id: extensionId, url: fakeBrowser.runtime.getURL('/popup.html') };
    const stateReply = stateOf(await trigger({ type: 'get-tab-state', tabId: 3 }, popupSender));
    expect(TabStateSchema.parse(stateReply).status).toBe('done');

    const rejected = await trigger(
      { type: 'get-tab-state', tabId: 3 },
      { id: 'another-extension', url: 'chrome-extension://another-extension/popup.html' },
    );
    expect(rejected).toMatchObject({ ok: false });
    expect(badges).toHaveLength(1);
    expect(badges[0]!.tabId).toBe(3);
  });

  it('has no listener left after reset', async () => {
    const handle = makeHandler();
    fakeBrowser.runtime.onMessage.addListener((message: unknown, sender) => handle(message, sender as MessageSender));
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(true);
    fakeBrowser.reset();
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(false);
  });
});
