import { Job, type Queue } from 'bullmq';
import type { Clock } from '../../../clock.js';
import { toErrorData } from '../../../errorData.js';
import {
  SchedulerError,
  SchedulerErrorCode,
  TaskCanceledError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../../errors.js';
import {
  cancelEvent,
  doneEvent,
  failEvent,
  retryEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
  timeoutEvent,
  type TaskEvent,
} from '../../../machines/taskEvents.js';
import { isFinished, isWaiting } from '../../../machines/taskLifecycle.js';
import { TaskState } from '../../../taskState.js';
import type { TaskErrorData } from '../../../tasks/types.js';
import { latestStamp, type TaskLedger } from '../../ledger/TaskLedger.js';
import { failureOf } from '../../ledger/remoteFailure.js';
import type { BullMQTask } from './BullMQTask.js';
import { ATTEMPT_EVENT, readAttemptEvent, type AttemptReport } from './jobPayload.js';
import type { JobStreamEvent } from './JobEventStream.js';

/** What a {@link JobEventFeed} works with. */
export interface JobEventFeedOptions {
  readonly ledger: TaskLedger<BullMQTask>;
  /** Moves a task's actor by an event and records the state it reached (see `moveTask`). */
  readonly move: (record: BullMQTask, event: TaskEvent) => boolean;
  readonly clock: Clock;
  /** How long past a limit (or a cancel) this side waits for a worker's word, ms. */
  readonly lostWorkerMs: number;
  /** Removes a job no worker holds: true iff it was removed. */
  readonly removeJob: (id: string) => Promise<boolean>;
  /** Asks the worker running a job to abort it. */
  readonly cancelActive: (id: string, reason: string) => void;
  /** A task reached a final state. */
  readonly settled: (record: BullMQTask) => void;
  /**
   * Files, from its job, a task of another scheduler that an event names (`follow: 'all'`);
   * absent: only this scheduler's own tasks are followed.
   */
  readonly adopt?: ((jobId: string) => Promise<BullMQTask | undefined>) | undefined;
}

/** The events that show a job not yet finished: a task first seen by one of them is adopted. */
const LIVE_JOB_EVENTS = new Set(['added', 'waiting', 'delayed', 'active']);

/** BullMQ's reason for a job that stalled more often than its worker allows. */
const STALLED_LIMIT = /stalled more than allowable limit/;

/** A completed job's value, as the worker's JSON gave it (null when it cannot be read). */
function parseReturnValue(json: string | undefined): unknown {
  if (json === undefined || json === '') return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

/** The epoch ms of a Redis stream entry id (`<ms>-<seq>`): Redis's own clock. */
function streamTime(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/**
 * Turns the queue's event stream into the transitions of this side's tasks: each event of a
 * job whose task is live here moves the task's actor, and the ledger records the state it
 * reached, stamped with the event's time in Redis (never before a stamp the task has).
 *
 * @remarks What BullMQ's events do not carry, the worker publishes before it fails an attempt
 * (an {@link ATTEMPT_EVENT}: how it ended, the error): a job that goes back to waiting from
 * active without one was handed back by the stalled-job check, so its worker crashed. A task
 * STARTED past its limit, or being canceled, that no worker reports on within `lostWorkerMs`
 * ends here.
 */
export class JobEventFeed {
  readonly #options: JobEventFeedOptions;
  #closed = false;
  /** Events of tasks being adopted, held until their job is read. */
  readonly #adopting = new Map<string, (() => void)[]>();

  constructor(options: JobEventFeedOptions) {
    this.#options = options;
  }

  /** Each entry of the queue's event stream, by its `event` field. */
  readonly #handlers: Readonly<Record<string, JobStreamEvent>> = {
    added: ({ jobId }) => {
      this.#route('added', jobId, () => undefined);
    },
    active: ({ jobId }, id) => {
      this.#route('active', jobId, () => {
        this.#active(jobId, streamTime(id));
      });
    },
    completed: (fields, id) => {
      this.#route('completed', fields['jobId'], () => {
        this.#completed(fields['jobId'], parseReturnValue(fields['returnvalue']), streamTime(id));
      });
    },
    failed: ({ jobId, failedReason }, id) => {
      this.#route('failed', jobId, () => {
        this.#failed(jobId, failedReason ?? '', streamTime(id));
      });
    },
    waiting: ({ jobId }, id) => {
      this.#route('waiting', jobId, () => {
        this.#waiting(jobId, streamTime(id), undefined);
      });
    },
    delayed: (fields, id) => {
      this.#route('delayed', fields['jobId'], () => {
        this.#waiting(fields['jobId'], streamTime(id), Number(fields['delay']));
      });
    },
    removed: ({ jobId }, id) => {
      this.#route('removed', jobId, () => {
        this.#removed(jobId, streamTime(id));
      });
    },
    [ATTEMPT_EVENT]: (fields) => {
      const report = readAttemptEvent(fields);
      if (report === undefined) return;
      this.#route(ATTEMPT_EVENT, report.jobId, () => {
        const record = this.#live(report.jobId);
        if (record !== undefined) record.report = report;
      });
    },
  };

  /** One entry of the queue's event stream, in order: an event of a job this side follows moves its task. */
  readonly event: JobStreamEvent = (fields, id) => {
    if (this.#closed) return;
    const event = fields['event'];
    if (event === undefined || !Object.hasOwn(this.#handlers, event)) return;
    this.#handlers[event]?.(fields, id);
  };

  /** Redis has the task's job (waiting or delayed): SCHEDULED. */
  queued(record: BullMQTask, at: number): void {
    if (record.state === TaskState.NEW) this.#move(record, submitEvent(record.submittedAt));
    if (record.state !== TaskState.SUBMITTED) return;
    this.#move(record, scheduleEvent(this.#at(record, at)));
  }

  /** A cancel was sent to the task's worker: if no word comes within `lostWorkerMs`, it ends here. */
  expectCancel(record: BullMQTask): void {
    this.#watch(record, this.#options.lostWorkerMs, () => {
      const reason = record.cancelReason ?? 'canceled';
      void this.#options.removeJob(record.id);
      this.#endHere(record, TaskState.CANCELED, new TaskCanceledError(record.id, reason), reason);
    });
  }

  /**
   * Reads again, from Redis, the job of every task this side follows (after an outage, when
   * events may be lost): a finished job finishes its task, an active one starts it; a job that
   * is gone is handed to `resubmit` if its task had not started, else its task ends FAILED
   * (`ERR_JOB_LOST`).
   */
  async reconcile(queue: Queue, resubmit: (record: BullMQTask) => void): Promise<void> {
    for (const record of [...this.#options.ledger.registry.liveRecords()]) {
      if (record.job !== 'added' || this.#closed) continue;
      try {
        // The state first: a job read before it finishes would show its state as completed
        // (read a moment later) with no value yet. BullMQ sets the value and the state at once.
        const state = await queue.getJobState(record.id);
        if (state === 'unknown') {
          this.#jobGone(record, resubmit);
          continue;
        }
        const at = this.#options.clock.now();
        if (state === 'active') this.#active(record.id, at);
        if (state !== 'completed' && state !== 'failed') continue;
        // Removed in between (the queue's keep counts): finished, and its event says how.
        const job = await Job.fromId(queue, record.id);
        if (job === undefined) continue;
        if (state === 'completed') this.#completed(record.id, job.returnvalue, at);
        else this.#failed(record.id, job.failedReason, at);
      } catch {
        // Redis went away again: the next reconnect reads them once more.
        return;
      }
    }
  }

  /**
   * A followed task whose job Redis no longer has (a Redis that restarted without its data): a
   * task that had not started is handed to `resubmit`; one that had ends FAILED (`ERR_JOB_LOST`).
   */
  #jobGone(record: BullMQTask, resubmit: (record: BullMQTask) => void): void {
    if (record.state === TaskState.STARTED) {
      const lost = new SchedulerError(
        SchedulerErrorCode.JOB_LOST,
        `The job of task ${record.id} ("${record.name}") is gone from Redis while it ran`,
        { taskId: record.id },
      );
      this.#endHere(record, TaskState.FAILED, lost);
    } else if (!isFinished(record.state)) {
      record.job = 'held';
      resubmit(record);
    }
  }

  /** Stops following (the lane is closing). */
  close(): void {
    this.#closed = true;
    for (const record of this.#options.ledger.registry.liveRecords()) this.#unwatch(record);
  }

  /**
   * Handles an event of a task followed here now; one of a task not yet followed is held until
   * its job is read and the task adopted (`follow: 'all'`), then handled in order.
   */
  #route(event: string, jobId: string | undefined, handle: () => void): void {
    if (jobId === undefined || this.#closed) return;
    const { ledger, adopt } = this.#options;
    const pending = this.#adopting.get(jobId);
    if (pending !== undefined) {
      pending.push(handle);
      return;
    }
    if (ledger.registry.live(jobId) !== undefined) {
      handle();
      return;
    }
    if (adopt === undefined || !LIVE_JOB_EVENTS.has(event)) return;
    if (ledger.registry.finished(jobId) !== undefined) return;
    const held = [handle];
    this.#adopting.set(jobId, held);
    const release = (record: BullMQTask | undefined): void => {
      this.#adopting.delete(jobId);
      if (record === undefined || this.#closed) return;
      for (const next of held) next();
    };
    adopt(jobId).then(release, () => {
      release(undefined);
    });
  }

  #live(id: string | undefined): BullMQTask | undefined {
    return id === undefined || this.#closed ? undefined : this.#options.ledger.registry.live(id);
  }

  /** Never before a stamp the task has: two clocks (this side's, Redis's) may disagree. */
  #at(record: BullMQTask, at: number): number {
    return Math.max(at, latestStamp(record.ts));
  }

  #active(jobId: string | undefined, at: number): void {
    const record = this.#live(jobId);
    if (record === undefined) return;
    this.queued(record, at);
    if (!isWaiting(record.state)) return;
    this.#move(record, startEvent(this.#at(record, at)));
    const { timeoutMs } = record;
    if (timeoutMs !== undefined) {
      const attempt = record.attempt ?? 1;
      this.#watch(record, timeoutMs + this.#options.lostWorkerMs, () => {
        if ((record.attempt ?? 1) !== attempt) return;
        this.#timedOutHere(record, timeoutMs);
      });
    }
    if (record.cancelReason !== undefined) {
      this.#options.cancelActive(record.id, record.cancelReason);
      this.expectCancel(record);
    }
  }

  #completed(jobId: string | undefined, value: unknown, at: number): void {
    const record = this.#live(jobId);
    if (record === undefined) return;
    this.#startedBy(record, at);
    this.#move(record, doneEvent(this.#at(record, at), value));
  }

  #failed(jobId: string | undefined, failedReason: string, at: number): void {
    const record = this.#live(jobId);
    if (record === undefined) return;
    const report = this.#takeReport(record);
    this.#startedBy(record, at);
    const stamp = this.#at(record, at);
    if (report === undefined) {
      const error = STALLED_LIMIT.test(failedReason)
        ? toErrorData(crashError(record.id, failedReason))
        : { name: 'Error', message: failedReason };
      this.#end(record, failEvent(stamp, error), TaskState.FAILED, error, undefined);
      return;
    }
    const { outcome, error, reason } = report;
    const event =
      outcome === 'CANCELED'
        ? cancelEvent(stamp, reason ?? record.cancelReason ?? 'canceled', error)
        : outcome === 'TIMED_OUT'
          ? timeoutEvent(stamp, reason ?? 'timed out', error)
          : failEvent(stamp, error);
    this.#end(record, event, TaskState[outcome], error, reason);
  }

  /** Back to waiting (`runAfter` undefined) or delayed: a retry of a STARTED task. */
  #waiting(jobId: string | undefined, at: number, runAfter: number | undefined): void {
    const record = this.#live(jobId);
    if (record === undefined) return;
    if (record.state === TaskState.NEW || record.state === TaskState.SUBMITTED) {
      this.queued(record, at);
      if (runAfter !== undefined) record.runAfter = runAfter;
      return;
    }
    if (record.state !== TaskState.STARTED) {
      if (record.cancelReason !== undefined) void this.#removeCanceled(record);
      return;
    }
    const stamp = this.#at(record, at);
    const report = this.#takeReport(record);
    if (report === undefined) {
      // Handed back by the stalled-job check: its worker is gone.
      const crash = crashError(
        record.id,
        'the worker running it stopped renewing its lock (stalled)',
      );
      if ((record.attempt ?? 1) >= record.payload.attempts) {
        void this.#options.removeJob(record.id);
        this.#end(
          record,
          failEvent(stamp, toErrorData(crash)),
          TaskState.FAILED,
          toErrorData(crash),
          undefined,
        );
        return;
      }
      this.#move(record, retryEvent(stamp, 'FAILED', toErrorData(crash), runAfter ?? stamp));
      return;
    }
    const outcome = report.outcome === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
    this.#move(
      record,
      retryEvent(stamp, outcome, report.error, Math.max(runAfter ?? stamp, stamp)),
    );
  }

  #removed(jobId: string | undefined, at: number): void {
    const record = this.#live(jobId);
    if (record === undefined || record.state === TaskState.STARTED) return;
    const reason = record.cancelReason ?? 'its job was removed from the queue';
    this.queued(record, at);
    this.#endHere(record, TaskState.CANCELED, new TaskCanceledError(record.id, reason), reason, at);
  }

  async #removeCanceled(record: BullMQTask): Promise<void> {
    if (!(await this.#options.removeJob(record.id))) return;
    const reason = record.cancelReason ?? 'canceled';
    this.#endHere(record, TaskState.CANCELED, new TaskCanceledError(record.id, reason), reason);
  }

  #takeReport(record: BullMQTask): AttemptReport | undefined {
    const { report } = record;
    record.report = undefined;
    return report;
  }

  /** A final event that comes with no STARTED seen (missed, or failed on activation). */
  #startedBy(record: BullMQTask, at: number): void {
    this.queued(record, at);
    if (isWaiting(record.state)) this.#move(record, startEvent(this.#at(record, at)));
  }

  #timedOutHere(record: BullMQTask, timeoutMs: number): void {
    const reason = `timed out after ${timeoutMs} ms (no worker reported on it ${this.#options.lostWorkerMs} ms later)`;
    this.#options.cancelActive(record.id, reason);
    void this.#options.removeJob(record.id);
    this.#endHere(
      record,
      TaskState.TIMED_OUT,
      new TaskTimeoutError(record.id, timeoutMs, record.name),
      reason,
    );
  }

  /** Ends a task on this side's word (no event of its job said so). */
  #endHere(
    record: BullMQTask,
    to: 'FAILED' | 'TIMED_OUT' | 'CANCELED',
    failure: Error,
    reason?: string,
    at = this.#options.clock.now(),
  ): void {
    if (isFinished(record.state)) return;
    const error = toErrorData(failure);
    const stamp = this.#at(record, at);
    // FAILED comes only from STARTED; a cancel from any state that is not final.
    if (to === TaskState.FAILED) this.#startedBy(record, stamp);
    else if (record.state === TaskState.NEW) this.#move(record, submitEvent(record.submittedAt));
    const event =
      to === TaskState.CANCELED
        ? cancelEvent(stamp, reason ?? 'canceled', error)
        : to === TaskState.TIMED_OUT
          ? timeoutEvent(stamp, reason ?? 'timed out', error)
          : failEvent(stamp, error);
    record.failure = failure;
    this.#move(record, event);
  }

  #end(
    record: BullMQTask,
    event: TaskEvent,
    to: TaskState,
    error: TaskErrorData,
    reason: string | undefined,
  ): void {
    record.failure = failureOf(record, to, error, reason);
    this.#move(record, event);
  }

  #move(record: BullMQTask, event: TaskEvent): void {
    const from = record.state;
    if (!this.#options.move(record, event)) return;
    if (from === TaskState.STARTED) this.#unwatch(record);
    if (isFinished(record.state)) this.#options.settled(record);
  }

  #watch(record: BullMQTask, delayMs: number, fire: () => void): void {
    this.#unwatch(record);
    record.watch = this.#options.clock.setTimeout(() => {
      record.watch = undefined;
      if (!isFinished(record.state)) fire();
    }, delayMs);
  }

  #unwatch(record: BullMQTask): void {
    if (record.watch === undefined) return;
    this.#options.clock.clearTimeout(record.watch);
    record.watch = undefined;
  }
}

/** The error of a task whose worker died under it. */
function crashError(taskId: string, why: string): WorkerCrashedError {
  return new WorkerCrashedError(`Task ${taskId}: ${why}`, { taskId });
}
