/**
 * Whose long task was it? The Long Tasks API counts every task of a page; a Chromium trace with V8's sampling
 * profiler says what ran inside each. A sample is Clausemark's when a frame of its stack comes from the extension's
 * own files (content-script work resumed from a promise has no call event of its own, but its samples carry the
 * script's address); so is a message on an extension message port, read natively with no script on the stack (the
 * background's reply). Only tasks overlapping Clausemark's run count.
 * Pure: trace events in, verdict out (tests/node/trace-tasks.test.ts).
 */
export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown>;
}

export interface LongTask {
  /** ms */
  duration: number;
  /** ms of samples inside the task whose stack holds Clausemark's code, and of extension messages it reads */
  clausemarkMs: number;
  /** the longest child events, inclusive ("UpdateLifecycle 66 ms, …") */
  mostly: string;
}

export interface TaskAttribution {
  /** the page's main-thread tasks inside the run longer than the budget, longest first */
  longTasks: LongTask[];
  /** the longest task with any sample of Clausemark's code (ms; 0 when none) */
  longestClausemark: number;
  /** the longest task inside the run without any (ms) */
  longestOther: number;
  /** tasks inside the run with samples of Clausemark's code: a check that the profile sees the script at all */
  clausemarkTasks: number;
}

const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame?: { url?: string };
}

/** Sample times (µs, trace clock) of Clausemark's code, per thread "pid:tid". */
function clausemarkSamples(events: TraceEvent[], scriptPrefix: string): Map<string, Array<[number, number]>> {
  // A profile's chunks are written by the profiler's own thread: the sampled thread is the one of its `Profile` event.
  const starts = new Map<string, number>();
  const threads = new Map<string, string>();
  for (const event of events) {
    if (event.name !== 'Profile' || event.id === undefined) continue;
    starts.set(event.id, Number((event.args?.data as { startTime?: number } | undefined)?.startTime ?? event.ts));
    threads.set(event.id, `${event.pid}:${event.tid}`);
  }
  const ours = new Map<string, Map<number, boolean>>();
  const clock = new Map<string, number>();
  const samples = new Map<string, Array<[number, number]>>();
  for (const event of events) {
    if (event.name !== 'ProfileChunk' || event.id === undefined) continue;
    const data = event.args?.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    const key = event.id;
    const thread = threads.get(key) ?? `${event.pid}:${event.tid}`;
    if (!ours.has(key)) ours.set(key, new Map());
    const nodeOurs = ours.get(key)!;
    for (const node of data?.cpuProfile?.nodes ?? []) {
      const own = (node.callFrame?.url ?? '').startsWith(scriptPrefix);
      nodeOurs.set(node.id, own || (node.parent !== undefined && nodeOurs.get(node.parent) === true));
    }
    let at = clock.get(key) ?? starts.get(key) ?? event.ts;
    const ids = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    if (!samples.has(thread)) samples.set(thread, []);
    const list = samples.get(thread)!;
    for (let i = 0; i < ids.length; i++) {
      at += deltas[i] ?? 0;
      const next = deltas[i + 1] ?? 0;
      if (nodeOurs.get(ids[i]!) === true) list.push([at, Math.max(0, Math.min(next, 10_000))]);
    }
    clock.set(key, at);
  }
  for (const list of samples.values()) list.sort((a, b) => a[0] - b[0]);
  return samples;
}

/**
 * The run in the trace's clock (µs): `pageWindow` ([from, to] in the page's performance time, ms) mapped through a
 * user-timing mark, which carries both clocks; without it, from the first to the last of Clausemark's entries.
 */
function runWindow(events: TraceEvent[], prefix: string, pageWindow?: [number, number]): { window: [number, number]; thread: string } | null {
  let thread: string | null = null;
  let first = Infinity;
  let last = -Infinity;
  let offset: number | null = null;
  for (const event of events) {
    if (!event.name.startsWith(prefix) || !(event.cat ?? '').includes('user_timing')) continue;
    thread ??= `${event.pid}:${event.tid}`;
    first = Math.min(first, event.ts);
    last = Math.max(last, event.ts + (event.dur ?? 0));
    const pageTime = (event.args?.data as { startTime?: unknown } | undefined)?.startTime;
    if (event.ph === 'I' && typeof pageTime === 'number') offset ??= event.ts - pageTime * 1000;
  }
  if (thread === null) return null;
  if (pageWindow !== undefined && offset !== null) return { window: [offset + pageWindow[0] * 1000, offset + pageWindow[1] * 1000], thread };
  return { window: [first, last], thread };
}

/** `pageWindow`: the run's [from, to] in the page's performance time (ms); tasks outside it are not counted. */
export function attributeTasks(events: TraceEvent[], scriptPrefix: string, budgetMs: number, pageWindow?: [number, number], timingPrefix = 'clausemark:'): TaskAttribution {
  const result: TaskAttribution = { longTasks: [], longestClausemark: 0, longestOther: 0, clausemarkTasks: 0 };
  // The page's own main thread: the one its user timing is written on (a trace holds every process of the browser).
  const run = runWindow(events, timingPrefix, pageWindow);
  if (run === null) return result;
  const { window } = run;
  const mainThreads = new Set([run.thread]);
  const samples = clausemarkSamples(events, scriptPrefix);
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.ph !== 'X' || event.dur === undefined) continue;
    const thread = `${event.pid}:${event.tid}`;
    if (!mainThreads.has(thread)) continue;
    if (!byThread.has(thread)) byThread.set(thread, []);
    byThread.get(thread)!.push(event);
  }
  for (const [thread, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const ours = samples.get(thread) ?? [];
    for (let i = 0; i < list.length; i++) {
      const task = list[i]!;
      const end = task.ts + task.dur!;
      if (!TASK_NAMES.has(task.name) || end < window[0] || task.ts > window[1]) continue;
      let clausemarkUs = 0;
      for (let k = firstAtOrAfter(ours, task.ts); k < ours.length && ours[k]![0] < end; k++) clausemarkUs += ours[k]![1];
      const byName = new Map<string, number>();
      for (let j = i + 1; j < list.length && list[j]!.ts < end; j++) {
        const inner = list[j]!;
        if (!TASK_NAMES.has(inner.name)) byName.set(inner.name, Math.max(byName.get(inner.name) ?? 0, inner.dur!));
        // A message from the extension's background to its content script is read (deserialised) natively, with no
        // script on the stack: the whole message is Clausemark's.
        if (extensionMessage(inner)) clausemarkUs += inner.dur!;
      }
      const duration = task.dur! / 1000;
      if (clausemarkUs > 0) {
        result.clausemarkTasks++;
        result.longestClausemark = Math.max(result.longestClausemark, duration);
      } else result.longestOther = Math.max(result.longestOther, duration);
      if (duration <= budgetMs) continue;
      const mostly = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, us]) => `${name} ${(us / 1000).toFixed(0)} ms`).join(', ');
      result.longTasks.push({ duration, clausemarkMs: clausemarkUs / 1000, mostly });
    }
  }
  result.longTasks.sort((a, b) => b.duration - a.duration);
  return result;
}

/** Index of the first sample at or after `time` (samples sorted by time). */
function firstAtOrAfter(samples: Array<[number, number]>, time: number): number {
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (samples[middle]![0] < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A message on an extension message port (the only extension in the measured browser is Clausemark). */
function extensionMessage(event: TraceEvent): boolean {
  const info = (event.args as { chrome_mojo_event_info?: { mojo_interface_tag?: string } } | undefined)?.chrome_mojo_event_info;
  return event.name === 'Receive mojo message' && info?.mojo_interface_tag === 'extensions.mojom.MessagePort';
}
