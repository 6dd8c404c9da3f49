import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { activeTabId, EXTENSION_DIR, findBrowser, INSTALL_HINT, launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { REPO_ROOT, startSampleServer, type SampleServer } from '../support/sample-server';
import { AUTOMATIC_SCRIPT_ID } from '../../lib/extension/background/automatic-mode';
import { PopupPage } from '../support/extension-fixture';

/**
 * Permissions, CSP and the "no network" promise, checked on the built extensions: the manifests ask for exactly the
 * justified permissions (docs/permissions.md), and while Clausemark analyses a page automatically and on request,
 * shows its popup and exports, every request any part of the browser makes goes to the loopback test server or to
 * the extension itself.
 */
const FIREFOX_DIR = join(REPO_ROOT, '.output', 'firefox-mv3');
const PAGE = 'anthropic-privacy-policy';
const PLAIN_PAGE = 'clausemark-plain-page';
const PLAIN_HTML = '<!doctype html><title>Opening hours</title><h1>Opening hours</h1><p>Monday to Friday, nine to five.</p>';

interface Manifest {
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: unknown[];
  externally_connectable?: unknown;
  web_accessible_resources?: unknown[];
  content_security_policy?: { extension_pages?: string };
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let server: SampleServer;
let browser: ExtensionBrowser;
const requests: string[] = [];
/** The browser's own settings page, opened by this test to read Chrome's verdict on the manifest: not ours. */
const browserPages = new Set<Page>();

function pageOf(request: Request): Page | null {
  try {
    return request.frame().page();
  } catch {
    return null; // a service worker's request has no frame
  }
}

const highlighted = (target: Page) =>
  target.waitForFunction(
    () => ((CSS as unknown as { highlights?: Map<string, unknown> }).highlights?.has('clausemark-exception') ?? false),
    null,
    { timeout: 30_000 },
  );

beforeAll(async () => {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  // The Firefox build is checked alongside the Chrome one `npm test` just built.
  const firefox = spawnSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (firefox.status !== 0) throw new Error(`the Firefox build failed:\n${firefox.stderr}`);
  server = await startSampleServer(0, { [PLAIN_PAGE]: PLAIN_HTML });
  browser = await launchWithExtension({ headless: true });
  const record = (request: Request) => {
    const page = pageOf(request);
    if (page === null || !browserPages.has(page)) requests.push(request.url());
  };
  // In Chromium the context also reports its service workers' requests; their own timelines are read below too.
  browser.context.on('request', record);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the built manifests', () => {
  for (const [name, dir] of [['Chrome', EXTENSION_DIR], ['Firefox', FIREFOX_DIR]] as const) {
    it(`${name}: activeTab, scripting, and host access only as the optional automatic mode`, () => {
      const manifest = readManifest(dir);
      expect([...(manifest.permissions ?? [])].sort()).toEqual(['activeTab', 'scripting']);
      expect(manifest.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
      expect(manifest.optional_permissions ?? []).toEqual([]);
      expect(manifest.host_permissions ?? []).toEqual([]);
      expect(manifest.content_scripts ?? []).toEqual([]);
      expect(manifest.externally_connectable).toBeUndefined();
      expect(manifest.web_accessible_resources ?? []).toEqual([]);
    });

    it(`${name}: the extension pages' CSP allows no foreign script, plugin, connection, base, form target or framing`, () => {
      const csp = readManifest(dir).content_security_policy?.extension_pages ?? '';
      const directives = Object.fromEntries(
        csp.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([key, ...values]) => [key, values.join(' ')]),
      );
      expect(directives).toEqual({
        'script-src': "'self'",
        'object-src': "'none'",
        'connect-src': "'none'",
        'base-uri': "'none'",
        'form-action': "'none'",
        'frame-ancestors': "'none'",
      });
    });

    it(`${name}: no bundle writes HTML or turns strings into code`, () => {
      const scripts = filesUnder(dir).filter((path) => path.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(2);
      for (const path of scripts) {
        const code = readFileSync(path, 'utf8');
        expect(code, path).not.toMatch(/\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/);
        expect(code, path).not.toMatch(/(?:^|[^\w$.])(?:new\s+)?Function\s*\(|(?:^|[^\w$.])eval\s*\(/);
      }
    });
  }

  it('Chrome loads the manifest without an error or a warning', async () => {
    const settings = await browser.context.newPage();
    browserPages.add(settings);
    try {
      await settings.goto(`chrome://extensions/?id=${browser.extensionId}`);
      const info = await settings.evaluate(
        (id) =>
          (globalThis as unknown as { chrome: { developerPrivate: { getExtensionInfo(id: string): Promise<{ manifestErrors: unknown[]; installWarnings: unknown[]; runtimeErrors: unknown[] }> } } }).chrome.developerPrivate.getExtensionInfo(id),
        browser.extensionId,
      );
      expect(info.manifestErrors).toEqual([]);
      expect(info.installWarnings).toEqual([]);
    } finally {
      await settings.close();
    }
  });
});

describe('no network request from any extension context', () => {
  it('analyses a policy automatically, shows the popup, exports, and analyses another page on request', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.urlOf(PAGE));
    await page.bringToFront();
    const tabId = await activeTabId(browser.serviceWorker);
    await highlighted(page);

    const popup = await browser.context.newPage();
    await popup.goto(PopupPage.url(browser, tabId));
    await popup.getByText('Limits of this opt-out', { exact: false }).first().waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([
      popup.waitForEvent('download'),
      popup.getByRole('button', { name: /^Download / }).first().click(),
    ]);
    expect(await download.path()).toBeTruthy();

    // On request: a page that is not a policy, read anyway from the popup.
    const plain = await browser.context.newPage();
    await plain.goto(server.urlOf(PLAIN_PAGE));
    await plain.bringToFront();
    const plainTab = await activeTabId(browser.serviceWorker);
    await popup.goto(PopupPage.url(browser, plainTab));
    await popup.getByRole('button', { name: /analyse anyway/i }).click();
    await popup.getByText(/nothing found|opt-out/i).first().waitFor({ timeout: 30_000 });

    // What the service worker and the popup fetched themselves, as their own timelines record it.
    const timelines = await Promise.all([
      browser.serviceWorker.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name)),
      popup.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name)),
    ]);
    const everything = [...requests, ...timelines.flat()];
    expect(everything.length).toBeGreaterThan(0);
    const outside = everything.filter((url) => {
      const parsed = new URL(url);
      if (parsed.protocol === 'chrome-extension:') return parsed.host !== browser.extensionId;
      if (parsed.protocol === 'blob:') return !url.startsWith(`blob:chrome-extension://${browser.extensionId}/`);
      if (['data:', 'about:'].includes(parsed.protocol)) return false;
      return !(parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1');
    });
    expect(outside).toEqual([]);
    await Promise.all([page.close(), plain.close(), popup.close()]);
  });
});

