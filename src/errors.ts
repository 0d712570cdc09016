import { describeValue } from './validate.js';

/**
 * Fixed error codes carried by every {@link SchedulerError}.
 *
 * @remarks Codes never change meaning; match on them (or on the subclasses) rather than on
 * messages, which may be reworded.
 */
export const SchedulerErrorCode = {
  /** A task id that was never submitted, or whose record retention has evicted. */
  UNKNOWN_TASK: 'ERR_UNKNOWN_TASK',
  /** `submitTask()` after `stop()` was called. */
  SCHEDULER_STOPPED: 'ERR_SCHEDULER_STOPPED',
  /** A task ran past its `timeoutMs`. */
  TASK_TIMEOUT: 'ERR_TASK_TIMEOUT',
  /** A task was canceled by `cancelTask()` or `stop()`. */
  TASK_CANCELED: 'ERR_TASK_CANCELED',
  /** The thread running a task died. */
  WORKER_CRASHED: 'ERR_WORKER_CRASHED',
  /** Executor threads crashed past the restart limit; SyncTasks fail until one restarts. */
  EXECUTOR_DEGRADED: 'ERR_EXECUTOR_DEGRADED',
  /**
   * A lane thread or an executor thread could not start (its entry did not load, threw on
   * import, or exited before it was ready) past the restart limit: the tasks waiting for it
   * fail with this code, the start error as `cause`, until a thread starts.
   */
  THREAD_START_FAILED: 'ERR_THREAD_START_FAILED',
  /**
   * A task's module could not be loaded (not found, a syntax error, it threw while loading):
   * the message names the task, the module as given (resolved to its URL) and the export;
   * `cause` holds the loader's error where it was made on this thread.
   */
  TASK_MODULE_LOAD_FAILED: 'ERR_TASK_MODULE_LOAD_FAILED',
  /** `waitTask()`'s own `timeoutMs` passed before the task finished. */
  WAIT_TIMEOUT: 'ERR_WAIT_TIMEOUT',
  /** A task body threw or rejected with something that is not an `Error`. */
  NON_ERROR_THROWN: 'ERR_NON_ERROR_THROWN',
  /**
   * A task body returned or threw a value that throws when the scheduler reads it: a thenable
   * whose `then` throws (or whose `then` getter does), a Proxy whose traps throw, an Error whose
   * `name`, `message` or `stack` getter throws. The task ends FAILED with this code; the
   * message says what came back, and `cause` holds what reading it threw.
   *
   * @remarks The scheduler reads a body's outcome only through guarded reads, so such a value
   * never escapes as an exception from `submitTask()`, never leaves its task STARTED, and never
   * kills a lane thread. A thenable's `then` may still run code of its own: it runs once.
   * @example
   * ```ts
   * import { AsyncTask } from 'async-scheduler';
   *
   * const hostile = new AsyncTask('bad', () => ({
   *   then() {
   *     throw new Error('no');
   *   },
   * }));
   * const info = await scheduler.waitTask(scheduler.submitTask(hostile));
   * console.log(info.state, info.error?.code); // FAILED ERR_HOSTILE_VALUE
   * ```
   */
  HOSTILE_VALUE: 'ERR_HOSTILE_VALUE',
  /**
   * A task body threw an {@link UnrecoverableError}: the task failed at once, with attempts
   * left unused.
   */
  UNRECOVERABLE: 'ERR_UNRECOVERABLE',
  /**
   * A submit past the scheduler's `maxQueued`: nothing was added, the submit threw
   * {@link QueueFullError}.
   */
  QUEUE_FULL: 'ERR_QUEUE_FULL',
  /**
   * An occurrence of a `repeat()` schedule could not be submitted when it was due (the submit
   * threw something other than a SchedulerError, which is reported as it is): that occurrence
   * is skipped, the schedule goes on; the submit's error is the `cause`.
   */
  REPEAT_SUBMIT_FAILED: 'ERR_REPEAT_SUBMIT_FAILED',
  /** A user callback (`onDone`, …) threw. */
  CALLBACK_FAILED: 'ERR_CALLBACK_FAILED',
  /**
   * A BullMQScheduler lost its connection to Redis (reported once per outage, on `errors$`): it
   * reconnects by itself, submits wait meanwhile, and on its return every task is read again.
   */
  REDIS_UNAVAILABLE: 'ERR_REDIS_UNAVAILABLE',
  /**
   * A BullMQ task's job is gone from Redis (a Redis that restarted without persistence, or a job
   * removed by hand) after it started: it ends FAILED with this code. One that had not started
   * is added again.
   */
  JOB_LOST: 'ERR_JOB_LOST',
  /** A subscriber of `transitions$` threw. */
  SUBSCRIBER_FAILED: 'ERR_SUBSCRIBER_FAILED',
} as const;

/** One of the {@link SchedulerErrorCode} values. */
export type SchedulerErrorCode = (typeof SchedulerErrorCode)[keyof typeof SchedulerErrorCode];

/** Options shared by every {@link SchedulerError}. */
export interface SchedulerErrorOptions {
  /** The underlying error or value, when there is one. */
  cause?: unknown;
  /** The task this error concerns, when there is one. */
  taskId?: string;
}

/**
 * Base class of every runtime failure the scheduler reports.
 *
 * @remarks Misuse of the API (a bad argument) throws `TypeError`/`RangeError` instead; a
 * `SchedulerError` is data about something that happened at run time.
 *
 * @example
 * ```ts
 * scheduler.errors$.subscribe((err) => console.warn(err.code, err.taskId, err.message));
 * ```
 */
