import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Task, TaskResult } from './tasks';

/** Runs tasks: in worker threads, or in this thread for `--workers 1` (no thread to start, no copying). */
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

interface Slot {
  worker: Worker;
  inFlight: number;
}

interface Pending {
  task: Task;
  resolve: (result: TaskResult) => void;
  reject: (error: Error) => void;
}

/**
 * A pool of at most `size` worker threads, started lazily (a small input starts only the threads it needs). Each
 * thread holds at most `depth` tasks, so a thread never idles waiting for the main thread, and tasks never pile up in
 * message queues: the rest wait here, where the caller's bounded window limits them.
 */
export class WorkerPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private readonly inFlight = new Map<number, Pending & { slot: Slot }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(private readonly size: number, private readonly version: string, private readonly depth = 2) {}

  run(task: Task): Promise<TaskResult> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.reduce<Slot | null>((best, s) => (best === null || s.inFlight < best.inFlight ? s : best), null);
      if ((slot === null || slot.inFlight > 0) && this.slots.length < this.size) slot = this.spawn();
      if (slot === null || slot.inFlight >= this.depth) return;
      const pending = this.waiting.shift()!;
      const id = this.nextId++;
      slot.inFlight++;
      this.inFlight.set(id, { ...pending, slot });
      slot.worker.postMessage({ id, task: pending.task });
    }
  }

  private spawn(): Slot {
    const worker = startWorker(this.version);
    const slot: Slot = { worker, inFlight: 0 };
    worker.on('message', (message: { id?: number; result?: TaskResult }) => {
      if (message.id === undefined) return;
      const pending = this.inFlight.get(message.id);
      if (pending === undefined) return;
      this.inFlight.delete(message.id);
      slot.inFlight--;
      pending.resolve(message.result!);
      this.dispatch();
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const [id, pending] of this.inFlight) {
        if (pending.slot !== slot) continue;
        this.inFlight.delete(id);
        pending.reject(error);
      }
      for (const pending of this.waiting.splice(0)) pending.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a worker thread stopped (exit code ${code})`));
    });
    this.slots.push(slot);
    return slot;
  }
}

export async function executorFor(workers: number, version: string): Promise<Executor> {
  return workers <= 1 ? inlineExecutor(version) : new WorkerPool(workers, version);
}
