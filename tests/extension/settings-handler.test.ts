import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageHandler, type MessageSender } from '../../lib/extension/background/handler';
import { ClausemarkDatabase } from '../../lib/extension/db/database';
import { EXT_ID, EXT_ORIGIN, stateOf, useHandlerHarness } from '../support/handler-harness';
import type { Settings } from '../../lib/extension/settings/settings';
import { SettingsReplySchema } from '../../lib/extension/messages/replies';

/** get-settings and set-settings through the background handler, with the sender rules. */
const contentScript: MessageSender = { id: EXT_ID, url: 'https://example.com/privacy', tab: { id: 7 } };
const popup: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}popup.html` };
const optionsPage: MessageSender = { id: EXT_ID, url: `${EXT_ORIGIN}options.html`, tab: { id: 13, url: `${EXT_ORIGIN}options.html` } };
const DEFAULTS: Settings = { automatic: true, hiddenTopics: [], highContrast: false };
const MINE: Settings = { automatic: false, hiddenTopics: ['model-training', 'advertising'], highContrast: true };

const harness = useHandlerHarness('settings-handler-test');
const makeHandler = () => harness.makeHandler({ setBadge: async () => {} });
let db: ClausemarkDatabase;
let logged: string[];
beforeEach(() => ({ db, logged } = harness));

describe('get-settings', () => {
  it('answers the defaults when nothing is stored, to a content script and to the extension pages', async () => {
    const handle = makeHandler();
    for (const sender of [contentScript, popup, optionsPage]) {
      expect(await handle({ type: 'get-settings' }, sender)).toEqual({ ok: true, settings: DEFAULTS });
    }
    expect(logged).toEqual([]);
  });

  it('from a content script, tells the background that a page is about to be read (its warm-up); from the popup, not', async () => {
    let starting = 0;
    const handle = harness.makeHandler({ setBadge: async () => {}, pageStarting: () => void starting++ });
    await handle({ type: 'get-settings' }, popup);
    expect(starting).toBe(0);
    await handle({ type: 'get-settings' }, contentScript);
    expect(starting).toBe(1);
  });

  it('is refused to anyone outside the extension', async () => {
    const handle = makeHandler();
    const reply = await handle({ type: 'get-settings' }, { url: 'https://evil.example/', tab: { id: 7 } });
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/outside the extension/) });
  });

  it('bad stored data: the defaults, and the background logs why', async () => {
    await db.settings.put({ key: 'settings', value: { automatic: 'sometimes', hiddenTopics: ['telepathy'] }, savedAt: '' });
    const handle = makeHandler();
    expect(await handle({ type: 'get-settings' }, contentScript)).toEqual({ ok: true, settings: DEFAULTS });
    expect(logged).toHaveLength(2);
    expect(logged.every((line) => line.startsWith('settings: '))).toBe(true);
  });
});

describe('set-settings', () => {
  it('the options page saves; everyone reads the new settings; they survive a restart of the background', async () => {
    const handle = makeHandler();
    const reply = await handle({ type: 'set-settings', settings: MINE }, optionsPage);
    expect(SettingsReplySchema.parse(reply).settings).toEqual(MINE);
    expect(await handle({ type: 'get-settings' }, contentScript)).toEqual({ ok: true, settings: MINE });

    // a new service worker: a new handler and a new connection to the same database
    const name = db.name;
    db.close();
    db = harness.db = new ClausemarkDatabase(name);
    expect(await makeHandler()({ type: 'get-settings' }, popup)).toEqual({ ok: true, settings: MINE });
  });

  it('a content script may not change the settings', async () => {
    const handle = makeHandler();
    const reply = await handle({ type: 'set-settings', settings: MINE }, contentScript);
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/only the extension's own pages/) });
    expect(await db.settings.count()).toBe(0);
  });

  it('invalid settings are refused and the stored ones kept', async () => {
    const handle = makeHandler();
    await handle({ type: 'set-settings', settings: MINE }, optionsPage);
    logged.length = 0;
    const bad: unknown[] = [
      undefined,
      null,
      { automatic: true },
      { ...MINE, automatic: 'yes' },
      { ...MINE, hiddenTopics: ['telepathy'] },
      { ...MINE, extra: true },
    ];
    for (const settings of bad) {
      const reply = await handle({ type: 'set-settings', settings }, optionsPage);
      expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/^rejected settings that do not match the schema/) });
    }
    expect(logged).toHaveLength(bad.length);
    expect(await handle({ type: 'get-settings' }, popup)).toEqual({ ok: true, settings: MINE });
  });
});
