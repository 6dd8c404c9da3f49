import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../lib/document/schema';
import { activeTabId, type ExtensionBrowser } from '../tests/support/browser';

/**
 * The headless half of `npm start`: open a policy page in a browser with the extension, wait for its highlights,
 * and keep what a person would see — the page, the popup and the JSON export — in an output folder.
 */
export const HIGHLIGHT_TIMEOUT_MS = 20_000;
const POPUP_TIMEOUT_MS = 20_000;
const POPUP_WIDTH = 400;

export interface DemoResult {
  pageShot: string;
  popupShot: string;
  exportFile: string;
  doc: AnnotatedDocument;
}

export function popupUrl(extensionId: string, tabId: number): string {
  return `chrome-extension://${extensionId}/popup.html?tab=${tabId}`;
}

/** Resolves once the content script has registered highlights; the isolated world's ranges are visible here too. */
async function waitForHighlights(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      () => ['clausemark-exception', 'clausemark-opt-out'].some((name) => (CSS.highlights.get(name)?.size ?? 0) > 0),
      undefined,
      { timeout: HIGHLIGHT_TIMEOUT_MS },
    );
  } catch {
    throw new Error(`no highlights appeared on ${page.url()} within ${HIGHLIGHT_TIMEOUT_MS / 1000} s`);
  }
}

/** Scrolls the first exception (or, on a page without exceptions, the first opt-out) to the middle of the window. */
async function scrollToFirstException(page: Page): Promise<void> {
  // No named helpers inside: tsx would wrap them in a `__name` call that does not exist in the page.
  await page.evaluate(() => {
    const ranges = ['clausemark-exception', 'clausemark-opt-out'].flatMap((name) => [...(CSS.highlights.get(name) ?? [])]);
    const rect = ranges.find((range) => range instanceof Range)?.getBoundingClientRect();
    if (!rect) return;
    const top = rect.top + window.scrollY - (window.innerHeight - Math.min(rect.height, window.innerHeight)) / 2;
    window.scrollTo({ top: Math.max(0, top), behavior: 'instant' as ScrollBehavior });
  });
}

export async function runDemo(browser: ExtensionBrowser, url: string, outDir: string): Promise<DemoResult> {
  await mkdir(outDir, { recursive: true });
  const pageShot = join(outDir, 'page-highlights.png');
  const popupShot = join(outDir, 'popup.png');
  const exportFile = join(outDir, 'clausemark-export.json');
  const { context } = browser;

  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.bringToFront();
  const tabId = await activeTabId(browser.serviceWorker);
  await waitForHighlights(page);
  await scrollToFirstException(page);
  await page.screenshot({ path: pageShot });

  const popup = await context.newPage();
  await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
  await popup.goto(popupUrl(browser.extensionId, tabId));
  const downloadButton = popup.getByRole('button', { name: 'Download JSON' });
  try {
    await downloadButton.waitFor({ timeout: POPUP_TIMEOUT_MS });
  } catch {
    const shown = (await popup.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    throw new Error(`the popup did not show a summary within ${POPUP_TIMEOUT_MS / 1000} s (it shows: "${shown}")`);
  }
  await popup.screenshot({ path: popupShot, fullPage: true });

  const [download] = await Promise.all([popup.waitForEvent('download'), downloadButton.click()]);
  const json = await readFile(await download.path(), 'utf8');
  const parsed = AnnotatedDocumentSchema.safeParse(JSON.parse(json));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the exported JSON does not match the export schema: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  await writeFile(exportFile, json);
  return { pageShot, popupShot, exportFile, doc: parsed.data };
}

/** A few plain lines from the export: each topic that keeps exceptions, and what still happens after opting out. */
export function plainSummary(doc: AnnotatedDocument, maxLines = 6): string[] {
  const lines: string[] = [];
  for (const topic of doc.summary.topics.filter((candidate) => candidate.stillAfterOptOut.length > 0)) {
    lines.push(topic.headline);
    for (const still of topic.stillAfterOptOut) lines.push(`  still after opting out: ${still}`);
  }
  if (lines.length === 0) lines.push('No opt-out on this page comes with exceptions.');
  return lines.length > maxLines ? [...lines.slice(0, maxLines - 1), `  … (${lines.length - maxLines + 1} more lines in the export)`] : lines;
}