describe('automatic mode can be turned off from the popup', () => {
  it('withdraws the host access and unregisters the content script; new pages are no longer read by themselves', async () => {
    const popup = await browser.context.newPage();
    await popup.goto(PopupPage.url(browser));
    await popup.getByRole('button', { name: 'Stop annotating automatically' }).click();
    await popup.getByRole('button', { name: 'Annotate policy pages automatically' }).waitFor({ timeout: 10_000 });
    const state = async () =>
      browser.serviceWorker.evaluate(async (id) => {
        const api = (globalThis as unknown as {
          chrome: {
            permissions: { contains(p: { origins: string[] }): Promise<boolean> };
            scripting: { getRegisteredContentScripts(): Promise<Array<{ id: string }>> };
          };
        }).chrome;
        return {
          granted: await api.permissions.contains({ origins: ['http://*/*', 'https://*/*'] }),
          registered: (await api.scripting.getRegisteredContentScripts()).some((script) => script.id === id),
        };
      }, AUTOMATIC_SCRIPT_ID);
    await expect.poll(state, { timeout: 10_000 }).toEqual({ granted: false, registered: false });

    // Without host access the page cannot even be read on request from a popup opened as a page: only the toolbar
    // click (activeTab) grants that, which is the point.
    const page = await browser.context.newPage();
    await page.goto(server.urlOf(PAGE));
    await page.waitForLoadState('load');
    await page.waitForTimeout(2_000);
    expect(await page.evaluate(() => (CSS as unknown as { highlights: Map<string, unknown> }).highlights.size)).toBe(0);
    await Promise.all([page.close(), popup.close()]);
  });
});
