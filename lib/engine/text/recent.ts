/**
 * The answers of a pure function for the last `size` keys it was asked (the oldest dropped first). Policies repeat
 * themselves — the same heading over many clauses, the same sentence in several sections — and a hostile page can be
 * one paragraph a thousand times: each text is worked out once. A kept answer is shared: callers must not change it.
 */
export class RecentAnswers<K, V> {
  private readonly answers = new Map<K, V>();

  constructor(private readonly size: number) {}

  get(key: K, answer: (key: K) => V): V {
    if (this.answers.has(key)) return this.answers.get(key)!;
    const value = answer(key);
    if (this.answers.size >= this.size) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, value);
    return value;
  }
}
