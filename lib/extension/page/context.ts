/**
 * What the page code needs of WXT's content-script context (`ctx`): listeners that go away, and callbacks that run,
 * when the extension is updated or unloaded and this copy of the script is orphaned. The entrypoint passes WXT's own
 * `ctx`; tests pass fakePageContext().
 */
export interface PageContext {
  addEventListener(target: EventTarget, type: string, handler: (event: Event) => void, options?: AddEventListenerOptions): void;
  onInvalidated(callback: () => void): () => void;
  readonly isInvalid: boolean;
}

/** A context for tests and the benchmark: `invalidate()` does what an extension update does. */
export function fakePageContext(): PageContext & { invalidate(): void } {
  const callbacks: Array<() => void> = [];
  const controller = new AbortController();
  return {
    addEventListener: (target, type, handler, options) =>
      target.addEventListener(type, handler, { ...options, signal: controller.signal }),
    onInvalidated: (callback) => {
      callbacks.push(callback);
      return () => callbacks.splice(callbacks.indexOf(callback) >>> 0, 1);
    },
    get isInvalid() {
      return controller.signal.aborted;
    },
    invalidate() {
      controller.abort();
      for (const callback of callbacks.splice(0)) callback();
    },
  };
}
