import { AsyncResource } from 'node:async_hooks';
import type { Observable } from 'rxjs';
import { fromLoop } from '../actors/fromLoop.js';
import { fromWorkerPool } from '../actors/fromWorkerPool.js';
import { SyncTask } from '../tasks/SyncTask.js';
import { fromSharedWorkerPool } from '../actors/sharedWorkerPool.js';
import { SchedulerError, SchedulerStoppedError, UnknownTaskError } from '../errors.js';
import type { TaskState } from '../taskState.js';
import { AsyncTask } from '../tasks/AsyncTask.js';
import type { TaskInfo, TaskTransition } from '../tasks/types.js';
import { guardedMetrics } from './guardedMetrics.js';
import { createLoopMonitor } from '../metrics/LoopMonitor.js';
import type { LaneMetrics, SchedulerWarning } from '../metrics/types.js';
import { assertNonEmptyString } from '../validate.js';
import { DEFAULT_CANCEL_REASON, LaneEngine } from './lane/LaneEngine.js';
import type { LiveTask } from './lane/LiveTask.js';
import { TaskLedger } from './ledger/TaskLedger.js';
import { NotStartedWatch } from './NotStartedWatch.js';
import { FlowControl } from './FlowControl.js';
import type { SubmitArguments } from './submit/SubmitOptions.js';
import type { TaskHandle } from './submit/TaskHandle.js';
import type { TaskId } from './submit/TaskId.js';
import { TaskSubmissions } from './submit/TaskSubmissions.js';
import type { RunOptions } from './lane/laneConfig.js';
import type { RepeatOptions } from './repeat/RepeatOptions.js';
import type { RepeatHandle } from './repeat/RepeatSchedule.js';
import { RepeatSchedules } from './repeat/RepeatSchedules.js';
import {
  DEFAULT_LANE_NAME,
  resolveSchedulerOptions,
  type AsyncSchedulerOptions,
} from './schedulerOptions.js';
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
  type WaitTaskOptions,
} from './taskQueries.js';

/** The `type` of the async resource that carries a submit's context to its body. */
const TASK_CONTEXT_TYPE = 'AsyncSchedulerTask';

/** A task `repeat()` can submit on the caller's loop: a SyncTask's args must clone to a thread. */
function assertLoopRepeatable(
  task: unknown,
  args: readonly unknown[],
): asserts task is AsyncTask | SyncTask {
  assertTask(task);
  assertInProcessTask(task, 'AsyncScheduler');
  if (task instanceof SyncTask) cloneArgs(task, args, 'a thread');
}

/**
 * A scheduler whose lane is the caller's event loop: AsyncTask bodies run here, up to
 * `concurrency` at once, highest priority first.
 *
 * @remarks Every submitted task is an XState actor supervised by the lane's actor; every
 * transition is on {@link AsyncScheduler.transitions$}. Submitting before {@link start} queues
 * (SUBMITTED); nothing runs until `start()`. Every submitted task ends in exactly one final
 * state, whatever happens.
 * @example
 * ```ts
 * import { AsyncScheduler, AsyncTask } from 'async-scheduler';
 *
 * const hello = new AsyncTask('hello', ({ args: [who] }: { args: [string] }) => `hi ${who}`);
 * const s = new AsyncScheduler({ concurrency: 8 });
 * s.start();
 * const id = s.submitTask(hello, 'Ada'); // TaskId<string>
 * console.log(await s.result(id)); // 'hi Ada'
 * const h = s.submit(hello, { args: ['Grace'], priority: 1, timeoutMs: 1_000 });
 * console.log(await h.result()); // 'hi Grace'
 * await s.stop();
 * ```
 */
export class AsyncScheduler {
  readonly #engine: LaneEngine;
  readonly #ledger: TaskLedger<LiveTask>;
  readonly #metrics$: Observable<LaneMetrics>;
  readonly #notStarted: NotStartedWatch;
  #started = false;
  #stopCalled = false;
  readonly #submissions: TaskSubmissions;
  readonly #repeats: RepeatSchedules;
  readonly #flow: FlowControl<LiveTask>;

