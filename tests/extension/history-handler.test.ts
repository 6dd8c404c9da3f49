import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CHANGED_BADGE, createMessageHandler, type MessageSender } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import { EXT_ID, EXT_ORIGIN, pageMessage, stateOf, TOOL_VERSION, useHandlerHarness, type AnalysisMessage, type Harness } from '../support/handler-harness';
import { documentFromSource } from '../../lib/node/cli/load-document';
import { annotate as runPipeline } from '../../lib/pipeline';
import type { AnnotatedDocument } from '../../lib/document/schema';
import { diffAsText } from '../../lib/document/history/compare';
import { HistoryDetailReplySchema, HistoryListReplySchema } from '../../lib/extension/messages/replies';
import { TabStateSchema, type TabState } from '../../lib/extension/messages/tab-state';
import { saveSettings, loadSettings } from '../../lib/extension/settings/store';

/**
 * The background's history additions: each analysis compared with the page's last visit (badge and tab state say
 * when it changed), the history list and entries, "delete all stored data", and the automatic-off report — with
 * the same sender rules as the rest of the protocol.
 */
const POLICY_URL = 'https://www.anthropic.com/legal/privacy';
const FIXTURE = fileURLToPath(new URL('../fixtures/policies/anthropic-privacy-policy.md', import.meta.url));

const contentScript: MessageSender = { id: EXT_ID, url: POLICY_URL, tab: { id: 7 } };
const popup: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}popup.html` };
const popupInTab: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}popup.html`, tab: { id: 12, url: `${EXT_ORIGIN}popup.html` } };
const optionsPage: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}options.html`, tab: { id: 13, url: `${EXT_ORIGIN}options.html` } };

const ORIGINAL_ADS = 'and we will honor global privacy controls.';
const REWORDED_ADS = 'and we will honor global privacy controls where the law requires it.';

/**
 * One visit of a page: the message its content script sends, the time the background's clock reads when it arrives,
 * and the document the pipeline (with the bundled provision matcher, as the background runs it) makes of it then.
 */
interface Visit {
  message: AnalysisMessage;
  at: string;
  doc: AnnotatedDocument;
}

async function visit(markdown: string, at: string, url = POLICY_URL): Promise<Visit> {
  const { title, extraction } = documentFromSource(markdown, '.md', 'Privacy Policy');
  const message = pageMessage(extraction, { url, title });
  const doc = await runPipeline({
    extraction,
    url,
    title,
    looksLikePolicy: true,
    toolVersion: TOOL_VERSION,
    analyzedAt: new Date(at),
    matcher: bundledMatcher(),
  });
  return { message, at, doc };
}

/** First visit, a second visit of the same text, a visit after the advertising opt-out was reworded. */
let first: Visit;
let same: Visit;
let reworded: Visit;

beforeAll(async () => {
  const markdown = readFileSync(FIXTURE, 'utf8');
  expect(markdown).toContain(ORIGINAL_ADS);
  first = await visit(markdown, '2026-01-01T10:00:00.000Z');
  same = await visit(markdown, '2026-01-02T10:00:00.000Z', `${POLICY_URL}#cookies`);
  reworded = await visit(markdown.replace(ORIGINAL_ADS, REWORDED_ADS), '2026-02-01T10:00:00.000Z');
});

/** The background's clock: each visit arrives at its own time (the handler dates the analysis itself). */
let clockReads = '2026-01-01T00:00:00.000Z';
const clock = () => new Date(clockReads);

/** Sends a visit's message when the clock reads `at` (its own time unless given). */
function send(handle: ReturnType<typeof createMessageHandler>, page: Visit, sender = contentScript, at = page.at, message: AnalysisMessage = page.message) {
  clockReads = at;
  return handle(message, sender);
}

const harness = useHandlerHarness('history-handler-test');
const makeHandler: Harness['makeHandler'] = (overrides = {}) => harness.makeHandler({ now: clock, ...overrides });
let db: ClausemarkDatabase;
let badges: Harness['badges'];
let logged: string[];
beforeEach(() => ({ db, badges, logged } = harness));

function expectRejected(reply: unknown, pattern: RegExp): void {
  expect(reply).toMatchObject({ ok: false });
  expect((reply as { error: string }).error).toMatch(pattern);
}

