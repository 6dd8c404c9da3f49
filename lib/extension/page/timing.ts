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
 * Before the first reading: a page that has not painted yet is laid out first, by the browser in a task of its own,
 * not inside the first slice of the reading (whose first visibility query would force a 1.6-million-character
 * paragraph's layout: 190 ms in Firefox). A page that has painted only gets a yield; a hidden tab, where frames do
 * not come, or a frame that is late, waits at most FIRST_PAINT_WAIT_MS.
 */
export const FIRST_PAINT_WAIT_MS = 100;

export function afterFirstPaint(win: Window): Promise<void> {
  const painted = (win.performance.getEntriesByType?.('paint') ?? []).length > 0;
  if (painted || win.document.hidden || typeof win.requestAnimationFrame !== 'function') return yieldToPage(win);
  return new Promise((resolve) => {
    const timer = win.setTimeout(resolve, FIRST_PAINT_WAIT_MS);
    win.requestAnimationFrame(() => win.setTimeout(() => {
      win.clearTimeout(timer);
      resolve();
    }, 0));
  });
}

/**
 * Asks the layout engine. An element with `display: contents` has no box of its own, so checkVisibility calls it
 * invisible, yet its children render: it is hidden only if its parent is (the walk checked that already).
 */
export function isHiddenByLayout(win: Window, element: Element): boolean {
  if (element.checkVisibility?.({ visibilityProperty: true, opacityProperty: false }) !== false) return false;
  return win.getComputedStyle(element).display !== 'contents';
}

/** A slice of the content script's own work longer than this is named on the page timeline. */
export const LONG_SLICE_MS = 50;

/**
 * The content script's main-thread time, slice by slice: a slice begins when the script resumes and ends when it
 * awaits. Firefox has no Long Tasks API, so the longest slice (`clausemark:longest-slice`) and every slice over
 * LONG_SLICE_MS (`clausemark:long-slice:<what>`) on the page timeline are how a benchmark sees jank there. What the
 * browser does outside the script's code (cloning a reply before it resolves) is not seen here.
 */
export class SliceMeter {
  private began: number | null = null;
  private longest = { start: 0, duration: 0 };
  /** named steps of the current slice, so a long one says where its time went */
  private steps: Array<[string, number]> = [];
  slices = 0;

  constructor(private readonly perf: Performance) {}

  begin(): void {
    this.began = this.perf.now();
    this.steps = [];
  }

  /** Ends a named step of the current slice (the slice goes on). */
  step(what: string): void {
    if (this.began !== null) this.steps.push([what, this.perf.now()]);
  }

  end(what: string): void {
    if (this.began === null) return;
    const start = this.began;
    const end = this.perf.now();
    const duration = end - start;
    this.began = null;
    this.slices++;
    if (duration > this.longest.duration) this.longest = { start, duration };
    if (duration > LONG_SLICE_MS) {
      // e.g. `send(policy-test 3, preview 1, send 80)`: each step's share, the last one ending the slice
      let from = start;
      const parts = [...this.steps, [what, end] as [string, number]].map(([name, at]) => {
        const part = `${name} ${Math.round(at - from)}`;
        from = at;
        return part;
      });
      this.perf.measure(`clausemark:long-slice:${what}(${parts.join(', ')})`, { start, duration });
    }
  }

  /** Starts `work` (its synchronous part counts in this slice), ends the slice, awaits, and begins the next one. */
  async pause<T>(work: () => Promise<T>, what: string): Promise<T> {
    let pending: Promise<T>;
    try {
      pending = work();
    } finally {
      this.end(what);
    }
    try {
      return await pending;
    } finally {
      this.begin();
    }
  }

  /** Once a run is over: its longest slice on the page timeline. */
  record(): void {
    this.perf.measure('clausemark:longest-slice', { start: this.longest.start, duration: this.longest.duration });
  }
}

/**
 * On the page's performance timeline (shared by all worlds), all together once the run is over, so benchmarks and
 * tests can read them: reading the page, the round trip to the background, the first highlights painted (those in
 * view first) and everything painted. All from the start of the reading, t0.
 */
export function recordTimings(win: Window, t0: number, t1: number, t2: number, firstPaint: number, t3: number): void {
  win.performance.measure('clausemark:extract', { start: t0, end: t1 });
  win.performance.measure('clausemark:analyze', { start: t1, end: t2 });
  win.performance.measure('clausemark:first-highlight', { start: t0, end: firstPaint });
  win.performance.measure('clausemark:painted', { start: t2, end: t3 });
  win.performance.measure('clausemark:total', { start: t0, end: win.performance.now() });
}
