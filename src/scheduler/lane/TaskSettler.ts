import type { ExecutionSink } from '../../actors/executor.js';
import type { Clock } from '../../clock.js';
import {
  SchedulerError,
  SchedulerErrorCode,
  TaskCanceledError,
  TaskTimeoutError,
} from '../../errors.js';
import { ownErrorData, taskFailure } from '../../errorData.js';
import {
  cancelEvent,
  doneEvent,
  failEvent,
  retryEvent,
  timeoutEvent,
} from '../../machines/taskEvents.js';
import type { TaskErrorData } from '../../tasks/types.js';
import { describeThrown } from '../../validate.js';
import { backoffDelay } from './policy/backoffDelay.js';
import { TaskState } from '../../taskState.js';
import { isFinished } from '../../machines/taskLifecycle.js';
import { CancelSweep } from './CancelSweep.js';
import type { LaneLoopWatch } from './LaneLoopWatch.js';
import { stateOf, type LiveTask } from './LiveTask.js';
import type { TaskActorChannel } from './TaskActorChannel.js';
import type { TaskRegistry } from '../ledger/TaskRegistry.js';

/** What a {@link TaskSettler} works with. */
export interface TaskSettlerOptions {
  readonly channel: TaskActorChannel;
  readonly registry: TaskRegistry<LiveTask>;
  readonly clock: Clock;
  /** Hears of bodies that blocked the loop. */
  readonly loopWatch: LaneLoopWatch;
  /** Takes a task out of the lane's queues (held or SCHEDULED), so it never starts. */
  readonly unqueue: (record: LiveTask) => void;
  /** Reports a failure of user code the settler ran (a `retryOn` that threw). */
  readonly reportError: (error: SchedulerError) => void;
}

/**
 * Brings a lane's tasks to their final states: it is the sink its executors report a run's
 * outcome to, it times out a run past its `timeoutMs`, and it cancels a task wherever it is.
 *
 * @remarks An outcome reported after the task ended (a late result of a timed-out or canceled
 * run) is ignored: the first final state stands. A timeout or a cancel aborts the run before it
 * files the final state, so a SyncTask's thread stops at once, not after the bookkeeping.
 *
 * A failed or timed-out attempt of a task with a retry policy, attempts left, an error that is
 * not an `UnrecoverableError` and a `retryOn` that agrees, is retried instead: the task takes
 * the edge STARTED → SCHEDULED with its backoff as `runAfter`, and its lane queues it again.
 */
export class TaskSettler implements ExecutionSink<LiveTask> {
  readonly #channel: TaskActorChannel;
  readonly #registry: TaskRegistry<LiveTask>;
  readonly #clock: Clock;
  readonly #loopWatch: LaneLoopWatch;
  readonly #unqueue: (record: LiveTask) => void;
  readonly #reportError: (error: SchedulerError) => void;
  /** The sweep of a stop's cancel, while it runs (it may span loop turns). */
  #sweep: CancelSweep<LiveTask> | undefined;

  constructor(options: TaskSettlerOptions) {
    this.#channel = options.channel;
    this.#registry = options.registry;
    this.#clock = options.clock;
    this.#loopWatch = options.loopWatch;
    this.#unqueue = options.unqueue;
    this.#reportError = options.reportError;
  }

  /** @internal The body returned; ignored when the task already ended (late result). */
  succeed(record: LiveTask, value: unknown): void {
    if (record.state !== TaskState.STARTED) return;
    this.#channel.send(record, doneEvent(this.#clock.now(), value));
  }

