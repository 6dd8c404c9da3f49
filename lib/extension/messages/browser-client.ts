import { browser } from 'wxt/browser';
import { createMessageClient, type MessageClient } from './client';
import { BACKGROUND_REPLIES } from './replies';

/** The typed client for the extension's own pages (popup, options): replies checked against their schemas. */
export const pageClient: MessageClient = createMessageClient(
  {
    sendMessage: (message) => browser.runtime.sendMessage(message) as Promise<unknown>,
    sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message) as Promise<unknown>,
  },
  { background: BACKGROUND_REPLIES },
);
