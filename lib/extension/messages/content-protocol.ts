import * as z from 'zod/mini';

/**
 * The part of the message protocol (./protocol.ts) that the content script needs: what it may be asked, who may ask,
 * and the limits of what it sends. Kept apart, and its schemas built on first use, so that the content script builds
 * no schema when it is injected (building them was 20 ms of the injection task in Chromium).
 */
function builtOnFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/** An id: a clause's, an upload's. */
export const id = builtOnFirstUse(() => z.string().check(z.minLength(1), z.maxLength(200)));

/** popup → content script */
export const contentRequestSchema = builtOnFirstUse(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('jump-to-clause'), clauseId: id() }),
  z.object({ type: z.literal('analyze-now') }),
]));
export type ContentRequest = z.infer<ReturnType<typeof contentRequestSchema>>;

export const MAX_PAGE_TEXT = 20_000_000;
/**
 * Past this many characters the text goes in parts of this size: cloning a message holds the sender's main thread
 * (a 5 MB text in one message took 200 ms in Chromium, a 220 K one 25–40 ms), a part of 64 K characters a few ms.
 */
export const TEXT_PART_CHARS = 65_536;
/** Blocks or links per part: each is an object to clone, and thousands of them cost as much as a long text. */
export const LIST_PART_ITEMS = 2_000;
/** A name for one transfer in parts (a page's upload, an analysis's download): unique enough within one frame. */
export const transferId = (): string => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
/** The background's words when an `analysis` message names parts it does not hold: the sender sends them again. */
export const PARTS_LOST = 'its parts never came, or were lost';
/** Enough parts for the longest page allowed, or for its most blocks. */
export const MAX_PARTS = 1_000;
export const MAX_BLOCKS = 1_000_000;
export const MAX_LINKS = 200_000;

/**
 * Who may send each message, declared with the message: the background refuses any message from any other sender
 * (and, by the record's type, a message without a declared sender does not compile). Reading the history and changing
 * or deleting stored data come only from the extension's own pages; what a page says about itself only from a content
 * script in a tab; the settings are read by both (content scripts need them to know what to paint).
 */
export type Sender = 'content-script' | 'extension-page' | 'content-script-or-extension-page';

/** The content script takes orders only from the extension's own pages (the popup). */
export const CONTENT_SENDERS = {
  'jump-to-clause': 'extension-page',
  'analyze-now': 'extension-page',
} as const satisfies Record<ContentRequest['type'], Sender>;

/** Deny by default: true only when the message type declares this kind of sender. */
export function senderAllowed(declared: Sender | undefined, sender: 'content-script' | 'extension-page' | 'other'): boolean {
  if (declared === undefined || sender === 'other') return false;
  return declared === sender || declared === 'content-script-or-extension-page';
}
