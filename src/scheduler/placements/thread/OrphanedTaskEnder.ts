import type { Clock } from '../../../clock.js';
import {
  SchedulerError,
  TaskCanceledError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../../errors.js';
import { createLoopBlockedWarning } from '../../../metrics/loopBlockedWarning.js';
import { TaskState } from '../../../taskState.js';
import { LANE_WATCHDOG_GRACE_MS, type LaneWatchdog, type Overdue } from './LaneWatchdog.js';
import type { CrashDetails } from './LaneThreadRestarts.js';
import type { PendingCancels } from './PendingCancels.js';
import type { ThreadObservation } from './ThreadObservation.js';
import type { TaskLedger } from '../../ledger/TaskLedger.js';
import type { ThreadTask } from './ThreadTask.js';

/** What an {@link OrphanedTaskEnder} works with. */
export interface OrphanedTaskEnderOptions {
  readonly lane: string;
  readonly clock: Clock;
  readonly ledger: TaskLedger<ThreadTask>;
  readonly watchdog: LaneWatchdog;
  readonly cancels: PendingCancels;
  /** Where a task that blocked the thread's loop past its timeout is reported. */
  readonly observation: Pick<ThreadObservation, 'warn'>;
}

/**
 * Ends, on the main side, the tasks their lane thread can no longer end: the thread died with
 * their actors, or its loop is blocked past a deadline, or it is gone when the lane stops.
 */
export class OrphanedTaskEnder {
  readonly #options: OrphanedTaskEnderOptions;

  constructor(options: OrphanedTaskEnderOptions) {
    this.#options = options;
  }

  /**
   * The books of a thread that is gone (`why`): every STARTED task ends FAILED with a
   * WorkerCrashedError and every unanswered cancel ends its task CANCELED, so nothing a callback
   * does next can see (or resubmit) a task that died with the thread; then the loss is reported.
   */
  endWithDeadThread(why: string, details: CrashDetails): void {
    const { ledger, watchdog, cancels } = this.#options;
    const started = [...ledger.registry.liveRecords()].filter(
      (record) => record.state === TaskState.STARTED,
    );
    const unanswered = cancels.takeAll();
    watchdog.clearRequests();
    for (const record of started) {
      watchdog.taskEnded(record.id);
      const error = new WorkerCrashedError(`${why} while running task "${record.name}"`, {
        ...details,
        taskId: record.id,
      });
      ledger.end(record, TaskState.FAILED, error);
    }
    // A cancel the dead thread never answered: the task is not resubmitted, it ends here.
    for (const pending of unanswered) cancels.end(pending);
    ledger.reporter.reportError(new WorkerCrashedError(why, details));
  }

  /**
   * Ends what a deadline the thread missed was about: the task that ran past its timeout
   * (TIMED_OUT, reported as blocking the loop), or the task of the unanswered cancel.
   *
   * @returns the culprit, for the reason the thread is replaced; undefined when the deadline's
   * task or cancel had ended meanwhile.
   */
  endOverdue(overdue: Exclude<Overdue, { kind: 'stop' }>): string | undefined {
    if (overdue.kind === 'cancel') {
      const { cancels } = this.#options;
      const pending = cancels.take(overdue.requestId);
      if (pending === undefined) return undefined;
      cancels.end(pending);
      return 'a cancel got no answer';
    }
    const { ledger, clock, lane, observation } = this.#options;
    const record = ledger.registry.live(overdue.taskId);
    if (record?.state !== TaskState.STARTED) return undefined;
    const error = new TaskTimeoutError(record.id, overdue.timeoutMs, record.name);
    const now = clock.now();
    observation.warn(
      createLoopBlockedWarning({
        lane,
        kind: 'thread',
        at: now,
        blockedMs: LANE_WATCHDOG_GRACE_MS,
        task: { id: record.id, name: record.name, runMs: now - (record.ts.start ?? now) },
      }),
    );
    ledger.end(record, TaskState.TIMED_OUT, error, error.message);
    return `task "${record.name}" ran past its timeoutMs of ${overdue.timeoutMs} ms`;
  }

  /**
   * Ends every live task FAILED with `failure`'s code, message and cause (its own `taskId`), in
   * submit order: no thread could start to run them.
   */
  failAll(failure: SchedulerError): void {
    const { ledger } = this.#options;
    for (const record of [...ledger.registry.liveRecords()]) {
      const error = new SchedulerError(failure.code, failure.message, {
        cause: failure.cause,
        taskId: record.id,
      });
      ledger.end(record, TaskState.FAILED, error);
    }
  }

  /** Ends a task CANCELED with `reason`, unless it is final already. */
  cancel(record: ThreadTask, reason: string): void {
    const error = new TaskCanceledError(record.id, reason);
    this.#options.ledger.end(record, TaskState.CANCELED, error, reason);
  }

  /**
   * Ends every live task CANCELED with `reason`, in submit order. A cancel the caller asked for
   * before request `askedBefore` (the stop that cancels) and the thread has not answered wins:
   * its task ends with that cancel's reason, and that `cancelTask()` resolves true. A cancel
   * asked later finds its task ended by the stop, as on an AsyncScheduler, and resolves false.
   */
  cancelAll(reason: string, askedBefore = Infinity): void {
    const { cancels } = this.#options;
    const pending = cancels.takeAll();
    for (const first of pending.filter((p) => p.requestId < askedBefore)) cancels.end(first);
    for (const record of [...this.#options.ledger.registry.liveRecords()]) {
      this.cancel(record, reason);
    }
    for (const late of pending.filter((p) => p.requestId >= askedBefore)) late.resolve(false);
  }
}
