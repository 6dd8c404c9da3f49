import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findFirefox, FIREFOX_INSTALL_HINT, launchFirefox, type FirefoxSession } from '../support/firefox';
import {
  anchorQuotesInPage,
  checkCsvExport,
  checkJsonExport,
  checkMarkdownExport,
  checkWebAnnotationExport,
  EXPORT_FORMAT_CHOICES,
  expectAnchored,
  expectPopupSummary,
  highlightsInPage,
  POLICY_PAGE,
  STILL_HAPPENS,
  TRAINING_START,
} from '../support/scenarios';

/**
 * The popup in Firefox, opened as a page for the policy's tab (popup.html?tab=N: Firefox grants activeTab only to the
 * toolbar button, which a driver cannot press, so this suite's add-on has automatic mode's host access): its summary,
 * "Show on page", and every export format downloaded by Firefox itself and read back from its download folder.
 */
let session: FirefoxSession;
let page: Page;
let popup: Page;
let pageUrl: string;

const bodyText = (target: Page): Promise<string> => target.evaluate(() => document.body.innerText);

beforeAll(async () => {
  if (findFirefox() === null) throw new Error(FIREFOX_INSTALL_HINT);
  session = await launchFirefox();
  pageUrl = session.server.urlOf(POLICY_PAGE);
  page = await session.openPage(pageUrl);
  await session.waitForHighlights(page);
  ({ popup } = await session.openPopupFor(page));
  await session.setViewport(popup, 400, 800);
  await session.until(async () => (await bodyText(popup)).includes(STILL_HAPPENS), 'the popup summary');
});

afterAll(async () => {
  await session?.close();
});

describe('Firefox: the popup for the tab', () => {
  it('summarises: used for training unless you opt out, how, and what still happens after', async () => {
    expectPopupSummary(await bodyText(popup));
    const painted = await session.until(
      () => popup.evaluate(() => performance.getEntriesByName('clausemark:summary-painted')[0]?.startTime ?? null),
      'the summary-painted mark',
      10_000,
    );
    expect(painted).toBeGreaterThan(0);
    console.info(`Firefox popup: summary painted ${painted.toFixed(1)} ms after navigation start`);
  });

  it('jumps to a clause: the page scrolls to it and flashes it', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const point = await popup.evaluate((start: string) => {
      // the full clause list is collapsed below the summary
      document.querySelector<HTMLDetailsElement>('details.clauses-details')!.open = true;
      // the clause whose own text this is (another clause's provision card may quote the recorded clause)
      const clause = Array.from(document.querySelectorAll('li.clause')).find((item) => item.querySelector('blockquote.clause-text')?.textContent!.includes(start));
      const button = Array.from(clause?.querySelectorAll('button') ?? []).find((candidate) => /show on page/i.test(candidate.textContent ?? ''));
      if (button === undefined) return null;
      button.scrollIntoView({ block: 'center' });
      const box = button.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }, TRAINING_START);
    expect(point).not.toBeNull();
    await popup.mouse.click(point!.x, point!.y);
    await session.until(() => page.evaluate(() => window.scrollY > 0), 'the page to scroll', 5_000);
    const flashed = (await page.evaluate(highlightsInPage, ['clausemark-flash']))['clausemark-flash']!;
    expect(flashed[0]).toMatch(/^We may use your Inputs and Outputs to train/);
    expect(await page.evaluate(() => {
      const range = Array.from((CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('clausemark-flash')!)[0]!;
      const rect = range.getBoundingClientRect();
      return rect.top >= 0 && rect.top < window.innerHeight;
    })).toBe(true);
  });

  it('offers the four export formats in a labelled choice', async () => {
    const options = await popup.evaluate(() => ({
      label: document.querySelector('label[for="export-format"]')?.textContent?.trim(),
      choices: Array.from(document.querySelectorAll('#export-format option'), (option) => option.textContent),
    }));
    expect(options).toEqual({ label: 'Export as', choices: EXPORT_FORMAT_CHOICES.map((format) => format.label) });
  });
});

describe('Firefox: every export format, as Firefox saves it', () => {
  /** Picks the format, presses its Download button with the mouse, and reads the file Firefox saved. */
  async function downloadAs(value: string): Promise<{ fileName: string; bytes: Buffer; text: string }> {
    const format = EXPORT_FORMAT_CHOICES.find((choice) => choice.value === value)!;
    await popup.select('#export-format', value);
    await session.clickButton(popup, `Download ${format.label}`);
    const file = await session.waitForDownload(format.extension);
    await session.until(async () => (await bodyText(popup)).includes(`Saved as ${file.fileName}`), `"Saved as ${file.fileName}"`, 5_000);
    return { ...file, text: file.bytes.toString('utf8') };
  }

  it('JSON: valid against the export schema, the training clause with its two exceptions', async () => {
    const file = await downloadAs('json');
    checkJsonExport(file.fileName, file.text, pageUrl);
  });

  it('CSV: parses back, a row for the training clause and one for each of its two exceptions', async () => {
    const file = await downloadAs('csv');
    checkCsvExport(file.fileName, file.bytes, pageUrl);
  });

  it('Markdown: the summary and the two exceptions, readable once rendered', async () => {
    const file = await downloadAs('md');
    await checkMarkdownExport(file.fileName, file.text);
  });

  it('Web Annotation: the training clause and its exceptions re-anchor on the page by quote and context', async () => {
    const file = await downloadAs('webannotation');
    const targets = checkWebAnnotationExport(file.fileName, file.text, pageUrl);
    expectAnchored(targets, await page.evaluate(anchorQuotesInPage, targets.map((item) => item.target.selector[0])));
  });
});

describe('Firefox: quiet and local', () => {
  it('logs no errors and sends no request outside 127.0.0.1 from any context', () => {
    expect(session.consoleErrors()).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });
});
