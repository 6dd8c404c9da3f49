import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { AUTOMATIC_SCRIPT_ID } from '../../lib/extension/background/automatic-mode';
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
  /** the browser's profile directory (it holds DevToolsActivePort when a debugging port was asked for) */
  profile: string;
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

export interface LaunchOptions {
  headless: boolean;
  extensionDir?: string;
  /**
   * Turn automatic mode on first, as a person does: click "Annotate policy pages automatically" in the popup and
   * accept the browser's permission prompt (default true). Without it, pages are read only on request.
   */
  automatic?: boolean;
  /** more command-line flags, e.g. `--host-resolver-rules` to serve a named host from loopback */
  args?: string[];
  /** an X display (a virtual one: see startVirtualDisplay) to show the browser's window on; overrides `headless` */
  display?: string;
}

export async function launchWithExtension(options: LaunchOptions = { headless: true }): Promise<ExtensionBrowser> {
  const executablePath = findBrowser();
  if (executablePath === null) throw new Error(INSTALL_HINT);
  const extension = resolve(options.extensionDir ?? EXTENSION_DIR);
  if (!existsSync(join(extension, 'manifest.json'))) {
    throw new Error(`No built extension at ${extension}: run "npm run build" first.`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'clausemark-'));
  const args = [`--disable-extensions-except=${extension}`, `--load-extension=${extension}`, ...QUIET_FLAGS, ...(options.args ?? [])];
  const launch = (headless: boolean, env?: Record<string, string>) =>
    chromium.launchPersistentContext(profile, {
      executablePath,
      headless,
      viewport: { width: 1200, height: 900 },
      args,
      ...(env ? { env: { ...process.env, ...env } as Record<string, string> } : {}),
    });

  // The grant is kept in the profile, as the registered content script is: the browser the caller gets starts with
  // automatic mode already on, exactly as it would after a person's click and a restart.
  if ((options.automatic ?? true) && hasOptionalHostAccess(extension)) {
    await grantAutomaticMode(options.headless ? null : launch, launch);
  }

  const context = options.display === undefined ? await launch(options.headless) : await launch(false, { DISPLAY: options.display });
  const serviceWorker = await extensionWorker(context);
  const extensionId = new URL(serviceWorker.url()).host;
  if ((options.automatic ?? true) && hasOptionalHostAccess(extension)) {
    // The background re-checks the grant as it starts; give it a moment.
    await waitForRegistration(serviceWorker, 10_000).catch(async () => {
      await context.close();
      throw new Error('Automatic mode was granted, but the content script is not registered after a restart.');
    });
  }
  return { context, extensionId, serviceWorker, profile, close: () => context.close() };
}

async function extensionWorker(context: BrowserContext): Promise<Worker> {
  const [running] = context.serviceWorkers();
  return running ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
}

function hasOptionalHostAccess(extension: string): boolean {
  const manifest = JSON.parse(readFileSync(join(extension, 'manifest.json'), 'utf8')) as { optional_host_permissions?: string[] };
  return (manifest.optional_host_permissions ?? []).length > 0;
}

function automaticScriptRegistered(serviceWorker: Worker): Promise<boolean> {
  return serviceWorker.evaluate(async (id) => {
    const api = (globalThis as unknown as { chrome: { scripting: { getRegisteredContentScripts(): Promise<Array<{ id: string }>> } } }).chrome;
    return (await api.scripting.getRegisteredContentScripts()).some((script) => script.id === id);
  }, AUTOMATIC_SCRIPT_ID);
}

const AUTOMATIC_BUTTON = 'Annotate policy pages automatically';
export const PROMPT_TOOLS_HINT = `Turning automatic mode on in the test browser needs a virtual display and a keyboard driver, to accept the
browser's own permission prompt as a person would:
  Debian/Ubuntu:  sudo apt-get install xvfb xdotool`;

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, command)));
}

type Launch = (headless: boolean, env?: Record<string, string>) => Promise<BrowserContext>;

/**
 * The real flow: the popup's button calls `permissions.request`, the browser shows its prompt, the prompt is
 * accepted. Playwright cannot reach browser dialogs, so the browser runs with a window on a private virtual display
 * (Xvfb) and the prompt gets the keys a person would press (xdotool): Tab to "Allow", Enter. Without those tools and
 * with a visible browser (`visible`), the person accepts the prompt themselves.
 */
async function grantAutomaticMode(visible: Launch | null, launch: Launch): Promise<void> {
  if (!onPath('Xvfb') || !onPath('xdotool')) {
    if (visible === null) throw new Error(PROMPT_TOOLS_HINT);
    const context = await visible(false);
    try {
      const popup = await openAutomaticOffer(context);
      await popup.getByRole('button', { name: AUTOMATIC_BUTTON }).click();
      process.stderr.write('Clausemark: accept the browser\'s prompt to let it annotate policy pages automatically.\n');
      await waitForRegistration(await extensionWorker(context), 120_000);
    } finally {
      await context.close();
    }
    return;
  }
  const display = await startVirtualDisplay();
  try {
    const context = await launch(false, { DISPLAY: display.name });
    try {
      await acceptAutomaticMode(context, display.name);
    } finally {
      await context.close();
    }
  } finally {
    display.stop();
  }
}

/**
 * Turns automatic mode on in a browser whose window is on `display` (a virtual one, with xdotool available): the
 * popup's button in a tab, then Tab to "Allow" and Enter in the browser's prompt. Resolves once the content script is
 * registered; the tab is closed again.
 */
export async function acceptAutomaticMode(context: BrowserContext, display: string): Promise<void> {
  const popup = await openAutomaticOffer(context);
  const worker = await extensionWorker(context);
  const key = (name: string) => spawnSync('xdotool', ['key', name], { env: { ...process.env, DISPLAY: display } });
  try {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await popup.getByRole('button', { name: AUTOMATIC_BUTTON }).click();
      // The prompt appears a moment after the click; keys sent before it would go to the page.
      await popup.waitForTimeout(1_000 * attempt + 500);
      key('Tab');
      await popup.waitForTimeout(150);
      key('Return');
      if (await waitForRegistration(worker, 5_000).then(() => true, () => false)) return;
      key('Escape'); // a prompt still open is dismissed before the next try
      await popup.waitForTimeout(500);
    }
    throw new Error('The browser\'s permission prompt for automatic mode could not be accepted.');
  } finally {
    await popup.close();
  }
}

/** The popup opened as a page in its own tab: an extension page, so it shows the automatic-mode offer. */
async function openAutomaticOffer(context: BrowserContext): Promise<Page> {
  const worker = await extensionWorker(context);
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${new URL(worker.url()).host}/popup.html`);
  await popup.getByRole('button', { name: AUTOMATIC_BUTTON }).waitFor({ timeout: 15_000 });
  return popup;
}

async function waitForRegistration(worker: Worker, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await automaticScriptRegistered(worker)) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error('automatic mode was not turned on');
}

/** An Xvfb server on a free display number (Xvfb picks it and writes it to fd 3). */
export function startVirtualDisplay(): Promise<{ name: string; stop: () => void }> {
  return new Promise((done, fail) => {
    const server: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      server.kill();
      fail(new Error('Xvfb did not start within 10 s'));
    }, 10_000);
    server.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    server.stdio[3]!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('\n')) return;
      clearTimeout(timer);
      done({ name: `:${output.trim()}`, stop: () => void server.kill() });
    });
  });
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
