import type { TaskInfo } from '../../../tasks/types.js';
import { RingQueue } from './RingQueue.js';
import { SlowestKeeper } from './SlowestKeeper.js';

/** What is kept of a finished task. */
export interface FinishedRecord {
  /** Its final, frozen info. */
  readonly info: TaskInfo;
  /** What `result()` rejects with (the body's own error, a TaskTimeoutError, …), if not DONE. */
  readonly failure?: Error;
}

/** Retention limits, validated. */
export interface RetentionLimits {
  /** Most finished records kept; the oldest finished go first. */
  readonly maxFinished: number;
  /** Longest a finished record is kept after it finished, in ms. */
  readonly maxAgeMs: number;
}

/** How many of the slowest finished tasks are kept aside for `slowest()`. */
export const SLOWEST_KEPT = 100;

/**
 * The records of finished tasks, bounded by retention.
 *
 * @remarks Records are evicted in the order the tasks finished: by count when a new one
 * arrives past `maxFinished`, by age (`maxAgeMs`) whenever the store is touched. No timer is
 * involved, so retention never keeps the process alive. The slowest tasks are kept aside
 * (see {@link SlowestKeeper}) and outlive eviction.
 */
export class FinishedStore {
  readonly #limits: RetentionLimits;
  readonly #records = new Map<string, FinishedRecord>();
  /** Ids with their finish time, oldest first. */
  readonly #order = new RingQueue<{ id: string; endedAt: number }>();
  readonly #slowest = new SlowestKeeper(SLOWEST_KEPT);

  constructor(limits: RetentionLimits) {
    this.#limits = limits;
  }

  /** How many finished records are kept now. */
  get size(): number {
    return this.#records.size;
  }

  /** Keeps a finished task, evicting the oldest past the limits. */
  add(record: FinishedRecord, endedAt: number): void {
    this.#slowest.offer(record.info);
    if (this.#limits.maxFinished === 0) return;
    this.#records.set(record.info.id, record);
    this.#order.push({ id: record.info.id, endedAt });
    while (this.#order.size > this.#limits.maxFinished) this.#evictOldest();
  }

  /** The record of `id`, unless it was never kept or has been evicted. */
  get(id: string, now: number): FinishedRecord | undefined {
    this.evictExpired(now);
    return this.#records.get(id);
  }

  /** Every kept record, oldest finished first. */
  values(now: number): IterableIterator<FinishedRecord> {
    this.evictExpired(now);
    return this.#records.values();
  }

  /** The slowest finished tasks ever seen (up to {@link SLOWEST_KEPT}), evicted or not. */
  slowestEver(): readonly TaskInfo[] {
    return this.#slowest.values();
  }

  /** Drops records older than `maxAgeMs`. */
  evictExpired(now: number): void {
    const { maxAgeMs } = this.#limits;
    if (maxAgeMs === Infinity) return;
    for (let oldest = this.#order.peek(); oldest !== undefined; oldest = this.#order.peek()) {
      if (now - oldest.endedAt <= maxAgeMs) return;
      this.#evictOldest();
    }
  }

  #evictOldest(): void {
    const oldest = this.#order.shift();
    if (oldest !== undefined) this.#records.delete(oldest.id);
  }
}
