import type { Observable } from 'rxjs';
import { moduleHref } from '../actors/loadTaskModule.js';
import { SchedulerStoppedError, type SchedulerError } from '../errors.js';
import { createIdFactory } from '../ids.js';
import type { Clock } from '../clock.js';
import { createLoopMonitor } from '../metrics/LoopMonitor.js';
import type { LaneMetrics, SchedulerWarning } from '../metrics/types.js';
import type { TaskState } from '../taskState.js';
import { AsyncTask } from '../tasks/AsyncTask.js';
import type { RetryBackoff, RetryPolicy } from '../tasks/retryPolicy.js';
import { SyncTask } from '../tasks/SyncTask.js';
import type { TaskInfo, TaskModuleRef, TaskTransition } from '../tasks/types.js';
import { assertNonEmptyString } from '../validate.js';
import { FlowControl } from './FlowControl.js';
import { guardedMetrics } from './guardedMetrics.js';
import { GuardedStream, subscriberErrorsTo } from './GuardedStream.js';
import { DEFAULT_CANCEL_REASON } from './lane/LaneEngine.js';
import type { RunOptions } from './lane/laneConfig.js';
import { effectiveRetry, runAfterOf } from './lane/policy/runPolicy.js';
import { TaskLedger } from './ledger/TaskLedger.js';
import { NotStartedWatch } from './NotStartedWatch.js';
import { BullMQLane } from './placements/bullmq/BullMQLane.js';
import { createBullMQTask, type BullMQTask } from './placements/bullmq/BullMQTask.js';
import {
  resolveBullMQOptions,
  type BullMQSchedulerOptions,
} from './placements/bullmq/bullmqSchedulerOptions.js';
import {
  assertJsonValue,
  PAYLOAD_VERSION,
  type JobBody,
  type JobPayload,
} from './placements/bullmq/jobPayload.js';
import type { RepeatOptions } from './repeat/RepeatOptions.js';
import type { RepeatHandle } from './repeat/RepeatSchedule.js';
import { RepeatSchedules } from './repeat/RepeatSchedules.js';
import { resolveSchedulerOptions } from './schedulerOptions.js';
import type { SubmitArguments } from './submit/SubmitOptions.js';
import type { TaskHandle } from './submit/TaskHandle.js';
import type { TaskId } from './submit/TaskId.js';
import { TaskSubmissions } from './submit/TaskSubmissions.js';
import {
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

const DEFAULT_EXPORT = 'default';

/** The body a job names: a worker handler, or a module the worker loads. */
function jobBodyOf(task: AsyncTask | SyncTask): JobBody {
  const run: unknown = task.run;
  if (typeof run === 'function') {
    throw new TypeError(
      `Expected AsyncTask "${task.name}" to name its body for a BullMQScheduler ({ handler } registered by runWorker, or a module reference { module, export? }), got a function: its body runs in a worker process, and functions cannot cross to it`,
    );
  }
  if (typeof run === 'object' && run !== null && 'handler' in run) {
    return { handler: (run as { handler: string }).handler };
  }
  const ref = run as TaskModuleRef;
  return { module: moduleHref(ref), export: ref.export ?? DEFAULT_EXPORT };
}

/** The args of a job, checked: JSON values only (they are stored in Redis as JSON). */
function jobArgsOf(task: AsyncTask | SyncTask, args: readonly unknown[]): unknown[] {
  args.forEach((arg, index) => {
    try {
      assertJsonValue(arg, `args[${index}]`);
    } catch (error) {
      throw new TypeError(
        `Task "${task.name}": ${(error as Error).message}; a BullMQScheduler stores args in Redis as JSON`,
      );
    }
  });
  return JSON.parse(JSON.stringify(args)) as unknown[];
}

/** A backoff as JSON carries it: an unbounded `maxDelayMs` (Infinity, which JSON makes null) is left out. */
function jsonBackoff(backoff: RetryBackoff): RetryBackoff {
  const { maxDelayMs, ...rest } = backoff;
  return maxDelayMs === undefined || !Number.isFinite(maxDelayMs) ? rest : { ...rest, maxDelayMs };
}

/** Refuses `retryOn`: attempts end in a worker process, where the function cannot go. */
function assertJobRetry(policy: RetryPolicy | undefined, where: string): void {
  if (policy?.retryOn !== undefined) {
    throw new TypeError(
      `${where}: a BullMQScheduler cannot use \`retry.retryOn\` (its attempts end in worker processes, and a function cannot cross to them); throw UnrecoverableError in the body to fail at once`,
    );
  }
}

/** A task `repeat()` can submit: a body a worker can find, JSON args. */
function assertJobRepeatable(
  task: unknown,
  args: readonly unknown[],
): asserts task is AsyncTask | SyncTask {
  assertTask(task);
  jobBodyOf(task);
  jobArgsOf(task, args);
}

/**
 * A scheduler whose tasks are BullMQ jobs in Redis, run by worker processes on any machine that
 * reaches that Redis (`runWorker`), and followed here as on any other lane: one XState actor per
 * task, the same eight states and stamps, `transitions$`, `metrics$`, retention,
 * `waitTask`/`result`, cancels and the dashboard.
 *
 * @remarks
 * - A task names its body: `{ handler }` (a function a worker registered) or a module reference
 *   (a module the worker loads). Args and results are JSON values (a TypeError at submit
 *   otherwise; a body that returns nothing gives null).
 * - States: SUBMITTED at `submitTask`, SCHEDULED once Redis has the job (waiting or delayed);
 *   STARTED when a worker takes it; DONE, FAILED, TIMED_OUT (the worker aborts `ctx.signal`
 *   at `timeoutMs` and fails the attempt) or CANCELED (a waiting job is removed, an active one
 *   aborted where it runs, never retried). Stamps after SUBMITTED are Redis's clock.
 * - Priority, delay, retries (BullMQ attempts, with the task's backoff), the queue's global
 *   concurrency and rate limit, and pause are BullMQ's own, so they hold for every worker and
 *   every scheduler of the queue: `pause()` pauses the queue.
 * - A worker killed mid-job loses nothing: BullMQ's stalled-job check hands the job back, and
 *   the task retries (STARTED → SCHEDULED) or, with its attempts spent, ends FAILED with
 *   `WorkerCrashedError`. A lost Redis is reported once on `errors$`; on its return every task
 *   is read again from Redis.
 * - Several schedulers may share a queue: each follows the tasks it submitted.
 * @example
 * ```ts
 * import { AsyncTask } from 'async-scheduler';
 * import { BullMQScheduler } from 'async-scheduler/bullmq';
 *
 * const emails = new BullMQScheduler({ name: 'emails', connection: 'redis://127.0.0.1:6379' });
 * emails.start();
 * const send = new AsyncTask<[to: string], string>('send', { handler: 'send' }, { timeoutMs: 5_000 });
 * console.log(await emails.result(emails.submitTask(send, 'ada@example.com')));
 * await emails.stop();
 * ```
 */
export class BullMQScheduler {
  readonly #name: string;
  readonly #ledger: TaskLedger<BullMQTask>;
  readonly #lane: BullMQLane;
  readonly #metrics$: Observable<LaneMetrics>;
  readonly #warnings: GuardedStream<SchedulerWarning>;
  readonly #createTaskId = createIdFactory();
  readonly #clock: Clock;
  readonly #retry: RetryPolicy | undefined;
  readonly #notStarted: NotStartedWatch;
  #started = false;
  #stopCalled = false;
  readonly #submissions: TaskSubmissions;
  readonly #repeats: RepeatSchedules;
  readonly #flow: FlowControl<BullMQTask>;

  /**
   * Connects to the queue (the connection is made in the background: a Redis that does not
   * answer is reported on `errors$`, and submits wait for it).
   *
   * @param options - AsyncScheduler's options (`threads`, `resourceLimits` and `restart` belong
   * to `runWorker`), with the lane's `name` and the Redis `connection` required.
   * @throws TypeError for a missing name or connection, a worker's option, or a bad value;
   * RangeError for an out-of-range one.
   */
  constructor(options: BullMQSchedulerOptions) {
    const bullmq = resolveBullMQOptions(options);
    const resolved = resolveSchedulerOptions(bullmq.schedulerOptions, bullmq.schedulerOptions.name);
    assertJobRetry(resolved.retry, `BullMQScheduler "${resolved.name}"`);
    this.#name = resolved.name;
    this.#clock = resolved.clock;
    this.#retry = resolved.retry;
    const ledger = new TaskLedger<BullMQTask>(
      resolved.retention,
      resolved.clock,
      resolved.callbacks,
    );
    this.#ledger = ledger;
    this.#warnings = new GuardedStream<SchedulerWarning>(
      subscriberErrorsTo('warnings$', (error) => {
        ledger.reporter.reportError(error);
      }),
    );
    this.#lane = new BullMQLane({
      lane: resolved.name,
      queue: bullmq.queue,
      prefix: bullmq.prefix,
      redis: bullmq.redis,
      ledger,
      clock: resolved.clock,
      inspect: resolved.inspect,
      concurrency: bullmq.concurrency,
      rateLimit: resolved.rateLimit,
      keep: bullmq.keep,
      eventsMaxLen: bullmq.eventsMaxLen,
      lostWorkerMs: bullmq.lostWorkerMs,
      workersRefreshMs: resolved.metricsIntervalMs,
      follow: bullmq.follow,
    });
    this.#flow = new FlowControl({
      lane: this.#lane,
      name: resolved.name,
      ledger,
      maxQueued: resolved.maxQueued,
    });
    this.#submissions = new TaskSubmissions(this, ledger, (task, args, run, canceledWith) =>
      this.#submitRun(task, args, run, canceledWith),
    );
    this.#repeats = new RepeatSchedules(resolved, this.#submissions, ledger, assertJobRepeatable);
    this.#metrics$ = guardedMetrics(
      {
        lane: resolved.name,
        kind: 'bullmq',
        transitions$: ledger.reporter.transitions$,
        warnings$: this.#warnings.observable,
        now: () => resolved.clock.now(),
        counts: () => ({
          queued: this.queuedCount,
          running: ledger.runningCount,
          submitted: ledger.counters.submitted,
          finished: ledger.counters.finished(),
          retried: ledger.counters.retried,
          delayed: ledger.delayedCount(resolved.clock.now()),
        }),
        threads: () => ({
          executorRestarts: 0,
          laneRestarts: 0,
          degraded: false,
          executorActiveMs: 0,
          executorIdleMs: 0,
        }),
        workers: () => this.#lane.workers(),
        loop: createLoopMonitor(),
      },
      resolved.metricsIntervalMs,
      ledger.reporter,
    );
    this.#notStarted = new NotStartedWatch({
      lane: resolved.name,
      clock: resolved.clock,
      queued: () => this.queuedCount,
      warn: (warning) => {
        this.#warnings.next(warning);
      },
    });
    if (resolved.autoStart) this.start();
  }

  /** The lane's name. */
  get name(): string {
    return this.#name;
  }

  /** Every transition of every task this scheduler submitted, in order. Completes when `stop()` resolves. */
  get transitions$(): Observable<TaskTransition> {
    return this.#ledger.reporter.transitions$;
  }

  /** Failures of callbacks and subscribers, and of Redis (a lost connection, once per outage). */
  get errors$(): Observable<SchedulerError> {
    return this.#ledger.reporter.errors$;
  }

  /**
   * The lane's figures every `metricsIntervalMs`, as AsyncScheduler's (`kind: 'bullmq'`); the
   * event loop measured is this process's, where the tasks are followed (the bodies run in the
   * workers).
   */
  get metrics$(): Observable<LaneMetrics> {
    return this.#metrics$;
  }

  /** Warnings about the lane: tasks waiting over a second on a scheduler never started. */
  get warnings$(): Observable<SchedulerWarning> {
    return this.#warnings.observable;
  }

  /** How many of this scheduler's tasks are STARTED. */
  get runningCount(): number {
    return this.#ledger.runningCount;
  }

  /** How many of this scheduler's tasks wait to start (SUBMITTED or SCHEDULED). */
  get queuedCount(): number {
    return this.#ledger.queuedCount;
  }

  /** How many SCHEDULED tasks wait for their `runAfter` (a delay, a retry's backoff). */
  get delayedCount(): number {
    return this.#ledger.delayedCount(this.#clock.now());
  }

  /**
   * The queue's global concurrency: most jobs active at once over every worker (BullMQ's
   * `setGlobalConcurrency`); Infinity (the default) leaves each worker's own `concurrency`.
   *
   * @throws TypeError/RangeError, when set, unless a whole number >= 1 or Infinity.
   */
  get concurrency(): number {
    return this.#flow.concurrency;
  }

  set concurrency(value: number) {
    this.#flow.concurrency = value;
  }

  /** True between `pause()` and `resume()` (or a `stop()`, which resumes). */
  get isPaused(): boolean {
    return this.#flow.isPaused;
  }

  /** Pauses the queue (BullMQ's pause: no worker takes a new job); running jobs go on. */
  pause(): void {
    this.#flow.pause();
  }

  /** Resumes the queue. Idempotent. */
  resume(): void {
    this.#flow.resume();
  }

  /**
   * Gives a waiting task a new priority (its job's, in Redis).
   *
   * @returns false for a task that started or is final, or an unknown id.
   * @throws RangeError unless a whole number BullMQ can order (±2^20).
   */
  setPriority(id: string, priority: number): boolean {
    return this.#flow.setPriority(id, priority);
  }

  /** Resolves once none of this scheduler's tasks is queued or running. */
  onIdle(): Promise<void> {
    return this.#flow.onIdle();
  }

  /** Resolves once none of this scheduler's tasks is queued. */
  onEmpty(): Promise<void> {
    return this.#flow.onEmpty();
  }

  /**
   * Resolves once fewer than `limit` of this scheduler's tasks are queued.
   *
   * @throws TypeError/RangeError unless `limit` is a whole number >= 1.
   */
  onSizeLessThan(limit: number): Promise<void> {
    return this.#flow.onSizeLessThan(limit);
  }

  /**
   * Starts sending tasks to Redis, submitted ones first. Calling it again does nothing.
   *
   * @throws SchedulerStoppedError once `stop()` was called.
   */
  start(): this {
    if (this.#stopCalled) throw new SchedulerStoppedError(this.#name, 'cannot start again');
    if (this.#started) return this;
    this.#started = true;
    this.#notStarted.close();
    this.#lane.start();
    return this;
  }

  /**
   * Submits one run of `task` with `args` as a job.
   *
   * @returns the new task's id (a UUID v7; its job's id too); its record exists at once,
   * SUBMITTED, and is SCHEDULED once Redis has the job.
   * @throws TypeError when `task` is not an AsyncTask or SyncTask, when its body is a function,
   * or when an argument is not a JSON value (the message names it); RangeError for a priority
   * BullMQ cannot order; SchedulerStoppedError after `stop()`; QueueFullError when `maxQueued`
   * tasks wait already.
   */
  submitTask<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...args: NoInfer<TArgs>
  ): TaskId<TResult> {
    assertTask(task);
    return this.#submitRun(task, args, undefined);
  }

  /**
   * Submits one run of `task` as `options` say (`args`, `priority`, `timeoutMs`, `delayMs`,
   * `runAt`, `retry`, `signal`, `key`), and returns its handle.
   *
   * @throws TypeError/RangeError naming a bad or unknown option, and what `submitTask` throws.
   */
  submit<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...[options]: SubmitArguments<NoInfer<TArgs>>
  ): TaskHandle<TResult> {
    return this.#submissions.submit<TResult>(task, options);
  }

  /**
   * Submits `task` again and again, as `AsyncScheduler.repeat` does; the schedule lives in this
   * process (each occurrence is one job).
   *
   * @throws as `AsyncScheduler.repeat`, and as `submitTask` for the task and args.
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
    const body = jobBodyOf(task);
    const jobArgs = jobArgsOf(task, args);
    const policy = run?.retry ?? task.options.retry ?? this.#retry;
    assertJobRetry(policy, `Task "${task.name}"`);
    if (!this.#stopCalled) this.#flow.assertRoom();
    const submittedAt = this.#clock.now();
    const retry = effectiveRetry(policy);
    const id = this.#createTaskId();
    const priority = run?.priority ?? task.options.priority ?? 0;
    const timeoutMs = run?.timeoutMs ?? task.options.timeoutMs;
    const payload: JobPayload = {
      v: PAYLOAD_VERSION,
      lane: this.#name,
      type: task.type,
      body,
      args: jobArgs,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      attempts: retry?.attempts ?? 1,
      ...(retry?.backoff === undefined ? {} : { backoff: jsonBackoff(retry.backoff) }),
      priority,
      submittedAt,
      ...(run?.repeatId === undefined ? {} : { repeatId: run.repeatId }),
      ...(run?.key === undefined ? {} : { key: run.key }),
    };
    const record = createBullMQTask(id, task.name, payload, {
      callbacks: task.options,
      actor: this.#lane.createActor({ id, name: task.name }),
      runAfter: runAfterOf(run, task.options.delayMs, () => submittedAt),
      own: true,
    });
    if (canceledWith !== undefined) {
      this.#lane.submitCanceled(record, canceledWith);
      return id;
    }
    this.#lane.submit(record);
    if (!this.#started) this.#notStarted.taskSubmitted();
    return id;
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
   * The task's value once DONE (as JSON carried it).
   *
   * @remarks Rejects with `TaskTimeoutError`, `TaskCanceledError`, `WorkerCrashedError`, a
   * `SchedulerError` with its code, or the body's error rebuilt from what the worker reported
   * (same name, message, stack and `code`).
   */
  result<TResult = unknown>(id: TaskId<TResult>): Promise<TResult> {
    return resultOf<TResult>(this.#ledger, id);
  }

  /**
   * Cancels a task that is not final yet: a job still waiting is removed from Redis; an active
   * one is aborted in the worker that runs it (its `ctx.signal`; a SyncTask's thread is
   * terminated) and not retried.
   *
   * @returns true iff this call moved the task to CANCELED (once it is final); false for a
   * final or unknown task, or one that ended otherwise first.
   */
  cancelTask(id: string, reason: string = DEFAULT_CANCEL_REASON): Promise<boolean> {
    assertNonEmptyString(reason, 'reason');
    return this.#lane.cancel(id, reason);
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
   * Stops accepting tasks and waits until every task of this scheduler is final (drained by
   * the workers), or cancels them (`cancel: true`), or cancels what is left after `timeoutMs`;
   * then closes its Redis connections. Workers and other schedulers of the queue go on.
   */
  stop(options: StopOptions = {}): Promise<void> {
    const { cancel, timeoutMs } = resolveStopOptions(options);
    this.#stopCalled = true;
    this.#notStarted.close();
    this.#repeats.stop();
    if (!this.#started) {
      this.#started = true;
      this.#lane.start();
    }
    return this.#lane.stop({ cancel, timeoutMs }).then(() => {
      this.#warnings.complete();
    });
  }

  /** `stop({ cancel: true })`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop({ cancel: true });
  }
}
