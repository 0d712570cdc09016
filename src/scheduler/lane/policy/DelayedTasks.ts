import { IndexedHeap, type HeapEntry } from '../queue/IndexedHeap.js';

/** What a delayed entry needs: when it may run, its arrival order, and the heap's index slot. */
export interface DelayedEntry extends HeapEntry {
  /** Epoch ms before which it does not start. */
  readonly runAfter?: number | undefined;
  /** Arrival order: among equal due times, the earlier one is ready first. */
  readonly seq: number;
}

/** `a` is due before `b`. */
function dueBefore(a: DelayedEntry, b: DelayedEntry): boolean {
  const atA = a.runAfter ?? -Infinity;
  const atB = b.runAfter ?? -Infinity;
  return atA < atB || (atA === atB && a.seq < b.seq);
}

/**
 * The SCHEDULED tasks of a lane that wait for their `runAfter` (a delay, a retry's backoff):
 * a min-heap by due time, so holding 100k of them costs no timer each, and none of them holds
 * back a ready task behind it (they are not in the ready queue until due).
 *
 * @typeParam TEntry - the lane's records.
 */
export class DelayedTasks<TEntry extends DelayedEntry> {
  readonly #heap = new IndexedHeap<TEntry>(dueBefore);

  /** How many wait. */
  get size(): number {
    return this.#heap.size;
  }

  /** The earliest due time, epoch ms; undefined when none waits. */
  get nextDueAt(): number | undefined {
    return this.#heap.peek()?.runAfter;
  }

  /** Holds `entry` until its `runAfter`. */
  add(entry: TEntry): void {
    this.#heap.push(entry);
  }

  /** Takes `entry` out (canceled); false when it was not held here. */
  remove(entry: TEntry): boolean {
    return this.#heap.remove(entry);
  }

  /** Hands every entry due at `now` to `ready`, earliest first. */
  releaseDue(now: number, ready: (entry: TEntry) => void): void {
    const heap = this.#heap;
    for (let next = heap.peek(); next !== undefined; next = heap.peek()) {
      if ((next.runAfter ?? -Infinity) > now) return;
      heap.shift();
      ready(next);
    }
  }
}
