import { describe, expect, it, vi } from 'vitest';

// Every schema-building call of zod/mini, counted: the content script's modules must build none when loaded (building
// the protocol's schemas was 20 ms of the injection task in Chromium; the first message builds what it needs).
const built: string[] = [];
vi.mock('zod/mini', async (importOriginal) => {
  const original = await importOriginal<Record<string, unknown>>();
  const counted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(original)) {
    counted[name] = typeof value === 'function'
      ? (...args: unknown[]) => {
        built.push(name);
        return (value as (...args: unknown[]) => unknown)(...args);
      }
      : value;
  }
  return counted;
});

describe("the content script's start-up", () => {
  it('builds no schema when its modules load, and the request schema on first use', async () => {
    await import('../../lib/extension/page/controller');
    const { contentRequestSchema } = await import('../../lib/extension/messages/content-protocol');
    await import('../../lib/extension/settings/settings');
    expect(built).toEqual([]);
    expect(contentRequestSchema().safeParse({ type: 'jump-to-clause', clauseId: 'c1-abc' }).success).toBe(true);
    expect(contentRequestSchema().safeParse({ type: 'jump-to-clause', clauseId: '' }).success).toBe(false);
    expect(built).toContain('discriminatedUnion');
  });
});
