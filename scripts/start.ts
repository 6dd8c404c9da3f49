import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findBrowser, INSTALL_HINT, launchWithExtension, activeTabId } from '../tests/support/browser';
import { plainSummary, popupUrl, runDemo } from './demo';
import { policyFiles, REPO_ROOT, startSampleServer, type SampleServer } from '../tests/support/sample-server';

/**
 * `npm start`: build the extension, serve the sample policies on 127.0.0.1 and show Clausemark on one of them —
 * in a browser window when there is a display, otherwise headless, saving screenshots and the export.
 */
const DEFAULT_PAGE = 'anthropic-privacy-policy';
const OUT_DIR = resolve('demo-output');

const USAGE = `Usage: npm start -- [--headless] [--page NAME]

Builds the extension, serves sample policies on 127.0.0.1 and opens one in Chromium with Clausemark loaded.
  With a display: a browser window opens; Ctrl+C or closing the window stops it.
  Without one (or with --headless, or CI set): runs headless and writes to ./demo-output/
    page-highlights.png, popup.png and clausemark-export.json.

Options:
  --page NAME   the sample page to open (default: ${DEFAULT_PAGE})
  --headless    run headless even when a display is available
  -h, --help    show this help
Environment: PORT (sample server port, default any free one), CHROME_PATH (the browser to use).`;

class Failure extends Error {}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function build(): Promise<void> {
  process.stderr.write('Building the extension (wxt build)…\n');
  return new Promise((done, fail) => {
    const child = spawn('npx', ['wxt', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', (error) => fail(new Failure(`could not run "npx wxt build": ${error.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(new Failure(`the build failed (wxt build exited with ${signal ?? `code ${code}`}); see the output above`)),
    );
  });
}

function hasDisplay(): boolean {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || ['darwin', 'win32'].includes(process.platform);
}

function inCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

async function headed(url: string, server: SampleServer): Promise<void> {
  let stop!: () => void;
  const stopped = new Promise<void>((done) => (stop = done));
  // Registered before the browser starts, so it runs before Playwright's own handler closes the browser and exits.
  const onSignal = (): void => {
    say('\nStopping…');
    void server.close();
    stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const browser = await launchWithExtension({ headless: false });
  try {
    browser.context.on('close', () => stop());
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(url);
    await page.bringToFront();
    const tabId = await activeTabId(browser.serviceWorker);
    say(`Opened ${url} in Chromium with Clausemark. Look at:`);
    say('  - the highlights: opt-out offers, and in a second colour the exceptions that still apply after you opt out;');
    say('  - the hover card: point at a highlight to read it in plain words;');
    say('  - the popup: click the Clausemark icon in the toolbar (pin it from the puzzle-piece menu) for the summary,');
    say('    the list of clauses (click one to jump to it) and the JSON export;');
    say(`  - the popup as a page: ${popupUrl(browser.extensionId, tabId)}`);
    say('Press Ctrl+C or close the browser window to stop.');
    await stopped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await browser.close().catch(() => undefined);
  }
}

async function headless(url: string): Promise<void> {
  const browser = await launchWithExtension({ headless: true });
  try {
    const { pageShot, popupShot, exportFile, doc } = await runDemo(browser, url, OUT_DIR);
    const { clauseCount, optOutCount, exceptionCount } = doc.summary;
    say(`Export valid: ${clauseCount} clauses, ${optOutCount} opt-outs, ${exceptionCount} exceptions.`);
    say('Wrote:');
    for (const path of [pageShot, popupShot, exportFile]) say(`  ${path}`);
    say();
    say('In short:');
    for (const line of plainSummary(doc)) say(`  ${line}`);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

async function main(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, headless: { type: 'boolean' }, page: { type: 'string' } },
    }).values;
  } catch (error) {
    throw new Failure(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (args.help) {
    say(USAGE);
    return;
  }
  const pageName = (args.page ?? DEFAULT_PAGE).replace(/\.(html|md)$/, '');
  const known = [...policyFiles().keys()].sort();
  if (!known.includes(pageName)) throw new Failure(`no sample page named "${pageName}". Available pages: ${known.join(', ')}`);
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Failure(`PORT must be a port number, not "${process.env.PORT}"`);

  await build();
  const server = await startSampleServer(port);
  try {
    say(`Sample policies: ${server.origin}/`);
    if (findBrowser() === null) {
      process.stderr.write(`${INSTALL_HINT}\n`);
      process.exitCode = 1;
      return;
    }
    const url = server.urlOf(pageName);
    if (hasDisplay() && !args.headless && !inCI()) await headed(url, server);
    else await headless(url);
  } finally {
    await server.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`npm start failed: ${error instanceof Failure ? message : message.split('\n')[0]}\n`);
  process.exitCode = 1;
});
