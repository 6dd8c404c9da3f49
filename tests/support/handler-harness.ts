import 'fake-indexeddb/auto';
import { afterEach, beforeEach } from 'vitest';
import { createMessageHandler, type BackgroundDeps, type MessageSender, type Reply } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import type { TabState } from '../../lib/extension/messages/tab-state';

/**
 * The background's message handler with a fake browser around it, for the handler, history, settings and message
 * security tests: a fresh fake-indexeddb database per test, the badges it set and the lines it logged.
 */
export const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
export const EXT_ORIGIN = `chrome-extension://${EXT_ID}/`;

export const senders = {
  contentScript: { id: EXT_ID, url: 'https://example.com/privacy', tab: { id: 7 } } as MessageSender,
  popup: { id: EXT_ID, url: `${EXT_ORIGIN}popup.html` } as MessageSender,
  /** The popup opened as a page sits in a tab of its own. */
  popupInTab: { id: EXT_ID, url: `${EXT_ORIGIN}popup.html`, tab: { id: 12, url: `${EXT_ORIGIN}popup.html` } } as MessageSender,
  optionsPage: { id: EXT_ID, url: `${EXT_ORIGIN}options.html`, tab: { id: 13, url: `${EXT_ORIGIN}options.html` } } as MessageSender,
};

export interface Harness {
  db: ClausemarkDatabase;
  badges: Array<{ tabId: number; text: string; title: string }>;
  logged: string[];
  makeHandler(overrides?: Partial<BackgroundDeps>): ReturnType<typeof createMessageHandler>;
}

let counter = 0;

/** Call at the top of a test file (or describe): each test gets a new database, emptied and deleted after it. */
export function useHandlerHarness(name: string): Harness {
  const harness = { badges: [], logged: [] } as unknown as Harness;
  harness.makeHandler = (overrides = {}) => createMessageHandler({
    db: harness.db,
    matcher: bundledMatcher,
    extensionId: EXT_ID,
    extensionOrigin: EXT_ORIGIN,
    setBadge: async (tabId, text, title) => {
      harness.badges.push({ tabId, text, title });
    },
    log: (message) => harness.logged.push(message),
    ...overrides,
  });
  beforeEach(async () => {
    harness.db = new ClausemarkDatabase(`${name}-${process.pid}-${++counter}-${Date.now()}`);
    await harness.db.open();
    harness.badges = [];
    harness.logged = [];
  });
  afterEach(async () => {
    harness.db.close();
    await harness.db.delete();
  });
  return harness;
}

/** The tab state of a get-tab-state reply; a refusal as it came. */
export function stateOf(reply: Reply | unknown): TabState | Reply {
  const answer = reply as { ok?: boolean; state?: TabState };
  return answer.ok === true && answer.state !== undefined ? answer.state : (reply as Reply);
}
