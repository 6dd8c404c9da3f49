import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Task, TaskResult } from './tasks';

/** Runs tasks: in this thread alone (`--workers 1`: no thread to start, no copying), or in this thread and worker threads. */
export interface Executor {
  run(task: Task): Promise<TaskResult>;
  close(): Promise<void>;
}

export async function inlineExecutor(version: string): Promise<Executor> {
  const tasks = await import('./tasks');
  tasks.setUpHashing();
  let queue: Promise<unknown> = Promise.resolve();
  // One task at a time, as in a worker: interleaved batches would only blur the timings.
  const run = (task: Task): Promise<TaskResult> => {
    const result = queue.then(() => tasks.runTask(task, version));
    queue = result.catch(() => undefined);
    return result;
  };
  return { run, close: async () => {} };
}

/**
 * The worker next to this module: worker.js in the bundle (.output/cli/); from source (lib/node/cli/*.ts under tsx), a
 * small bootstrap registers tsx's loader in the thread first (Node 20 does not carry the parent's loader into workers).
 */
export function startWorker(version: string, moduleUrl: string = import.meta.url): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL('./worker.js', moduleUrl), { workerData: { version } });
  const source = new URL('./worker.ts', moduleUrl).href;
  const tsxApi = pathToFileURL(join(dirname(createRequire(moduleUrl).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: { version } });
}

/** Where tasks run: a worker thread, or this thread (between its reads and writes). */
interface Slot {
  inFlight: number;
  /** tasks it holds at most: a worker keeps one queued so it never idles waiting for this thread */
  depth: number;
  send(id: number, task: Task): void;
  stop(): Promise<void>;
}

interface Pending {
  task: Task;
  resolve: (result: TaskResult) => void;
  reject: (error: Error) => void;
}

/**
 * A pool of `size` analysers: this thread (with `alsoHere`) and worker threads, started lazily (a small input starts
 * only the threads it needs). Each holds at most its depth in tasks, so tasks never pile up in message queues: the
 * rest wait here, where the caller's bounded window limits them.
 *
 * With `alsoHere`, this thread is one of them. It would otherwise sit idle while the workers analyse; as an analyser
 * it costs no thread start-up, no second copy of the model and dataset, no copying of tasks and results, and its own
 * reading and writing run between its tasks.
 */
export class WorkerPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private readonly inFlight = new Map<number, Pending & { slot: Slot }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(
    private readonly size: number,
    private readonly version: string,
    private readonly depth = 2,
    alsoHere: ((task: Task) => Promise<TaskResult>) | null = null,
  ) {
    if (alsoHere !== null) this.slots.push(this.hereSlot(alsoHere));
  }

  run(task: Task): Promise<TaskResult> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.stop()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.reduce<Slot | null>((best, s) => (best === null || s.inFlight < best.inFlight ? s : best), null);
      if ((slot === null || slot.inFlight > 0) && this.slots.length < this.size) slot = this.spawn();
      if (slot === null || slot.inFlight >= slot.depth) {
        // The least busy slot is full; another may still have room below its own depth.
        slot = this.slots.find((s) => s.inFlight < s.depth) ?? null;
        if (slot === null) return;
      }
      const pending = this.waiting.shift()!;
      const id = this.nextId++;
      slot.inFlight++;
      this.inFlight.set(id, { ...pending, slot });
      slot.send(id, pending.task);
    }
  }

  private finish(slot: Slot, id: number, result: TaskResult): void {
    const pending = this.inFlight.get(id);
    if (pending === undefined) return;
    this.inFlight.delete(id);
    slot.inFlight--;
    pending.resolve(result);
    this.dispatch();
  }

  private fail(slot: Slot, error: Error): void {
    this.failure ??= error;
    for (const [id, pending] of this.inFlight) {
      if (pending.slot !== slot) continue;
      this.inFlight.delete(id);
      pending.reject(error);
    }
    for (const pending of this.waiting.splice(0)) pending.reject(error);
  }

  /** This thread as an analyser: one task at a time, each started from the event loop so reads and writes go first. */
  private hereSlot(runHere: (task: Task) => Promise<TaskResult>): Slot {
    const slot: Slot = {
      inFlight: 0,
      depth: 1,
      send: (id, task) => {
        setImmediate(() => {
          runHere(task).then((result) => this.finish(slot, id, result), (error: unknown) => {
            this.fail(slot, error instanceof Error ? error : new Error(String(error)));
          });
        });
      },
      stop: async () => {},
    };
    return slot;
  }

  private spawn(): Slot {
    const worker = startWorker(this.version);
    const slot: Slot = {
      inFlight: 0,
      depth: this.depth,
      send: (id, task) => worker.postMessage({ id, task }),
      stop: async () => void (await worker.terminate()),
    };
    worker.on('message', (message: { id?: number; result?: TaskResult }) => {
      if (message.id !== undefined) this.finish(slot, message.id, message.result!);
    });
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(slot, new Error(`a worker thread stopped (exit code ${code})`));
    });
    this.slots.push(slot);
    return slot;
  }
}

/** `--workers N`: N analysers, this thread and N − 1 worker threads (`--workers 1`: this thread alone). */
export async function executorFor(workers: number, version: string): Promise<Executor> {
  if (workers <= 1) return inlineExecutor(version);
  const here = await inlineExecutor(version);
  return new WorkerPool(workers, version, 2, (task) => here.run(task));
}
