import { browser } from 'wxt/browser';
import * as z from 'zod';
import { createMessageHandler } from '@/lib/extension/background/handler';
import { createAutomaticMode, type AutomaticModeDeps } from '@/lib/extension/background/automatic-mode';
import { ClausemarkDatabase } from '@/lib/extension/db/database';
import { bundledMatcher } from '@/lib/knowledge/dataset/load';
import { warmUpOnce } from '@/lib/extension/background/warm-up';

/** Thin wiring: messages → lib/extension/background/handler.ts; the dataset is loaded once, on first use. */
export default defineBackground(() => {
  // The extension CSP forbids eval: tell zod not to probe for it (wxt.config.ts also compiles the probe out).
  z.config({ jitless: true });
  const db = new ClausemarkDatabase();
  // The engine's patterns, model and dataset load on first use (hundreds of ms): loaded now, in tasks of their own.
  // The browser starts the background for a tab's navigation too, so a policy page's first look usually finds it warm;
  // a background started by the page's own request warms up while the page is read.
  const warmUp = warmUpOnce(bundledMatcher);
  warmUp();
  const handle = createMessageHandler({
    db,
    matcher: bundledMatcher,
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
    toolVersion: browser.runtime.getManifest().version,
    pageStarting: warmUp,
    setBadge: async (tabId, text, title) => {
      await browser.action.setBadgeBackgroundColor({ tabId, color: '#bf5000' });
      await browser.action.setBadgeText({ tabId, text });
      await browser.action.setTitle({ tabId, title });
    },
  });
  browser.runtime.onMessage.addListener((message: unknown, sender) => handle(message, sender));
  browser.tabs.onRemoved.addListener((tabId) => void db.tabs.delete(tabId));
  browser.tabs.onUpdated.addListener((tabId, change) => {
    // A new page (or a reload) in the tab: what was said of the old one no longer holds. `change.url` is only
    // reported with host access, so the status alone decides.
    if (change.status === 'loading') {
      void db.tabs.delete(tabId);
      void browser.action.setBadgeText({ tabId, text: '' });
    }
  });

  // Automatic mode follows the optional host access: registered when granted, unregistered when withdrawn
  // (from the popup or from the browser's own extension settings).
  const automatic = createAutomaticMode({
    permissions: browser.permissions,
    scripting: browser.scripting as unknown as AutomaticModeDeps['scripting'],
  });
  browser.permissions.onAdded.addListener(() => void automatic.sync());
  browser.permissions.onRemoved.addListener(() => void automatic.sync());
  void automatic.sync();
});
