import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { activeTabId, findBrowser, INSTALL_HINT, launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { startSampleServer, type SampleServer } from '../support/sample-server';
import { PopupPage } from '../support/extension-fixture';

/**
 * The popup off the policy page, in real Chromium with automatic mode on: a shop page that names its privacy policy
 * with `<link rel="privacy-policy">`, a page on a platform the dataset knows (www.anthropic.com, resolved to the
 * sample server on loopback by the browser's own host-resolver rules, so nothing leaves the machine), and a French
 * policy page. A missing browser fails with the install hint; it is never skipped.
 */
const KNOWN_HOST = 'www.anthropic.com';

const PAGES: Record<string, string> = {
  shop: `<!doctype html><html lang="en"><head><title>Teapots for sale</title>
    <link rel="privacy-policy" href="/anthropic-privacy-policy.html"></head>
    <body><h1>Teapots</h1><p>Our finest teapots, glazed by hand.</p>
    <footer><a href="/about.html">About us</a></footer></body></html>`,
  home: `<!doctype html><html lang="en"><head><title>Home</title></head><body><h1>Welcome</h1><p>Talk to us.</p></body></html>`,
  'privacy-fr': `<!doctype html><html lang="fr"><head><title>Politique de confidentialité</title></head><body>
    <h1>Politique de confidentialité</h1>
    <p>Nous utilisons vos données personnelles pour fournir et améliorer nos services. Vous pouvez vous opposer à
    l'utilisation de vos conversations pour l'entraînement de nos modèles dans les paramètres de votre compte.</p>
    <p>Même si vous vous y opposez, nous conservons les contenus signalés pour des raisons de sécurité. Nous ne vendons
    pas vos données et nous les partageons uniquement avec des prestataires qui agissent pour notre compte.</p>
    </body></html>`,
};

let server: SampleServer;
let browser: ExtensionBrowser;
const outsideRequests: string[] = [];

beforeAll(async () => {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  server = await startSampleServer(0, PAGES);
  browser = await launchWithExtension({ headless: true, args: [`--host-resolver-rules=MAP ${KNOWN_HOST} 127.0.0.1`] });
  browser.context.on('request', (request) => {
    const url = new URL(request.url());
    if (!['127.0.0.1', KNOWN_HOST, ''].includes(url.hostname) && !['chrome-extension:', 'data:', 'blob:'].includes(url.protocol)) {
      outsideRequests.push(request.url());
    }
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** axe-core on the popup as it is now, in light and in dark mode: the violations, one line each. */
async function axeViolations(target: Page): Promise<string[]> {
  const lines: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await target.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page: target }).analyze();
    for (const violation of results.violations) {
      lines.push(`${colorScheme} ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`);
    }
    expect(results.passes.length).toBeGreaterThan(0); // axe really ran
  }
  return lines;
}

async function openTab(url: string): Promise<{ page: Page; tabId: number }> {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.bringToFront();
  return { page, tabId: await activeTabId(browser.serviceWorker) };
}

describe('popup off the policy page', () => {
  it('on a page naming its policy with <link rel="privacy-policy">, offers it, then opens it annotated', async () => {
    const { page, tabId } = await openTab(server.urlOf('shop'));
    const popup = await PopupPage.open(browser, tabId);
    const region = popup.page.getByRole('region', { name: "This site's policies" });
    await region.waitFor({ timeout: 30_000 });
    const link = region.getByRole('link', { name: 'Privacy policy' });
    expect(await link.getAttribute('href')).toBe(server.urlOf('anthropic-privacy-policy'));
    expect(await axeViolations(popup.page)).toEqual([]);
    await region.getByRole('button', { name: /^Open and annotate/ }).click();
    // The tab moves to the policy, which is read there: highlights on the page, the summary in the popup.
    await page.waitForURL(server.urlOf('anthropic-privacy-policy'), { timeout: 30_000 });
    await page.waitForFunction(
      () => ((CSS as unknown as { highlights?: Map<string, unknown> }).highlights?.has('clausemark-exception') ?? false),
      null,
      { timeout: 30_000 },
    );
    await popup.summary();
    await popup.page.close();
    await page.close();
  });

  it(`on a page of a known platform (${KNOWN_HOST}), says what its recorded policies say`, async () => {
    const port = new URL(server.origin).port;
    const { page, tabId } = await openTab(`http://${KNOWN_HOST}:${port}/home.html`);
    const popup = await PopupPage.open(browser, tabId);
    const region = popup.page.getByRole('region', { name: "What Claude's policies say" });
    await region.waitFor({ timeout: 30_000 });
    const privacy = region.getByRole('link', { name: 'Anthropic Privacy Policy' }).first();
    expect(await privacy.getAttribute('href')).toBe('https://www.anthropic.com/legal/privacy');
    expect(await region.getByText('Still happens after you opt out:').count()).toBeGreaterThan(0);
    await region.getByText(/^All \d+ known clauses$/).click();
    expect(await axeViolations(popup.page)).toEqual([]);
    await popup.page.close();
    await page.close();
  });

  it('on a French policy page, says it reads English policies and names the language', async () => {
    const { page, tabId } = await openTab(server.urlOf('privacy-fr'));
    const popup = await PopupPage.open(browser, tabId);
    // The content script reports on its own (automatic mode); the popup may open before it has, so look again.
    const said = popup.page.getByText('Clausemark reads English policies; this page is in French.');
    for (let attempt = 0; attempt < 10 && !(await said.isVisible()); attempt += 1) {
      await said.waitFor({ timeout: 3_000 }).catch(() => popup.page.reload());
    }
    await said.waitFor({ timeout: 5_000 });
    expect(await axeViolations(popup.page)).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll('mark').length)).toBe(0);
    await popup.page.close();
    await page.close();
  });

  it('sent nothing off the machine', () => {
    expect(outsideRequests).toEqual([]);
  });
});
