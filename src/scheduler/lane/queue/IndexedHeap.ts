/** What a heap needs of an entry: a slot for its index. */
export interface HeapEntry {
  /** Position in the heap while queued, -1 otherwise. Owned by the heap. */
  queueIndex: number;
}

const NOT_QUEUED = -1;

/**
 * A binary heap whose order is `before(a, b)`: the entry no other entry comes before is first.
 *
 * @remarks `push`, `shift` and `remove` are O(log n) and never move the array's other entries
 * as a whole (no `Array#shift`), so a queue of 100k costs each dequeue about what a queue of 10
 * does. Each entry remembers its own index, which makes removing a canceled entry O(log n). An
 * entry is in at most one heap at a time (they share its index slot).
 *
 * @typeParam TEntry - the queued records.
 */
export class IndexedHeap<TEntry extends HeapEntry> {
  readonly #heap: TEntry[] = [];
  readonly #before: (a: TEntry, b: TEntry) => boolean;

  /** @param before - true when `a` must leave the heap before `b`. */
  constructor(before: (a: TEntry, b: TEntry) => boolean) {
    this.#before = before;
  }

  /** The entry that leaves next, still queued; `undefined` when empty. */
  peek(): TEntry | undefined {
    return this.#heap[0];
  }

  /** How many entries are queued. */
  get size(): number {
    return this.#heap.length;
  }

  /** Adds an entry. */
  push(entry: TEntry): void {
    entry.queueIndex = this.#heap.length;
    this.#heap.push(entry);
    this.#siftUp(entry.queueIndex);
  }

  /** Removes and returns the entry that runs next, or `undefined` when empty. */
  shift(): TEntry | undefined {
    const top = this.#heap[0];
    if (top === undefined) return undefined;
    this.#removeAt(0);
    return top;
  }

  /** Removes a queued entry; returns false when it was not queued here. */
  remove(entry: TEntry): boolean {
    const index = entry.queueIndex;
    if (index < 0 || this.#heap[index] !== entry) return false;
    this.#removeAt(index);
    return true;
  }

  /**
   * Puts a queued entry back in its place after its key changed (its priority, say): O(log n).
   *
   * @returns false when it was not queued here.
   */
  reposition(entry: TEntry): boolean {
    const index = entry.queueIndex;
    if (index < 0 || this.#heap[index] !== entry) return false;
    this.#siftDown(index);
    this.#siftUp(entry.queueIndex);
    return true;
  }

  /** Removes and returns every entry, in run order. */
  drain(): TEntry[] {
    const drained: TEntry[] = [];
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) drained.push(entry);
    return drained;
  }

  #removeAt(index: number): void {
    const heap = this.#heap;
    const removed = heap[index] as TEntry;
    const last = heap.pop() as TEntry;
    removed.queueIndex = NOT_QUEUED;
    if (index === heap.length) return;
    heap[index] = last;
    last.queueIndex = index;
    this.#siftDown(index);
    this.#siftUp(last.queueIndex);
  }

  #siftUp(start: number): void {
    const heap = this.#heap;
    const entry = heap[start] as TEntry;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as TEntry;
      if (!this.#before(entry, parent)) break;
      heap[index] = parent;
      parent.queueIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.queueIndex = index;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[start] as TEntry;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#before(heap[right] as TEntry, heap[left] as TEntry))
        child = right;
      const childEntry = heap[child] as TEntry;
      if (!this.#before(childEntry, entry)) break;
      heap[index] = childEntry;
      childEntry.queueIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry.queueIndex = index;
  }
}
