import { afterAll, beforeAll, describe, it } from 'vitest';
import { findBrowser, INSTALL_HINT } from '../support/browser';
import {
  describeResult,
  expectHighlightWindowFollowsScroll,
  expectHostilePageHeld,
  HOSTILE_KINDS,
  hostilePage,
  openHostileSession,
  summarize,
  type HostileResult,
  type HostileSession,
} from '../support/hostile-pages';

/**
 * One hostile page of each kind, at the kind's extreme (10,000 levels deep, 5 MB of text, 20,000 text nodes,
 * 100,000 repetitions…): the representative subset of `npm run test:stress`. Same checks: an answer (no hang), no
 * crash, no error, no script run from text, and the page's own ticker still advancing afterwards.
 */
const pages = HOSTILE_KINDS.map((_, index) => hostilePage(index, 'largest'));
const results: HostileResult[] = [];
let session: HostileSession;

beforeAll(async () => {
  if (findBrowser() === null) throw new Error(INSTALL_HINT);
  session = await openHostileSession(pages, process.env.CLAUSEMARK_EXTENSION_DIR);
});

afterAll(async () => {
  await session?.close();
  if (results.length > 0) console.info(`\nhostile pages:\n${summarize(results)}\n`);
});

describe('hostile pages, one of each kind', () => {
  it.each(pages.map((page) => [`${page.kind} (${Object.entries(page.params).map(([k, v]) => `${k}=${v}`).join(' ')})`, page] as const))(
    '%s',
    async (_label, page) => {
      const result = await session.run(page);
      results.push(result);
      console.info(describeResult(result));
      expectHostilePageHeld(result, true);
    },
  );
});

describe('a page of very many highlights', () => {
  it('registers only those around the view, and the view keeps its highlights as the person scrolls', async () => {
    const huge = pages.find((page) => page.kind === 'huge-text')!;
    expectHostilePageHeld(await session.run(huge), true);
    await expectHighlightWindowFollowsScroll((expression) => session.evaluate(expression));
  }, 120_000);
});
