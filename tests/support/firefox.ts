import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { REPO_ROOT, startSampleServer, type SampleServer } from './sample-server';

/**
 * Real Firefox (Debian's firefox-esr) with the built add-on, driven over WebDriver BiDi by puppeteer-core.
 *
 * - The add-on is installed as a temporary add-on from a copy of `.output/firefox-mv3` whose optional host access
 *   is granted at install (automatic mode on), so policy pages are read as they open.
 * - Its moz-extension host is fixed (`extensions.webextensions.uuids`): the popup is at `${extensionOrigin}/popup.html`.
 * - Every request Firefox makes to anything but 127.0.0.1, from any context (pages, content scripts, the add-on's
 *   background and popup, Firefox itself), goes through a recording proxy on loopback that answers none of them:
 *   `outsideRequests` lists them.
 * - Console output of every context reaches Firefox's stdout (`devtools.console.stdout.content`); `consoleErrors()`
 *   returns the error lines that concern the add-on.
 */
export const FIREFOX_EXTENSION_DIR = join(REPO_ROOT, '.output', 'firefox-mv3');
export const GECKO_ID = 'clausemark@clausemark.org';
export const EXTENSION_UUID = '6c1a7e52-3f0b-4a4e-9d2e-5b0c1f7a9e11';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

const CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr', '/snap/bin/firefox'];

export const FIREFOX_INSTALL_HINT = `No Firefox found. Install one and try again:
  Debian/Ubuntu:  sudo apt-get install firefox-esr
or point FIREFOX_PATH at a Firefox 140 or newer.`;

/** The suite runs on Firefox ESR 140 and 153 (Debian's firefox-esr); older ones are not tried. */
export const FIREFOX_MIN_MAJOR = 140;

/** The major version from puppeteer's `browser.version()` ("firefox/140.12.0esr") or `firefox --version`. */
export function firefoxMajor(version: string): number | null {
  const match = /(\d+)\.\d+/.exec(version);
  return match ? Number(match[1]) : null;
}

export function findFirefox(): string | null {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/**
 * Firefox's own services (remote settings, add-on and safe-browsing updates), which it calls even with their prefs
 * pointed elsewhere: not the add-on's doing. Everything else that tries to leave 127.0.0.1 counts.
 */
export const FIREFOX_OWN_HOSTS = /(?:^|\.)(?:mozilla\.(?:com|net|org)|firefox\.com|mozaws\.net|mozgcp\.net|cloudflare-dns\.com|dummy\.test)(?::\d+)?$/;

/** The host of a recorded proxy request line ("CONNECT host:443" or "GET http://host/…"). */
export function requestHost(line: string): string {
  const target = line.split(' ')[1] ?? '';
  return target.includes('://') ? new URL(target).host : target;
}

export interface OutsideRequest {
  /** "GET http://host/path" or "CONNECT host:443" */
  line: string;
  at: number;
}

/** A proxy on 127.0.0.1 that records each request line and closes the connection: nothing leaves the machine. */
async function startRecordingProxy(): Promise<{ port: number; requests: OutsideRequest[]; close(): Promise<void> }> {
  const requests: OutsideRequest[] = [];
  const server: Server = createServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end >= 0) {
        requests.push({ line: head.slice(0, end).replace(/ HTTP\/\d(?:\.\d)?$/, ''), at: Date.now() });
        socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, requests, close: () => new Promise((done) => server.close(() => done())) };
}

