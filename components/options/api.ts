import { browser } from 'wxt/browser';
import { AUTOMATIC_ORIGINS } from '../../lib/extension/background/automatic-mode';
import { pageClient } from '../../lib/extension/messages/browser-client';
import type { Settings } from '../../lib/extension/settings/settings';

/**
 * What the options page asks of the browser: the only place it touches `browser.*`. Replies come back unvalidated;
 * the page parses them (SettingsReplySchema) before use.
 */
export interface SettingsApi {
  getSettings(): Promise<unknown>;
  setSettings(settings: Settings): Promise<unknown>;
  /**
   * Whether the optional access to every page is granted: without it the content script is not registered, so no
   * page is read by itself whatever the settings say (lib/extension/background/automatic-mode.ts). Absent: not shown.
   */
  hostAccess?(): Promise<boolean>;
  /** Asks the browser for that access; call it synchronously from a click, the prompt needs the user gesture. */
  requestHostAccess?(): Promise<boolean>;
  /** Calls back when the access is granted or withdrawn anywhere (popup, browser settings); returns the unsubscribe. */
  onHostAccessChange?(callback: () => void): () => void;
}

const origins = () => ({ origins: [...AUTOMATIC_ORIGINS] });

export const browserSettingsApi: SettingsApi = {
  getSettings: () => pageClient.send({ type: 'get-settings' }),
  setSettings: (settings) => pageClient.send({ type: 'set-settings', settings }),
  hostAccess: () => browser.permissions.contains(origins()),
  requestHostAccess: () => browser.permissions.request(origins()),
  onHostAccessChange: (callback) => {
    const listener = () => callback();
    browser.permissions.onAdded.addListener(listener);
    browser.permissions.onRemoved.addListener(listener);
    return () => {
      browser.permissions.onAdded.removeListener(listener);
      browser.permissions.onRemoved.removeListener(listener);
    };
  },
};
