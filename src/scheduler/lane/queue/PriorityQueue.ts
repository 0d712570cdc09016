import { IndexedHeap, type HeapEntry } from './IndexedHeap.js';

/** What the queue needs of an entry: its priority, its arrival order and a slot for its index. */
export interface QueueEntry extends HeapEntry {
  /** Higher runs first; changed only through {@link PriorityQueue.setPriority} while queued. */
  priority: number;
  /**
   * Arrival order: lower runs first among equal priorities. Not read while queued: a lane gives
   * a task that arrives again (a delayed one falling due) a new one before pushing it.
   */
  seq: number;
}

/** `a` runs before `b`: higher priority, then earlier arrival. */
function runsBefore(a: QueueEntry, b: QueueEntry): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/**
 * A binary max-heap on `(priority desc, seq asc)`: higher priority first, FIFO among equals.
 *
 * @remarks See {@link IndexedHeap}: every operation is O(log n), so a queue of 100k costs each
 * dequeue about what a queue of 10 does.
 *
 * @typeParam TEntry - the queued records.
 */
export class PriorityQueue<TEntry extends QueueEntry> extends IndexedHeap<TEntry> {
  constructor() {
    super(runsBefore);
  }

  /**
   * Gives `entry` a new priority and, when it is queued here, moves it to its new place: O(log n).
   * Among equal priorities it keeps its arrival order (`seq`), so it goes behind the entries of
   * its new priority that arrived before it and ahead of those that arrived after.
   *
   * @returns true iff it is queued here (an entry not queued just takes the new priority, which
   * decides its place once it is pushed).
   */
  setPriority(entry: TEntry, priority: number): boolean {
    entry.priority = priority;
    return this.reposition(entry);
  }
}
