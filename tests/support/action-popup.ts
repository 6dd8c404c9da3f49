import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  acceptAutomaticMode,
  activeTabId,
  EXTENSION_DIR,
  findBrowser,
  INSTALL_HINT,
  launchWithExtension,
  onPath,
  PROMPT_TOOLS_HINT,
  startVirtualDisplay,
  type ExtensionBrowser,
} from './browser';
import { startSampleServer, type SampleServer } from './sample-server';
import type { TabState } from '../../lib/extension/messages/tab-state';

/**
 * The toolbar popup as a person opens it, not popup.html in a tab: Chromium with a window on a private virtual
 * display (Xvfb), the popup opened with the extension's keyboard shortcut (xdotool presses it; like a toolbar click,
 * it lets the popup read the tab's address, which `chrome.action.openPopup()` does not), and the popup's page
 * reached over the DevTools protocol. The browser sizes that page from its content (up to 800 × 600), which a tab
 * never shows.
 *
 * Playwright's own connection to a persistent context does not list extension popups, so a second connection over
 * the debugging port (`connectOverCDP`) finds it among the default context's pages.
 */
export interface ActionPopupHarness {
  browser: ExtensionBrowser;
  server: SampleServer;
  /** the one tab every page is opened in (the popup speaks for the active tab) */
  tab: Page;
  tabId: number;
  /** the virtual display the browser's window is on (DISPLAY for xdotool) */
  display: string;
  /** Turns automatic mode on, as a person does from the popup's offer (the browser's prompt accepted). */
  turnOnAutomaticMode(): Promise<void>;
  /** Opens the toolbar popup for the tab and waits until it shows a state other than "Looking at this tab…". */
  openPopup(): Promise<Page>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** extra pages for the sample server (name → HTML) */
  extraPages?: Parameters<typeof startSampleServer>[1];
}

/** The browser caps an action popup at 800 × 600 CSS pixels; it grows to its content within that. */
export const POPUP_MAX = { width: 800, height: 600 } as const;

export async function startActionPopupHarness(options: HarnessOptions = {}): Promise<ActionPopupHarness> {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  if (!onPath('Xvfb') || !onPath('xdotool')) throw new Error(PROMPT_TOOLS_HINT);
  const display = await startVirtualDisplay();
  const cleanups: Array<() => Promise<void> | void> = [() => display.stop()];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  try {
    const server = await startSampleServer(0, options.extraPages);
    cleanups.push(() => server.close());
    // A first run: automatic mode is not granted yet (turnOnAutomaticMode does it later, in this same browser).
    const browser = await launchWithExtension({
      headless: false,
      automatic: false,
      display: display.name,
      args: ['--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', OFFLINE_STORE_FLAG],
    });
    cleanups.push(() => browser.close());
    const endpoint = await debuggingEndpoint(browser.profile);
    // Closing a debugging connection drops only the connection: the browser goes with the persistent context.
    let connection: Browser | null = null;
    cleanups.push(() => connection?.close());

    const tab = browser.context.pages()[0] ?? (await browser.context.newPage());
    for (const other of browser.context.pages()) if (other !== tab) await other.close();
    await tab.goto(server.origin);
    await tab.bringToFront();
    const tabId = await activeTabId(browser.serviceWorker);
    const window = await windowOf(tab, display.name);

    let popup: Page | null = null;
    return {
      browser,
      server,
      tab,
      tabId,
      display: display.name,
      turnOnAutomaticMode: async () => {
        await acceptAutomaticMode(browser.context, display.name);
        await tab.bringToFront();
      },
      openPopup: async () => {
        if (popup !== null && !popup.isClosed()) await popup.close();
        await connection?.close();
        ({ cdp: connection, popup } = await openActionPopup(browser, endpoint, tab, display.name, window));
        return popup;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Chromium writes the port it picked for `--remote-debugging-port=0` to the profile's DevToolsActivePort. */
async function debuggingEndpoint(profile: string): Promise<string> {
  const file = join(profile, 'DevToolsActivePort');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const port = await readFile(file, 'utf8').then((text) => text.split('\n')[0]!.trim(), () => '');
    if (/^\d+$/.test(port)) return `http://127.0.0.1:${port}`;
    if (Date.now() > deadline) throw new Error(`the browser did not write ${file}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** The manifest's shortcut for `_execute_action`: the keys a person presses to open the popup. */
export function popupShortcut(extensionDir = EXTENSION_DIR): string {
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as {
    commands?: Record<string, { suggested_key?: { default?: string } }>;
  };
  const shortcut = manifest.commands?._execute_action?.suggested_key?.default;
  if (shortcut === undefined) throw new Error('the manifest binds no keyboard shortcut to _execute_action');
  return shortcut;
}

function isPopup(page: Page, extensionId: string): boolean {
  return page.url().startsWith(`chrome-extension://${extensionId}/popup.html`);
}

/**
 * Waits until the extension's popup is open (or, with `open` false, gone), as its service worker sees it: cheaper
 * than a new connection, and it keeps a popup that is still closing from being taken for the next one.
 */
async function waitForPopupContext(browser: ExtensionBrowser, open: boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const isOpen = await browser.serviceWorker.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: { runtime: { getContexts(filter: object): Promise<unknown[]> } } }).chrome;
      return (await api.runtime.getContexts({ contextTypes: ['POPUP'] })).length > 0;
    });
    if (isOpen === open) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(open ? 'the keyboard shortcut did not open the toolbar popup' : 'the toolbar popup did not close');
}

/**
 * The popup's page. Playwright attaches to an extension popup only when it is already open as the connection is
 * made, so each popup gets a fresh connection over the debugging port (the previous one is dropped).
 */
async function connectToPopup(endpoint: string, extensionId: string): Promise<{ cdp: Browser; popup: Page }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const cdp = await chromium.connectOverCDP(endpoint);
    const popup = cdp.contexts().flatMap((context) => context.pages()).find((page) => isPopup(page, extensionId));
    if (popup !== undefined) return { cdp, popup };
    await cdp.close();
    if (Date.now() > deadline) throw new Error('the toolbar popup did not appear among the browser\'s pages');
    await new Promise((done) => setTimeout(done, 200));
  }
}

