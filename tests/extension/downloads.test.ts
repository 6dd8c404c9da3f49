import { describe, expect, it } from 'vitest';
import { clauseParts, createReplyDownloads, DOWNLOAD_TTL_MS, MAX_DOWNLOADS } from '../../lib/extension/background/downloads';
import type { ExportedClause } from '../../lib/document/schema';

/** Stand-ins for clauses: only their JSON length matters to the split. */
const clause = (id: string, size: number) => ({ id, text: 'x'.repeat(size) }) as unknown as ExportedClause;
const length = (part: ExportedClause[]) => part.reduce((sum, c) => sum + JSON.stringify(c).length, 0);

describe('clauseParts', () => {
  it('keeps the clauses in order, each part within the budget, a longer clause in a part of its own', () => {
    const clauses = [clause('a', 100), clause('b', 100), clause('c', 500), clause('d', 100), clause('e', 100), clause('f', 100)];
    const parts = clauseParts(clauses, 300, 200);
    expect(parts.flat()).toEqual(clauses);
    expect(parts.map((part) => part.map((c) => c.id))).toEqual([['a', 'b'], ['c'], ['d', 'e'], ['f']]);
    for (const part of parts) expect(part.length === 1 || length(part) <= 300).toBe(true);
  });

  it('gives one part while the whole is within its limit, none for no clauses', () => {
    expect(clauseParts([clause('a', 100), clause('b', 100), clause('c', 100)], 150, 400)).toEqual([[clause('a', 100), clause('b', 100), clause('c', 100)]]);
    expect(clauseParts([clause('a', 100), clause('b', 100), clause('c', 100)], 150, 300)).toHaveLength(3);
    expect(clauseParts([], 300)).toEqual([]);
  });
});

describe('createReplyDownloads', () => {
  it('hands out each part, and forgets the download once the last is taken', () => {
    const downloads = createReplyDownloads();
    downloads.put('tab:1', [[clause('a', 1)], [clause('b', 1)]]);
    expect(downloads.take('tab:1', 1)).toEqual([clause('b', 1)]);
    expect(downloads.take('tab:1', 2)).toMatchObject({ error: expect.stringContaining('no part 2') });
    expect(downloads.take('tab:1', 0)).toEqual([clause('a', 1)]);
    expect(downloads.size).toBe(0);
    expect(downloads.take('tab:1', 0)).toMatchObject({ error: expect.any(String) });
  });

  it(`holds at most ${MAX_DOWNLOADS} downloads, and none older than DOWNLOAD_TTL_MS`, () => {
    let time = 0;
    const downloads = createReplyDownloads(() => time);
    for (let i = 0; i <= MAX_DOWNLOADS; i++) downloads.put(`tab:${i}`, [[clause('a', 1)], [clause('b', 1)]]);
    expect(downloads.size).toBe(MAX_DOWNLOADS);
    expect(downloads.take('tab:0', 0)).toMatchObject({ error: expect.any(String) });
    time = DOWNLOAD_TTL_MS + 1;
    expect(downloads.take(`tab:${MAX_DOWNLOADS}`, 0)).toMatchObject({ error: expect.any(String) });
    expect(downloads.size).toBe(0);
  });
});
