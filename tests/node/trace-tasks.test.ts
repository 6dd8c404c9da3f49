import { describe, expect, it } from 'vitest';
import { attributeTasks, type TraceEvent } from '../../scripts/trace-tasks';

/**
 * The bench's attribution of a page's long tasks (scripts/trace-tasks.ts), on a small hand-made trace: one page's
 * main thread (pid 1, tid 1), its user timing, V8's samples and four tasks inside the run.
 */
const EXTENSION = 'chrome-extension://abc/content-scripts/policy.js';
const ms = (value: number) => value * 1000;
const task = (ts: number, dur: number, inner: TraceEvent[] = []): TraceEvent[] => [
  { name: 'ThreadControllerImpl::RunTask', ph: 'X', ts: ms(ts), dur: ms(dur), pid: 1, tid: 1 },
  ...inner,
];
const events: TraceEvent[] = [
  // the page clock is 1000 ms behind the trace clock
  { name: 'clausemark:start', cat: 'blink.user_timing', ph: 'I', ts: ms(1000), pid: 1, tid: 1, args: { data: { startTime: 0 } } },
  { name: 'clausemark:done', cat: 'blink.user_timing', ph: 'I', ts: ms(1500), pid: 1, tid: 1, args: { data: { startTime: 500 } } },
  // a long task before the run: the page's own loading
  ...task(600, 300),
  // Clausemark's code: sampled every 1 ms for 30 ms of a 40 ms task
  ...task(1010, 40),
  // the background's reply, read natively: 120 ms
  ...task(1100, 125, [{ name: 'Receive mojo message', ph: 'X', ts: ms(1101), dur: ms(120), pid: 1, tid: 1, args: { chrome_mojo_event_info: { mojo_interface_tag: 'extensions.mojom.MessagePort' } } }]),
  // rendering in a task of its own: no script, no message
  ...task(1300, 80, [{ name: 'PrePaint', ph: 'X', ts: ms(1301), dur: ms(75), pid: 1, tid: 1 }]),
  // another process's main thread: not the page's
  { name: 'ThreadControllerImpl::RunTask', ph: 'X', ts: ms(1200), dur: ms(400), pid: 2, tid: 2 },
  // the profile of thread 1:1, its chunks written by the profiler's thread 1:9
  { name: 'Profile', ph: 'P', id: '0x1', ts: ms(1000), pid: 1, tid: 1, args: { data: { startTime: ms(1000) } } },
  {
    name: 'ProfileChunk', ph: 'P', id: '0x1', ts: ms(1060), pid: 1, tid: 9,
    args: {
      data: {
        cpuProfile: {
          nodes: [
            { id: 1, callFrame: { url: '' } },
            { id: 2, parent: 1, callFrame: { url: EXTENSION } },
            { id: 3, parent: 2, callFrame: { url: '' } }, // a DOM call made from Clausemark's code
          ],
          samples: [1, ...Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 2 : 3))],
        },
        timeDeltas: [ms(10), ...Array.from({ length: 30 }, () => ms(1))],
      },
    },
  },
];

describe('attributeTasks', () => {
  const result = attributeTasks(events, 'chrome-extension://', 50, [0, 500]);

  it('counts a task with sampled Clausemark code or its background\'s message as Clausemark\'s', () => {
    expect(result.clausemarkTasks).toBe(2);
    expect(result.longestClausemark).toBeCloseTo(125);
    const reply = result.longTasks.find((long) => long.duration === 125)!;
    expect(reply.clausemarkMs).toBeCloseTo(120);
  });

  it('lists rendering in a task of its own apart, and leaves out tasks before the run and of other processes', () => {
    expect(result.longestOther).toBeCloseTo(80);
    expect(result.longTasks.map((long) => long.duration)).toEqual([125, 80]);
    expect(result.longTasks[1]).toMatchObject({ clausemarkMs: 0, mostly: 'PrePaint 75 ms' });
  });

  it('sees the samples of the 40 ms task (30 samples 1 ms apart: 29 ms, each lasting until the next)', () => {
    const sampled = attributeTasks(events, 'chrome-extension://', 30, [0, 500]).longTasks.find((long) => long.duration === 40)!;
    expect(sampled.clausemarkMs).toBeCloseTo(29);
  });
});
