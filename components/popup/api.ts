import { browser } from 'wxt/browser';
import type { ScriptPublicPath } from 'wxt/utils/inject-script';
import type { ContentRequest } from '../../lib/extension/messages/protocol';
import { pageClient } from '../../lib/extension/messages/browser-client';
import type { HistoryApi } from './HistoryView';
import { AUTOMATIC_ORIGINS, CONTENT_SCRIPT_FILES } from '../../lib/extension/background/automatic-mode';
import { parseSettings, type Settings } from '../../lib/extension/settings/settings';
import { collectPageLinks } from '../../lib/extension/page/collect-links';
import { discoverPolicyLinks, parsePageLinks, type PolicyLink } from '../../lib/extension/page/discover';
import { KnownPlatformSchema, type KnownPlatform } from '../../lib/knowledge/platforms';

/**
 * Everything the popup asks of the browser. This file is the only place the popup touches `browser.*`; the App takes
 * a `PopupApi` so tests (and a mock) can drive it without an extension around it.
 */
export interface PopupApi {
  /** the active tab of the popup's window, or null when there is none */
  getActiveTabId(): Promise<number | null>;
  /** the background's answer, unvalidated: the caller parses it with TabStateSchema */
  getTabState(tabId: number): Promise<unknown>;
  /** ask the page to analyse now, injecting the content script first when it is not there */
  analyzeNow(tabId: number): Promise<void>;
  /** scroll the page to a clause and flash its highlight */
  jumpToClause(tabId: number, clauseId: string): Promise<void>;
  /** whether the optional host access for automatic mode is granted (absent: the offer is not shown) */
  automaticMode?(): Promise<boolean>;
  /**
   * Ask the browser for the host access automatic mode needs; resolves to whether it was granted. Must be called
   * synchronously from a click handler: browsers only show the prompt for a user gesture.
   */
  requestAutomaticMode?(): Promise<boolean>;
  /** give the host access back; the background then unregisters the content script */
  stopAutomaticMode?(): Promise<void>;
  /** what the dataset knows of the platform the tab's page belongs to (by its host); null when none or unknown */
  knownPlatform?(tabId: number): Promise<KnownPlatform | null>;
  /** the page's own privacy policy and terms links (empty when none, or when the page can't be read) */
  findPolicyLinks?(tabId: number): Promise<PolicyLink[]>;
  /** open an http(s) address in the tab, wait for it to load, then analyse it as "Analyse this page" does */
  openAndAnalyze?(tabId: number, url: string): Promise<void>;
}

/** The content script's bundle and stylesheet, as WXT names them for `entrypoints/policy.content`. */
const CONTENT_SCRIPT: string = `/${CONTENT_SCRIPT_FILES.js}`;
const CONTENT_STYLES: string = `/${CONTENT_SCRIPT_FILES.css}`;
/** After injecting, the script may need a moment to register its listener. */
const RETRY_DELAYS_MS = [0, 100, 300];

/** "Could not establish connection. Receiving end does not exist." — Chrome and Firefox word it alike. */
function isNoReceiver(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /receiving end does not exist|could not establish connection/i.test(message);
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function sendToTab(tabId: number, request: ContentRequest): Promise<void> {
  await pageClient.sendToTab(tabId, request);
}

export async function getActiveTabId(): Promise<number | null> {
  // popup.html?tab=N shows tab N: the popup opened as a page (keyboard users, the end-to-end suite, `npm start`).
  const requested = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(requested) && requested > 0) return requested;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return typeof tab?.id === 'number' && tab.id >= 0 ? tab.id : null;
}

