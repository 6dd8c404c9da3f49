/** The content script's manners on the page's main thread: yielding, asking the layout engine, and its timings. */

let yields = 0;

/**
 * Gives the main thread back between slices. scheduler.yield() lets input and rendering in but resumes ahead of the
 * page's own timers, so a long analysis would starve them: every fourth yield goes to the back of the task queue.
 */
export function yieldToPage(win: Window): Promise<void> {
  const scheduler = (win as Window & { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield && ++yields % 4 !== 0) return scheduler.yield();
  return new Promise((resolve) => win.setTimeout(resolve, 0));
}

/**
 * Asks the layout engine. An element with `display: contents` has no box of its own, so checkVisibility calls it
 * invisible, yet its children render: it is hidden only if its parent is (the walk checked that already).
 */
export function isHiddenByLayout(win: Window, element: Element): boolean {
  if (element.checkVisibility?.({ visibilityProperty: true, opacityProperty: false }) !== false) return false;
  return win.getComputedStyle(element).display !== 'contents';
}

/**
 * On the page's performance timeline (shared by all worlds), all four together once the run is over, so benchmarks
 * and tests can read them.
 */
export function recordTimings(win: Window, t0: number, t1: number, t2: number, t3: number): void {
  win.performance.measure('clausemark:extract', { start: t0, end: t1 });
  win.performance.measure('clausemark:analyze', { start: t1, end: t2 });
  win.performance.measure('clausemark:first-highlight', { start: t0, end: t3 });
  win.performance.measure('clausemark:total', { start: t0, end: win.performance.now() });
}
