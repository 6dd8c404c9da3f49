import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageHandler, type MessageSender, type Reply } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { EXT_ID, EXT_ORIGIN, stateOf, useHandlerHarness, type Harness } from '../support/handler-harness';
import type { TabState } from '../../lib/extension/messages/tab-state';
import { MAX_PAGE_TEXT } from '../../lib/extension/messages/protocol';

/**
 * Hostile messages at the background's one receiver: each is answered { ok: false } (never a throw), and the
 * database, the badges and Object.prototype are exactly as before.
 */

const contentScript: MessageSender = { id: EXT_ID, url: 'https://hostile.example/privacy', tab: { id: 7 } };
const popup: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}popup.html` };
const otherExtension: MessageSender = { id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', url: 'chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/x.html' };
/** A content script on a page that pretends, in its path, to be ours. */
const spoofingPage: MessageSender = { id: EXT_ID, url: `https://hostile.example/${EXT_ORIGIN}popup.html`, tab: { id: 7 } };

const MEGABYTE = 'x'.repeat(1024 * 1024);
/** A well-formed analysis message (it is taken: see the last test), for the hostile variants. */
const PAGE = {
  type: 'analysis',
  url: 'https://hostile.example/privacy',
  title: 'Privacy',
  heading: '',
  looksLikePolicy: true,
  text: 'You can opt out.',
  blocks: [{ start: 0, end: 16, kind: 'paragraph', level: 0 }],
  links: [],
};
/**
 * Analyses the schema takes but whose offsets do not fit their text: the background records the error for the tab
 * (the popup shows it); nothing else may change.
 */
const RECORDS_ERROR = new Set(['analysis with a block beyond the text', 'analysis with blocks out of order', 'analysis with a link beyond the text']);

const harness = useHandlerHarness('security-messages');
const handler = () => harness.makeHandler({ log: () => undefined });
let db: ClausemarkDatabase;
let badges: Harness['badges'];
beforeEach(() => ({ db, badges } = harness));

/** Everything the handler could have changed. */
async function snapshot() {
  return {
    analyses: await db.analyses.toArray(),
    tabs: await db.tabs.toArray(),
    settings: await db.settings.toArray(),
    badges: [...badges],
  };
}

function expectRejected(reply: Reply | TabState): void {
  expect(reply).toMatchObject({ ok: false });
  expect(typeof (reply as { error: unknown }).error).toBe('string');
}

beforeEach(async () => {
  // Some state to keep: a finished tab, an earlier report, stored settings.
  await db.tabs.put({ tabId: 7, state: { status: 'not-a-policy', url: 'https://hostile.example/' }, updatedAt: '2025-01-01T00:00:00.000Z' });
  await db.settings.put({ key: 'settings', value: { automatic: true, hiddenTopics: [], highContrast: false }, savedAt: '2025-01-01T00:00:00.000Z' });
});

