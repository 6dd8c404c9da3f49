import * as z from 'zod/mini';
import { TOPICS } from '../../engine/model/topics';

/** The settings' schema, strict, for writes (lib/extension/settings/store.ts) and the background's replies. */
export const SettingsSchema = z.strictObject({
  /** annotate policy-like pages as they open; when off, only "Analyse this page" in the popup reads a page */
  automatic: z.boolean(),
  /** topics whose opt-outs and exceptions are not painted on the page (the popup still lists them) */
  hiddenTopics: z.array(z.enum(TOPICS)).check(z.maxLength(TOPICS.length)),
  /** thicker, darker underlines and a stronger background on the page */
  highContrast: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;
