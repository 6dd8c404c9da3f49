import { join } from 'node:path';
import { SHORT_STATES, openPopupInState, openPopupOnPolicy, startActionPopupHarness } from '../tests/support/action-popup';
import { REPO_ROOT } from '../tests/support/sample-server';

/**
 * docs/popup-<state>.png: the real toolbar popup, opened with its keyboard shortcut in Chromium on a virtual display,
 * in each of its states, at the size the browser gives it. Needs a build (.output/chrome-mv3), Xvfb and xdotool.
 * Run with `npm run docs:popup`.
 */
const POLICY = 'anthropic-privacy-policy'; // in the shared corpus and among the bundled fixtures

const harness = await startActionPopupHarness();
try {
  const shots: string[] = [];
  const save = async (state: string, popup: Awaited<ReturnType<typeof harness.openPopup>>) => {
    const file = join(REPO_ROOT, 'docs', `popup-${state}.png`);
    await popup.screenshot({ path: file });
    shots.push(`docs/popup-${state}.png (${await popup.evaluate(() => `${innerWidth} × ${innerHeight}`)})`);
  };
  for (const state of SHORT_STATES) {
    if (state === 'not-a-policy') await harness.turnOnAutomaticMode(); // the first two states are before it
    await save(state, await openPopupInState(harness, state, POLICY));
  }
  const { popup, status } = await openPopupOnPolicy(harness, POLICY);
  if (status !== 'done') throw new Error(`${POLICY} ended as "${status}", not analysed`);
  await save('done', popup);
  process.stderr.write(`wrote ${shots.join(', ')}\n`);
} finally {
  await harness.close();
}
