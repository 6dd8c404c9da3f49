import { afterAll, beforeAll, describe, it } from 'vitest';
import { findBrowser, INSTALL_HINT } from '../support/browser';
import { describeResult, expectHostilePageHeld, hostilePage, openHostileSession, summarize, type HostileResult, type HostileSession } from '../support/hostile-pages';

/**
 * `npm run test:stress`: 504 generated hostile pages (tests/support/hostile-pages.ts, fixed seed), 42 of each kind, in real
 * Chromium with the built extension. Each page: the analysis answers (no hang: a page that gets no answer within
 * two minutes fails), the tab does not crash, no error is raised, nothing written as text runs as script, and the
 * page's own ticker still advances afterwards. Timings are printed, never asserted.
 */
const PAGE_COUNT = 504;
const pages = Array.from({ length: PAGE_COUNT }, (_, index) => hostilePage(index));
const results: HostileResult[] = [];
let session: HostileSession;

beforeAll(async () => {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  session = await openHostileSession(pages, process.env.CLAUSEMARK_EXTENSION_DIR);
});

afterAll(async () => {
  await session?.close();
  if (results.length > 0) console.info(`\nhostile pages, ${results.length} run:\n${summarize(results)}\n`);
});

describe('hostile pages (stress)', () => {
  it.each(pages.map((page) => [page.name, page] as const))('%s', async (_name, page) => {
    const result = await session.run(page);
    results.push(result);
    console.info(describeResult(result));
    expectHostilePageHeld(result, false);
  });
});
