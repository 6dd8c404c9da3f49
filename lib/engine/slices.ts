/**
 * The one time-slicing driver: runs a step generator, awaiting `yieldToPage` whenever a slice has run `budgetMs`,
 * so long work (reading a 5 MB page) never holds the main thread in one task. Also runs one to the end
 * at once (runToEnd), for Node and tests.
 */
export async function runInSlices<P, R>(
  steps: Generator<P, R>,
  yieldToPage: () => Promise<void>,
  onProgress: (progress: P) => void = () => {},
  budgetMs = 8,
  now: () => number = () => performance.now(),
): Promise<R> {
  let sliceStart = now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (now() - sliceStart >= budgetMs) {
      onProgress(step.value);
      await yieldToPage();
      sliceStart = now();
    }
  }
}

export function runToEnd<R>(steps: Generator<unknown, R>): R {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
