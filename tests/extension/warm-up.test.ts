import { describe, expect, it, vi } from 'vitest';
import { warmUpOnce } from '../../lib/extension/background/warm-up';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import * as engine from '../../lib/engine/analyze';

describe("the background's warm-up", () => {
  it('runs once: the engine in one task, the provision matching in the next, on a passage with offers, exceptions and promises', () => {
    const tasks: Array<() => void> = [];
    const matcher = vi.fn(bundledMatcher);
    const analyzed = vi.spyOn(engine, 'analyze');
    const warmUp = warmUpOnce(matcher, (task) => void tasks.push(task));
    expect(tasks).toHaveLength(0); // nothing until a page is about to be read
    warmUp();
    warmUp();
    expect(tasks).toHaveLength(1);
    expect(analyzed).not.toHaveBeenCalled(); // nothing runs in the task that asked
    tasks.shift()!();
    expect(analyzed).toHaveBeenCalledTimes(1);
    const clauses = analyzed.mock.results[0]!.value as ReturnType<typeof engine.analyze>;
    expect(clauses.some((clause) => clause.labels.includes('opt-out') && clause.exceptions.length >= 2)).toBe(true);
    expect(clauses.some((clause) => clause.labels.includes('promise'))).toBe(true);
    expect(matcher).not.toHaveBeenCalled();
    tasks.shift()!();
    expect(matcher).toHaveBeenCalledTimes(1);
    warmUp();
    expect(tasks).toHaveLength(0);
    analyzed.mockRestore();
  });
});
