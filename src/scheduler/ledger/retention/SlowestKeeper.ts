import type { TaskInfo } from '../../../tasks/types.js';

/**
 * Keeps aside the `capacity` finished tasks with the longest run time, so `slowest()` can answer
 * over every task ever finished even after retention has evicted their records.
 *
 * @remarks A min-heap on `runMs`: offering a task is O(log capacity) and only tasks slower than
 * the fastest kept one get in.
 */
export class SlowestKeeper {
  readonly #capacity: number;
  readonly #heap: TaskInfo[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Offers a finished task; it is kept if it is among the slowest so far. */
  offer(info: TaskInfo): void {
    if (info.runMs === undefined || this.#capacity === 0) return;
    const heap = this.#heap;
    if (heap.length < this.#capacity) {
      heap.push(info);
      this.#siftUp(heap.length - 1);
      return;
    }
    const fastest = heap[0] as TaskInfo;
    if (info.runMs <= (fastest.runMs ?? 0)) return;
    heap[0] = info;
    this.#siftDown(0);
  }

  /** The kept tasks, in no particular order. */
  values(): readonly TaskInfo[] {
    return this.#heap;
  }

  #less(a: TaskInfo, b: TaskInfo): boolean {
    return (a.runMs ?? 0) < (b.runMs ?? 0);
  }

  #siftUp(start: number): void {
    const heap = this.#heap;
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#less(heap[index] as TaskInfo, heap[parent] as TaskInfo)) break;
      [heap[index], heap[parent]] = [heap[parent] as TaskInfo, heap[index] as TaskInfo];
      index = parent;
    }
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.#less(heap[left] as TaskInfo, heap[smallest] as TaskInfo))
        smallest = left;
      if (right < heap.length && this.#less(heap[right] as TaskInfo, heap[smallest] as TaskInfo))
        smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest] as TaskInfo, heap[index] as TaskInfo];
      index = smallest;
    }
  }
}
