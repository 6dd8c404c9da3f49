import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageHandler, type MessageSender, type Reply } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { EXT_ID, EXT_ORIGIN, stateOf, useHandlerHarness, type Harness } from '../support/handler-harness';
import type { TabState } from '../../lib/extension/messages/tab-state';

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
  ['analysis with a document that is not one', { type: 'analysis', document: { clauses: 'all of them' } }, contentScript],
  ['analysis with a prototype-polluting document', JSON.parse('{"type":"analysis","document":{"__proto__":{"polluted":true}}}'), contentScript],
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
      // The analysis path records its error for the tab (the popup shows it); nothing else may change.
      const after = await snapshot();
      if ((message as { type?: unknown } | null)?.type === 'analysis' && sender === contentScript) {
        expect(after.analyses).toEqual(before.analyses);
        expect(after.settings).toEqual(before.settings);
        expect(after.tabs.find((tab) => tab.tabId === 7)?.state.status).toBe('error');
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
});
