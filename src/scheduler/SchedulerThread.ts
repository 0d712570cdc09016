import type { Observable } from 'rxjs';
import { moduleHref } from '../actors/loadTaskModule.js';
import { SchedulerStoppedError, TaskCanceledError, type SchedulerError } from '../errors.js';
import { createIdFactory } from '../ids.js';
import { TaskState } from '../taskState.js';
import type { Clock } from '../clock.js';
import { AsyncTask } from '../tasks/AsyncTask.js';
import { SyncTask } from '../tasks/SyncTask.js';
import type { TaskInfo, TaskModuleRef, TaskTransition } from '../tasks/types.js';
import { assertNonEmptyString } from '../validate.js';
import { DEFAULT_CANCEL_REASON } from './lane/LaneEngine.js';
import { resolveSchedulerOptions, type AsyncSchedulerOptions } from './schedulerOptions.js';
import {
  cloneArgs,
  assertInProcessTask,
  assertTask,
  dumpTasks,
  resolveStopOptions,
  resultOf,
  slowestOf,
  taskInfoOf,
  waitForTask,
  type SlowestOptions,
  type StopOptions,
  type InProcessTask,
  type WaitTaskOptions,
} from './taskQueries.js';
import { LaneThreadHost } from './placements/thread/LaneThreadHost.js';
import { TaskLedger } from './ledger/TaskLedger.js';
import { createThreadTask, type ThreadTask } from './placements/thread/ThreadTask.js';
import { ThreadObservation } from './placements/thread/ThreadObservation.js';
import { guardedMetrics } from './guardedMetrics.js';
import type { RunOptions } from './lane/laneConfig.js';
import type { RepeatOptions } from './repeat/RepeatOptions.js';
import type { RepeatHandle } from './repeat/RepeatSchedule.js';
import { RepeatSchedules } from './repeat/RepeatSchedules.js';
import type { SubmitArguments } from './submit/SubmitOptions.js';
import type { TaskHandle } from './submit/TaskHandle.js';
import type { TaskId } from './submit/TaskId.js';
import { TaskSubmissions } from './submit/TaskSubmissions.js';
import type { RetryPolicy } from '../tasks/retryPolicy.js';
import { assertCrossableRetry, threadRunPolicy } from './placements/thread/threadRunPolicy.js';
import type { LaneMetrics, SchedulerWarning } from '../metrics/types.js';
import { NotStartedWatch } from './NotStartedWatch.js';
import { FlowControl } from './FlowControl.js';
import { threadOptionsOf, type SchedulerThreadOptions } from './schedulerThreadOptions.js';

const DEFAULT_EXPORT = 'default';

/** A task for a lane thread: its body must be a module reference, its args must clone. */
function assertThreadTask(task: unknown): asserts task is InProcessTask {
  assertTask(task);
  assertInProcessTask(task, 'SchedulerThread');
  if (typeof task.run === 'function') {
    throw new TypeError(
      `Expected AsyncTask "${task.name}" to have a module reference body { module, export? } for a SchedulerThread, got a function: its body runs in the lane's own thread, and functions cannot cross threads`,
    );
  }
}

/** A task `repeat()` can submit to a lane thread: a module reference body, args that clone. */
function assertThreadRepeatable(
  task: unknown,
  args: readonly unknown[],
): asserts task is InProcessTask {
  assertThreadTask(task);
  cloneArgs(task, args, 'the lane thread');
}

/**
 * A scheduler whose lane (its supervisor actor and every task actor) lives in its own worker
 * thread, with its own event loop: tasks there never block the caller's loop or another
 * SchedulerThread.
 *
 * @remarks Same options and methods as `AsyncScheduler`, called from the main thread; every
 * call crosses by message. `taskState`, `taskInfo`, `dumpTask` and `slowest` answer at once from
 * a main-side record kept current by the thread's transitions; `submitTask` enters SUBMITTED
 * there at once (later states come from the thread). Callbacks, `transitions$`,
 * `errors$` and `inspect` run on the main thread. AsyncTask bodies must be module references
 * (a function cannot cross threads), and arguments must survive a structured clone. If the lane
 * thread dies, its STARTED tasks end FAILED with `WorkerCrashedError`, and a replacement thread
 * takes over the tasks that had not started. The `clock` option drives only the main side
 * (`waitTask` limits, retention ages); the lane thread keeps time with the system clock.
 * @example
 * ```ts
 * import { AsyncTask, SchedulerThread } from 'async-scheduler';
 *
 * const urgent = new SchedulerThread({ name: 'urgent', concurrency: 4, autoStart: true });
 * const ping = AsyncTask.from<typeof import('./ping.js')>('ping', {
 *   module: new URL('./ping.js', import.meta.url),
 * });
 * console.log(await urgent.result(urgent.submitTask(ping, 'host-1')));
 * console.log(await urgent.submit(ping, { args: ['host-2'], priority: 9 }).result());
 * await urgent.stop();
 * ```
 */
