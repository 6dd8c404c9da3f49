import { join, resolve } from 'node:path';
import { documentData, type DocumentData } from './dataset';
import { splitOf } from './evaluate';
import { documentPath, readLabelFiles, type LabelFile } from './labels';

/**
 * The labelled set as training and evaluation data. Documents added by the project are in the repository; the
 * shared corpus's documents are read from ../shared/corpus/policies when it is checked out beside the repository,
 * and the ones it would have held are listed as skipped otherwise.
 */
export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const LABELS_DIR = join(ROOT, 'tests', 'fixtures', 'labels');
export const CORPUS_DIR = resolve(ROOT, '..', 'shared', 'corpus', 'policies');

export interface LabelledSet {
  documents: DocumentData[];
  /** label files whose document is absent */
  skipped: string[];
}

export async function loadLabelledSet(dir = LABELS_DIR, filter: (labels: LabelFile) => boolean = () => true): Promise<LabelledSet> {
  const documents: DocumentData[] = [];
  const skipped: string[] = [];
  for (const labels of readLabelFiles(dir).filter(filter)) {
    const path = documentPath(labels, LABELS_DIR, CORPUS_DIR);
    if (path === null) skipped.push(labels.document);
    else documents.push(await documentData(labels, path, splitOf(labels.document)));
  }
  return { documents, skipped };
}
