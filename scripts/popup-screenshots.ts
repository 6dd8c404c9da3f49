import { join } from 'node:path';
import { SHORT_STATES, openPopupInState, openPopupOnPolicy, startActionPopupHarness } from '../tests/support/action-popup';
import { REPO_ROOT } from '../tests/support/sample-server';

/**
 * docs/popup-<state>.png and docs/summary-<document>.png: the real toolbar popup, opened with its keyboard shortcut in Chromium on a virtual display,
 * in each of its states, at the size the browser gives it. Needs a build (.output/chrome-mv3), Xvfb and xdotool.
 * Run with `npm run docs:popup`.
 */
const POLICY = 'anthropic-privacy-policy'; // in the shared corpus and among the bundled fixtures
/** The summary of three corpus documents, for the README: a privacy policy, another, and terms of service. */
const SUMMARIES = [POLICY, 'google-privacy-policy-us', 'snapchat-terms-of-service-us'];

const harness = await startActionPopupHarness();
try {
  const shots: string[] = [];
  const save = async (name: string, popup: Awaited<ReturnType<typeof harness.openPopup>>) => {
    const file = join(REPO_ROOT, 'docs', `${name}.png`);
    await popup.screenshot({ path: file });
    shots.push(`docs/${name}.png (${await popup.evaluate(() => `${innerWidth} × ${innerHeight}`)})`);
  };
  for (const state of SHORT_STATES) {
    if (state === 'not-a-policy') await harness.turnOnAutomaticMode(); // the first two states are before it
    await save(`popup-${state}`, await openPopupInState(harness, state, POLICY));
  }
  for (const name of SUMMARIES) {
    const { popup, status } = await openPopupOnPolicy(harness, name);
    if (status !== 'done') throw new Error(`${name} ended as "${status}", not analysed`);
    await save(name === POLICY ? 'popup-done' : `summary-${name}`, popup);
  }
  process.stderr.write(`wrote ${shots.join(', ')}\n`);
} finally {
  await harness.close();
}
