import { QueueFullError } from '../errors.js';
import { assertFiniteNumber, assertWholeNumber } from '../validate.js';
import type { Lane } from './lane/Lane.js';
import type { LedgerRecord, TaskLedger } from './ledger/TaskLedger.js';
import { assertConcurrency } from './schedulerOptions.js';

/** What {@link FlowControl} works with. */
export interface FlowControlOptions<TRecord extends LedgerRecord> {
  readonly lane: Lane<TRecord>;
  /** The lane's name, for `QueueFullError`. */
  readonly name: string;
  readonly ledger: TaskLedger<TRecord>;
  /** The `maxQueued` option. */
  readonly maxQueued: number;
}

/**
 * The flow control of both facades: their calls checked at the boundary, then handed to the
 * lane (pause, concurrency, priorities) or answered from the ledger (`maxQueued`, `onIdle`,
 * `onEmpty`, `onSizeLessThan`).
 *
 * @typeParam TRecord - the lane's ledger record.
 */
export class FlowControl<TRecord extends LedgerRecord> {
  readonly #options: FlowControlOptions<TRecord>;

  constructor(options: FlowControlOptions<TRecord>) {
    this.#options = options;
  }

  /** Most AsyncTasks STARTED at once, as last set. */
  get concurrency(): number {
    return this.#options.lane.concurrency;
  }

  /**
   * Sets the most AsyncTasks STARTED at once.
   * @throws TypeError/RangeError unless a whole number >= 1 or Infinity.
   */
  set concurrency(value: number) {
    assertConcurrency(value);
    this.#options.lane.setConcurrency(value);
  }

  /** True between `pause()` and `resume()`. */
  get isPaused(): boolean {
    return this.#options.lane.isPaused;
  }

  /** Starts nothing new until `resume()`. */
  pause(): void {
    this.#options.lane.pause();
  }

  /** Lets tasks start again. */
  resume(): void {
    this.#options.lane.resume();
  }

  /**
   * Gives a queued task a new priority; false once it started or is final, or for an unknown id.
   * @throws TypeError/RangeError unless `priority` is a finite number.
   */
  setPriority(id: string, priority: number): boolean {
    assertFiniteNumber(priority, 'priority');
    return this.#options.lane.setPriority(id, priority);
  }

  /** Resolves once nothing is queued and nothing runs. */
  onIdle(): Promise<void> {
    return this.#options.ledger.watchers.onIdle();
  }

  /** Resolves once nothing is queued. */
  onEmpty(): Promise<void> {
    return this.#options.ledger.watchers.onEmpty();
  }

  /**
   * Resolves once fewer than `limit` tasks are queued.
   * @throws TypeError/RangeError unless `limit` is a whole number >= 1.
   */
  onSizeLessThan(limit: number): Promise<void> {
    assertWholeNumber(limit, 'limit', { min: 1 });
    return this.#options.ledger.watchers.onSizeLessThan(limit);
  }

  /**
   * Refuses a submit when `maxQueued` tasks wait already: call it before anything of the submit
   * is made (no id, no record).
   *
   * @throws QueueFullError when the queue is full.
   */
  assertRoom(): void {
    const { ledger, maxQueued, name } = this.#options;
    if (ledger.queuedCount >= maxQueued) throw new QueueFullError(name, maxQueued);
  }
}
