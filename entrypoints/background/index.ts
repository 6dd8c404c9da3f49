import { browser } from 'wxt/browser';
import { createMessageHandler } from '@/lib/background/handler';
import { ClausemarkDatabase } from '@/lib/db/database';
import { bundledMatcher } from '@/lib/dataset/load';

/** Thin wiring: messages → lib/background/handler.ts; the dataset is loaded once, on first use. */
export default defineBackground(() => {
  const db = new ClausemarkDatabase();
  const handle = createMessageHandler({
    db,
    matcher: bundledMatcher,
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
    setBadge: async (tabId, text, title) => {
      await browser.action.setBadgeBackgroundColor({ tabId, color: '#bf5000' });
      await browser.action.setBadgeText({ tabId, text });
      await browser.action.setTitle({ tabId, title });
    },
  });
  browser.runtime.onMessage.addListener((message: unknown, sender) => handle(message, sender));
  browser.tabs.onRemoved.addListener((tabId) => void db.tabs.delete(tabId));
  browser.tabs.onUpdated.addListener((tabId, change) => {
    // A new page in the tab: what was said of the old one no longer holds.
    if (change.status === 'loading' && change.url !== undefined) {
      void db.tabs.delete(tabId);
      void browser.action.setBadgeText({ tabId, text: '' });
    }
  });
});
