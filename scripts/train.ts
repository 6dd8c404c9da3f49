import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { documentData, type DocumentData } from '../lib/node/train/dataset';
import { crossValidate } from '../lib/node/train/cross-validate';
import { metricsOf, splitOf } from '../lib/node/train/evaluate';
import { DEFAULT_FIT, fit, modelFile } from '../lib/node/train/fit';
import { documentPath, readLabelFiles } from '../lib/node/train/labels';

/**
 * `npm run train`: builds the learned stage from the labelled documents (tests/fixtures/labels). Thresholds come
 * from document-level cross-validation over the dev split; the shipped weights are fitted on the dev split only, so
 * the held-out test split stays unseen (its documents are not even loaded). Seeded: the same labels give the same file.
 */
const ROOT = resolve(import.meta.dirname, '..');
const LABELS = process.env.CLAUSEMARK_LABELS ?? join(ROOT, 'tests', 'fixtures', 'labels');
const CORPUS = process.env.CLAUSEMARK_CORPUS ?? resolve(ROOT, '..', 'shared', 'corpus', 'policies');
const OUT = join(ROOT, 'lib', 'engine', 'learned', 'weights.json');

const documents: DocumentData[] = [];
const skipped: string[] = [];
for (const labels of readLabelFiles(LABELS)) {
  if (splitOf(labels.document) !== 'dev') continue;
  const path = documentPath(labels, LABELS, CORPUS);
  if (path === null) {
    skipped.push(labels.document);
    continue;
  }
  documents.push(await documentData(labels, path, splitOf(labels.document)));
}
if (skipped.length > 0) process.stderr.write(`skipped (document absent: ../shared/corpus not checked out?): ${skipped.join(', ')}\n`);
const dev = documents.filter((doc) => doc.split === 'dev');
const cv = crossValidate(dev);
const units = documents.reduce((sum, doc) => sum + doc.units.length, 0);
process.stderr.write(`${dev.length} dev documents, ${units} units; thresholds ${JSON.stringify(cv.thresholds)}\n`);
for (const type of ['opt-out', 'exception', 'promise'] as const) {
  const m = metricsOf(cv.scores[type]);
  process.stderr.write(`  cross-validated ${type}: P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} (${cv.scores[type].labelled} labelled)\n`);
}
const table = fit(dev, DEFAULT_FIT);
writeFileSync(OUT, `${JSON.stringify(modelFile(table, cv.thresholds, { documents: dev.length, units }, DEFAULT_FIT.seed))}\n`);
process.stderr.write(`wrote ${OUT}: ${table.size} features\n`);