export class SchedulerThread {
  readonly #name: string;
  readonly #ledger: TaskLedger<ThreadTask>;
  readonly #host: LaneThreadHost;
  readonly #observation: ThreadObservation;
  readonly #metrics$: Observable<LaneMetrics>;
  readonly #createTaskId = createIdFactory();
  readonly #clock: Clock;
  /** The scheduler's retry policy, applied on this side at submit (never with `retryOn`). */
  readonly #retry: RetryPolicy | undefined;
  readonly #notStarted: NotStartedWatch;
  #started = false;
  #stopCalled = false;
  readonly #submissions: TaskSubmissions;
  readonly #repeats: RepeatSchedules;
  readonly #flow: FlowControl<ThreadTask>;

  /**
   * Starts the lane thread (it keeps the process alive only while it has work).
   *
   * @param options - as AsyncScheduler's, with the lane's `name` required; `inspect` and the
   * `on*` callbacks are called on the main thread, `threads`/`resourceLimits`/`restart` apply
   * to the lane's executor threads (which live inside the lane thread: a SchedulerThread never
   * uses the process's shared executor pool) and `restart` also to the lane thread itself.
   * @throws TypeError for a missing name, RangeError for an empty one, TypeError/RangeError for
   * a bad option; Error when the built lane entry (`dist/worker/laneWorker.js`) is missing
   * while running from the TypeScript sources.
   * @example
   * ```ts
   * import { SchedulerThread } from 'async-scheduler';
   *
   * const reports = new SchedulerThread({ name: 'reports', concurrency: 2 });
   * ```
   */
  constructor(options: SchedulerThreadOptions);
  /**
   * Starts the lane thread (it keeps the process alive only while it has work).
   *
   * @param name - the lane's name, in every TaskInfo and in the inspector (it takes the place
   * of the `name` option).
   * @param options - as in the `{ name, ...options }` form.
   * @throws as the `{ name, ...options }` form.
   */
  constructor(name: string, options?: AsyncSchedulerOptions);
  constructor(nameOrOptions: string | SchedulerThreadOptions, options?: AsyncSchedulerOptions) {
    const threadOptions = threadOptionsOf(nameOrOptions, options);
    const resolved = resolveSchedulerOptions(threadOptions, threadOptions.name);
    this.#name = resolved.name;
    const ledger = new TaskLedger<ThreadTask>(
      resolved.retention,
      resolved.clock,
      resolved.callbacks,
    );
    this.#ledger = ledger;
    this.#clock = resolved.clock;
    assertCrossableRetry(resolved.retry, `SchedulerThread "${resolved.name}"`);
    this.#retry = resolved.retry;
    const observation = new ThreadObservation({
      sampleIntervalMs: resolved.metricsIntervalMs,
      reportError: (error) => {
        ledger.reporter.reportError(error);
      },
    });
    this.#observation = observation;
    this.#host = new LaneThreadHost({
      init: {
        lane: resolved.name,
        concurrency: resolved.concurrency,
        threads: resolved.threads,
        resourceLimits: resolved.resourceLimits,
        restart: resolved.restart,
        inspect: resolved.inspect !== undefined,
        slowTaskMs: resolved.slowTaskMs,
        rateLimit: resolved.rateLimit,
      },
      clock: resolved.clock,
      ledger,
      inspect: resolved.inspect,
      observation,
    });
    this.#flow = new FlowControl({
      lane: this.#host,
      name: resolved.name,
      ledger,
      maxQueued: resolved.maxQueued,
    });
    this.#submissions = new TaskSubmissions(this, ledger, (task, args, run, canceledWith) =>
      this.#submitRun(task, args, run, canceledWith),
    );
    this.#repeats = new RepeatSchedules(
      resolved,
      this.#submissions,
      ledger,
      assertThreadRepeatable,
    );
    this.#metrics$ = guardedMetrics(
      {
        lane: resolved.name,
        kind: 'thread',
        transitions$: ledger.reporter.transitions$,
        warnings$: observation.warnings$,
        now: () => resolved.clock.now(),
        counts: () => ({
          queued: ledger.queuedCount,
          running: ledger.runningCount,
          submitted: ledger.counters.submitted,
          finished: ledger.counters.finished(),
          retried: ledger.counters.retried,
          delayed: ledger.delayedCount(resolved.clock.now()),
        }),
        threads: () => observation.threads(),
        loop: observation.loop,
      },
      resolved.metricsIntervalMs,
      ledger.reporter,
    );
    this.#notStarted = new NotStartedWatch({
      lane: resolved.name,
      clock: resolved.clock,
      queued: () => ledger.queuedCount,
      warn: (warning) => {
        observation.warn(warning);
      },
    });
    if (resolved.autoStart) this.start();
  }

  /** The lane's name. */
  get name(): string {
    return this.#name;
  }

  /** Every transition of every task, in order, delivered on the main thread. Completes when `stop()` resolves. */
  get transitions$(): Observable<TaskTransition> {
    return this.#ledger.reporter.transitions$;
  }

  /** Failures of callbacks and subscribers, and crashes of the lane thread or its executors. */
  get errors$(): Observable<SchedulerError> {
    return this.#ledger.reporter.errors$;
  }

  /**
   * The lane's figures every `metricsIntervalMs`, as AsyncScheduler's; the event loop measured
   * is the lane thread's own (its utilization read from the main side, so a blocked thread
   * shows as busy), and `threads.laneRestarts` counts replaced lane threads.
   *
   * @remarks Shared and lazy: the thread measures only while someone subscribes. Completes
   * (after a last sample) when `stop()` resolves.
   */
  get metrics$(): Observable<LaneMetrics> {
    return this.#metrics$;
  }

  /**
   * Warnings about the lane: a body that blocked the lane thread's loop longer than
   * `slowTaskMs` (detected inside the thread), or a thread the watchdog had to replace because
   * its loop stopped answering; tasks waiting over a second on a scheduler never started
   * (`scheduler.notStarted`, once, found on the main side).
   *
   * @remarks Detection runs only while someone subscribes (here or to `metrics$`). Hot;
   * completes when `stop()` resolves.
   */
  get warnings$(): Observable<SchedulerWarning> {
    return this.#observation.warnings$;
  }

  /** How many tasks are STARTED, as last reported by the thread. */
  get runningCount(): number {
    return this.#ledger.runningCount;
  }

  /** How many tasks wait to start (SUBMITTED or SCHEDULED), as last reported by the thread. */
  get queuedCount(): number {
    return this.#ledger.queuedCount;
  }

  /**
   * How many SCHEDULED tasks wait for their `runAfter` (a delay, a retry's backoff), by this
   * side's clock. They are part of {@link SchedulerThread.queuedCount}.
   *
   * @remarks Counted over the live tasks on each read (O(live tasks)): the lane thread releases
   * delayed tasks without a transition to report.
   */
  get delayedCount(): number {
    return this.#ledger.delayedCount(this.#clock.now());
  }

  /**
   * Most AsyncTasks STARTED at once in the lane thread (the option, or as last set).
   *
   * @remarks As `AsyncScheduler.concurrency`; a new value crosses to the thread by message (and
   * is given to a replacement thread before any task).
   * @throws TypeError/RangeError, when set, unless a whole number >= 1 or Infinity.
   */
  get concurrency(): number {
    return this.#flow.concurrency;
  }

  set concurrency(value: number) {
    this.#flow.concurrency = value;
  }

  /** True between `pause()` and `resume()` (or a `stop()`, which resumes), on the main side. */
  get isPaused(): boolean {
    return this.#flow.isPaused;
  }

  /**
   * Starts no new task in the lane thread until `resume()`: as `AsyncScheduler.pause`.
   *
   * @remarks Crosses by message: a task the thread started before it arrived keeps running. A
   * replacement thread is paused before it gets any task.
   */
  pause(): void {
    this.#flow.pause();
  }

  /** Lets tasks start again in the lane thread. Idempotent. */
  resume(): void {
    this.#flow.resume();
  }

  /**
   * Gives a task waiting to start a new priority, as `AsyncScheduler.setPriority`.
   *
   * @remarks Answered at once from the main side's record: true while the task is SUBMITTED or
   * SCHEDULED there; the thread is told. A race: a task the thread started before the message
   * arrived (its STARTED still on its way) keeps running, though its info shows the new priority.
   * @returns false for a task that started or is final (as last reported), or an unknown id.
   * @throws TypeError/RangeError unless `priority` is a finite number.
   */
  setPriority(id: string, priority: number): boolean {
    return this.#flow.setPriority(id, priority);
  }

  /**
   * Resolves once nothing is queued and nothing runs, as last reported by the thread (at once
   * when that holds already). See `AsyncScheduler.onIdle`.
   */
  onIdle(): Promise<void> {
    return this.#flow.onIdle();
  }

  /** Resolves once nothing is queued (at once when that holds already). */
  onEmpty(): Promise<void> {
    return this.#flow.onEmpty();
  }

  /**
   * Resolves once fewer than `limit` tasks are queued (at once when that holds already).
   *
   * @throws TypeError/RangeError unless `limit` is a whole number >= 1.
   */
  onSizeLessThan(limit: number): Promise<void> {
    return this.#flow.onSizeLessThan(limit);
  }

  /**
   * Starts running tasks, submitted ones first. Calling it again does nothing.
   *
   * @throws SchedulerStoppedError once `stop()` was called (resolved or not).
   */
  start(): this {
    if (this.#stopCalled) throw new SchedulerStoppedError(this.#name, 'cannot start again');
    this.#started = true;
    this.#notStarted.close();
    this.#host.start();
    return this;
  }

  /**
   * Submits one run of `task` with `args` to the lane thread.
   *
   * @returns the new task's id (a UUID v7, made on the main side, typed with the task's result
   * for `result(id)`); its record exists at once, SUBMITTED.
   * @throws TypeError when `task` is not an AsyncTask or SyncTask, when an AsyncTask's body is
   * a function, or when an argument cannot be structured-cloned (the message names it);
   * SchedulerStoppedError after `stop()`; QueueFullError when `maxQueued` tasks wait already.
   */
  submitTask<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...args: NoInfer<TArgs>
  ): TaskId<TResult> {
    return this.#submitRun(task, args, undefined);
  }

  /**
   * Submits one run of `task` to the lane thread as `options` say, and returns its handle.
   *
   * @remarks As `AsyncScheduler.submit`: `args` (cloned now), `priority` and `timeoutMs` for
   * this run only, a `signal` that cancels it, an idempotency `key`.
   * @returns the run's handle (not a thenable: `await h.result()` or `await h.wait()`).
   * @throws TypeError/RangeError naming a bad or unknown option, and what `submitTask` throws.
   */
  submit<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...[options]: SubmitArguments<NoInfer<TArgs>>
  ): TaskHandle<TResult> {
    return this.#submissions.submit<TResult>(task, options);
  }

  /**
   * Submits `task` to the lane thread again and again, as `AsyncScheduler.repeat` does.
   *
   * @remarks The schedule and its timer live on the main side, on the scheduler's `clock`;
   * each occurrence crosses to the lane thread as one submit.
   * @returns the schedule's handle: `id`, `nextRunAt()`, `cancel()`.
   * @throws as `AsyncScheduler.repeat`, and TypeError for an AsyncTask with a function body.
   */
  repeat<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    options: RepeatOptions<NoInfer<TArgs>>,
  ): RepeatHandle {
    return this.#repeats.create(task, options);
  }

  #submitRun(
    task: unknown,
    args: readonly unknown[],
    run: RunOptions | undefined,
    canceledWith?: string,
  ): string {
    assertThreadTask(task);
    // After a stop, the lane's SchedulerStoppedError says more than a full queue.
    if (!this.#stopCalled) this.#flow.assertRoom();
    // Cloned now: the thread (or a restarted one) gets the args as they were at submit.
    const sent = cloneArgs(task, args, 'the lane thread');
    const ref = task.run as TaskModuleRef;
    const submittedAt = this.#clock.now();
    const record = createThreadTask(
      {
        id: this.#createTaskId(),
        name: task.name,
        type: task.type,
        lane: this.#name,
        args: Object.freeze(sent),
        priority: run?.priority ?? task.options.priority ?? 0,
        timeoutMs: run?.timeoutMs ?? task.options.timeoutMs,
        key: run?.key,
        repeatId: run?.repeatId,
      },
      { module: moduleHref(ref), export: ref.export ?? DEFAULT_EXPORT },
      task.options,
      submittedAt,
      threadRunPolicy(task, run, this.#retry, submittedAt),
    );
    if (canceledWith !== undefined) {
      // Canceled as it is submitted: it ends here, and never reaches the thread.
      this.#host.fileOnly(record);
      this.#ledger.enter(record, TaskState.SUBMITTED, { at: record.submittedAt });
      this.#ledger.end(
        record,
        TaskState.CANCELED,
        new TaskCanceledError(record.id, canceledWith),
        canceledWith,
      );
      return record.id;
    }
    this.#host.submit(record);
    // SUBMITTED on the main side at once, as in AsyncScheduler (the thread's own SUBMITTED,
    // arriving later, is ignored). Posted first, so a cancel from onSubmit follows the submit.
    this.#ledger.enter(record, TaskState.SUBMITTED, { at: record.submittedAt });
    if (!this.#started) this.#notStarted.taskSubmitted();
    return record.id;
  }

  /** The task's state. @throws UnknownTaskError for an unknown or evicted id. */
  taskState(id: string): TaskState {
    return this.taskInfo(id).state;
  }

  /** A frozen snapshot of the task. @throws UnknownTaskError for an unknown or evicted id. */
  taskInfo(id: string): TaskInfo {
    return taskInfoOf(this.#ledger, id);
  }

  /**
   * Resolves with the task's info once it is final, whatever the outcome.
   *
   * @remarks Rejects with `WaitTimeoutError` when `timeoutMs` passes first, with
   * `signal.reason` when `signal` aborts first, with `UnknownTaskError` for an unknown id.
   */
  waitTask(id: string, options: WaitTaskOptions = {}): Promise<TaskInfo> {
    return waitForTask(this.#ledger, id, options);
  }

  /**
   * The task's value once DONE.
   *
   * @remarks Rejects with `TaskTimeoutError`, `TaskCanceledError`, `WorkerCrashedError`, a
   * `SchedulerError` with its code, or the body's error rebuilt from what crossed the thread
   * (same name, message, stack and `code`; its class stayed in the thread).
   * @typeParam TResult - what the body resolves to: read from a `TaskId<TResult>`; a plain
   * string id gives `unknown`.
   */
  result<TResult = unknown>(id: TaskId<TResult>): Promise<TResult> {
    return resultOf<TResult>(this.#ledger, id);
  }

  /**
   * Cancels a task that is not final yet; the lane thread does it and answers.
   *
   * @remarks A queued task never runs; a running AsyncTask's signal aborts; a running SyncTask's
   * executor thread is terminated. When the promise resolves the task is final.
   * @returns true iff this call moved the task to CANCELED; false for a final or unknown task.
   */
  cancelTask(id: string, reason: string = DEFAULT_CANCEL_REASON): Promise<boolean> {
    assertNonEmptyString(reason, 'reason');
    return this.#host.cancel(id, reason);
  }

  /** Every retained task (live and finished) in submit order, or just the one. @throws UnknownTaskError for an unknown id. */
  dumpTask(id?: string): TaskInfo[] {
    return dumpTasks(this.#ledger, id);
  }

  /** The `n` tasks with the longest run time, slowest first (see `AsyncScheduler.slowest`). */
  slowest(n = 1, options: SlowestOptions = {}): TaskInfo[] {
    return slowestOf(this.#ledger, n, options);
  }

  /**
   * Stops accepting tasks, ends the rest in the lane thread, then ends the thread.
   *
   * @remarks As `AsyncScheduler.stop`: drains by default, `cancel: true` cancels, `timeoutMs`
   * bounds the drain. When it resolves every task is final, both streams have completed, and
   * no thread (the lane's or its executors'), port or timer keeps the process alive.
   */
  stop(options: StopOptions = {}): Promise<void> {
    const { cancel, timeoutMs } = resolveStopOptions(options);
    this.#stopCalled = true;
    this.#notStarted.close();
    this.#repeats.stop();
    return this.#host.stop({ cancel, timeoutMs });
  }

  /**
   * `stop({ cancel: true })`, for `await using`: the lane thread and its tasks end with the scope.
   *
   * @example
   * ```ts
   * import { SchedulerThread } from 'async-scheduler';
   *
   * await using lane = new SchedulerThread({ name: 'reports', autoStart: true });
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop({ cancel: true });
  }
}
