import type { Page } from 'playwright-core';
import { activeTabId, findBrowser, INSTALL_HINT, launchWithExtension, type ExtensionBrowser } from './browser';
import { startSampleServer, type SampleServer } from './sample-server';

/**
 * The end-to-end suite's fixture: Chromium with the built extension (.output/chrome-mv3), the sample server on
 * loopback, a policy page open and painted, and page objects for the popup and the options page. A missing browser
 * fails with the install hint; it is never skipped.
 */
export interface PolicyTab {
  server: SampleServer;
  browser: ExtensionBrowser;
  page: Page;
  tabId: number;
}

export interface OpenOptions {
  /** extra pages for the sample server (name → HTML) */
  extraPages?: Parameters<typeof startSampleServer>[1];
  /** collects every request that leaves the machine (anything but loopback and the extension's own) */
  outsideRequests?: string[];
}

export async function openPolicyTab(pageName: string, options: OpenOptions = {}): Promise<PolicyTab> {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  const server = await startSampleServer(0, options.extraPages);
  const browser = await launchWithExtension({ headless: true });
  const outside = options.outsideRequests;
  if (outside) {
    browser.context.on('request', (request) => {
      const url = new URL(request.url());
      if (!['127.0.0.1', ''].includes(url.hostname) && !['chrome-extension:', 'data:', 'blob:'].includes(url.protocol)) {
        outside.push(request.url());
      }
    });
  }
  const page = await browser.context.newPage();
  await page.goto(server.urlOf(pageName));
  await page.bringToFront();
  const tabId = await activeTabId(browser.serviceWorker);
  await waitForHighlights(page);
  return { server, browser, page, tabId };
}

/** Waits until the content script painted the page's exceptions. */
export async function waitForHighlights(page: Page): Promise<void> {
  // The run's end, not its first highlights: a long page's first look is painted before the whole analysis.
  await page.waitForFunction(
    () => ((CSS as unknown as { highlights?: Map<string, unknown> }).highlights?.has('clausemark-exception') ?? false) &&
      performance.getEntriesByName('clausemark:total').length > 0,
    null,
    { timeout: 30_000 },
  );
}

export async function closePolicyTab(tab: Partial<PolicyTab> | undefined): Promise<void> {
  await tab?.browser?.close();
  await tab?.server?.close();
}

/** The popup, opened as a page for a tab (popup.html?tab=N), as keyboard users and `npm start` open it. */
export class PopupPage {
  constructor(readonly page: Page) {}

  static url(browser: ExtensionBrowser, tabId?: number): string {
    return `chrome-extension://${browser.extensionId}/popup.html${tabId === undefined ? '' : `?tab=${tabId}`}`;
  }

  static async open(browser: ExtensionBrowser, tabId?: number): Promise<PopupPage> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(PopupPage.url(browser, tabId));
    return new PopupPage(page);
  }

  /** Waits for the summary of a finished analysis. */
  async summary(): Promise<void> {
    await this.page.getByRole('region', { name: 'In short' }).waitFor({ timeout: 30_000 });
  }

  /** Waits until the popup lists what still happens after an opt-out. */
  async exceptionsShown(): Promise<void> {
    await this.page.getByText('Limits of this opt-out', { exact: false }).first().waitFor({ timeout: 15_000 });
  }
}

/** The options page. */
export class OptionsPage {
  constructor(readonly page: Page) {}

  static url(browser: ExtensionBrowser): string {
    return `chrome-extension://${browser.extensionId}/options.html`;
  }

  static async open(browser: ExtensionBrowser): Promise<OptionsPage> {
    const page = await browser.context.newPage();
    await page.goto(OptionsPage.url(browser));
    return new OptionsPage(page);
  }
}
