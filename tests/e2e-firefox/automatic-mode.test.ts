import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findFirefox, FIREFOX_INSTALL_HINT, launchFirefox, type FirefoxSession } from '../support/firefox';
import { onPath, PROMPT_TOOLS_HINT, startVirtualDisplay } from '../support/browser';
import { expectPolicyHighlights, highlightsInPage, POLICY_PAGE } from '../support/scenarios';

/**
 * Automatic mode as a Firefox user turns it on: the add-on installed as built (host access optional, not granted),
 * Firefox in a real window on a virtual display with its own permission prompt left on. A real mouse click on the
 * popup's button asks; the doorhanger in Firefox's window is answered with its "Allow" button's access key, as a
 * person presses it; policy pages then are read as they open. "Stop annotating automatically" gives the access back.
 * No request leaves 127.0.0.1 from any context meanwhile.
 */
const NAMES = ['clausemark-opt-out', 'clausemark-exception'];
const ORIGINS = ['http://*/*', 'https://*/*'];

let session: FirefoxSession;
let popup: Page;
let display: Awaited<ReturnType<typeof startVirtualDisplay>> | undefined;

const bodyText = (target: Page): Promise<string> => target.evaluate(() => document.body.innerText);
const granted = (): Promise<boolean> =>
  session.inExtension((origins: string[]) => {
    const api = (globalThis as unknown as { browser: { permissions: { contains(p: object): Promise<boolean> } } }).browser;
    return api.permissions.contains({ origins });
  }, ORIGINS);
const highlightCount = async (page: Page): Promise<number> =>
  Object.values(await page.evaluate(highlightsInPage, NAMES)).flat().length;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
  if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
  if (!onPath('Xvfb') || !onPath('xdotool')) throw new Error(PROMPT_TOOLS_HINT);
  display = await startVirtualDisplay();
  session = await launchFirefox({ automatic: false, permissionPrompts: true, display: display.name });
});

afterAll(async () => {
  await session?.close();
  display?.stop();
});

describe('Firefox: automatic mode', () => {
  it('is off as installed: a policy page opens unread', async () => {
    expect(await granted()).toBe(false);
    const page = await session.openPage(session.server.urlOf(POLICY_PAGE));
    await sleep(1_500);
    expect(await highlightCount(page)).toBe(0);
    await page.close();
  });

  it("a click on the popup's button shows Firefox's prompt; Allow grants it", async () => {
    popup = await session.openExtensionPage('popup.html');
    await session.clickButton(popup, 'Annotate policy pages automatically');
    // The click alone grants nothing: the prompt waits for the person.
    await sleep(1_000);
    expect(await granted()).toBe(false);
    await session.acceptPermissionPrompt(granted);
    await session.until(async () => (await bodyText(popup)).includes('Policy pages you open from now on are annotated automatically'), 'the popup to confirm');
    expect(await granted()).toBe(true);
  });

  it('policy pages are then read as they open', async () => {
    const page = await session.openPage(session.server.urlOf(POLICY_PAGE));
    await session.waitForHighlights(page);
    const painted = await page.evaluate(highlightsInPage, NAMES);
    expectPolicyHighlights(painted['clausemark-opt-out']!, painted['clausemark-exception']!);
    await page.close();
  });

  it('"Stop annotating automatically" gives the access back; new pages are no longer read by themselves', async () => {
    await session.clickButton(popup, 'Stop annotating automatically');
    await session.until(async () => (await bodyText(popup)).includes('Automatic annotation is off'), 'the popup to confirm');
    expect(await granted()).toBe(false);
    const page = await session.openPage(session.server.urlOf(POLICY_PAGE));
    await sleep(2_000);
    expect(await highlightCount(page)).toBe(0);
    await page.close();
  });
});

describe('Firefox: quiet and local', () => {
  it('logs no errors and sends no request outside 127.0.0.1 from any context', () => {
    expect(session.consoleErrors()).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });
});