type Done = Extract<TabState, { status: 'done' }>;

describe('changed since your last visit', () => {
  it('a first visit: no comparison, the usual badge, no changes in the tab state', async () => {
    const handle = makeHandler();
    const reply = await send(handle, first);
    // what the background made of the page is what the pipeline makes of it
    expect(reply).toEqual({ ok: true, document: first.doc });
    const [stored] = await db.analyses.toArray();
    expect(stored!.changes).toBeNull();
    expect(badges).toHaveLength(1);
    expect(badges[0]!.text).toBe(String(first.doc.summary.exceptionCount));
    expect(badges[0]!.title).toMatch(/^Clausemark: \d+ opt-outs?, \d+ exceptions? to them$/);
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup));
    expect(TabStateSchema.parse(state)).toMatchObject({ status: 'done' });
    expect('changes' in (state as Done)).toBe(false);
  });

  it('the same text again (even under #fragment): unchanged, usual badge, compared with the first visit', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await send(handle, same);
    const records = await db.analyses.orderBy('id').toArray();
    expect(records.map((record) => record.url)).toEqual([POLICY_URL, POLICY_URL]);
    expect(records[1]!.changes).toMatchObject({
      documentChanged: false,
      previousAnalyzedAt: first.doc.document.analyzedAt,
      added: [],
      removed: [],
      changed: [],
      unchangedCount: first.doc.clauses.length,
    });
    expect(badges.at(-1)!.text).not.toBe(CHANGED_BADGE);
    const state = TabStateSchema.parse(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup))) as Done;
    expect(state.changes?.documentChanged).toBe(false);
  });

  it('a changed text: the badge says so, and the tab state lists the reworded clause with its word diff', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await send(handle, reworded, { ...contentScript, tab: { id: 8 } });

    expect(badges.at(-1)).toEqual({
      tabId: 8,
      text: CHANGED_BADGE,
      title: expect.stringMatching(/^Changed since your last visit \(2026-01-01\)\. Clausemark: \d+ opt-outs?, \d+ exceptions? to them$/),
    });
    const state = TabStateSchema.parse(stateOf(await handle({ type: 'get-tab-state', tabId: 8 }, popupInTab))) as Done;
    expect(state.status).toBe('done');
    const changes = state.changes!;
    expect(changes.documentChanged).toBe(true);
    expect(changes.previousSha256).toBe(first.doc.document.sha256);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    expect(changes.changed).toHaveLength(1);
    expect(changes.changed[0]!.after.topic).toBe('advertising');
    expect(diffAsText(changes.changed[0]!.diff)).toContain('controls {+where the law requires it+}.');
    // the other tab still shows its own (first) visit
    const other = TabStateSchema.parse(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup))) as Done;
    expect('changes' in other).toBe(false);
  });

  it('compares with the latest visit only: back to the old text is a change again', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await send(handle, reworded);
    // back to the first text, a month later
    await send(handle, first, contentScript, '2026-03-01T10:00:00.000Z');
    const latest = await db.latestVisitOf(POLICY_URL);
    expect(latest!.analyzedAt).toBe('2026-03-01T10:00:00.000Z');
    expect(latest!.changes!.previousAnalyzedAt).toBe('2026-02-01T10:00:00.000Z');
    expect(diffAsText(latest!.changes!.changed[0]!.diff)).toContain('controls[- where the law requires it-].');
    expect(badges.map((badge) => badge.text === CHANGED_BADGE)).toEqual([false, true, true]);
  });

  it('another page is not compared with this one', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await send(handle, reworded, contentScript, reworded.at, { ...reworded.message, url: 'https://example.com/privacy' });
    expect((await db.latestVisitOf('https://example.com/privacy'))!.changes).toBeNull();
    expect(badges.at(-1)!.text).not.toBe(CHANGED_BADGE);
  });
});

