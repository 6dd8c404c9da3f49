import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { REPO_ROOT } from './sample-server';

/**
 * Finds a local Chromium or Chrome and starts it with the built extension loaded. Used by `npm start`, the
 * end-to-end suite and the benchmark. Flags keep the browser off the network: nothing leaves the machine.
 */
export const EXTENSION_DIR = join(REPO_ROOT, '.output', 'chrome-mv3');

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const INSTALL_HINT = `No Chromium found. Install one and try again:
  Debian/Ubuntu:  sudo apt-get install chromium
  Fedora:         sudo dnf install chromium
  macOS:          brew install --cask chromium
or point CHROME_PATH at a Chromium-based browser (branded Chrome 137+ ignores --load-extension; use Chromium).`;

export function findBrowser(): string | null {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  close(): Promise<void>;
}

export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--metrics-recording-only',
];

export async function launchWithExtension(options: { headless: boolean; extensionDir?: string } = { headless: true }): Promise<ExtensionBrowser> {
  const executablePath = findBrowser();
  if (executablePath === null) throw new Error(INSTALL_HINT);
  const extension = resolve(options.extensionDir ?? EXTENSION_DIR);
  if (!existsSync(join(extension, 'manifest.json'))) {
    throw new Error(`No built extension at ${extension}: run "npm run build" first.`);
  }
  const context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'clausemark-')), {
    executablePath,
    headless: options.headless,
    viewport: { width: 1200, height: 900 },
    args: [`--disable-extensions-except=${extension}`, `--load-extension=${extension}`, ...QUIET_FLAGS],
  });
  let [serviceWorker] = context.serviceWorkers();
  serviceWorker ??= await context.waitForEvent('serviceworker', { timeout: 20_000 });
  const extensionId = new URL(serviceWorker.url()).host;
  return { context, extensionId, serviceWorker, close: () => context.close() };
}

/**
 * The browser's id for the active tab (asked of the extension's service worker). Tab URLs are hidden from an
 * extension without host permissions, so callers ask right after bringing their page to the front.
 */
export async function activeTabId(serviceWorker: Worker): Promise<number> {
  const id = await serviceWorker.evaluate(async () => {
    // Runs in the service worker, where `chrome` is the extension API.
    const api = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id?: number }>> } } }).chrome;
    const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
    return tab?.id ?? -1;
  });
  if (id < 0) throw new Error('no active tab');
  return id;
}