function xdotool(display: string, ...args: string[]): string {
  return spawnSync('xdotool', args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' }).stdout.trim();
}

/** The X window that shows the tab (the browser may have others, e.g. for a permission prompt). */
async function windowOf(tab: Page, display: string): Promise<string> {
  const windows = xdotool(display, 'search', '--onlyvisible', '--class', 'chromium').split('\n').filter(Boolean);
  const title = await tab.title();
  const window = windows.find((id) => xdotool(display, 'getwindowname', id).startsWith(title)) ?? windows.at(-1);
  if (window === undefined) throw new Error('no browser window on the virtual display');
  return window;
}

async function openActionPopup(
  browser: ExtensionBrowser,
  endpoint: string,
  tab: Page,
  display: string,
  window: string,
): Promise<{ cdp: Browser; popup: Page }> {
  await waitForPopupContext(browser, false);
  await tab.bringToFront();
  // The keys go to the focused X window: focus the tab's window first (there is no window manager to do it).
  xdotool(display, 'windowfocus', '--sync', window);
  // The manifest's Alt+Shift+K is xdotool's alt+shift+k.
  xdotool(display, 'key', popupShortcut().toLowerCase());
  await waitForPopupContext(browser, true);
  const { cdp, popup } = await connectToPopup(endpoint, browser.extensionId);
  // "Looking at this tab…" is the popup's first frame, before it knows the tab's state.
  await popup.waitForFunction(() => {
    const title = (document.getElementById('state-title') ?? document.getElementById('summary-title'));
    return title !== null && !/^Looking at this tab/.test(title.textContent ?? '');
  }, null, { timeout: 15_000 });
  await settledSize(popup);
  return { cdp, popup };
}

/** The browser resizes the popup a few frames after its content changes: wait until two readings agree. */
export async function settledSize(popup: Page): Promise<void> {
  let last = '';
  for (let reading = 0; reading < 40; reading += 1) {
    const size = await popup.evaluate(
      () => new Promise<string>((done) => requestAnimationFrame(() => setTimeout(() => done(`${innerWidth}x${innerHeight}x${document.documentElement.scrollHeight}`), 100))),
    );
    if (size === last) return;
    last = size;
  }
}

export interface PopupMeasure {
  /** the popup's viewport, which the browser sized from the content */
  width: number;
  height: number;
  /** the document's box and its full (scrollable) height */
  documentWidth: number;
  documentHeight: number;
  /** horizontal overflow: content wider than the popup */
  scrollWidth: number;
  /** the "In short" section's height, or null where there is none */
  inShortHeight: number | null;
  /** header controls (History, Settings, Back) cut by the popup's edge or by their own box */
  clippedControls: string[];
  /** the state's heading, to tell which view was measured */
  heading: string;
}

/** Reads the popup's size and what its header and summary take, in the popup's own page. */
export function measurePopup(popup: Page): Promise<PopupMeasure> {
  return popup.evaluate(() => {
    const root = document.documentElement;
    const rect = root.getBoundingClientRect();
    const summary = document.querySelector('section.summary');
    const clippedControls = [...document.querySelectorAll<HTMLElement>('header button')]
      .filter((button) => {
        const box = button.getBoundingClientRect();
        const outside = box.left < 0 || box.right > window.innerWidth + 0.5 || box.width === 0;
        const cut = button.scrollWidth > button.clientWidth + 1 || button.scrollHeight > button.clientHeight + 1;
        return outside || cut;
      })
      .map((button) => button.textContent?.trim() ?? '');
    return {
      width: window.innerWidth,
      height: window.innerHeight,
      documentWidth: Math.round(rect.width),
      documentHeight: root.scrollHeight,
      scrollWidth: root.scrollWidth,
      inShortHeight: summary === null ? null : Math.round(summary.getBoundingClientRect().height),
      clippedControls,
      heading: (document.getElementById('state-title') ?? document.getElementById('summary-title'))?.textContent?.trim() ?? '',
    };
  });
}

/**
 * What the background has recorded for a tab, read from the extension's IndexedDB in its service worker (the same
 * record the popup asks for). Null when there is none: the popup says "Not analysed yet".
 */
export function storedTabStatus(browser: ExtensionBrowser, tabId: number): Promise<string | null> {
  return browser.serviceWorker.evaluate(async (id) => {
    // Never create the database here: Dexie does, with its own version numbers.
    const db = await new Promise<IDBDatabase | null>((done, fail) => {
      const request = indexedDB.open('clausemark');
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onsuccess = () => done(request.result);
      request.onerror = () => (request.error?.name === 'AbortError' ? done(null) : fail(request.error));
    });
    if (db === null) return null;
    if (!db.objectStoreNames.contains('tabs')) {
      db.close();
      return null;
    }
    try {
      const record = await new Promise<{ state?: { status?: string } } | undefined>((done, fail) => {
        const request = db.transaction('tabs').objectStore('tabs').get(id);
        request.onsuccess = () => done(request.result as { state?: { status?: string } } | undefined);
        request.onerror = () => fail(request.error);
      });
      return record?.state?.status ?? null;
    } finally {
      db.close();
    }
  }, tabId);
}

/**
 * Writes a tab's record as the background would, for states a test cannot make the engine reach on demand (an
 * analysis that stays under way, a failed one). The popup reads it through the same message as any other.
 */
export function storeTabState(browser: ExtensionBrowser, tabId: number, state: TabState): Promise<void> {
  return browser.serviceWorker.evaluate(async ([id, tabState]) => {
    // Never create the database here: Dexie does, with its own version numbers.
    const db = await new Promise<IDBDatabase | null>((done, fail) => {
      const request = indexedDB.open('clausemark');
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onsuccess = () => done(request.result);
      request.onerror = () => (request.error?.name === 'AbortError' ? done(null) : fail(request.error));
    });
    if (db === null) throw new Error('the extension has not created its database yet');
    try {
      await new Promise<void>((done, fail) => {
        const transaction = db.transaction('tabs', 'readwrite');
        transaction.objectStore('tabs').put({ tabId: id, state: tabState, updatedAt: new Date().toISOString() });
        transaction.oncomplete = () => done();
        transaction.onerror = () => fail(transaction.error);
      });
    } finally {
      db.close();
    }
  }, [tabId, state] as const);
}

/** Waits until the background has recorded one of `statuses` for the tab (the content script reported). */
export async function waitForTabStatus(harness: ActionPopupHarness, statuses: string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status: string | null = null;
  while (Date.now() < deadline) {
    status = await storedTabStatus(harness.browser, harness.tabId);
    if (status !== null && statuses.includes(status)) return status;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the tab's state stayed "${status ?? 'none'}", not ${statuses.join(' or ')}`);
}

/** Removes the tab's record, so a wait for the next page's state cannot be answered by the previous page's. */
export function forgetTabState(browser: ExtensionBrowser, tabId: number): Promise<void> {
  return browser.serviceWorker.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase | null>((done, fail) => {
      const request = indexedDB.open('clausemark');
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onsuccess = () => done(request.result);
      request.onerror = () => (request.error?.name === 'AbortError' ? done(null) : fail(request.error));
    });
    if (db === null) return;
    try {
      if (!db.objectStoreNames.contains('tabs')) return;
      await new Promise<void>((done, fail) => {
        const transaction = db.transaction('tabs', 'readwrite');
        transaction.objectStore('tabs').delete(id);
        transaction.oncomplete = () => done();
        transaction.onerror = () => fail(transaction.error);
      });
    } finally {
      db.close();
    }
  }, tabId);
}

