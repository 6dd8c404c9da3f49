import { z } from 'zod';
import { AnnotatedDocumentSchema, ClauseSchema } from '../../document/schema';
import { DocumentChangesSchema, HistoryEntrySchema } from '../../document/history/schema';
import { SettingsSchema } from '../settings/schema';
import { TabStateSchema } from './tab-state';
import { KnownPlatformSchema } from '../../knowledge/platforms';
import type { BackgroundRequest, ContentRequest } from './protocol';

/**
 * The reply to every message, one schema each, next to the requests of ./protocol.ts. Every reply is
 * `{ ok: true, … }` or `{ ok: false, error }`: the registries below hold both; the named schemas the success alone. Full zod here: the background and the extension pages parse replies;
 * the content script only uses the inferred types (import type), so its bundle stays on zod/mini.
 */
export const FailureSchema = z.object({ ok: z.literal(false), error: z.string() });
export type Failure = z.infer<typeof FailureSchema>;

/** A reply schema: the success shape, or a failure. */
const orFailure = <T extends z.ZodType>(success: T) => z.union([success, FailureSchema]);
const ok = <T extends z.ZodRawShape>(shape: T) => z.object({ ok: z.literal(true), ...shape });

/** The success shapes, as the extension pages parse them. */
const Ack = ok({});
/** What the analysis became once the background matched, summarised and stored it: the cards show its matches. */
export const AnalysisReplySchema = ok({
  document: AnnotatedDocumentSchema,
  /** a huge analysis: the document comes without its clauses, which follow in `count` parts under this download */
  clauseParts: z.object({ download: z.string(), count: z.number().int().positive() }).optional(),
});
/** One part of a huge analysis's clauses. */
export const AnalysisReplyPartSchema = ok({ clauses: z.array(ClauseSchema) });
/** The page is in a language the engine does not read: nothing was analysed, and the tab says so. */
export const UnsupportedLanguageReplySchema = ok({ unsupportedLanguage: z.object({ code: z.string(), name: z.string() }) });
/** A first look not asked for, while automatic reading is off: nothing was analysed. */
export const AutomaticOffReplySchema = ok({ automaticOff: z.literal(true) });
export const KnownPlatformReplySchema = ok({ platform: KnownPlatformSchema.nullable() });
export const SettingsReplySchema = ok({ settings: SettingsSchema });
export const TabStateReplySchema = ok({ state: TabStateSchema });
export const HistoryListReplySchema = ok({ entries: z.array(HistoryEntrySchema) });
export const HistoryDetailReplySchema = ok({
  entry: HistoryEntrySchema,
  document: AnnotatedDocumentSchema,
  changes: DocumentChangesSchema.nullable(),
});
export type HistoryDetail = z.infer<typeof HistoryDetailReplySchema>;
/** The content script's answer: whether it found the clause, or finished the analysis. */
export const ContentReplySchema = z.object({ ok: z.boolean() });

export const BACKGROUND_REPLIES = {
  progress: orFailure(Ack),
  'not-a-policy': orFailure(Ack),
  'analysis-failed': orFailure(Ack),
  analysis: z.union([AnalysisReplySchema, UnsupportedLanguageReplySchema, AutomaticOffReplySchema, FailureSchema]),
  'analysis-part': orFailure(Ack),
  'analysis-reply-part': orFailure(AnalysisReplyPartSchema),
  'automatic-off': orFailure(Ack),
  'get-settings': orFailure(SettingsReplySchema),
  'get-tab-state': orFailure(TabStateReplySchema),
  'set-settings': orFailure(SettingsReplySchema),
  'list-history': orFailure(HistoryListReplySchema),
  'get-history-entry': orFailure(HistoryDetailReplySchema),
  'get-known-platform': orFailure(KnownPlatformReplySchema),
  'delete-all-data': orFailure(Ack),
} as const satisfies Record<BackgroundRequest['type'], z.ZodType>;

export const CONTENT_REPLIES = {
  'jump-to-clause': ContentReplySchema,
  'analyze-now': ContentReplySchema,
} as const satisfies Record<ContentRequest['type'], z.ZodType>;

export type BackgroundReply<T extends BackgroundRequest['type'] = BackgroundRequest['type']> = z.infer<(typeof BACKGROUND_REPLIES)[T]>;
export type ContentReply<T extends ContentRequest['type'] = ContentRequest['type']> = z.infer<(typeof CONTENT_REPLIES)[T]>;
/** A reply that succeeded. */
export type Success<R> = Exclude<R, Failure>;
