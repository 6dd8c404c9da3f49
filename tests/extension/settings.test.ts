import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { TOPICS } from '../../lib/engine/model/topics';
import {
  DEFAULT_SETTINGS,
  defaultSettings,
  highlightedTopics,
  parseSettings,
  type Settings,
} from '../../lib/extension/settings/settings';
import { SettingsSchema } from '../../lib/extension/settings/schema';
import { SettingsReplySchema } from '../../lib/extension/messages/replies';
import { loadSettings, saveSettings } from '../../lib/extension/settings/store';

function collect(): { log: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { log: (line) => void lines.push(line), lines };
}

describe('defaults', () => {
  it('reads every page automatically, highlights every topic, standard style', () => {
    expect(defaultSettings()).toEqual({ automatic: true, hiddenTopics: [], highContrast: false });
    expect(highlightedTopics(defaultSettings())).toEqual([...TOPICS]);
    expect(SettingsSchema.safeParse(DEFAULT_SETTINGS).success).toBe(true);
  });

  it('hands out copies: changing one does not change the defaults', () => {
    const mine = defaultSettings();
    mine.hiddenTopics.push('advertising');
    mine.automatic = false;
    expect(defaultSettings()).toEqual({ automatic: true, hiddenTopics: [], highContrast: false });
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
  });
});

describe('parseSettings (lenient, for stored data)', () => {
  it('nothing stored: the defaults, quietly', () => {
    for (const raw of [undefined, null]) {
      const { log, lines } = collect();
      expect(parseSettings(raw, log)).toEqual(defaultSettings());
      expect(lines).toEqual([]);
    }
  });

  it('valid settings come back as they are', () => {
    const stored: Settings = { automatic: false, hiddenTopics: ['advertising', 'cookies-tracking'], highContrast: true };
    const { log, lines } = collect();
    expect(parseSettings(stored, log)).toEqual(stored);
    expect(lines).toEqual([]);
  });

  it('a missing field (an older version did not have it) takes its default without a word', () => {
    const { log, lines } = collect();
    expect(parseSettings({ automatic: false }, log)).toEqual({ automatic: false, hiddenTopics: [], highContrast: false });
    expect(lines).toEqual([]);
  });

  it('a malformed field takes its default and is logged; the good fields stay', () => {
    const { log, lines } = collect();
    const parsed = parseSettings({ automatic: 'no', hiddenTopics: ['advertising'], highContrast: 1 }, log);
    expect(parsed).toEqual({ automatic: true, hiddenTopics: ['advertising'], highContrast: false });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/"automatic" was not true or false/);
    expect(lines[1]).toMatch(/"highContrast" was not true or false/);
  });

  it('unknown topic ids are dropped and logged; duplicates and order are tidied', () => {
    const { log, lines } = collect();
    const parsed = parseSettings({ hiddenTopics: ['cookies-tracking', 'telepathy', 'advertising', 'advertising', 7] }, log);
    expect(parsed.hiddenTopics).toEqual(['advertising', 'cookies-tracking']);
    expect(lines).toEqual(['dropped 2 unknown topic(s) from the stored settings']);
    expect(highlightedTopics(parsed)).not.toContain('advertising');
    expect(highlightedTopics(parsed)).toHaveLength(TOPICS.length - 2);
  });

  it('hiddenTopics that is not a list highlights every topic, logged', () => {
    const { log, lines } = collect();
    expect(parseSettings({ hiddenTopics: 'advertising' }, log).hiddenTopics).toEqual([]);
    expect(lines[0]).toMatch(/"hiddenTopics" was not a list/);
  });

  it('anything but an object: the defaults, logged', () => {
    for (const raw of ['automatic', 42, true, ['automatic'], () => 1]) {
      const { log, lines } = collect();
      expect(parseSettings(raw, log)).toEqual(defaultSettings());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/not an object.*using the defaults/);
    }
  });

  it('unknown keys are ignored and logged', () => {
    const { log, lines } = collect();
    expect(parseSettings({ automatic: false, theme: 'dark', __proto__x: 1 }, log)).toEqual({
      automatic: false,
      hiddenTopics: [],
      highContrast: false,
    });
    expect(lines).toEqual(['ignored unknown stored setting(s): theme, __proto__x']);
  });

  it('never throws, whatever it is given', () => {
    const odd: unknown[] = [Symbol('x'), 10n, new Date(), new Map(), Object.create(null), { hiddenTopics: [null, {}, []] }];
    for (const raw of odd) expect(() => parseSettings(raw)).not.toThrow();
  });
});