/**
 * The extension store's address: a page no extension may read. The browser is told the name does not exist
 * (`--host-resolver-rules`), so opening it asks nothing of the network and leaves the address in the tab.
 */
export const STORE_URL = 'https://chromewebstore.google.com/detail/clausemark';
export const OFFLINE_STORE_FLAG = '--host-resolver-rules=MAP chromewebstore.google.com ~NOTFOUND';

/** The popup's short states, in the order a harness can show them (the first two before automatic mode is on). */
export const SHORT_STATES = ['first-run', 'restricted', 'not-a-policy', 'error', 'analysing', 'not-in-english'] as const;
export type ShortState = (typeof SHORT_STATES)[number];

/** The heading each short state shows. */
export const SHORT_STATE_HEADINGS: Record<ShortState, string> = {
  'first-run': 'Not analysed yet',
  restricted: "Can't read this page",
  'not-a-policy': 'Not a policy, it seems',
  error: 'Something went wrong',
  analysing: 'Reading this page…',
  'not-in-english': 'Not in English',
};

/**
 * Brings the tab to a short state and opens the popup on it. `first-run` and `restricted` need automatic mode off
 * (a policy page stays unread); the others need it on (`not-a-policy` is the content script's own verdict).
 * `error`, `analysing` and `not-in-english` are written to the tab's record: the engine neither fails nor stays under
 * way on demand, and the corpus is in English.
 */
