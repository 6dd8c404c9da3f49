import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../lib/node/cli/lines';
import { formatDuration, Progress, progressFor } from '../../lib/node/cli/progress';
import { ReorderWindow } from '../../lib/node/cli/reorder';
import { runJsonl } from '../../lib/node/cli/run-jsonl';
import { lineInShard, parseShard, pathHash, pathInShard } from '../../lib/node/cli/shard';
import type { Executor } from '../../lib/node/cli/pool';
import type { JsonlItem, JsonlResult, Task, TaskResult } from '../../lib/node/cli/tasks';

describe('ReorderWindow', () => {
  it('gives results back in reservation order, only the completed prefix', () => {
    const window = new ReorderWindow<string>(10);
    const seqs = [0, 1, 2, 3].map(() => window.reserve());
    expect(seqs).toEqual([0, 1, 2, 3]);
    window.complete(2, 'c');
    window.complete(1, 'b');
    expect(window.takeReady()).toEqual([]); // 0 is not done: nothing may pass it
    window.complete(0, 'a');
    expect(window.takeReady()).toEqual(['a', 'b', 'c']);
    expect(window.size).toBe(1);
    window.complete(3, 'd');
    expect(window.takeReady()).toEqual(['d']);
    expect(window.size).toBe(0);
  });

  it('is bounded by items: no room once maxItems are held, room again once the head is taken', () => {
    const window = new ReorderWindow<number>(3);
    for (let i = 0; i < 3; i++) window.reserve();
    expect(window.hasRoom()).toBe(false);
    expect(() => window.reserve()).toThrow(/full/);
    window.complete(2, 2);
    window.complete(1, 1);
    expect(window.takeReady()).toEqual([]);
    expect(window.hasRoom()).toBe(false); // completed but not yet written still counts
    window.complete(0, 0);
    expect(window.takeReady()).toEqual([0, 1, 2]);
    expect(window.hasRoom()).toBe(true);
  });

  it('is bounded by bytes, but an empty window always takes one item, however large', () => {
    const window = new ReorderWindow<number>(100, 1000);
    window.reserve(600);
    expect(window.hasRoom()).toBe(true);
    window.reserve(600);
    expect(window.hasRoom()).toBe(false);
    expect(window.bytes).toBe(1200);
    window.complete(0, 0);
    window.complete(1, 1);
    window.takeReady();
    expect(window.bytes).toBe(0);
    window.reserve(50_000);
    expect(window.hasRoom()).toBe(false);
  });

  it('refuses to complete a slot twice or one never reserved', () => {
    const window = new ReorderWindow<number>(2);
    window.reserve();
    window.complete(0, 1);
    expect(() => window.complete(0, 1)).toThrow();
    expect(() => window.complete(5, 1)).toThrow();
  });
});

describe('LineSplitter', () => {
  const all = (chunks: Array<string | Buffer>): Array<[string, number]> => {
    const splitter = new LineSplitter();
    return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
  };

  it('splits on \\n, \\r\\n and a lone \\r, like readline with crlfDelay Infinity', () => {
    expect(all(['a\nb\r\nc\rd']).map(([line]) => line)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('joins lines cut across chunks, a \\r\\n cut between chunks included', () => {
    expect(all(['ab', 'c\r', '\nde', 'f\n']).map(([line]) => line)).toEqual(['abc', 'def']);
    expect(all(['x\r', 'y']).map(([line]) => line)).toEqual(['x', 'y']);
  });

  it('decodes UTF-8 cut inside a character, and counts bytes with the terminator', () => {
    const bytes = Buffer.from('é€\nok\n', 'utf8');
    const lines = all([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]);
    expect(lines).toEqual([['é€', 6], ['ok', 3]]);
  });

  it('keeps blank lines (the caller counts them for line numbers)', () => {
    expect(all(['\n\na\n']).map(([line]) => line)).toEqual(['', '', 'a']);
  });
});

describe('shards', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '2', '', '-1/2']) expect(() => parseShard(bad)).toThrow(/--shard/);
    expect(() => parseShard(undefined)).toThrow(/--shard needs i\/n/);
  });

  it('partitions line numbers exactly: every line in one shard and one only', () => {
    for (const count of [1, 2, 3, 7]) {
      for (let line = 1; line <= 200; line++) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => lineInShard(line, { index, count }));
        expect(owners).toHaveLength(1);
      }
    }
  });

  it('partitions paths exactly, by a hash that depends on the path alone', () => {
    const paths = Array.from({ length: 500 }, (_, i) => `site-${i % 37}/policy-${i}.${['md', 'html', 'txt'][i % 3]}`);
    for (const count of [2, 5, 16]) {
      const sizes = new Array<number>(count).fill(0);
      for (const path of paths) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => pathInShard(path, { index, count }));
        expect(owners).toHaveLength(1);
        sizes[owners[0]! - 1]!++;
      }
      // a usable spread: no shard empty, none with more than twice its share
      for (const size of sizes) {
        expect(size).toBeGreaterThan(0);
        expect(size).toBeLessThan((2 * paths.length) / count);
      }
    }
    // FNV-1a 32-bit reference values: the hash must never change, or shards of a running job would move
    expect(pathHash('')).toBe(0x811c9dc5);
    expect(pathHash('a')).toBe(0xe40c292c);
    expect(pathHash('foobar')).toBe(0xbf9cf968);
  });
});