describe('history list and entries', () => {
  it('lists every visit newest first with title, host, date and counts, and opens one read-only', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await send(handle, reworded);

    const list = HistoryListReplySchema.parse(await handle({ type: 'list-history' }, popup));
    expect(list.entries).toHaveLength(2);
    const [newest, oldest] = list.entries;
    expect(newest).toMatchObject({
      url: POLICY_URL,
      host: 'www.anthropic.com',
      title: reworded.doc.document.title,
      analyzedAt: reworded.doc.document.analyzedAt,
      sha256: reworded.doc.document.sha256,
      clauseCount: reworded.doc.summary.clauseCount,
      optOutCount: reworded.doc.summary.optOutCount,
      exceptionCount: reworded.doc.summary.exceptionCount,
      changedSincePrevious: true,
    });
    expect(oldest).toMatchObject({ analyzedAt: first.doc.document.analyzedAt, changedSincePrevious: null });

    const detail = HistoryDetailReplySchema.parse(await handle({ type: 'get-history-entry', id: newest!.id }, popupInTab));
    expect(detail.entry).toEqual(newest);
    expect(detail.document.document.sha256).toBe(reworded.doc.document.sha256);
    expect(detail.document.document.dataset).not.toBeNull(); // stored with the provision matches
    expect(detail.changes?.changed).toHaveLength(1);
    const old = HistoryDetailReplySchema.parse(await handle({ type: 'get-history-entry', id: oldest!.id }, popup));
    expect(old.changes).toBeNull();
    expect(logged).toEqual([]);
  });

  it('an empty history is an empty list; an unknown entry is an error', async () => {
    const handle = makeHandler();
    expect(await handle({ type: 'list-history' }, popup)).toEqual({ ok: true, entries: [] });
    expectRejected(await handle({ type: 'get-history-entry', id: 99 }, popup), /no stored analysis with id 99/);
  });

  it('only the extension pages may read the history: a content script is refused', async () => {
    const handle = makeHandler();
    await send(handle, first);
    const [record] = await db.analyses.toArray();
    expectRejected(await handle({ type: 'list-history' }, contentScript), /only the extension's own pages/);
    expectRejected(await handle({ type: 'get-history-entry', id: record!.id }, contentScript), /only the extension's own pages/);
    expectRejected(await handle({ type: 'list-history' }, { ...popup, id: 'another-extension' }), /outside the extension/);
    expect(logged).toHaveLength(3);
  });

  it('rejects malformed history requests', async () => {
    const handle = makeHandler();
    for (const message of [
      { type: 'get-history-entry' },
      { type: 'get-history-entry', id: '1' },
      { type: 'get-history-entry', id: 0 },
      { type: 'get-history-entry', id: 1.5 },
    ]) {
      expectRejected(await handle(message, popup), /^rejected a malformed message: /);
    }
  });
});

describe('delete all stored data', () => {
  it('clears analyses, tab states and settings, and the badges of the tabs it knew', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await handle({ type: 'progress', done: 1, total: 4 }, { ...contentScript, tab: { id: 9 } });
    await saveSettings(db, { automatic: false, hiddenTopics: ['advertising'], highContrast: true });
    badges.length = 0;

    expect(await handle({ type: 'delete-all-data' }, popup)).toEqual({ ok: true });
    expect(await db.analyses.count()).toBe(0);
    expect(await db.tabs.count()).toBe(0);
    expect(await db.settings.count()).toBe(0);
    expect(badges.map((badge) => [badge.tabId, badge.text]).sort()).toEqual([[7, ''], [9, '']]);
    expect(await handle({ type: 'list-history' }, popup)).toEqual({ ok: true, entries: [] });
    expect(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup))).toEqual({ status: 'idle' });
    expect(await handle({ type: 'get-settings' }, contentScript)).toEqual({
      ok: true,
      settings: { automatic: true, hiddenTopics: [], highContrast: false },
    });
    // a visit after the deletion is a first visit again
    await send(handle, reworded);
    expect((await db.analyses.toArray())[0]!.changes).toBeNull();
  });

  it('a content script cannot delete anything', async () => {
    const handle = makeHandler();
    await send(handle, first);
    await saveSettings(db, { automatic: false, hiddenTopics: [], highContrast: false });
    expectRejected(await handle({ type: 'delete-all-data' }, contentScript), /only the extension's own pages/);
    expect(await db.analyses.count()).toBe(1);
    expect(await db.tabs.count()).toBe(1);
    expect((await loadSettings(db, () => {})).automatic).toBe(false);
  });

  it('works from the options page and the popup opened as a page', async () => {
    const handle = makeHandler();
    for (const sender of [optionsPage, popupInTab]) {
      await send(handle, first);
      expect(await handle({ type: 'delete-all-data' }, sender)).toEqual({ ok: true });
      expect(await db.analyses.count()).toBe(0);
    }
  });
});