/** A copy of the built add-on whose optional host access is part of the install: automatic mode starts on. */
async function grantedCopy(extensionDir: string, into: string): Promise<string> {
  const target = join(into, 'extension');
  await cp(extensionDir, target, { recursive: true });
  const manifestPath = join(target, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  const optional = (manifest.optional_host_permissions as string[] | undefined) ?? [];
  manifest.host_permissions = [...new Set([...((manifest.host_permissions as string[] | undefined) ?? []), ...optional])];
  delete manifest.optional_host_permissions;
  await writeFile(manifestPath, JSON.stringify(manifest));
  return target;
}

export interface FirefoxLaunchOptions {
  extensionDir?: string;
  /** install the add-on (default true); false gives the same browser without it, for "unchanged page" baselines */
  withExtension?: boolean;
  /** grant automatic mode's host access at install (default true) */
  automatic?: boolean;
  /** serve extra pages beside the sample policies (read on every request: change a value to change the page) */
  extraPages?: Record<string, string>;
  /**
   * Firefox's own prompt for optional permissions (default false: `permissions.request()` from a trusted click is
   * granted without a doorhanger). True shows the real doorhanger, which `acceptPermissionPrompt()` answers: it
   * needs `display`.
   */
  permissionPrompts?: boolean;
  /**
   * An X display (a virtual one: `startVirtualDisplay()`) to run Firefox in a real window instead of headless, so
   * that its own prompts get keys as a person presses them (xdotool).
   */
  display?: string;
}

export interface FirefoxSession {
  browser: Browser;
  server: SampleServer;
  extensionOrigin: string;
  /** requests Firefox tried to send anywhere but 127.0.0.1, from any context (Firefox's own services included) */
  outsideRequests: OutsideRequest[];
  /** the same without Firefox's own services (FIREFOX_OWN_HOSTS), plus any page request to a non-loopback URL */
  foreignRequests(): string[];
  /** every line Firefox printed on stdout/stderr (console output of all contexts included) */
  output: string[];
  /** opens a page in a new tab and waits for its load */
  openPage(url: string): Promise<Page>;
  /** waits until the content script has painted at least one highlight of each name (or times out) */
  waitForHighlights(page: Page, names?: string[], timeoutMs?: number): Promise<void>;
  /** the text of each range of a highlight, white space collapsed */
  highlightTexts(page: Page, name: string): Promise<string[]>;
  /** the content script's own measures on the page timeline: extract, analyze, first-highlight, total (ms) */
  timings(page: Page, timeoutMs?: number): Promise<Record<string, number>>;
  /** opens an extension page (popup.html, options.html…) in a new tab; resolves once its document has a body */
  openExtensionPage(path: string): Promise<Page>;
  /** the id the add-on knows a page's tab by (needs host access to see the tab's URL: automatic mode granted) */
  tabIdOf(page: Page): Promise<number>;
  /** the popup opened as a page for a page's tab (popup.html?tab=N), as keyboard users and the Chromium suite open it */
  openPopupFor(page: Page): Promise<{ popup: Page; tabId: number }>;
  /** the toolbar badge's text and title for a tab */
  badgeOf(tabId: number): Promise<{ text: string; title: string }>;
  /** runs `fn(arg)` in an extension page (where `browser.*` is the add-on's API) and returns its result */
  inExtension<A, T>(fn: (arg: A) => Promise<T> | T, arg: A): Promise<T>;
  /** presses a button (found by its text or accessible name) with a real mouse click: a user gesture */
  clickButton(page: Page, name: string | RegExp): Promise<void>;
  /**
   * Answers the optional-permission doorhanger a click opened, as a person does: Firefox's window focused, the
   * "Allow" button's access key (Alt+A) pressed, until `granted()` says so (needs `permissionPrompts: true` and
   * `display`). WebDriver BiDi in Firefox ESR 140 does not reach the browser's own window, so the prompt is answered
   * from outside, on the display, like the Chromium suite answers Chromium's.
   */
  acceptPermissionPrompt(granted: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** the page's viewport in CSS pixels (WebDriver BiDi's own command: puppeteer's setViewport also sends an
   * orientation override that Firefox ESR 140 does not know) */
  setViewport(page: Page, width: number, height: number): Promise<void>;
  /** folder Firefox saves downloads into */
  downloadDir: string;
  /** waits for a finished download whose file name matches, and returns it */
  waitForDownload(name: RegExp, timeoutMs?: number): Promise<{ fileName: string; bytes: Buffer }>;
  /** polls `check` with plain evaluate()-based probes until it returns something truthy */
  until<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  /** console errors and uncaught exceptions concerning the add-on, from every context */
  consoleErrors(): string[];
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls with plain evaluate(): waitForFunction builds a Function(), which extension pages' CSP forbids. */
async function poll<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}`);
    }
    await sleep(50);
  }
}

export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<FirefoxSession> {
  const executablePath = findFirefox();
  if (executablePath === null) throw new Error(FIREFOX_INSTALL_HINT);
  const withExtension = options.withExtension ?? true;
  const extensionDir = resolve(options.extensionDir ?? FIREFOX_EXTENSION_DIR);
  if (withExtension && !existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built Firefox add-on at ${extensionDir}: run "npx wxt build -b firefox --mv3" first.`);
  }
  const work = await mkdtemp(join(tmpdir(), 'clausemark-firefox-'));
  const downloadDir = join(work, 'downloads');
  await mkdir(downloadDir, { recursive: true });
  const proxy = await startRecordingProxy();
  const server = await startSampleServer(0, options.extraPages ?? {});
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: options.display === undefined,
    ...(options.display === undefined ? {} : { env: { ...process.env, DISPLAY: options.display } }),
    // Firefox 153 navigates to the add-on's own pages over BiDi only with this.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      'extensions.webextOptionalPermissionPrompts': options.permissionPrompts ?? false,
      // Downloads go straight to a folder of this session, without a dialog.
      'browser.download.dir': downloadDir,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
      'browser.download.alwaysOpenPanel': false,
      'browser.download.panel.shown': true,
      'devtools.console.stdout.content': true,
      // Everything not on loopback goes to the recording proxy; loopback itself is never proxied.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxy.port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.share_proxy_settings': true,
      'network.proxy.no_proxies_on': '127.0.0.1',
      'network.proxy.allow_hijacking_localhost': false,
      'network.dns.disablePrefetch': true,
      'network.prefetch-next': false,
      'network.http.speculative-parallel-limit': 0,
      'browser.safebrowsing.update.enabled': false,
      'browser.safebrowsing.downloads.remote.enabled': false,
      'browser.ping-centre.telemetry': false,
      'extensions.getAddons.cache.enabled': false,
      'extensions.blocklist.enabled': false,
      'services.settings.server': 'http://127.0.0.1:9/',
      'toolkit.telemetry.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'app.normandy.enabled': false,
      'browser.topsites.contile.enabled': false,
      'browser.newtabpage.activity-stream.feeds.system.topsites': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  const version = await browser.version();
  const major = firefoxMajor(version);
  if (major === null || major < FIREFOX_MIN_MAJOR) {
    await browser.close();
    throw new Error(`${executablePath} is ${version}; the suite needs Firefox ${FIREFOX_MIN_MAJOR} or newer.
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install firefox-esr`);
  }
  const output: string[] = [];
  const proc = browser.process();
  for (const stream of [proc?.stdout, proc?.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      output.push(...lines);
    });
  }
  if (withExtension) {
    const dir = options.automatic === false ? extensionDir : await grantedCopy(extensionDir, work);
    await browser.installExtension(dir);
  }
  const pageErrors: string[] = [];
  const pageRequests: string[] = [];
  // puppeteer-core's BiDi browser exposes its connection and a frame's BiDi context id, untyped.
  const bidi = browser as unknown as { connection: { send(method: string, params: object): Promise<{ result?: unknown }> } };
  const navigate = async (page: Page, url: string): Promise<void> => {
    // page.goto() to a moz-extension page may never resolve: navigate without waiting, then poll.
    await bidi.connection.send('browsingContext.navigate', { context: contextOf(page), url, wait: 'none' });
    await poll(
      () => page.evaluate((wanted: string) => location.href === wanted && document.readyState === 'complete' &&
        document.body !== null && document.body.childElementCount > 0, url),
      20_000,
      `${url} to load`,
    );
  };
  const contextOf = (page: Page): string => (page.mainFrame() as unknown as { _id: string })._id;
  /** keys to Firefox's own window on the display, focused first (the doorhanger belongs to it) */
  const pressInBrowserWindow = (keys: string): void => {
    const display = options.display;
    if (display === undefined) throw new Error('Firefox runs headless: launch it with a display to press keys in its window');
    const xdotool = (...args: string[]): string =>
      spawnSync('xdotool', args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' }).stdout.trim();
    const windows = xdotool('search', '--onlyvisible', '--name', 'Mozilla Firefox').split('\n').filter(Boolean);
    if (windows.length === 0) throw new Error(`no Firefox window on display ${display}`);
    xdotool('windowactivate', '--sync', windows.at(-1)!);
    xdotool('key', keys);
  };
  let controlPage: Page | null = null;

  const session: FirefoxSession = {
    browser,
    server,
    extensionOrigin: EXTENSION_ORIGIN,
    outsideRequests: proxy.requests,
    foreignRequests() {
      return [
        ...proxy.requests.map((request) => request.line).filter((line) => !FIREFOX_OWN_HOSTS.test(requestHost(line))),
        ...pageRequests,
      ];
    },
    output,
    async openPage(url) {
      const page = await browser.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${url}: ${error instanceof Error ? error.message : String(error)}`));
      page.on('request', (request) => {
        const target = new URL(request.url());
        if (!['http:', 'https:', 'ws:', 'wss:'].includes(target.protocol)) return;
        if (target.hostname !== '127.0.0.1') pageRequests.push(`${request.method()} ${request.url()}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`${url}: ${message.text()}`);
      });
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    async waitForHighlights(page, names = ['clausemark-opt-out', 'clausemark-exception'], timeoutMs = 20_000) {
      await poll(
        () => page.evaluate((wanted: string[]) => {
          const registry = (CSS as unknown as { highlights?: Map<string, Set<unknown>> }).highlights;
          // the run's end too: a long page's first look is painted before the whole analysis
          return registry !== undefined && wanted.every((name) => (registry.get(name)?.size ?? 0) > 0) &&
            performance.getEntriesByName('clausemark:total').length > 0;
        }, names),
        timeoutMs,
        `highlights ${names.join(', ')}`,
      );
    },
    highlightTexts(page, name) {
      return page.evaluate((highlightName: string) => {
        const registry = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
        return Array.from(registry.get(highlightName) ?? [], (range) => range.toString().replace(/\s+/g, ' '));
      }, name);
    },
    async timings(page, timeoutMs = 20_000) {
      return poll(
        () => page.evaluate(() => {
          const names = ['extract', 'analyze', 'first-highlight', 'total'];
          const found: Record<string, number> = {};
          for (const name of names) {
            const entry = performance.getEntriesByName(`clausemark:${name}`, 'measure').at(-1);
            if (entry === undefined) return null;
            found[name] = entry.duration;
          }
          return found;
        }),
        timeoutMs,
        'the content script timings',
      );
    },
    async openExtensionPage(path) {
      const page = await browser.newPage();
      await navigate(page, `${EXTENSION_ORIGIN}/${path.replace(/^\//, '')}`);
      return page;
    },
    async inExtension(fn, arg) {
      // A page of the add-on kept open for API calls; its own tab is never the one asked about. Opened, it would be
      // the tab in front, and Firefox slows the timers of the tab behind it (the page being read) to one a second.
      if (controlPage === null) {
        const front = (await browser.pages()).at(-1);
        controlPage = await session.openExtensionPage('options.html');
        await front?.bringToFront();
      }
      // BiDi's script.callFunction runs the function's source without the page's CSP getting a say.
      return controlPage.evaluate(fn as (arg: unknown) => Promise<never>, arg as unknown);
    },
    async tabIdOf(page) {
      const url = page.url();
      return poll(
        () => session.inExtension(async (wanted: string) => {
          const api = (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> } } }).browser;
          return (await api.tabs.query({})).find((tab) => tab.url === wanted)?.id ?? null;
        }, url),
        10_000,
        `the tab of ${url}`,
      );
    },
    async openPopupFor(page) {
      const tabId = await session.tabIdOf(page);
      const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
      return { popup, tabId };
    },
    badgeOf(tabId) {
      return session.inExtension(async (id: number) => {
        const api = (globalThis as unknown as {
          browser: { action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> } };
        }).browser;
        return { text: await api.action.getBadgeText({ tabId: id }), title: await api.action.getTitle({ tabId: id }) };
      }, tabId);
    },
    async clickButton(page, name) {
      const pattern = typeof name === 'string' ? `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : name.source;
      const point = await poll(
        () => page.evaluate((source: string) => {
          const wanted = new RegExp(source, 'i');
          const button = Array.from(document.querySelectorAll('button')).find((candidate) =>
            wanted.test((candidate.getAttribute('aria-label') ?? candidate.textContent ?? '').trim()) ||
            wanted.test((candidate.textContent ?? '').trim()));
          if (button === undefined || button.disabled) return null;
          button.scrollIntoView({ block: 'center' });
          const box = button.getBoundingClientRect();
          return box.width > 0 ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : null;
        }, pattern),
        15_000,
        `a button named ${String(name)}`,
      );
      await page.mouse.click(point.x, point.y);
    },
    async acceptPermissionPrompt(granted, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      // The prompt opens a moment after the click; a key pressed before it goes nowhere, and is pressed again.
      for (let wait = 500; Date.now() < deadline; wait = Math.min(wait * 2, 4_000)) {
        await sleep(wait);
        pressInBrowserWindow('alt+a');
        if (await poll(async () => (await granted()) || null, 2_000, 'the access').then(() => true, () => false)) return;
      }
      throw new Error(`Firefox's permission prompt was not answered within ${timeoutMs} ms`);
    },
    async setViewport(page, width, height) {
      await bidi.connection.send('browsingContext.setViewport', { context: contextOf(page), viewport: { width, height } });
    },
    downloadDir,
    async waitForDownload(name, timeoutMs = 15_000) {
      const fileName = await poll(async () => {
        const names = await readdir(downloadDir);
        const found = names.find((candidate) => name.test(candidate));
        // Firefox writes into a .part file first; the final name appears with the whole file.
        if (found === undefined || names.some((candidate) => candidate.endsWith('.part'))) return null;
        return (await stat(join(downloadDir, found))).size > 0 ? found : null;
      }, timeoutMs, `a download named ${String(name)} in ${downloadDir}`);
      return { fileName, bytes: await readFile(join(downloadDir, fileName)) };
    },
    until(check, what, timeoutMs = 20_000) {
      return poll(check, timeoutMs, what);
    },
    consoleErrors() {
      const fromOutput = output.filter((line) =>
        /moz-extension|clausemark/i.test(line) && /\b(?:error|exception|uncaught|warn)/i.test(line) &&
        // Dexie's pagehide handler killed with the process at shutdown.
        !/Script terminated by timeout/.test(line));
      return [...pageErrors, ...fromOutput];
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await proxy.close();
      await rm(work, { recursive: true, force: true });
    },
  };
  return session;
}
