import type { ClausemarkDatabase } from '../db/database';
import { TOPICS } from '../../engine/model/topics';
import { parseSettings, type Settings } from './settings';
import { SettingsSchema } from './schema';

/**
 * Settings live in the extension's database (the `settings` table since schema v2), not in browser.storage.local:
 * the background already owns that database, so "Delete all stored data" is one transaction over everything, the
 * settings follow the same versioned, tested migrations as the history, and content scripts never touch storage
 * (they ask the background, whose sender checks guard every write).
 */
const KEY = 'settings';

/** The stored settings, or the defaults when none are stored; bad stored data falls back field by field, logged. */
export async function loadSettings(db: ClausemarkDatabase, log: (message: string) => void): Promise<Settings> {
  const record = await db.settings.get(KEY);
  return parseSettings(record?.value, log);
}

/** Validates strictly (a writer sends the whole object) and stores; throws on invalid input. */
export async function saveSettings(db: ClausemarkDatabase, settings: unknown): Promise<Settings> {
  const parsed = SettingsSchema.parse(settings);
  // one entry per topic, in the usual order
  const valid: Settings = { ...parsed, hiddenTopics: TOPICS.filter((topic) => parsed.hiddenTopics.includes(topic)) };
  await db.settings.put({ key: KEY, value: valid, savedAt: new Date().toISOString() });
  return valid;
}