/** Pages no extension may read: browser pages, other extensions, the stores, the built-in PDF viewer. */
const RESTRICTED_URL = /^(?:chrome|edge|brave|opera|vivaldi|about|chrome-extension|moz-extension|view-source|devtools|chrome-search|data|file):|^https:\/\/(?:chrome\.google\.com\/webstore|chromewebstore\.google\.com|addons\.mozilla\.org|microsoftedge\.microsoft\.com\/addons)|\.pdf(?:[?#]|$)/i;

export async function getTabState(tabId: number): Promise<unknown> {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  if (tab?.url && RESTRICTED_URL.test(tab.url)) return { status: 'restricted', url: tab.url };
  const reply = await pageClient.send({ type: 'get-tab-state', tabId });
  // The App parses the state; a refusal stays as it came, and the App says it could not read it.
  return reply.ok ? reply.state : reply;
}

export async function analyzeNow(tabId: number): Promise<void> {
  const request: ContentRequest = { type: 'analyze-now' };
  try {
    await sendToTab(tabId, request);
    return;
  } catch (error) {
    if (!isNoReceiver(error)) throw error;
  }
  // No content script in the page (it was opened before install, or the page is not matched): inject it, then ask.
  await browser.scripting.executeScript({ target: { tabId }, files: [CONTENT_SCRIPT as ScriptPublicPath] });
  // The highlight styles come with the script when it is registered; injected by hand, they must be inserted too.
  await browser.scripting.insertCSS({ target: { tabId }, files: [CONTENT_STYLES] });
  let lastError: unknown = null;
  for (const delay of RETRY_DELAYS_MS) {
    if (delay > 0) await wait(delay);
    try {
      await sendToTab(tabId, request);
      return;
    } catch (error) {
      if (!isNoReceiver(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** The tab's address: known to the extension only with access to the tab (activeTab after a click, or host access). */
async function tabUrl(tabId: number): Promise<string | null> {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  return typeof tab?.url === 'string' && tab.url !== '' ? tab.url : null;
}

export async function knownPlatform(tabId: number): Promise<KnownPlatform | null> {
  const url = await tabUrl(tabId);
  if (url === null || !/^https?:/i.test(url)) return null;
  const reply = await pageClient.send({ type: 'get-known-platform', url });
  if (!reply.ok) return null;
  const parsed = KnownPlatformSchema.nullable().safeParse(reply.platform);
  return parsed.success ? parsed.data : null;
}

export async function findPolicyLinks(tabId: number): Promise<PolicyLink[]> {
  const url = await tabUrl(tabId);
  if (url === null || !/^https?:/i.test(url) || RESTRICTED_URL.test(url)) return [];
  // Reads the page's <link rel> elements and link texts only, in the tab the person opened Clausemark on.
  const [injection] = await browser.scripting.executeScript({ target: { tabId }, func: collectPageLinks }).catch(() => []);
  const page = parsePageLinks(injection?.result);
  return page === null ? [] : discoverPolicyLinks(page);
}

/** Resolves once the tab finished loading after `navigate`, or after `timeoutMs` (the analysis then says why). */
function loaded(tabId: number, navigate: () => Promise<unknown>, timeoutMs = 20_000): Promise<void> {
  return new Promise((done, fail) => {
    let started = false;
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      browser.tabs.onUpdated.removeListener(listener);
      if (error === undefined) done();
      else fail(error instanceof Error ? error : new Error(String(error)));
    };
    const listener = (updated: number, change: { status?: string }) => {
      if (updated !== tabId) return;
      if (change.status === 'loading') started = true;
      if (change.status === 'complete' && started) finish();
    };
    const timer = setTimeout(() => finish(), timeoutMs);
    browser.tabs.onUpdated.addListener(listener);
    navigate().catch(finish);
  });
}

export async function openAndAnalyze(tabId: number, url: string): Promise<void> {
  if (!/^https?:\/\//i.test(url)) throw new Error('Clausemark only opens http(s) addresses');
  await loaded(tabId, () => browser.tabs.update(tabId, { url }));
  await analyzeNow(tabId);
}

export async function jumpToClause(tabId: number, clauseId: string): Promise<void> {
  await sendToTab(tabId, { type: 'jump-to-clause', clauseId });
}

const automaticOrigins = () => ({ origins: [...AUTOMATIC_ORIGINS] });

/** The person's settings as the background holds them (defaults when the reply is unreadable). */
async function readSettings(): Promise<Settings> {
  const reply = await pageClient.send({ type: 'get-settings' });
  return parseSettings(reply.ok ? reply.settings : undefined);
}

/**
 * Automatic mode is on when both hold: the browser granted host access, and the person has not paused it in the
 * settings. Either alone would make the popup say something untrue.
 */
export async function automaticMode(): Promise<boolean> {
  const [granted, settings] = await Promise.all([browser.permissions.contains(automaticOrigins()), readSettings()]);
  return granted && settings.automatic;
}

export function requestAutomaticMode(): Promise<boolean> {
  // No await before this call: the click's user gesture must still be current when the browser sees it.
  return browser.permissions.request(automaticOrigins()).then(async (granted) => {
    if (granted) {
      const settings = await readSettings();
      if (!settings.automatic) await pageClient.send({ type: 'set-settings', settings: { ...settings, automatic: true } });
    }
    return granted;
  });
}

export async function stopAutomaticMode(): Promise<void> {
  await browser.permissions.remove(automaticOrigins());
}

export const browserApi: PopupApi = {
  getActiveTabId,
  getTabState,
  analyzeNow,
  jumpToClause,
  automaticMode,
  requestAutomaticMode,
  stopAutomaticMode,
  knownPlatform,
  findPolicyLinks,
  openAndAnalyze,
};

export const browserHistoryApi: HistoryApi = {
  listHistory: () => pageClient.send({ type: 'list-history' }),
  getHistoryEntry: (id) => pageClient.send({ type: 'get-history-entry', id }),
  deleteAllData: () => pageClient.send({ type: 'delete-all-data' }),
  openOptions: () => browser.runtime.openOptionsPage(),
};
