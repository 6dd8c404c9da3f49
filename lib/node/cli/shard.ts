import { InputError } from './input-error';

/**
 * One shard of a larger job, `--shard i/n` (1 ≤ i ≤ n). Shards partition the job exactly: every item belongs to one
 * shard and one only, whatever machine runs it, so n independent runs (a batch runner, a job array) cover the whole.
 */
export interface Shard {
  index: number; // 1-based
  count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export function parseShard(value: string | undefined): Shard {
  const match = value === undefined ? null : /^(\d+)\/(\d+)$/.exec(value.trim());
  if (match === null) throw new InputError(`--shard needs i/n, e.g. 3/8${value === undefined ? '' : ` (got "${value}")`}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count || !Number.isSafeInteger(count)) {
    throw new InputError(`--shard ${value}: i must be between 1 and n, and n at least 1`);
  }
  return { index, count };
}

/** --jsonl: the physical line number (1-based, blank lines counted) modulo n. Cheap: other shards' lines are not parsed. */
export function lineInShard(lineNumber: number, shard: Shard): boolean {
  return (lineNumber - 1) % shard.count === shard.index - 1;
}

/**
 * --dir: a stable hash (32-bit FNV-1a over the UTF-8 bytes) of the relative path with '/' separators, modulo n. It
 * depends on the path alone, not on the listing, so a file keeps its shard when other files come or go.
 */
export function pathHash(relativePath: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(relativePath, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function pathInShard(relativePath: string, shard: Shard): boolean {
  return pathHash(relativePath) % shard.count === shard.index - 1;
}
