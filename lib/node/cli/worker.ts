import { parentPort, workerData } from 'node:worker_threads';
import { runTask, setUpHashing, type Task } from './tasks';

/** A worker thread of the pool (pool.ts): runs tasks one after another, in the order they arrive. */
const { version } = workerData as { version: string };
setUpHashing();
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (message: { id: number; task: Task }) => {
  queue = queue.then(async () => {
    const result = await runTask(message.task, version);
    parentPort!.postMessage({ id: message.id, result });
  });
});
parentPort!.postMessage({ ready: true });
