import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm test`: the unit suite, a production build, the end-to-end suite in real Chromium, then the Firefox build and
 * the end-to-end suite in real Firefox (firefox-esr; a missing Firefox fails it with install instructions). Ends with one plain
 * line `tests: N passed, M failed` (counted by vitest's JSON reporter) and a non-zero exit when anything failed.
 */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

const reports = mkdtempSync(join(tmpdir(), 'clausemark-tests-'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(label: string, args: string[]): number {
  process.stderr.write(`\n── ${label} ──\n`);
  return spawnSync(npx, args, { stdio: 'inherit' }).status ?? 1;
}

function suite(label: string, config: string | null): VitestReport | null {
  const outputFile = join(reports, `${label}.json`);
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${outputFile}`];
  if (config) args.push('--config', config);
  run(label, args);
  if (!existsSync(outputFile)) return null;
  return JSON.parse(readFileSync(outputFile, 'utf8')) as VitestReport;
}

let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;

const unit = suite('unit tests', null);
const buildStatus = run('build (chrome-mv3)', ['wxt', 'build']);
const e2e = buildStatus === 0 ? suite('end-to-end tests (Chromium + built extension)', 'vitest.e2e.config.ts') : null;
if (buildStatus !== 0) process.stderr.write('The build failed: the end-to-end suite could not run.\n');
const firefoxBuildStatus = run('build (firefox-mv3)', ['wxt', 'build', '-b', 'firefox', '--mv3']);
const firefox = firefoxBuildStatus === 0 ? suite('end-to-end tests (Firefox + built add-on)', 'vitest.firefox.config.ts') : null;
if (firefoxBuildStatus !== 0) process.stderr.write('The Firefox build failed: the Firefox suite could not run.\n');

for (const report of [unit, e2e, firefox]) {
  if (report === null) {
    broken = true;
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  if (!report.success) broken = true;
}
if (broken && failed === 0) failed = 1; // a suite that crashed before reporting counts as a failure

process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || broken ? 1 : 0);
