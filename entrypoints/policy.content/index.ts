import '@/lib/extension/page/loaded';
import { browser } from 'wxt/browser';
import { CONTENT_SENDERS, contentRequestSchema, senderAllowed } from '@/lib/extension/messages/content-protocol';
import { createMessageClient } from '@/lib/extension/messages/client';
import type { ContentReply } from '@/lib/extension/messages/replies';
import { PageController, type RunResult } from '@/lib/extension/page/controller';
import './highlights.css';

/** Thin wiring: page → lib/extension/page/controller.ts; messages validated and their sender checked before use. */
export default defineContentScript({
  // Registered at run time, only while automatic mode's host access is granted: lib/extension/background/automatic-mode.ts.
  registration: 'runtime',
  // Policies embedded in frames (help centres, consent dialogs), including about:blank/srcdoc frames.
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  main(ctx) {
    const client = createMessageClient({ sendMessage: (message) => browser.runtime.sendMessage(message) });
    // WXT's ctx: when the extension is updated, this copy's listeners, observer and highlights go.
    // Firefox pays for a registered highlight at once, in proportion to its ranges; Chromium for every change to one,
    // with a walk of the whole page: each is given the registration that keeps its slices short (highlighter.ts).
    const controller = new PageController(window, client, browser.runtime.getManifest().version, ctx, {
      registration: import.meta.env.FIREFOX ? 'live' : 'swap',
    });
    const exposeResult = (result: RunResult): void => {
      // For the end-to-end suite and the benchmark: timings as a data attribute-free global on the isolated world.
      (globalThis as { __clausemarkLastRun?: RunResult }).__clausemarkLastRun = result;
    };
    const extensionOrigin = browser.runtime.getURL('/');
    const listener = (raw: unknown, sender: { id?: string; url?: string }): Promise<ContentReply> | undefined => {
      if (sender.id !== browser.runtime.id || ctx.isInvalid) return undefined;
      const parsed = contentRequestSchema().safeParse(raw);
      if (!parsed.success) {
        console.warn('Clausemark: ignored a malformed message', parsed.error.issues[0]?.message);
        return undefined;
      }
      const from = (sender.url ?? '').startsWith(extensionOrigin) ? 'extension-page' : 'other';
      if (!senderAllowed(CONTENT_SENDERS[parsed.data.type], from)) return undefined;
      if (parsed.data.type === 'jump-to-clause') return Promise.resolve({ ok: controller.jumpTo(parsed.data.clauseId) });
      return controller.run(true).then((result) => {
        exposeResult(result);
        return { ok: result.status === 'done' };
      });
    };
    browser.runtime.onMessage.addListener(listener);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(listener));
    void controller.run(false).then(exposeResult);
  },
});
