import * as z from 'zod/mini';
import { id, LIST_PART_ITEMS, MAX_BLOCKS, MAX_LINKS, MAX_PAGE_TEXT, MAX_PARTS, TEXT_PART_CHARS, type Sender } from './content-protocol';

// What the content script needs of the protocol lives in ./content-protocol.ts (it does not build the schemas below).
export * from './content-protocol';

/**
 * Every message between the extension's parts, one schema each. Receivers parse before acting and check the sender
 * (BACKGROUND_SENDERS below; replies in ./replies.ts). zod/mini keeps the content script small.
 */
/** content script → background */
export const ProgressReport = z.object({
  type: z.literal('progress'),
  done: z.number().check(z.int(), z.nonnegative()),
  total: z.number().check(z.int(), z.nonnegative()),
});
export const NotAPolicy = z.object({ type: z.literal('not-a-policy'), url: z.string().check(z.maxLength(8192)) });
export const AnalysisFailed = z.object({
  type: z.literal('analysis-failed'),
  reason: z.string().check(z.maxLength(2000)),
});
/**
 * What the content script read from the page: the text, its blocks and links, in offsets. The background analyses it
 * (the engine and its learned model live there, not on the page's main thread) and answers with the annotated
 * document to paint. Bounded: a 20 MB page is already far past any policy. The background checks every offset.
 */
const offset = z.number().check(z.int(), z.nonnegative());
const block = z.object({
  start: offset,
  end: offset,
  kind: z.enum(['heading', 'paragraph', 'list-item', 'cell']),
  level: z.number().check(z.int(), z.gte(0), z.lte(6)),
});
const link = z.object({ start: offset, end: offset, href: z.string().check(z.maxLength(8192)) });
export const AnalysisReport = z.object({
  type: z.literal('analysis'),
  url: z.string().check(z.maxLength(8192)),
  title: z.string().check(z.maxLength(2000)),
  heading: z.string().check(z.maxLength(2000)),
  looksLikePolicy: z.boolean(),
  text: z.string().check(z.maxLength(MAX_PAGE_TEXT)),
  blocks: z.array(block).check(z.maxLength(MAX_BLOCKS)),
  links: z.array(link).check(z.maxLength(MAX_LINKS)),
  /** the document's `lang` attribute, as declared: with the text, it tells a page the engine cannot read */
  lang: z.optional(z.string().check(z.maxLength(100))),
  /**
   * A first look at the start of a long page (lib/extension/page/preview.ts): analysed and answered at once, without
   * provision matching, and neither stored nor shown on the badge; the whole page follows in a second message.
   */
  preview: z.optional(z.boolean()),
  /**
   * A first look sent before the content script knows the settings: the background analyses it only if automatic
   * reading is on, or the person asked for this analysis (`asked`).
   */
  asked: z.optional(z.boolean()),
  /**
   * A long page's extraction comes ahead in `analysis-part` messages (text, blocks and links are then empty): how
   * many parts, how many characters of text in all, under which upload id.
   */
  parts: z.optional(z.object({
    upload: id(),
    count: z.number().check(z.int(), z.positive(), z.lte(MAX_PARTS)),
    length: z.number().check(z.int(), z.positive(), z.lte(MAX_PAGE_TEXT)),
  })),
});
/**
 * One part of a long page's extraction, sent ahead of its `analysis` message (lib/extension/background/uploads.ts):
 * the next stretch of its text, and of its blocks and links (in text offsets of the whole page).
 */
export const AnalysisPart = z.object({
  type: z.literal('analysis-part'),
  upload: id(),
  index: z.number().check(z.int(), z.nonnegative(), z.lt(MAX_PARTS)),
  text: z.string().check(z.maxLength(TEXT_PART_CHARS)),
  blocks: z.array(block).check(z.maxLength(LIST_PART_ITEMS)),
  links: z.array(link).check(z.maxLength(LIST_PART_ITEMS)),
});
/**
 * One part of a huge analysis's clauses, asked for after an `analysis` reply that names a download
 * (lib/extension/background/downloads.ts): one long reply would hold the page's main thread while the browser reads it.
 */
export const AnalysisReplyPart = z.object({
  type: z.literal('analysis-reply-part'),
  download: id(),
  index: z.number().check(z.int(), z.nonnegative(), z.lt(MAX_PARTS)),
});
/** Automatic mode is off: the page was not read, so the tab forgets what it said of an earlier page. */
export const AutomaticOff = z.object({ type: z.literal('automatic-off') });

/** content script or extension page → background: the person's settings (defaults when none are stored) */
export const GetSettings = z.object({ type: z.literal('get-settings') });

/** popup → background */
export const GetTabState = z.object({ type: z.literal('get-tab-state'), tabId: z.number().check(z.int()) });
/** popup and options → background. The settings are validated by the background (lib/settings). */
export const SetSettings = z.object({ type: z.literal('set-settings'), settings: z.unknown() });
export const ListHistory = z.object({ type: z.literal('list-history') });
/** popup → background: what the dataset knows of the platform a page address belongs to (its app, its home page). */
export const GetKnownPlatform = z.object({ type: z.literal('get-known-platform'), url: z.string().check(z.maxLength(8192)) });
export const GetHistoryEntry = z.object({
  type: z.literal('get-history-entry'),
  id: z.number().check(z.int(), z.positive()),
});
/** Clears the history, tab states and settings (settings return to their defaults). */
export const DeleteAllData = z.object({ type: z.literal('delete-all-data') });

export const BackgroundRequest = z.discriminatedUnion('type', [
  ProgressReport,
  NotAPolicy,
  AnalysisFailed,
  AnalysisReport,
  AnalysisPart,
  AnalysisReplyPart,
  AutomaticOff,
  GetSettings,
  GetTabState,
  SetSettings,
  ListHistory,
  GetHistoryEntry,
  GetKnownPlatform,
  DeleteAllData,
]);
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;

/** Who may send each message to the background (Sender: ./content-protocol.ts). */
export const BACKGROUND_SENDERS = {
  progress: 'content-script',
  'not-a-policy': 'content-script',
  'analysis-failed': 'content-script',
  analysis: 'content-script',
  'analysis-part': 'content-script',
  'analysis-reply-part': 'content-script',
  'automatic-off': 'content-script',
  'get-settings': 'content-script-or-extension-page',
  'get-tab-state': 'extension-page',
  'set-settings': 'extension-page',
  'list-history': 'extension-page',
  'get-history-entry': 'extension-page',
  'get-known-platform': 'extension-page',
  'delete-all-data': 'extension-page',
} as const satisfies Record<BackgroundRequest['type'], Sender>;
