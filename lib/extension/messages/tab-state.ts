import { z } from 'zod';
import { AnnotatedDocumentSchema } from '../../document/schema';
import { DocumentChangesSchema } from '../../document/history/schema';

/** What the background knows about a tab; the popup renders one view per status. */
export const TabStateSchema = z.discriminatedUnion('status', [
  /** nothing analysed yet on this tab (the popup offers "analyse this page") */
  z.object({ status: z.literal('idle') }),
  /** browser pages, the PDF viewer, the web store: content scripts cannot run there */
  z.object({ status: z.literal('restricted'), url: z.string() }),
  z.object({ status: z.literal('analyzing'), done: z.number(), total: z.number() }),
  /** the page does not look like a policy; the popup offers "analyse anyway" */
  z.object({ status: z.literal('not-a-policy'), url: z.string() }),
  z.object({ status: z.literal('error'), reason: z.string() }),
  /** the page is in a language the engine does not read (English only): `language` is its English name */
  z.object({ status: z.literal('unsupported-language'), url: z.string(), code: z.string(), language: z.string() }),
  /** `changes`: compared with the last visit of the same page, when there was one */
  z.object({ status: z.literal('done'), document: AnnotatedDocumentSchema, changes: DocumentChangesSchema.optional() }),
]);
export type TabState = z.infer<typeof TabStateSchema>;