  /**
   * @throws TypeError/RangeError for a bad option.
   * @example
   * ```ts
   * import { AsyncScheduler } from 'async-scheduler';
   *
   * await using s = new AsyncScheduler({ autoStart: true }); // stop({ cancel: true }) at scope end
   * ```
   */
  constructor(options?: AsyncSchedulerOptions) {
    const resolved = resolveSchedulerOptions(options, DEFAULT_LANE_NAME);
    const ledger = new TaskLedger<LiveTask>(resolved.retention, resolved.clock, resolved.callbacks);
    this.#ledger = ledger;
    this.#engine = new LaneEngine({
      lane: resolved.name,
      concurrency: resolved.concurrency,
      ledger,
      clock: resolved.clock,
      executor: fromLoop(),
      createSyncExecutor: resolved.sharedPool
        ? fromSharedWorkerPool(resolved.threads)
        : fromWorkerPool({
            size: resolved.threads,
            resourceLimits: resolved.resourceLimits,
            restart: resolved.restart,
            clock: resolved.clock,
          }),
      slowTaskMs: resolved.slowTaskMs,
      kind: 'loop',
      inspect: resolved.inspect,
      retry: resolved.retry,
      rateLimit: resolved.rateLimit,
    });
    const engine = this.#engine;
    this.#flow = new FlowControl({
      lane: engine,
      name: resolved.name,
      ledger,
      maxQueued: resolved.maxQueued,
    });
    this.#notStarted = new NotStartedWatch({
      lane: resolved.name,
      clock: resolved.clock,
      queued: () => engine.queuedCount,
      warn: (warning) => {
        engine.warn(warning);
      },
    });
    this.#submissions = new TaskSubmissions(this, ledger, (task, args, run, canceledWith) =>
      this.#submitRun(task, args, run, canceledWith),
    );
    this.#repeats = new RepeatSchedules(resolved, this.#submissions, ledger, assertLoopRepeatable);
    this.#metrics$ = guardedMetrics(
      {
        lane: engine.lane,
        kind: 'loop',
        transitions$: ledger.reporter.transitions$,
        warnings$: engine.warnings$,
        now: () => resolved.clock.now(),
        counts: () => ({
          queued: ledger.queuedCount,
          running: ledger.runningCount,
          submitted: ledger.counters.submitted,
          finished: ledger.counters.finished(),
          retried: ledger.counters.retried,
          delayed: engine.delayedCount,
        }),
        threads: () => {
          const health = engine.executorHealth();
          return {
            executorRestarts: health.restarts,
            laneRestarts: 0,
            degraded: health.degraded,
            executorActiveMs: health.activeMs,
            executorIdleMs: health.idleMs,
          };
        },
        loop: createLoopMonitor(),
      },
      resolved.metricsIntervalMs,
      ledger.reporter,
    );
    if (resolved.autoStart) this.start();
  }

  /** The lane's name (`'main'` unless given). */
  get name(): string {
    return this.#engine.lane;
  }

  /** Every transition of every task, in order. Hot: subscribe before submitting. Completes when `stop()` resolves. */
  get transitions$(): Observable<TaskTransition> {
    return this.#ledger.reporter.transitions$;
  }

  /** Failures of callbacks and subscribers; they never change a task's outcome. */
  get errors$(): Observable<SchedulerError> {
    return this.#ledger.reporter.errors$;
  }

  /**
   * The lane's figures every `metricsIntervalMs`: queue and running sizes, totals per final
   * state, throughput, wait and run percentiles, event-loop delay and utilization, thread
   * restarts, blocked-loop counts.
   *
   * @remarks Shared and lazy: the first subscriber starts the sampling, the last one to leave
   * stops it, and nothing is measured while nobody listens. Completes (after a last sample) when
   * `stop()` resolves.
   * @example
   * ```ts
   * scheduler.metrics$.subscribe((m) => {
   *   console.log(m.lane, m.running, m.throughputPerSec, m.runMs.p99);
   * });
   * ```
   */
  get metrics$(): Observable<LaneMetrics> {
    return this.#metrics$;
  }

  /**
   * Warnings about the lane: a task body that blocked the event loop longer than `slowTaskMs`,
   * with the task and a hint (make it a SyncTask, or move it to a SchedulerThread); tasks
   * waiting over a second on a scheduler never started (`scheduler.notStarted`, once).
   *
   * @remarks Blocked-loop detection runs only while someone subscribes (here or to
   * `metrics$`). Hot; completes when `stop()` resolves.
   */
  get warnings$(): Observable<SchedulerWarning> {
    return this.#engine.warnings$;
  }

  /** How many tasks are STARTED now. */
  get runningCount(): number {
    return this.#ledger.runningCount;
  }

  /**
   * How many tasks wait to start: SUBMITTED before `start()`, or SCHEDULED for a slot or for
   * their `runAfter` (delayed ones included; see {@link AsyncScheduler.delayedCount}).
   */
  get queuedCount(): number {
    return this.#engine.queuedCount;
  }

  /**
   * How many SCHEDULED tasks wait for their `runAfter`: a `delayMs`/`runAt`, or a retry's
   * backoff. They are part of {@link AsyncScheduler.queuedCount}.
   */
  get delayedCount(): number {
    return this.#engine.delayedCount;
  }

  /**
   * Most AsyncTasks STARTED at once (the `concurrency` option, or as last set).
   *
   * @remarks Set at run time: raised, queued tasks start at once; lowered, running tasks finish
   * (none is stopped) and no new one starts until fewer than the new value run. SyncTasks are
   * bounded by their executor threads instead.
   * @throws TypeError/RangeError, when set, unless a whole number >= 1 or Infinity.
   * @example
   * ```ts
   * scheduler.concurrency = 2; // from now on, at most 2 AsyncTasks run at once
   * ```
   */
  get concurrency(): number {
    return this.#flow.concurrency;
  }

  set concurrency(value: number) {
    this.#flow.concurrency = value;
  }

  /**
   * True between {@link AsyncScheduler.pause} and {@link AsyncScheduler.resume} (or a `stop()`,
   * which resumes). A scheduler not started is not paused: it is not started.
   */
  get isPaused(): boolean {
    return this.#flow.isPaused;
  }

  /**
   * Starts no new task until {@link AsyncScheduler.resume}: running tasks go on, submits queue.
   *
   * @remarks Independent of `start()`: paused before it, a scheduler starts (its held tasks are
   * SCHEDULED) but runs nothing until resumed. `stop()` resumes a paused scheduler, so a drain
   * runs what is queued (`stop({ cancel: true })` cancels it); once `stop()` was called,
   * `pause()` does nothing. Calling it again does nothing.
   * @example
   * ```ts
   * scheduler.pause(); // say, while a service the tasks call is down: submits queue meanwhile
   * setTimeout(() => {
   *   scheduler.resume(); // the queued tasks start, by priority
   * }, 60_000);
   * ```
   */
  pause(): void {
    this.#flow.pause();
  }

  /** Lets tasks start again, at once as far as `concurrency` and threads allow. Idempotent. */
  resume(): void {
    this.#flow.resume();
  }

  /**
   * Gives a task waiting to start (SUBMITTED or SCHEDULED) a new priority: it shows in its
   * `TaskInfo.priority` from now on and decides its place in the queue (FIFO among equals by
   * submit order), O(log n).
   *
   * @returns false, changing nothing, for a task that started or is final, or an unknown id.
   * @throws TypeError/RangeError unless `priority` is a finite number.
   * @example
   * ```ts
   * import { AsyncTask } from 'async-scheduler';
   *
   * const report = new AsyncTask('report', () => 'ready');
   * const id = scheduler.submitTask(report);
   * scheduler.setPriority(id, 10); // true while it waits: it starts before priority < 10
   * ```
   */
  setPriority(id: string, priority: number): boolean {
    return this.#flow.setPriority(id, priority);
  }

  /**
   * Resolves once nothing is queued and nothing runs (at once when that holds already).
   *
   * @remarks As p-queue's: it waits on the counts, not on a stream, and never keeps the process
   * alive by itself. A scheduler not started, or paused, with queued tasks is not idle. Resolves
   * by the time `stop()` does (every task is final then).
   * @example
   * ```ts
   * import { AsyncTask, type TaskContext } from 'async-scheduler';
   *
   * const ping = new AsyncTask('ping', ({ args: [host] }: TaskContext<[string]>) => `pong ${host}`);
   * for (const host of ['a', 'b', 'c']) scheduler.submitTask(ping, host);
   * await scheduler.onIdle(); // every one of them is final
   * ```
   */
  onIdle(): Promise<void> {
    return this.#flow.onIdle();
  }

  /**
   * Resolves once nothing is queued (SUBMITTED or SCHEDULED); tasks may still run. At once when
   * that holds already. See {@link AsyncScheduler.onIdle}.
   */
  onEmpty(): Promise<void> {
    return this.#flow.onEmpty();
  }

  /**
   * Resolves once fewer than `limit` tasks are queued (at once when that holds already): what a
   * producer awaits before submitting more, e.g. with `maxQueued`.
   *
   * @throws TypeError/RangeError unless `limit` is a whole number >= 1.
   * @example
   * ```ts
   * import { AsyncTask, type TaskContext } from 'async-scheduler';
   *
   * const resize = new AsyncTask('resize', ({ args: [n] }: TaskContext<[number]>) => n * 2);
   * for (let n = 0; n < 10_000; n++) {
   *   await scheduler.onSizeLessThan(100); // keep fewer than 100 waiting
   *   scheduler.submitTask(resize, n);
   * }
   * ```
   */
  onSizeLessThan(limit: number): Promise<void> {
    return this.#flow.onSizeLessThan(limit);
  }

  /**
   * Starts running tasks, submitted ones first. Calling it again does nothing.
   *
   * @throws SchedulerStoppedError once `stop()` was called (resolved or not): a stopped
   * scheduler never runs again.
   */
  start(): this {
    if (this.#stopCalled) throw new SchedulerStoppedError(this.name, 'cannot start again');
    this.#started = true;
    this.#notStarted.close();
    this.#engine.start();
    return this;
  }

  /**
   * Submits one run of `task` with `args`.
   *
   * @returns the new task's id (a UUID v7), typed with the task's result for `result(id)`.
   * @throws TypeError when `task` is not an AsyncTask or SyncTask, or a SyncTask argument
   * cannot be structured-cloned (the message names it); SchedulerStoppedError after `stop()`;
   * QueueFullError when `maxQueued` tasks wait already (nothing is submitted).
   */
  submitTask<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...args: NoInfer<TArgs>
  ): TaskId<TResult> {
    assertTask(task);
    return this.#submitRun(task, args, undefined);
  }

  /**
   * Submits one run of `task` as `options` say, and returns its handle.
   *
   * @remarks `args` are required (by the types) when the task cannot run without them.
   * `priority` and `timeoutMs` replace the task's own for this run. Aborting `signal` cancels
   * the task (an aborted one cancels it at once: it still gets its id, and ends CANCELED).
   * With a `key`, while a task submitted with that key is not final, this returns its handle
   * and submits nothing.
   * @returns the run's handle (not a thenable: `await h.result()` or `await h.wait()`).
   * @throws TypeError/RangeError naming a bad or unknown option, and what `submitTask` throws.
   * @example
   * ```ts
   * import { AsyncTask, type TaskContext } from 'async-scheduler';
   *
   * const fetchUser = new AsyncTask('fetch-user', async ({ args: [id], signal }: TaskContext<[string]>) => {
   *   const res = await fetch(`https://api.example.com/users/${id}`, { signal });
   *   return (await res.json()) as { name: string };
   * });
   * const h = scheduler.submit(fetchUser, { args: ['u1'], timeoutMs: 2_000, signal: AbortSignal.timeout(10_000) });
   * const user = await h.result(); // { name: string }
   * ```
   */
  submit<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...[options]: SubmitArguments<NoInfer<TArgs>>
  ): TaskHandle<TResult> {
    return this.#submissions.submit<TResult>(task, options);
  }

  /**
   * Submits `task` again and again: every `every` ms, or at each match of a `cron` expression;
   * each occurrence an ordinary task (`TaskInfo.repeatId` is the schedule's id) submitted as
   * `submit(task, options)` would.
   *
   * @remarks One timer per schedule, on the scheduler's clock; due times never drift, and a
   * late timer submits one occurrence for those it missed. `stop()` ends every schedule. See
   * {@link RepeatOptions} for `limit`, `startAt`, `overlap`, `signal` and `key`.
   * @throws TypeError/RangeError naming a bad option (a cron expression that does not parse is
   * a TypeError), what `submitTask` throws for the task or its args; SchedulerStoppedError
   * after `stop()`.
   * @example
   * ```ts
   * import { AsyncTask } from 'async-scheduler';
   *
   * const sweep = new AsyncTask('sweep', () => 'swept');
   * const r = scheduler.repeat(sweep, { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' });
   * console.log(r.id, r.nextRunAt()); // r.cancel() ends it
   * ```
   */
  repeat<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    options: RepeatOptions<NoInfer<TArgs>>,
  ): RepeatHandle {
    return this.#repeats.create(task, options);
  }

  #submitRun(
    task: AsyncTask | SyncTask,
    args: readonly unknown[],
    run: RunOptions | undefined,
    canceledWith?: string,
  ): string {
    assertInProcessTask(task, 'AsyncScheduler');
    // After a stop, the lane's SchedulerStoppedError says more than a full queue.
    if (!this.#stopCalled) this.#flow.assertRoom();
    // A SyncTask's args are cloned now: the thread runs it with them as they were at submit.
    const engine = this.#engine;
    const isSync = task instanceof SyncTask;
    const record = engine.createRecord(
      task,
      isSync ? cloneArgs(task, args, 'a thread') : args,
      undefined,
      run,
    );
    // The body runs later, from whatever step frees its slot: it gets this call's async context
    // (AsyncLocalStorage stores) back. A SyncTask's body runs on a thread, where there is none.
    if (!isSync) record.context = new AsyncResource(TASK_CONTEXT_TYPE);
    if (canceledWith === undefined) engine.submit(record);
    else engine.submitCanceled(record, canceledWith);
    if (!this.#started) this.#notStarted.taskSubmitted();
    return record.id;
  }

  /** The task's state. @throws UnknownTaskError for an unknown or evicted id. */
  taskState(id: string): TaskState {
    const state = this.#ledger.stateOf(id);
    if (state === undefined) throw new UnknownTaskError(id);
    return state;
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
   * @remarks Rejects with the body's own error (a non-Error thrown is wrapped in a
   * SchedulerError with code `ERR_NON_ERROR_THROWN`), `TaskTimeoutError`, `TaskCanceledError`
   * or `UnknownTaskError`.
   * @typeParam TResult - what the body resolves to: read from a `TaskId<TResult>`; a plain
   * string id gives `unknown`.
   */
  result<TResult = unknown>(id: TaskId<TResult>): Promise<TResult> {
    return resultOf<TResult>(this.#ledger, id);
  }

  /**
   * Cancels a task that is not final yet.
   *
   * @remarks A queued task never runs; a running one's `signal` aborts with a
   * `TaskCanceledError`. When the promise resolves the task is final.
   * @returns true iff this call moved the task to CANCELED; false for a final or unknown task.
   */
  cancelTask(id: string, reason: string = DEFAULT_CANCEL_REASON): Promise<boolean> {
    assertNonEmptyString(reason, 'reason');
    return Promise.resolve(this.#engine.cancel(id, reason));
  }

  /** Every retained task (live and finished) in submit order, or just the one. @throws UnknownTaskError for an unknown id. */
  dumpTask(id?: string): TaskInfo[] {
    return dumpTasks(this.#ledger, id);
  }

  /**
   * The `n` tasks with the longest run time, slowest first.
   *
   * @remarks Finished tasks are counted even after retention evicted them (the slowest are kept
   * aside); running tasks count with their time so far.
   */
  slowest(n = 1, options: SlowestOptions = {}): TaskInfo[] {
    return slowestOf(this.#ledger, n, options);
  }

  /**
   * Stops accepting tasks and ends the rest.
   *
   * @remarks From the call on, `submitTask` throws SchedulerStoppedError. By default queued and
   * running tasks drain; `cancel: true` cancels them; `timeoutMs` bounds the drain, then cancels
   * what is left. When it resolves every task is final, both streams have completed, and no
   * timer of the scheduler keeps the process alive. A body that never settles keeps a drain
   * waiting: bound it with `timeoutMs`.
   */
  stop(options: StopOptions = {}): Promise<void> {
    const resolved = resolveStopOptions(options);
    this.#stopCalled = true;
    this.#notStarted.close();
    this.#repeats.stop();
    return this.#engine.stop(resolved);
  }

  /**
   * `stop({ cancel: true })`, for `await using`: the scheduler stops, and its tasks end, when the
   * scope does.
   *
   * @example
   * ```ts
   * import { AsyncScheduler, AsyncTask } from 'async-scheduler';
   *
   * const task = new AsyncTask('tick', () => Date.now());
   * {
   *   await using s = new AsyncScheduler({ autoStart: true });
   *   s.submitTask(task);
   * } // every task is final here, and no thread or timer of s is left
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop({ cancel: true });
  }
}
