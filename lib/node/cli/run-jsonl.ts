import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { LineSplitter } from './lines';
import { executorFor, type Executor } from './pool';
import { progressFor, type ProgressStream } from './progress';
import { ReorderWindow } from './reorder';
import { lineInShard, WHOLE, type Shard } from './shard';
import type { JsonlItem, JsonlResult } from './tasks';

/**
 * `--jsonl` at corpus scale: lines {"id","text"} from stdin, batches to the workers, lines {"id","clauses"} to stdout
 * in input order. The reader pulls stdin only while the reorder window has room, so however long the input, memory
 * holds at most the window (and the OS pipe buffers).
 */
export interface JsonlOptions {
  version: string;
  workers: number;
  shard?: Shard;
  stats?: boolean;
  progress?: boolean;
  input?: Readable & { fd?: number };
  output?: NodeJS.WritableStream;
  errors?: ProgressStream;
  batchLines?: number;
  batchBytes?: number;
  windowLines?: number;
  windowBytes?: number;
  executor?: Executor;
}

export async function runJsonl(options: JsonlOptions): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const errors = options.errors ?? process.stderr;
  const shard = options.shard ?? WHOLE;
  const batchLines = options.batchLines ?? 64;
  const batchBytes = options.batchBytes ?? 256 * 1024;
  const window = new ReorderWindow<JsonlResult>(
    options.windowLines ?? Math.max(1024, options.workers * 4 * batchLines),
    options.windowBytes ?? 32 * 1024 * 1024,
  );
  const progress = progressFor(errors, { unit: 'lines', totalBytes: inputSize(input) }, options.progress ?? true);
  const executor = options.executor ?? await executorFor(options.workers, options.version);

  let failures = 0;
  let segments = 0;
  let textBytes = 0;
  let analysisMs = 0;
  let fatal: Error | null = null;
  let skippedBytes = 0; // blank lines and other shards' lines, for the progress display
  const slotBytes = new Map<number, number>();
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };

  // The writer: takes the completed prefix of the window, writes it, waits for the pipe to drain when it is full.
  let writing = false;
  let headSeq = 0;
  async function pump(): Promise<void> {
    if (writing) return;
    writing = true;
    try {
      for (let ready = window.takeReady(); ready.length > 0 && fatal === null; ready = window.takeReady()) {
        let text = '';
        let bytes = skippedBytes;
        skippedBytes = 0;
        for (const result of ready) {
          bytes += slotBytes.get(headSeq) ?? 0;
          slotBytes.delete(headSeq++);
          if ('out' in result) {
            text += result.out;
            segments++;
            textBytes += result.textBytes;
            analysisMs += result.ms;
          } else if ('error' in result) {
            failures++;
            if (text.length > 0) await write(output, text);
            text = '';
            errors.write(`${progress ? '\r\x1b[K' : ''}${result.error}\n`);
          } else {
            if (text.length > 0) await write(output, text);
            text = '';
            fatal = new Error(result.fatal);
            break;
          }
        }
        if (text.length > 0) await write(output, text);
        progress?.advance(ready.length, bytes);
      }
    } finally {
      writing = false;
      notify();
    }
  }

  let batch: JsonlItem[] = [];
  let batchSeq = 0;
  let batchSize = 0;
  let running = 0;
  const dispatch = (): void => {
    if (batch.length === 0) return;
    const items = batch;
    const first = batchSeq;
    batch = [];
    batchSize = 0;
    running++;
    executor.run({ kind: 'jsonl', items }).then((results) => {
      (results as JsonlResult[]).forEach((result, i) => window.complete(first + i, result));
      running--;
      void pump();
    }, (error: unknown) => {
      running--;
      fatal ??= error instanceof Error ? error : new Error(String(error));
      notify();
    });
  };

  let lineNumber = 0;
  const handle = async (line: string, bytes: number): Promise<void> => {
    lineNumber++;
    if (line.trim().length === 0 || !lineInShard(lineNumber, shard)) {
      skippedBytes += bytes;
      return;
    }
    while (!window.hasRoom() && fatal === null) {
      dispatch(); // a partial batch must go out, or the window could never drain
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (fatal !== null) return;
    const seq = window.reserve(bytes);
    slotBytes.set(seq, bytes);
    if (batch.length === 0) batchSeq = seq;
    batch.push({ line: lineNumber, raw: line });
    batchSize += bytes;
    if (batch.length >= batchLines || batchSize >= batchBytes) dispatch();
  };

  const splitter = new LineSplitter();
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      for (const [line, bytes] of splitter.push(chunk)) await handle(line, bytes);
      dispatch(); // what this chunk held goes out before waiting on the next: streaming input is not held back
      if (fatal !== null) break;
    }
    for (const [line, bytes] of splitter.end()) await handle(line, bytes);
    dispatch();
    while ((window.size > 0 || running > 0 || writing) && fatal === null) {
      await new Promise<void>((resolve) => (wake = resolve));
      await pump();
    }
    if (fatal !== null) throw fatal;
    await write(output, '', true); // everything written has reached the OS before the process may exit
  } finally {
    progress?.finish();
    await executor.close();
  }
  if (options.stats) {
    const wall = performance.now() / 1000; // since the process started: start-up included
    const busy = analysisMs / 1000;
    errors.write(`clausemark: ${segments} segments, ${textBytes} bytes of text in ${busy.toFixed(3)} s of analysis ` +
      `(${(textBytes / 1e6 / (busy || 1e-9)).toFixed(2)} MB/s per worker); ${wall.toFixed(3)} s wall clock from process start with ` +
      `${options.workers} worker${options.workers === 1 ? '' : 's'} (${(textBytes / 1e6 / wall).toFixed(2)} MB/s)` +
      `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}\n`);
  }
  return failures > 0 ? 1 : 0;
}

/** The input's size when it is a regular file (`< in.jsonl`): then the progress line can show an ETA. */
function inputSize(input: Readable & { fd?: number }): number | null {
  try {
    const info = fstatSync(input.fd ?? -1);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

/** Resolves when the stream has taken the text, or (flush) when the OS has. */
export function write(stream: NodeJS.WritableStream, text: string, flush = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (flush) {
      stream.write(text, (error) => (error ? reject(error) : resolve()));
      return;
    }
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve);
  });
}