describe('progress line', () => {
  function fakeStream(isTTY: boolean): { isTTY: boolean; text: string; write: (text: string) => boolean } {
    const stream = { isTTY, text: '', write: (text: string) => ((stream.text += text), true) };
    return stream;
  }

  it('shows nothing when stderr is not a terminal, or when turned off', () => {
    expect(progressFor(fakeStream(false), { unit: 'lines' })).toBeNull();
    expect(progressFor(fakeStream(true), { unit: 'lines' }, false)).toBeNull();
    expect(progressFor(fakeStream(true), { unit: 'lines' })).toBeInstanceOf(Progress);
  });

  it('on a terminal: count, MB, MB/s, share and ETA when the total is known, redrawn in place, erased at the end', () => {
    let now = 0;
    const stream = fakeStream(true);
    const progress = progressFor(stream, { unit: 'files', totalBytes: 10e6, now: () => now })!;
    now = 2000;
    progress.advance(5, 2e6);
    expect(stream.text).toBe('\r\x1b[Kclausemark: 5 files · 2.0 MB · 1.00 MB/s · 20% · ETA 0:08');
    now = 2100; // within the redraw interval: nothing written
    progress.advance(1, 1e6);
    expect(stream.text.split('\r').length).toBe(2);
    now = 4000;
    progress.advance(0, 1e6);
    expect(stream.text).toMatch(/clausemark: 6 files · 4\.0 MB · 1\.00 MB\/s · 40% · ETA 0:06$/);
    progress.finish();
    expect(stream.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('with no known total (stdin from a pipe): no share, no ETA', () => {
    let now = 0;
    const stream = fakeStream(true);
    const progress = new Progress(stream, { unit: 'lines', totalBytes: null, now: () => now });
    now = 500;
    progress.advance(1200, 1.5e6);
    expect(stream.text).toBe('\r\x1b[Kclausemark: 1,200 lines · 1.5 MB · 3.00 MB/s');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3 * 3600 + 62)).toBe('3:01:02');
    expect(formatDuration(Infinity)).toBe('?');
  });
});

/** An executor the test drives: batches wait until released, then finish in the order the test chooses. */
function heldExecutor(): Executor & { held: Array<{ items: JsonlItem[]; release: () => void }> } {
  const held: Array<{ items: JsonlItem[]; release: () => void }> = [];
  return {
    held,
    run(task: Task): Promise<TaskResult> {
      if (task.kind !== 'jsonl') throw new Error('jsonl only');
      return new Promise((resolve) => {
        held.push({
          items: task.items,
          release: () => resolve(task.items.map((item): JsonlResult => ({ line: item.line, out: `${item.raw}\n`, textBytes: item.raw.length, ms: 0 }))),
        });
      });
    },
    close: async () => {},
  };
}

function collector(): Writable & { text: string } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  sink.text = '';
  return sink;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runJsonl: order and backpressure (no timing: a held executor)', () => {
  it('reads no further than the window while nothing is written, then writes everything in input order', async () => {
    const total = 1000;
    let pulled = 0;
    const input = Readable.from((function* () {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield Buffer.from(`${JSON.stringify({ id: i })}\n`);
      }
    })(), { objectMode: false, highWaterMark: 1 });
    const executor = heldExecutor();
    const output = collector();
    const errors = { isTTY: false, text: '', write(text: string) { this.text += text; return true; } };
    const done = runJsonl({ version: 't', workers: 4, input, output, errors, executor, batchLines: 8, windowLines: 40, progress: false });
    for (let i = 0; i < 50; i++) await tick();
    // 40 lines in the window, plus what the stream read ahead (highWaterMark 1 chunk, one line a chunk)
    expect(pulled).toBeLessThanOrEqual(40 + 4);
    expect(pulled).toBeGreaterThanOrEqual(40);
    expect(executor.held.reduce((sum, batch) => sum + batch.items.length, 0)).toBe(40);
    expect(output.text).toBe('');
    // finish batches last-first: nothing may be written until the first is done
    while (pulled < total || executor.held.length > 0) {
      const batches = executor.held.splice(0);
      for (const batch of batches.reverse()) batch.release();
      for (let i = 0; i < 5; i++) await tick();
    }
    expect(await done).toBe(0);
    const ids = output.text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