  /** @internal The body threw or rejected; ignored when the task already ended. */
  fail(record: LiveTask, error: unknown): void {
    if (record.state !== TaskState.STARTED) return;
    // Read as untrusted data: a value whose `instanceof` or fields throw fails the task with
    // ERR_HOSTILE_VALUE instead of escaping from here (and leaving it STARTED).
    const { failure, data } = taskFailure(error, record);
    if (this.#retried(record, error, 'FAILED', data)) return;
    record.failure = failure;
    this.#channel.send(record, failEvent(this.#clock.now(), data));
  }

  /** @internal Timing a body is worth it only while a blocked loop would be reported. */
  get blockedThresholdMs(): number {
    return this.#loopWatch.blockedThresholdMs;
  }

  /** @internal A body's synchronous run blocked the loop. */
  blocked(record: LiveTask, blockedMs: number): void {
    this.#loopWatch.taskBlocked(record, blockedMs);
  }

  /**
   * Times out the just-STARTED task `timeoutMs` from now unless it is final by then.
   *
   * @remarks The timer is the record's: the channel clears it when the task ends first.
   */
  armTimeout(record: LiveTask, timeoutMs: number): void {
    this.#armTimeout(record, timeoutMs, timeoutMs);
  }

  /**
   * Cancels a task that is not final: a queued one never runs, a running one's signal aborts.
   *
   * @param error - the error the task ends with (a {@link CancelSweep} makes its own).
   * @returns true iff this call moved the task to CANCELED (a callback may end it otherwise).
   */
  cancel(
    record: LiveTask,
    reason: string,
    error: TaskCanceledError = new TaskCanceledError(record.id, reason),
  ): boolean {
    if (isFinished(record.state)) return false;
    this.#unqueue(record);
    record.failure = error;
    // Stop the work first, as in #timeOut.
    record.execution?.abort(error);
    this.#channel.send(record, cancelEvent(this.#clock.now(), reason, ownErrorData(error)));
    return stateOf(record) === TaskState.CANCELED;
  }

  /** True while a {@link TaskSettler.cancelAll} sweep is under way. */
  get sweeping(): boolean {
    return this.#sweep !== undefined;
  }

  /**
   * Cancels every task of the lane that is not final, in submit order, then calls `done`.
   *
   * @remarks The sweep may span loop turns ({@link CancelSweep}): `done` may come later than
   * the call. A call while a sweep runs has nothing more to cancel (a stopping lane takes no new
   * task), so it calls `done` at once.
   */
  cancelAll(reason: string, done: () => void): void {
    if (this.#sweep !== undefined) {
      done();
      return;
    }
    this.#sweep = new CancelSweep<LiveTask>({
      records: [...this.#registry.liveRecords()],
      reason,
      clock: this.#clock,
      cancel: (record, error) => {
        this.cancel(record, reason, error);
      },
      done: () => {
        this.#sweep = undefined;
        done();
      },
    });
    this.#sweep.run();
  }

  #armTimeout(record: LiveTask, timeoutMs: number, delayMs: number): void {
    record.timer = this.#clock.setTimeout(() => {
      this.#timeOut(record, timeoutMs);
    }, delayMs);
  }

  #timeOut(record: LiveTask, timeoutMs: number): void {
    record.timer = undefined;
    if (record.state !== TaskState.STARTED) return;
    const now = this.#clock.now();
    // Node's timers count from the loop's cached time, which can be up to a millisecond older
    // than the STARTED stamp: a timer that fires early is set again for the rest, so runMs of a
    // TIMED_OUT task is never below its timeoutMs.
    const remainingMs = timeoutMs - (now - (record.ts.start ?? now));
    if (remainingMs > 0) {
      this.#armTimeout(record, timeoutMs, remainingMs);
      return;
    }
    const error = new TaskTimeoutError(record.id, timeoutMs, record.name);
    record.failure = error;
    // The work stops first (a SyncTask's thread is terminated now, not after the bookkeeping);
    // executors never report synchronously, so what the aborted body does next arrives after
    // the final state below and is discarded.
    record.execution?.abort(error);
    const data = ownErrorData(error);
    if (this.#retried(record, error, 'TIMED_OUT', data)) return;
    this.#channel.send(record, timeoutEvent(now, error.message, data));
  }

  /**
   * Sends the STARTED task back to SCHEDULED for another attempt when its policy says so.
   *
   * @returns true iff it was retried.
   */
  #retried(
    record: LiveTask,
    error: unknown,
    outcome: 'FAILED' | 'TIMED_OUT',
    data: TaskErrorData,
  ): boolean {
    const policy = record.retry;
    if (policy === undefined) return false;
    const attempt = record.attempt ?? 1;
    if (attempt >= policy.attempts || data.code === SchedulerErrorCode.UNRECOVERABLE) return false;
    const { retryOn } = policy;
    if (retryOn !== undefined && !this.#retryOnAgrees(retryOn, error, attempt, record))
      return false;
    const now = this.#clock.now();
    const runAfter = now + backoffDelay(policy.backoff, attempt);
    this.#channel.send(record, retryEvent(now, outcome, data, runAfter));
    return true;
  }

  /** Asks the policy's `retryOn`; one that throws says no, and is reported on `errors$`. */
  #retryOnAgrees(
    retryOn: (error: unknown, attempt: number) => boolean,
    error: unknown,
    attempt: number,
    record: LiveTask,
  ): boolean {
    try {
      return retryOn(error, attempt);
    } catch (thrown) {
      this.#reportError(
        new SchedulerError(
          SchedulerErrorCode.CALLBACK_FAILED,
          `retryOn of task "${record.name}" threw, so attempt ${attempt} is not retried: ${describeThrown(thrown)}`,
          { cause: thrown, taskId: record.id },
        ),
      );
      return false;
    }
  }
}
