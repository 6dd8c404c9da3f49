import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_REPLIES } from '../../lib/extension/messages/replies';
import { TabStateSchema } from '../../lib/extension/messages/tab-state';
import { fileMessage, senders, stateOf, textMessage, useHandlerHarness } from '../support/handler-harness';

/** The background's side of the popup's guides: what a platform's policies say, and pages it cannot read. */
const harness = useHandlerHarness('discover-handler');
const FIXTURE = fileURLToPath(new URL('../fixtures/policies/anthropic-privacy-policy.md', import.meta.url));

const FRENCH = `Nous utilisons vos données personnelles pour fournir et améliorer nos services. Vous pouvez vous opposer à
l'utilisation de vos conversations pour l'entraînement de nos modèles dans les paramètres de votre compte. Même si vous
vous y opposez, nous conservons les contenus signalés pour des raisons de sécurité. Nous ne vendons pas vos données et
nous les partageons uniquement avec des prestataires qui agissent pour notre compte.`;

describe('get-known-platform', () => {
  it('answers the popup with the platform of a page address, in the reply schema', async () => {
    const handle = harness.makeHandler();
    const reply = await handle({ type: 'get-known-platform', url: 'https://www.anthropic.com/' }, senders.popup);
    expect(BACKGROUND_REPLIES['get-known-platform'].safeParse(reply).success).toBe(true);
    expect(reply).toMatchObject({ ok: true, platform: { name: 'Claude', host: 'anthropic.com' } });
    const { platform } = reply as { platform: { clauses: unknown[]; documents: Array<{ url: string }> } };
    expect(platform.clauses.length).toBeGreaterThan(3);
    expect(platform.documents.map((document) => document.url)).toContain('https://www.anthropic.com/legal/privacy');
  });

  it('answers null for an address of no known platform', async () => {
    const handle = harness.makeHandler();
    expect(await handle({ type: 'get-known-platform', url: 'https://example.com/' }, senders.popupInTab)).toEqual({ ok: true, platform: null });
  });

  it('refuses a content script', async () => {
    const handle = harness.makeHandler();
    const reply = await handle({ type: 'get-known-platform', url: 'https://claude.ai/' }, senders.contentScript);
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/only the extension's own pages/) });
  });
});

describe('analysis of a page the engine cannot read', () => {
  it('stores "unsupported-language" with the language, sets a titled badge and analyses nothing', async () => {
    const handle = harness.makeHandler();
    const message = { ...textMessage(FRENCH, { url: 'https://exemple.fr/confidentialite', title: 'Politique de confidentialité' }), lang: 'fr' };
    const reply = await handle(message, senders.contentScript);
    expect(reply).toEqual({ ok: true, unsupportedLanguage: { code: 'fr', name: 'French' } });
    expect(BACKGROUND_REPLIES.analysis.safeParse(reply).success).toBe(true);
    const state = stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, senders.popup));
    expect(TabStateSchema.parse(state)).toEqual({
      status: 'unsupported-language',
      url: 'https://exemple.fr/confidentialite',
      code: 'fr',
      language: 'French',
    });
    expect(harness.badges.at(-1)).toEqual({ tabId: 7, text: '', title: 'Clausemark reads English policies; this page is in French' });
    expect(await harness.db.analyses.count()).toBe(0);
  });

  it('names the language from the text when the page declares none, or declares English wrongly', async () => {
    const handle = harness.makeHandler();
    for (const lang of [undefined, 'en']) {
      const reply = await handle({ ...textMessage(FRENCH, { url: 'https://exemple.fr/cgu', title: 'CGU' }), lang }, senders.contentScript);
      expect(reply).toEqual({ ok: true, unsupportedLanguage: { code: 'fr', name: 'French' } });
    }
  });

  it('still reads an English policy whose page declares another language', async () => {
    const handle = harness.makeHandler();
    const message = { ...(await fileMessage(FIXTURE, { url: 'https://www.anthropic.com/legal/privacy' })), lang: 'de' };
    const reply = await handle(message, senders.contentScript);
    expect(reply).toMatchObject({ ok: true, document: { document: { url: 'https://www.anthropic.com/legal/privacy' } } });
    expect(stateOf(await handle({ type: 'get-tab-state', tabId: 7 }, senders.popup))).toMatchObject({ status: 'done' });
  });

  it('refuses an oversized lang attribute', async () => {
    const handle = harness.makeHandler();
    const reply = await handle({ ...textMessage(FRENCH, { url: 'https://exemple.fr/', title: 'x' }), lang: 'x'.repeat(101) }, senders.contentScript);
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/malformed/) });
  });
});