describe('settings kept by the background', () => {
  it('are read from the database once, then follow what set-settings and delete-all-data did', async () => {
    const handle = makeHandler();
    await saveSettings(db, { automatic: false, hiddenTopics: [], highContrast: false });
    const reads = vi.spyOn(db.settings, 'get');
    for (let i = 0; i < 3; i++) {
      expect(await handle({ type: 'get-settings' }, contentScript)).toMatchObject({ ok: true, settings: { automatic: false } });
    }
    expect(reads).toHaveBeenCalledTimes(1);
    const chosen = { automatic: true, hiddenTopics: ['advertising'], highContrast: true };
    expect(await handle({ type: 'set-settings', settings: chosen }, optionsPage)).toEqual({ ok: true, settings: chosen });
    expect(await handle({ type: 'get-settings' }, contentScript)).toEqual({ ok: true, settings: chosen });
    expect(await handle({ type: 'delete-all-data' }, popup)).toEqual({ ok: true });
    expect(await handle({ type: 'get-settings' }, contentScript)).toEqual({ ok: true, settings: { automatic: true, hiddenTopics: [], highContrast: false } });
    // a refused write changes nothing
    expectRejected(await handle({ type: 'set-settings', settings: { automatic: 'yes' } }, optionsPage), /do not match the schema/);
    expect(await handle({ type: 'get-settings' }, contentScript)).toEqual({ ok: true, settings: { automatic: true, hiddenTopics: [], highContrast: false } });
  });
});

describe('automatic-off', () => {
  it('the tab forgets the earlier page and its badge clears', async () => {
    const handle = makeHandler();
    await send(handle, first);
    expect(await handle({ type: 'automatic-off' }, contentScript)).toEqual({ ok: true });
    expect(await db.tabs.get(7)).toBeUndefined();
    expect(badges.at(-1)).toMatchObject({ tabId: 7, text: '' });
    expect(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, popup))).toEqual({ status: 'idle' });
    expect(await db.analyses.count()).toBe(1); // the history keeps the visit
  });

  it('only a content script in a tab may send it', async () => {
    const handle = makeHandler();
    for (const sender of [popup, popupInTab, optionsPage]) {
      expectRejected(await handle({ type: 'automatic-off' }, sender), /only a content script in a tab/);
    }
  });
});

describe('through the WXT fake browser', () => {
  type BrowserSender = Parameters<typeof fakeBrowser.runtime.onMessage.trigger>[1];
  beforeEach(() => fakeBrowser.reset());

  it('lists the history for the popup and refuses it to a tab', async () => {
    const extensionId = fakeBrowser.runtime.id;
    const origin = fakeBrowser.runtime.getURL('/');
    const handle = createMessageHandler({
      db,
      matcher: bundledMatcher,
      extensionId,
      extensionOrigin: origin,
      toolVersion: TOOL_VERSION,
      now: clock,
      setBadge: async () => {},
      log: (line) => logged.push(line),
    });
    fakeBrowser.runtime.onMessage.addListener((message: unknown, sender) => handle(message, sender as MessageSender));
    const trigger = async (message: unknown, sender: MessageSender): Promise<unknown> => {
      const [reply] = await fakeBrowser.runtime.onMessage.trigger(message, sender as BrowserSender, () => {});
      return reply as unknown;
    };
    await trigger(first.message, { id: extensionId, url: POLICY_URL, tab: { id: 3 } });
    const list = HistoryListReplySchema.parse(await trigger({ type: 'list-history' }, { id: extensionId, url: `${origin}popup.html` }));
    expect(list.entries).toHaveLength(1);
    expect(await trigger({ type: 'list-history' }, { id: extensionId, url: POLICY_URL, tab: { id: 3 } })).toMatchObject({ ok: false });
  });
});
