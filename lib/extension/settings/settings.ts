import { TOPICS, type Topic } from '../../engine/model/topics';
import type { Settings } from './schema';

export type { Settings };

/**
 * The person's settings, with defaults, read leniently (parseSettings). The content script reads them too: their
 * schema, for writes, is in ./schema.ts, which it does not load.
 *
 * Topics are stored as the ones *not* to highlight, so a topic added by a later version is highlighted until the
 * person turns it off, and a topic a later version drops simply disappears from the list.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  automatic: true,
  hiddenTopics: [],
  highContrast: false,
});

export function defaultSettings(): Settings {
  return { ...DEFAULT_SETTINGS, hiddenTopics: [...DEFAULT_SETTINGS.hiddenTopics] };
}

const isTopic = (value: unknown): value is Topic => (TOPICS as readonly unknown[]).includes(value);

/**
 * Reads stored (or received) settings leniently: a missing field takes its default quietly (an older version did
 * not have it); a malformed field takes its default and is logged; unknown topic ids are dropped and logged. Never
 * throws: settings must not stop the extension from working.
 */
export function parseSettings(raw: unknown, log: (message: string) => void = () => {}): Settings {
  const settings = defaultSettings();
  if (raw === undefined || raw === null) return settings;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    log(`stored settings were not an object (${Array.isArray(raw) ? 'array' : typeof raw}); using the defaults`);
    return settings;
  }
  const record = raw as Record<string, unknown>;
  for (const key of ['automatic', 'highContrast'] as const) {
    if (record[key] === undefined) continue;
    if (typeof record[key] === 'boolean') settings[key] = record[key];
    else log(`stored setting "${key}" was not true or false; using the default (${String(settings[key])})`);
  }
  if (record.hiddenTopics !== undefined) {
    if (Array.isArray(record.hiddenTopics)) {
      const known = record.hiddenTopics.filter(isTopic);
      if (known.length !== record.hiddenTopics.length) {
        log(`dropped ${record.hiddenTopics.length - known.length} unknown topic(s) from the stored settings`);
      }
      settings.hiddenTopics = TOPICS.filter((topic) => known.includes(topic));
    } else {
      log('stored setting "hiddenTopics" was not a list; highlighting every topic');
    }
  }
  const unknownKeys = Object.keys(record).filter((key) => !(key in settings));
  if (unknownKeys.length > 0) log(`ignored unknown stored setting(s): ${unknownKeys.join(', ')}`);
  return settings;
}

/** The topics to paint, in the usual order. */
export function highlightedTopics(settings: Settings): Topic[] {
  return TOPICS.filter((topic) => !settings.hiddenTopics.includes(topic));
}
