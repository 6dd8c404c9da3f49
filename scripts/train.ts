import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidate } from '../lib/node/train/cross-validate';
import { metricsOf, splitOf } from '../lib/node/eval/evaluate';
import { DEFAULT_FIT, fit, modelFile } from '../lib/node/train/fit';
import { fitStacked } from '../lib/node/train/stack';
import { loadLabelledSet, ROOT } from '../lib/node/eval/load-set';

/**
 * `npm run train`: builds the learned stage from the labelled documents (tests/fixtures/labels). Thresholds come
 * from document-level cross-validation over the dev split, and the shipped weights are fitted on the dev split: the
 * held-out test split is never trained on (its documents are not even loaded), so `npm run eval` measures on it the
 * model that ships. Seeded: the same labels give the same file.
 */
const OUT = join(ROOT, 'lib', 'engine', 'learned', 'weights.json');

const { documents: dev, skipped } = await loadLabelledSet(undefined, (labels) => splitOf(labels.document) === 'dev');
if (skipped.length > 0) process.stderr.write(`SKIPPED ${skipped.length} labelled documents (../shared/corpus absent): ${skipped.join(', ')}\n`);
const cv = crossValidate(dev);
const units = dev.reduce((sum, doc) => sum + doc.units.length, 0);
process.stderr.write(`${dev.length} dev documents, ${units} units; thresholds ${JSON.stringify(cv.thresholds)}\n`);
for (const type of ['opt-out', 'exception', 'promise'] as const) {
  const m = metricsOf(cv.scores[type]);
  process.stderr.write(`  cross-validated ${type}: P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} (${cv.scores[type].labelled} labelled)\n`);
}
const table = fit(dev, DEFAULT_FIT);
const stacked = fitStacked(dev);
const json = `${JSON.stringify(modelFile(table, cv.thresholds, { documents: dev.length, units }, DEFAULT_FIT.seed, stacked))}\n`;
writeFileSync(OUT, json);
process.stderr.write(`wrote ${OUT}: ${table.size} features, ${(json.length / 1024).toFixed(0)} KB\n`);
