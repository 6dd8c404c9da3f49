import 'fake-indexeddb/auto';
import { afterEach, beforeEach } from 'vitest';
import { createMessageHandler, type BackgroundDeps, type MessageSender, type Reply } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import type { TabState } from '../../lib/extension/messages/tab-state';
import type { BackgroundMessage } from '../../lib/extension/messages/client';
import type { AnalyzeInput } from '../../lib/engine/analyze';
import { extractFromPlainText } from '../../lib/engine/extract/plain-text';
import { loadDocumentFile } from '../../lib/node/cli/load-document';

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

/** The version the harness's background records in each analysis (the CLI's tests use the same). */
export const TOOL_VERSION = '0.1.0';

export type AnalysisMessage = BackgroundMessage<'analysis'>;

/**
 * The `analysis` message a content script sends for a page: its extraction (text, blocks, links — nothing else
 * goes into the message), with the page's address and title.
 */
export function pageMessage(
  extraction: AnalyzeInput,
  page: { url: string; title: string; heading?: string; looksLikePolicy?: boolean },
): AnalysisMessage {
  return {
    type: 'analysis',
    url: page.url,
    title: page.title,
    heading: page.heading ?? '',
    looksLikePolicy: page.looksLikePolicy ?? true,
    text: extraction.text,
    blocks: extraction.blocks.map(({ start, end, kind, level }) => ({ start, end, kind, level })),
    links: (extraction.links ?? []).map(({ start, end, href }) => ({ start, end, href })),
  };
}

/** The message for plain text (blank lines separate paragraphs, lib/engine/extract/plain-text.ts). */
export function textMessage(text: string, page: { url: string; title: string }): AnalysisMessage {
  return pageMessage(extractFromPlainText(text), page);
}

/** The message for a policy file (.md, .html, .txt) read as the CLI reads it; the title is the file's unless given. */
export async function fileMessage(path: string, page: { url: string; title?: string }): Promise<AnalysisMessage> {
  const { title, extraction } = await loadDocumentFile(path);
  return pageMessage(extraction, { url: page.url, title: page.title ?? title });
}

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
    toolVersion: TOOL_VERSION,
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
