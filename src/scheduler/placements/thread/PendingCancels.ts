import { TaskCanceledError } from '../../../errors.js';
import { TaskState } from '../../../taskState.js';
import type { LaneWatchdog } from './LaneWatchdog.js';
import type { TaskLedger } from '../../ledger/TaskLedger.js';
import type { ThreadTask } from './ThreadTask.js';

/** A cancel sent to the lane thread, waiting for its answer. */
export interface PendingCancel {
  /** Orders it among the lane's requests (cancels and stops): a smaller id was asked first. */
  readonly requestId: number;
  /** The task to cancel. */
  readonly id: string;
  readonly reason: string;
  /** Settles the caller's `cancelTask()`: true iff the cancel moved the task to CANCELED. */
  readonly resolve: (canceled: boolean) => void;
}

/**
 * The cancels the main side sent to its lane thread and awaits the answers of, by request id,
 * each with its deadline in the {@link LaneWatchdog}.
 *
 * @remarks A cancel the thread will never answer (it died, or its loop is blocked) is settled
 * here by {@link PendingCancels.end}: the task ends CANCELED on the main side, never resubmitted.
 */
export class PendingCancels {
  readonly #ledger: TaskLedger<ThreadTask>;
  readonly #watchdog: LaneWatchdog;
  readonly #byRequestId = new Map<number, PendingCancel>();

  constructor(ledger: TaskLedger<ThreadTask>, watchdog: LaneWatchdog) {
    this.#ledger = ledger;
    this.#watchdog = watchdog;
  }

  /** How many cancels await an answer. */
  get size(): number {
    return this.#byRequestId.size;
  }

  /**
   * Awaits the thread's answer to cancel request `requestId` (sent right after), until its
   * deadline.
   *
   * @returns the answer: true iff the cancel moved the task to CANCELED.
   */
  wait(requestId: number, record: ThreadTask, reason: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.#byRequestId.set(requestId, { requestId, id: record.id, reason, resolve });
      this.#watchdog.cancelSent(requestId);
    });
  }

  /** The thread answered request `requestId`. */
  answer(requestId: number, canceled: boolean): void {
    this.#watchdog.cancelAnswered(requestId);
    const pending = this.#byRequestId.get(requestId);
    this.#byRequestId.delete(requestId);
    pending?.resolve(canceled);
  }

  /** Removes request `requestId` and returns it; undefined once it is answered or ended. */
  take(requestId: number): PendingCancel | undefined {
    const pending = this.#byRequestId.get(requestId);
    this.#byRequestId.delete(requestId);
    return pending;
  }

  /** Removes every pending cancel and returns them, in the order they were sent. */
  takeAll(): PendingCancel[] {
    const all = [...this.#byRequestId.values()];
    this.#byRequestId.clear();
    return all;
  }

  /**
   * Settles a cancel taken from here that the thread will never answer: its task ends CANCELED
   * on the main side, if it is still live, and the caller hears whether it was.
   */
  end(pending: PendingCancel): void {
    const record = this.#ledger.registry.live(pending.id);
    if (record !== undefined) {
      this.#watchdog.taskEnded(record.id);
      const error = new TaskCanceledError(record.id, pending.reason);
      this.#ledger.end(record, TaskState.CANCELED, error, pending.reason);
    }
    pending.resolve(record !== undefined);
  }

  /** The lane has stopped: every cancel still waiting resolves false. */
  dropAll(): void {
    for (const pending of this.takeAll()) pending.resolve(false);
  }
}
