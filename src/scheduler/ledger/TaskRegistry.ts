import type { Clock, TimerHandle } from '../../clock.js';
import { UnknownTaskError, WaitTimeoutError } from '../../errors.js';
import type { TaskState } from '../../taskState.js';
import type { TaskInfo } from '../../tasks/types.js';
import {
  FinishedStore,
  type FinishedRecord,
  type RetentionLimits,
} from './retention/FinishedStore.js';

/** What the registry needs of a live task. */
export interface LiveRecord {
  readonly id: string;
  readonly state: TaskState;
  /** Callers of `waitTask()` for this task, created on first wait. */
  waiters: Waiter[] | undefined;
}

/** One pending `waitTask()`. */
export interface Waiter {
  settle(record: FinishedRecord): void;
}

/** Options of {@link TaskRegistry.wait}. */
export interface WaitOptions {
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Where every task of a lane can be found: live ones by id, finished ones in the retention
 * store, and the callers waiting for them.
 *
 * @typeParam TLive - the lane's live record type.
 */
export class TaskRegistry<TLive extends LiveRecord> {
  readonly #live = new Map<string, TLive>();
  readonly #finished: FinishedStore;
  readonly #clock: Clock;

  constructor(limits: RetentionLimits, clock: Clock) {
    this.#finished = new FinishedStore(limits);
    this.#clock = clock;
  }

  /** How many tasks are not final yet. */
  get liveCount(): number {
    return this.#live.size;
  }

  /** How many finished records are retained. */
  get finishedCount(): number {
    return this.#finished.size;
  }

  /** Registers a new live task. */
  addLive(record: TLive): void {
    this.#live.set(record.id, record);
  }

  /** The live record of `id`, if the task is not final. */
  live(id: string): TLive | undefined {
    return this.#live.get(id);
  }

  /** Every live record, in submit order. */
  liveRecords(): IterableIterator<TLive> {
    return this.#live.values();
  }

  /** The retained record of a finished task. */
  finished(id: string): FinishedRecord | undefined {
    return this.#finished.get(id, this.#clock.now());
  }

  /** Every retained finished record, oldest finished first. */
  finishedRecords(): IterableIterator<FinishedRecord> {
    return this.#finished.values(this.#clock.now());
  }

  /** The slowest finished tasks ever, retained or not. */
  slowestEver(): readonly TaskInfo[] {
    return this.#finished.slowestEver();
  }

  /**
   * Moves a task from live to finished and settles its waiters.
   *
   * @param failure - what `result()` rejects with, when the task did not end DONE.
   * @param endedAt - when it ended (default: now), on this registry's clock.
   */
  finish(
    record: TLive,
    info: TaskInfo,
    failure: Error | undefined,
    endedAt: number = this.#clock.now(),
  ): void {
    this.#live.delete(record.id);
    const kept: FinishedRecord = failure === undefined ? { info } : { info, failure };
    this.#finished.add(kept, endedAt);
    const waiters = record.waiters;
    record.waiters = undefined;
    // Waiters get the record itself: retention may evict it before they run (maxFinished 0).
    if (waiters !== undefined) for (const waiter of waiters) waiter.settle(kept);
  }

  /**
   * Has `waiter` settled once the live task `id` is final (with the waiters of `waitTask`).
   *
   * @returns false, and never settles it, when the task is not live (final already, or unknown).
   */
  whenFinished(id: string, waiter: Waiter): boolean {
    const record = this.#live.get(id);
    if (record === undefined) return false;
    (record.waiters ??= []).push(waiter);
    return true;
  }

  /**
   * Resolves with the task's final info once it is final.
   *
   * @remarks Rejects with {@link UnknownTaskError} for an unknown or evicted id, with
   * {@link WaitTimeoutError} when `timeoutMs` passes first and with `signal.reason` when
   * `signal` aborts first. Neither touches the task.
   */
  wait(id: string, options: WaitOptions = {}): Promise<TaskInfo> {
    return this.waitRecord(id, options).then((record) => record.info);
  }

  /** Like {@link TaskRegistry.wait}, resolving with the whole finished record. */
  waitRecord(id: string, { timeoutMs, signal }: WaitOptions = {}): Promise<FinishedRecord> {
    const finished = this.finished(id);
    if (finished !== undefined) return Promise.resolve(finished);
    const record = this.#live.get(id);
    if (record === undefined) return Promise.reject(new UnknownTaskError(id));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<FinishedRecord>((resolve, reject) => {
      const clock = this.#clock;
      let timer: TimerHandle | undefined;
      const onAbort = (): void => {
        remove();
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        settle: (finishedRecord) => {
          cleanup();
          resolve(finishedRecord);
        },
      };
      const cleanup = (): void => {
        if (timer !== undefined) clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const remove = (): void => {
        cleanup();
        const waiters = record.waiters;
        const index = waiters?.indexOf(waiter) ?? -1;
        if (index >= 0) waiters?.splice(index, 1);
      };
      (record.waiters ??= []).push(waiter);
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = clock.setTimeout(() => {
          remove();
          reject(new WaitTimeoutError(id, timeoutMs));
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