describe('SettingsSchema (strict, for writes)', () => {
  it('accepts complete settings and rejects anything else', () => {
    expect(SettingsSchema.safeParse({ automatic: true, hiddenTopics: ['children'], highContrast: false }).success).toBe(true);
    const bad: unknown[] = [
      { automatic: true, hiddenTopics: [] },
      { automatic: 'yes', hiddenTopics: [], highContrast: false },
      { automatic: true, hiddenTopics: ['telepathy'], highContrast: false },
      { automatic: true, hiddenTopics: [], highContrast: false, extra: 1 },
      { automatic: true, hiddenTopics: Array(TOPICS.length + 1).fill('other'), highContrast: false },
      null,
      'settings',
    ];
    for (const raw of bad) expect(SettingsSchema.safeParse(raw).success).toBe(false);
  });

  it('the reply schema wants ok: true and valid settings', () => {
    expect(SettingsReplySchema.safeParse({ ok: true, settings: defaultSettings() }).success).toBe(true);
    expect(SettingsReplySchema.safeParse({ ok: false, settings: defaultSettings() }).success).toBe(false);
    expect(SettingsReplySchema.safeParse({ ok: true, settings: { automatic: 1 } }).success).toBe(false);
  });
});

describe('settings in the database', () => {
  let counter = 0;
  const opened: ClausemarkDatabase[] = [];
  const openDb = (name = `settings-test-${process.pid}-${++counter}-${Date.now()}`) => {
    const db = new ClausemarkDatabase(name);
    opened.push(db);
    return db;
  };

  afterEach(async () => {
    const dbs = opened.splice(0);
    for (const db of dbs) db.close();
    for (const name of new Set(dbs.map((db) => db.name))) await new ClausemarkDatabase(name).delete();
  });

  it('reads the defaults when nothing is stored', async () => {
    const { log, lines } = collect();
    expect(await loadSettings(openDb(), log)).toEqual(defaultSettings());
    expect(lines).toEqual([]);
  });

  it('saves, reads back and survives a close and reopen', async () => {
    const name = `settings-reopen-${process.pid}-${Date.now()}`;
    const db = openDb(name);
    const mine: Settings = { automatic: false, hiddenTopics: ['model-training'], highContrast: true };
    expect(await saveSettings(db, mine)).toEqual(mine);
    const { log, lines } = collect();
    expect(await loadSettings(db, log)).toEqual(mine);
    db.close();
    expect(await loadSettings(openDb(name), log)).toEqual(mine);
    expect(lines).toEqual([]);
    const stored = await opened.at(-1)!.settings.get('settings');
    expect(Number.isNaN(Date.parse(stored!.savedAt))).toBe(false);
  });

  it('stores topics once each, in the usual order', async () => {
    const db = openDb();
    const saved = await saveSettings(db, { automatic: true, hiddenTopics: ['other', 'advertising', 'other'], highContrast: false });
    expect(saved.hiddenTopics).toEqual(['advertising', 'other']);
    expect((await db.settings.get('settings'))!.value).toEqual(saved);
  });

  it('refuses invalid settings and keeps what was stored', async () => {
    const db = openDb();
    const mine: Settings = { automatic: false, hiddenTopics: [], highContrast: false };
    await saveSettings(db, mine);
    await expect(saveSettings(db, { automatic: 'off' })).rejects.toThrow();
    await expect(saveSettings(db, { ...mine, hiddenTopics: ['telepathy'] })).rejects.toThrow();
    expect(await loadSettings(db, () => {})).toEqual(mine);
  });

  it('bad stored data falls back to the defaults, logged', async () => {
    const db = openDb();
    await db.settings.put({ key: 'settings', value: 'corrupted', savedAt: new Date().toISOString() });
    const { log, lines } = collect();
    expect(await loadSettings(db, log)).toEqual(defaultSettings());
    expect(lines).toHaveLength(1);
  });
});
