import type { TaskState } from '../taskState.js';
import type { RetryPolicy } from './retryPolicy.js';

/**
 * What a task body receives.
 *
 * @typeParam TArgs - the arguments given to `submitTask(task, ...args)`.
 */
export interface TaskContext<TArgs extends readonly unknown[] = unknown[]> {
  /** The task's id (a UUID v7). */
  readonly id: string;
  /** The task's name. */
  readonly name: string;
  /** The lane running it (`'main'` for an AsyncScheduler unless named otherwise). */
  readonly lane: string;
  /** The arguments given at submit. */
  readonly args: TArgs;
  /**
   * Aborts when the task times out or is canceled, with a `TaskTimeoutError` or
   * `TaskCanceledError` as `signal.reason`.
   *
   * @remarks A main-loop body that ignores it keeps running in the background, but the task is
   * final at once and whatever the body returns later is discarded.
   */
  readonly signal: AbortSignal;
}

/**
 * A task body as a function.
 *
 * @typeParam TArgs - the arguments it takes.
 * @typeParam TResult - what it returns (or resolves to).
 */
export type TaskFn<TArgs extends readonly unknown[] = unknown[], TResult = unknown> = (
  ctx: TaskContext<TArgs>,
) => TResult | Promise<TResult>;

/**
 * A task body as a module reference: the module's export (`'default'` unless named) must be a
 * {@link TaskFn}.
 *
 * @example
 * ```ts
 * import { AsyncTask } from 'async-scheduler';
 *
 * new AsyncTask('resize', { module: new URL('./resize.js', import.meta.url), export: 'resize' });
 * ```
 */
export interface TaskModuleRef {
  /** A module specifier, an absolute path, or a `file:` URL. */
  readonly module: string | URL;
  /** The export to call. @default 'default' */
  readonly export?: string;
}

/**
 * A task body named by a worker handler: a BullMQScheduler's task whose body is the function its
 * workers registered under `handler` (`runWorker({ handlers: { [handler]: fn } })`).
 *
 * @remarks Only a BullMQScheduler runs such a task: an AsyncScheduler or SchedulerThread refuses
 * it at submit with a TypeError, since no handler is registered in this process.
 * @example
 * ```ts
 * import { AsyncTask } from 'async-scheduler';
 *
 * const send = new AsyncTask<[to: string, body: string], string>('send', { handler: 'send' });
 * ```
 */
export interface TaskHandlerRef {
  /** The name the workers registered the body under. */
  readonly handler: string;
}

/** The two kinds of task. */
export type TaskType = 'async' | 'sync';

/** The timestamps of a task: each set once, when its state is entered (epoch ms, sub-ms precision). */
export interface TaskTimestamps {
  readonly submit?: number;
  readonly schedule?: number;
  readonly start?: number;
  readonly timeout?: number;
  readonly error?: number;
  readonly done?: number;
  readonly cancel?: number;
}

/** A task's error, as plain data. */
export interface TaskErrorData {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/**
 * A frozen snapshot of one task, safe to keep.
 */
export interface TaskInfo {
  readonly id: string;
  readonly name: string;
  readonly type: TaskType;
  readonly lane: string;
  readonly state: TaskState;
  readonly args: readonly unknown[];
  readonly priority: number;
  readonly timeoutMs?: number;
  /** The idempotency key of `submit(task, { key })`; absent when submitted without one. */
  readonly key?: string;
  readonly ts: TaskTimestamps;
  /** `ts.start - ts.submit`, once started. */
  readonly waitMs?: number;
  /** From `ts.start` to the final timestamp, or to now while running. */
  readonly runMs?: number;
  /** What the body returned (DONE only). */
  readonly result?: unknown;
  /** Why it failed (FAILED, TIMED_OUT, CANCELED). */
  readonly error?: TaskErrorData;
  /** Why it was canceled or timed out. */
  readonly reason?: string;
  /** The current attempt, or the last one once final: 1-based. */
  readonly attempt: number;
  /** The attempts that failed or timed out and were retried, oldest first (empty: none). */
  readonly attempts: readonly TaskAttempt[];
  /**
   * Epoch ms before which the task will not start: set while it waits out a delay
   * (`delayMs`, `runAt`) or a retry's backoff.
   */
  readonly runAfter?: number;
  /** The id of the `repeat()` schedule this task is an occurrence of. */
  readonly repeatId?: string;
}

/** One attempt of a task that failed or timed out and was tried again. */
export interface TaskAttempt {
  /** 1-based. */
  readonly attempt: number;
  /** When it STARTED, epoch ms. */
  readonly start: number;
  /** When it failed or timed out, epoch ms. */
  readonly end: number;
  /** How it ended. */
  readonly state: 'FAILED' | 'TIMED_OUT';
  /** Its error. */
  readonly error?: TaskErrorData;
}

/** One transition of one task, as carried by `transitions$`. */
export interface TaskTransition {
  readonly id: string;
  readonly name: string;
  readonly lane: string;
  readonly from: TaskState;
  readonly to: TaskState;
  /** When `to` was entered (epoch ms). */
  readonly at: number;
  /** The task as it was right after this transition. */
  readonly info: TaskInfo;
  /**
   * `'retry'` on the edge STARTED → SCHEDULED: an attempt failed or timed out and the task
   * waits for its next one. Absent on every other transition.
   */
  readonly reason?: 'retry' | undefined;
}

/** A callback called once with a task's frozen info, right after the named state is entered. */
export type TaskCallback = (info: TaskInfo) => void;

/**
 * The per-state callbacks, on a task or on a whole scheduler.
 *
 * @remarks Each is called once per task, after its state is entered, with a frozen
 * {@link TaskInfo}. One that throws changes nothing: the error goes to `errors$`. The scheduler
 * never waits for a callback; an `async` one may run on, and its rejection goes to `errors$` too.
 */
export interface TaskCallbacks {
  /** After SUBMITTED. */
  onSubmit?: TaskCallback;
  /** After SCHEDULED (queued in its lane). */
  onSchedule?: TaskCallback;
  /** After STARTED. */
  onStart?: TaskCallback;
  /** After DONE. */
  onDone?: TaskCallback;
  /** After FAILED. */
  onError?: TaskCallback;
  /** After TIMED_OUT. */
  onTimeout?: TaskCallback;
  /** After CANCELED. */
  onCancel?: TaskCallback;
  /**
   * After an attempt failed or timed out and the task went back to SCHEDULED for another (the
   * info's `attempts` ends with that attempt, and `runAfter` says when the next may start).
   */
  onRetry?: TaskCallback;
}

/** The callback names, in lifecycle order. */
export type TaskCallbackName = keyof TaskCallbacks;

/** Options of one task. */
export interface TaskOptions extends TaskCallbacks {
  /**
   * Longest the body may run, in milliseconds.
   *
   * @remarks The clock starts at STARTED, not at submit: time spent queued does not count.
   * `0` or absent means no limit.
   * @default 0
   */
  timeoutMs?: number;
  /**
   * Higher runs first; FIFO among equals. Any finite number.
   * @default 0
   */
  priority?: number;
  /**
   * Every run waits this long after its submit before it may start, ms (it waits in
   * SCHEDULED, and holds back no ready task). A submit's own `delayMs` or `runAt` replaces it.
   * @default 0
   */
  delayMs?: number;
  /** Tries a failed or timed-out run again; replaces the scheduler's `retry`. */
  retry?: RetryPolicy;
}
