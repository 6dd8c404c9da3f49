/**
 * The bounded reorder buffer between the reader and stdout. The reader reserves a slot per item, in input order;
 * workers complete slots in any order; only the completed prefix is taken out, so output keeps input order. The reader
 * must stop while `hasRoom()` is false — items reserved and not yet taken are bounded by count and by bytes — which
 * is what keeps memory flat however long the input is.
 */
export class ReorderWindow<T> {
  private readonly slots = new Map<number, { bytes: number; done: boolean; value?: T }>();
  private head = 0; // the oldest slot not yet taken
  private next = 0; // the next slot to reserve
  private heldBytes = 0;

  constructor(readonly maxItems: number, readonly maxBytes: number = Infinity) {
    if (!(maxItems >= 1)) throw new RangeError('a reorder window holds at least one item');
  }

  /** Items reserved and not yet taken out. */
  get size(): number {
    return this.next - this.head;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** Whether the reader may reserve another slot. An empty window always has room, so one huge item still passes. */
  hasRoom(): boolean {
    return this.size === 0 || (this.size < this.maxItems && this.heldBytes < this.maxBytes);
  }

  reserve(bytes = 0): number {
    if (!this.hasRoom()) throw new Error('reorder window is full: wait for output before reading on');
    const seq = this.next++;
    this.slots.set(seq, { bytes, done: false });
    this.heldBytes += bytes;
    return seq;
  }

  complete(seq: number, value: T): void {
    const slot = this.slots.get(seq);
    if (slot === undefined || slot.done) throw new Error(`slot ${seq} is not waiting for a result`);
    slot.done = true;
    slot.value = value;
  }

  /** The completed items at the head, in order; their slots are freed. */
  takeReady(): T[] {
    const ready: T[] = [];
    for (let slot = this.slots.get(this.head); slot?.done === true; slot = this.slots.get(this.head)) {
      ready.push(slot.value as T);
      this.heldBytes -= slot.bytes;
      this.slots.delete(this.head++);
    }
    return ready;
  }
}