const HOSTILE: Array<[name: string, message: unknown, sender: MessageSender]> = [
  ['null', null, contentScript],
  ['a number', 42, contentScript],
  ['a string', 'get-tab-state', popup],
  ['an array', [{ type: 'get-tab-state', tabId: 7 }], popup],
  ['no type', { tabId: 7 }, popup],
  ['an unknown type', { type: 'eval', code: 'alert(1)' }, popup],
  ['a type that is not a string', { type: { toString: 'get-tab-state' } }, popup],
  ['progress with a string count', { type: 'progress', done: '1', total: 2 }, contentScript],
  ['progress with NaN', { type: 'progress', done: Number.NaN, total: 2 }, contentScript],
  ['progress with a negative count', { type: 'progress', done: -1, total: 2 }, contentScript],
  ['progress with a fraction', { type: 'progress', done: 0.5, total: 2 }, contentScript],
  ['get-tab-state with a string tab id', { type: 'get-tab-state', tabId: '7' }, popup],
  ['get-history-entry with id 0', { type: 'get-history-entry', id: 0 }, popup],
  ['not-a-policy with a megabyte address', { type: 'not-a-policy', url: MEGABYTE }, contentScript],
  ['analysis-failed with a megabyte reason', { type: 'analysis-failed', reason: MEGABYTE }, contentScript],
  // analysis: a page's extraction. The schema refuses what is not one; the offsets are checked against the text.
  ['analysis with a document instead of the page\'s text', { type: 'analysis', document: { clauses: 'all of them' } }, contentScript],
  ['analysis with a prototype-polluting block', JSON.parse(`{"type":"analysis","url":"https://hostile.example/","title":"t","heading":"","looksLikePolicy":true,"text":"You can opt out.","blocks":[{"__proto__":{"polluted":true}}],"links":[]}`), contentScript],
  ['analysis with a block of an unknown kind', { ...PAGE, blocks: [{ start: 0, end: 16, kind: 'iframe', level: 0 }] }, contentScript],
  ['analysis with a text past the limit', { ...PAGE, text: 'x'.repeat(MAX_PAGE_TEXT + 1) }, contentScript],
  ['analysis with a block beyond the text', { ...PAGE, blocks: [{ start: 0, end: 1_000_000, kind: 'paragraph', level: 0 }] }, contentScript],
  ['analysis with blocks out of order', { ...PAGE, text: `${PAGE.text}\n\n${PAGE.text}`, blocks: [{ start: 18, end: 34, kind: 'paragraph', level: 0 }, { start: 0, end: 16, kind: 'paragraph', level: 0 }] }, contentScript],
  ['analysis with a link beyond the text', { ...PAGE, links: [{ start: 4, end: 4_000, href: 'javascript:alert(1)' }] }, contentScript],
  ['the popup sending an analysis', PAGE, popup],
  ['set-settings with a prototype-polluting payload', JSON.parse('{"type":"set-settings","settings":{"__proto__":{"polluted":true}}}'), popup],
  ['set-settings with a constructor.prototype payload', { type: 'set-settings', settings: { constructor: { prototype: { polluted: true } } } }, popup],
  ['set-settings with extra fields', { type: 'set-settings', settings: { automatic: false, hiddenTopics: [], highContrast: false, script: '<img onerror=alert(1)>' } }, popup],
  ['set-settings with a wrong field type', { type: 'set-settings', settings: { automatic: 'yes', hiddenTopics: [], highContrast: false } }, popup],
  ['set-settings with a megabyte topic', { type: 'set-settings', settings: { automatic: false, hiddenTopics: [MEGABYTE], highContrast: false } }, popup],
  // A content script asking for what only the extension's own pages may do.
  ['a content script reading another tab', { type: 'get-tab-state', tabId: 3 }, contentScript],
  ['a content script changing the settings', { type: 'set-settings', settings: { automatic: false, hiddenTopics: [], highContrast: false } }, contentScript],
  ['a content script reading the history', { type: 'list-history' }, contentScript],
  ['a content script reading a history entry', { type: 'get-history-entry', id: 1 }, contentScript],
  ['a content script deleting all data', { type: 'delete-all-data' }, contentScript],
  ['a page spoofing the popup address in its path', { type: 'delete-all-data' }, spoofingPage],
  // The extension's pages posing as a content script.
  ['the popup reporting progress', { type: 'progress', done: 1, total: 2 }, popup],
  ['the popup reporting an analysis failure', { type: 'analysis-failed', reason: 'x' }, popup],
  // Anyone else.
  ['another extension', { type: 'get-tab-state', tabId: 7 }, otherExtension],
  ['another extension deleting all data', { type: 'delete-all-data' }, otherExtension],
  ['a sender without an id', { type: 'list-history' }, { url: 'https://hostile.example/' }],
];

describe('the background rejects hostile messages without a throw and without a change', () => {
  for (const [name, message, sender] of HOSTILE) {
    it(name, async () => {
      const before = await snapshot();
      const reply = await handler()(message, sender);
      expectRejected(reply);
      const after = await snapshot();
      if (RECORDS_ERROR.has(name)) {
        expect(after.analyses).toEqual(before.analyses);
        expect(after.settings).toEqual(before.settings);
        expect(after.badges).toEqual(before.badges);
        expect(after.tabs.find((tab) => tab.tabId === 7)?.state).toEqual({ status: 'error', reason: (reply as { error: string }).error });
      } else {
        expect(after).toEqual(before);
      }
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  }
});

describe('fields a message does not declare never get past the receiver', () => {
  it('progress with extra and __proto__ fields stores only what the schema declares', async () => {
    const message = JSON.parse('{"type":"progress","done":1,"total":2,"html":"<script>x</script>","__proto__":{"polluted":true}}');
    const reply = await handler()(message, contentScript);
    expect(reply).toEqual({ ok: true });
    const stored = await db.tabs.get(7);
    expect(stored?.state).toEqual({ status: 'analyzing', done: 1, total: 2 });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('get-tab-state with extra fields answers with the tab state alone', async () => {
    const reply = stateOf(await handler()({ type: 'get-tab-state', tabId: 7, extra: { deep: MEGABYTE } }, popup));
    expect(reply).toEqual({ status: 'not-a-policy', url: 'https://hostile.example/' });
  });

  it('an analysis with extra and __proto__ fields is analysed from its declared fields alone', async () => {
    const message = JSON.parse(`{"type":"analysis","url":"https://hostile.example/privacy","title":"Privacy","heading":"","looksLikePolicy":true,"text":"You can opt out.","blocks":[{"start":0,"end":16,"kind":"paragraph","level":0,"onclick":"x"}],"links":[],"document":{"clauses":[]},"__proto__":{"polluted":true}}`);
    const reply = await handler()(message, contentScript);
    expect(reply).toMatchObject({ ok: true, document: { document: { url: 'https://hostile.example/privacy', title: 'Privacy' } } });
    expect(await db.analyses.count()).toBe(1);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('the well-formed page the hostile analyses are made from is taken', async () => {
    expect(await handler()(PAGE, contentScript)).toMatchObject({ ok: true });
  });
});
