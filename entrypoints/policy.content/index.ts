import { browser } from 'wxt/browser';
import { ContentRequest } from '@/lib/extension/messages/protocol';
import { PageController, type RunResult } from '@/lib/extension/page/controller';
import './highlights.css';

/** Thin wiring: page → lib/extension/page/controller.ts; messages validated before use. */
export default defineContentScript({
  // Registered at run time, only while automatic mode's host access is granted: lib/extension/background/automatic-mode.ts.
  registration: 'runtime',
  // Policies embedded in frames (help centres, consent dialogs), including about:blank/srcdoc frames.
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  main() {
    const controller = new PageController(
      window,
      { send: (message) => browser.runtime.sendMessage(message) },
      browser.runtime.getManifest().version,
    );
    const exposeResult = (result: RunResult): void => {
      // For the end-to-end suite and the benchmark: timings as a data attribute-free global on the isolated world.
      (globalThis as { __clausemarkLastRun?: RunResult }).__clausemarkLastRun = result;
    };
    browser.runtime.onMessage.addListener((raw: unknown, sender) => {
      if (sender.id !== browser.runtime.id) return undefined;
      const parsed = ContentRequest.safeParse(raw);
      if (!parsed.success) {
        console.warn('Clausemark: ignored a malformed message', parsed.error.issues[0]?.message);
        return undefined;
      }
      if (parsed.data.type === 'jump-to-clause') return Promise.resolve({ ok: controller.jumpTo(parsed.data.clauseId) });
      return controller.run(true).then((result) => {
        exposeResult(result);
        return { ok: result.status === 'done' };
      });
    });
    void controller.run(false).then(exposeResult);
  },
});