export class SchedulerError extends Error {
  override readonly name: string = 'SchedulerError';
  /** What went wrong, as a fixed code. */
  readonly code: SchedulerErrorCode;
  /** The task this error concerns, if any. */
  readonly taskId: string | undefined;

  constructor(code: SchedulerErrorCode, message: string, options: SchedulerErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.taskId = options.taskId;
  }
}

/** Thrown for an id that was never submitted or whose finished record was evicted by retention. */
export class UnknownTaskError extends SchedulerError {
  override readonly name = 'UnknownTaskError';
  constructor(taskId: string) {
    super(
      SchedulerErrorCode.UNKNOWN_TASK,
      `Unknown task id ${typeof taskId === 'string' ? `"${taskId}"` : describeValue(taskId)}: it was never submitted to this scheduler, or its finished record was evicted by retention`,
      { taskId },
    );
  }
}

/**
 * Thrown by `submitTask()` once `stop()` has been called, and by `start()` after `stop()`: a
 * stopped scheduler never runs again (make a new one).
 */
export class SchedulerStoppedError extends SchedulerError {
  override readonly name = 'SchedulerStoppedError';
  /**
   * @param lane - the scheduler's name.
   * @param refused - what it refused; default: new tasks.
   */
  constructor(lane: string, refused = 'accepts no new tasks') {
    super(
      SchedulerErrorCode.SCHEDULER_STOPPED,
      `Scheduler "${lane}" is stopped (or stopping) and ${refused}`,
    );
  }
}

/**
 * The error of a task that ran past its `timeoutMs`; `result()` rejects with it.
 *
 * @remarks Its message names the task: `Task "resize" (0190…) timed out after 500 ms`.
 */
export class TaskTimeoutError extends SchedulerError {
  override readonly name = 'TaskTimeoutError';
  /** The limit that passed, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * @param taskName - the task's name, for the message (absent: the message names only the id).
   */
  constructor(taskId: string, timeoutMs: number, taskName?: string) {
    const task = taskName === undefined ? taskId : `"${taskName}" (${taskId})`;
    super(SchedulerErrorCode.TASK_TIMEOUT, `Task ${task} timed out after ${timeoutMs} ms`, {
      taskId,
    });
    this.timeoutMs = timeoutMs;
  }
}

/** The error of a canceled task; `result()` rejects with it and a running body's signal aborts with it. */
export class TaskCanceledError extends SchedulerError {
  override readonly name = 'TaskCanceledError';
  /** Why the task was canceled. */
  readonly reason: string;
  constructor(taskId: string, reason: string) {
    super(SchedulerErrorCode.TASK_CANCELED, `Task canceled: ${reason}`, { taskId });
    this.reason = reason;
  }
}

/** The error of a task whose thread died under it (process.exit, uncaught error, out of memory). */
export class WorkerCrashedError extends SchedulerError {
  override readonly name = 'WorkerCrashedError';
  /** The thread's exit code, when it exited. */
  readonly exitCode: number | undefined;
  constructor(message: string, options: SchedulerErrorOptions & { exitCode?: number } = {}) {
    super(SchedulerErrorCode.WORKER_CRASHED, message, options);
    this.exitCode = options.exitCode;
  }
}

/** Rejection of `waitTask()` when the caller's own `timeoutMs` passes; the task is not touched. */
export class WaitTimeoutError extends SchedulerError {
  override readonly name = 'WaitTimeoutError';
  /** The caller's limit, in milliseconds. */
  readonly timeoutMs: number;
  constructor(taskId: string, timeoutMs: number) {
    super(
      SchedulerErrorCode.WAIT_TIMEOUT,
      `Gave up waiting for task "${taskId}" after ${timeoutMs} ms; the task itself goes on`,
      { taskId },
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Thrown by a task body to fail its task at once: no retry, whatever attempts are left.
 *
 * @remarks Throw it for an error that another attempt cannot fix (bad input, a missing
 * record). The task ends FAILED with `code` `ERR_UNRECOVERABLE` and this message; `cause` is
 * kept as given.
 * @example
 * ```ts
 * import { AsyncTask, UnrecoverableError } from 'async-scheduler';
 *
 * const fetchUser = new AsyncTask(
 *   'fetch-user',
 *   async ({ args: [id] }: { args: [string] }) => {
 *     if (id === '') throw new UnrecoverableError('no user id');
 *     return { id };
 *   },
 *   { retry: { attempts: 5, backoff: { delayMs: 100 } } },
 * );
 * ```
 */
export class UnrecoverableError extends SchedulerError {
  override readonly name = 'UnrecoverableError';
  constructor(message: string, options: SchedulerErrorOptions = {}) {
    super(SchedulerErrorCode.UNRECOVERABLE, message, options);
  }
}

/**
 * Thrown by a submit when the scheduler already holds `maxQueued` waiting tasks (SUBMITTED or
 * SCHEDULED, delayed ones included): nothing was added, no id was made.
 */
export class QueueFullError extends SchedulerError {
  override readonly name = 'QueueFullError';
  /** The scheduler's `maxQueued`. */
  readonly maxQueued: number;
  /**
   * @param lane - the scheduler's name.
   * @param maxQueued - its limit.
   */
  constructor(lane: string, maxQueued: number) {
    super(
      SchedulerErrorCode.QUEUE_FULL,
      `Scheduler "${lane}" is full: ${maxQueued} tasks wait already (maxQueued); nothing was added`,
    );
    this.maxQueued = maxQueued;
  }
}
