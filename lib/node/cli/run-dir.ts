import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXPORT_FORMATS, type ExportFormatId } from '../../export';
import { InputError } from './input-error';
import { executorFor, type Executor } from './pool';
import { progressFor, type ProgressStream } from './progress';
import { ReorderWindow } from './reorder';
import { pathInShard, WHOLE, type Shard } from './shard';
import type { FileResult } from './tasks';

/**
 * `--dir <folder> --out <folder>`: every policy file under the folder (.md, .markdown, .html, .htm, .txt), one export
 * each, at `<out>/<relative path>.<format extension>` (`a/b.md` → `a/b.md.json`: an .md and an .html of the same
 * name do not collide). Files are listed in a stable order (relative paths with '/' separators, compared as strings)
 * and a shard takes the files whose path hashes to it. A file that cannot be read is reported and skipped; the run
 * goes on and exits 1 at the end.
 */
export const DOCUMENT_EXTENSIONS = ['.md', '.markdown', '.html', '.htm', '.txt'];

export interface DirOptions {
  version: string;
  dir: string;
  out: string;
  format: ExportFormatId;
  workers: number;
  shard?: Shard;
  progress?: boolean;
  errors?: ProgressStream;
  executor?: Executor;
}

export interface ListedFile {
  relative: string;
  path: string;
  bytes: number;
}

/** The documents under `root`, sorted; directories and files only (no symbolic links), skipping `exclude` (the output). */
export async function listDocuments(root: string, exclude: string | null = null): Promise<ListedFile[]> {
  const found: ListedFile[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (exclude === null || resolve(path) !== exclude) await walk(path);
      } else if (entry.isFile() && DOCUMENT_EXTENSIONS.some((extension) => entry.name.toLowerCase().endsWith(extension))) {
        found.push({ relative: relative(root, path).split(sep).join('/'), path: resolve(path), bytes: 0 });
      }
    }
  }
  await walk(root);
  found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return found;
}

export function outputPath(out: string, relativePath: string, format: ExportFormatId): string {
  return join(out, ...`${relativePath}.${EXPORT_FORMATS[format].extension}`.split('/'));
}

export async function runDir(options: DirOptions): Promise<number> {
  const errors = options.errors ?? process.stderr;
  const shard = options.shard ?? WHOLE;
  const root = resolve(options.dir);
  const out = resolve(options.out);
  try {
    if (!(await stat(root)).isDirectory()) throw new InputError(`--dir ${options.dir} is not a folder`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--dir ${options.dir}: no such folder`);
  }
  const files = (await listDocuments(root, out)).filter((file) => pathInShard(file.relative, shard));
  let totalBytes = 0;
  for (const file of files) {
    file.bytes = (await stat(file.path)).size;
    totalBytes += file.bytes;
  }
  const progress = progressFor(errors, { unit: 'files', totalBytes }, options.progress ?? true);
  const executor = options.executor ?? await executorFor(options.workers, options.version);
  const window = new ReorderWindow<FileResult>(Math.max(8, options.workers * 4));
  let done = 0;
  let failed = 0;
  const totals = { clauses: 0, optOuts: 0, exceptions: 0 };
  let wake: (() => void) | null = null;
  let fatal: Error | null = null;
  const notify = (): void => {
    const resolveWake = wake;
    wake = null;
    resolveWake?.();
  };
  let head = 0;
  const drain = (): void => {
    // Reports come out in listing order, whatever order the workers finish in.
    for (const result of window.takeReady()) {
      const file = files[head++]!;
      if ('error' in result) {
        failed++;
        errors.write(`${progress ? '\r\x1b[K' : ''}${result.error}\n`);
      } else {
        done++;
        totals.clauses += result.clauses;
        totals.optOuts += result.optOuts;
        totals.exceptions += result.exceptions;
      }
      progress?.advance(1, file.bytes);
    }
    notify();
  };

  try {
    for (const file of files) {
      while (!window.hasRoom() && fatal === null) await new Promise<void>((resolveWake) => (wake = resolveWake));
      if (fatal !== null) break;
      const seq = window.reserve();
      executor.run({
        kind: 'file',
        task: { path: file.path, relative: file.relative, outPath: outputPath(out, file.relative, options.format), url: pathToFileURL(file.path).href, format: options.format },
      }).then((result) => {
        window.complete(seq, result as FileResult);
        drain();
      }, (error: unknown) => {
        fatal ??= error instanceof Error ? error : new Error(String(error));
        notify();
      });
    }
    while (window.size > 0 && fatal === null) await new Promise<void>((resolveWake) => (wake = resolveWake));
    if (fatal !== null) throw fatal;
  } finally {
    progress?.finish();
    await executor.close();
  }
  errors.write(`clausemark: ${done} of ${files.length} files annotated into ${options.out} (${options.format})` +
    `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}: ${totals.clauses} clauses, ${totals.optOuts} opt-outs, ` +
    `${totals.exceptions} exceptions${failed > 0 ? `; ${failed} failed` : ''}\n`);
  return failed > 0 ? 1 : 0;
}
