/**
 * A bounded store of transfers in progress (a page coming in parts, ./uploads.ts; an analysis going back in parts,
 * ./downloads.ts): at most `max` entries (a new one pushes out the oldest), and none kept past `ttlMs` after it began.
 */
export interface ExpiringStore<V> {
  get(key: string): V | undefined;
  /** Starts an entry, replacing one under the same key. */
  start(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

export function createExpiringStore<V>(max: number, ttlMs: number, now: () => number): ExpiringStore<V> {
  const entries = new Map<string, { value: V; startedAt: number }>();
  const dropStale = (): void => {
    for (const [key, entry] of entries) if (now() - entry.startedAt > ttlMs) entries.delete(key);
  };
  return {
    get(key) {
      dropStale();
      return entries.get(key)?.value;
    },
    start(key, value) {
      dropStale();
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, startedAt: now() });
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