export async function openPopupInState(harness: ActionPopupHarness, state: ShortState, policyPage: string): Promise<Page> {
  const { browser, tab, tabId, server } = harness;
  await forgetTabState(browser, tabId);
  switch (state) {
    case 'first-run':
      await tab.goto(server.urlOf(policyPage));
      break;
    case 'restricted':
      // The browser's error page keeps the address. goto gives up before that page is in: wait for it, or the
      // shortcut's one-off access to the tab (activeTab) would go to the page being replaced.
      {
        const errorPage = tab.waitForEvent('framenavigated', {
          predicate: (frame) => frame === tab.mainFrame() && frame.url().startsWith('chrome-error:'),
        });
        await tab.goto(STORE_URL).catch(() => undefined);
        await errorPage;
        await tab.waitForLoadState('load');
      }
      break;
    case 'not-a-policy':
      await tab.goto(server.origin); // the sample server's list of pages
      await waitForTabStatus(harness, ['not-a-policy']);
      break;
    case 'error':
      await storeTabState(browser, tabId, {
        status: 'error',
        reason: "the page's text could not be read: block 12 is outside the text or out of order",
      });
      break;
    case 'analysing':
      await storeTabState(browser, tabId, { status: 'analyzing', done: 3, total: 10 });
      break;
    case 'not-in-english':
      await storeTabState(browser, tabId, { status: 'unsupported-language', url: server.urlOf(policyPage), code: 'de', language: 'German' });
      break;
  }
  return harness.openPopup();
}

/** Opens a policy page, waits for automatic mode to finish reading it, and opens the popup on the result. */
export async function openPopupOnPolicy(harness: ActionPopupHarness, pageName: string): Promise<{ popup: Page; status: string }> {
  await forgetTabState(harness.browser, harness.tabId);
  // The content script runs once the page is idle; the wait below is for its verdict, not for every image.
  await harness.tab.goto(harness.server.urlOf(pageName), { waitUntil: 'domcontentloaded' });
  const status = await waitForTabStatus(harness, ['done', 'error', 'not-a-policy'], 90_000);
  return { popup: await harness.openPopup(), status };
}
