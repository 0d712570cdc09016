import type { NotStartedWarning } from '../metrics/types.js';
import { QueueFullError, SchedulerStoppedError } from '../errors.js';
import type { AsyncTask } from '../tasks/AsyncTask.js';
import type { SyncTask } from '../tasks/SyncTask.js';
import { assertFiniteNumber, assertNonEmptyString } from '../validate.js';
import type { Lane, LaneStopRequest } from './lane/Lane.js';
import { DEFAULT_CANCEL_REASON } from './lane/LaneEngine.js';
import type { RunOptions } from './lane/laneConfig.js';
import type { LedgerRecord, TaskLedger } from './ledger/TaskLedger.js';
import { NotStartedWatch } from './NotStartedWatch.js';
import type { RepeatOptions } from './repeat/RepeatOptions.js';
import type { RepeatHandle } from './repeat/RepeatSchedule.js';
import { RepeatSchedules, type CheckTask } from './repeat/RepeatSchedules.js';
import { SchedulerQueries, type SchedulerReadParts } from './SchedulerQueries.js';
import { assertConcurrency } from './schedulerOptions.js';
import type { SubmitArguments } from './submit/SubmitOptions.js';
import type { TaskHandle } from './submit/TaskHandle.js';
import type { TaskId } from './submit/TaskId.js';
import { TaskSubmissions } from './submit/TaskSubmissions.js';
import { assertTask, resolveStopOptions, type StopOptions } from './taskQueries.js';

/** What a scheduler hands {@link SchedulerFacade}: its lane, and the few things placements do their own way. */
export interface SchedulerFacadeParts<
  TRecord extends LedgerRecord,
> extends SchedulerReadParts<TRecord> {
  readonly lane: Lane<TRecord>;
  /** Puts a warning of the scheduler's own (`scheduler.notStarted`) on `warnings$`. */
  readonly warn: (warning: NotStartedWarning) => void;
  /** Checks what `repeat()` is given, as `submitTask` would check it. */
  readonly checkRepeatable: CheckTask;
}

/**
 * What AsyncScheduler, SchedulerThread and BullMQScheduler share, over their read side
 * ({@link SchedulerQueries}): the calls checked at the boundary and handed to the lane (flow
 * control, cancels, start and stop), `submit` and `repeat` over the scheduler's own submit path,
 * the started/stopped bookkeeping, and their TSDoc, written once. Each scheduler adds its
 * constructor (which builds its lane) and how one run is submitted (`submitRun`).
 *
 * @typeParam TRecord - the ledger record of the scheduler's placement.
 */
export abstract class SchedulerFacade<
  TRecord extends LedgerRecord,
> extends SchedulerQueries<TRecord> {
  readonly #ledger: TaskLedger<TRecord>;
  readonly #lane: Lane<TRecord>;
  readonly #maxQueued: number;
  readonly #notStarted: NotStartedWatch;
  readonly #submissions: TaskSubmissions;
  readonly #repeats: RepeatSchedules;
  #started = false;
  #stopCalled = false;

  protected constructor(parts: SchedulerFacadeParts<TRecord>) {
    super(parts);
    const { options, ledger } = parts;
    this.#ledger = ledger;
    this.#lane = parts.lane;
    this.#maxQueued = options.maxQueued;
    this.#notStarted = new NotStartedWatch({
      lane: options.name,
      clock: options.clock,
      queued: parts.queuedCount,
      warn: parts.warn,
    });
    this.#submissions = new TaskSubmissions(this, ledger, (task, args, run, canceledWith) =>
      this.submitRun(task, args, run, canceledWith),
    );
    this.#repeats = new RepeatSchedules(options, this.#submissions, ledger, parts.checkRepeatable);
  }

  /**
   * Submits one run of a checked task: the scheduler's own submit path, under `submitTask`,
   * `submit` and `repeat`.
   *
   * @param canceledWith - a cancel reason: the run ends CANCELED as it is submitted.
   * @returns its id. @throws as `submitTask`.
   */
  protected abstract submitRun(
    task: AsyncTask | SyncTask,
    args: readonly unknown[],
    run: RunOptions | undefined,
    canceledWith?: string,
  ): string;

  /**
   * For `submitRun`, once the task is checked and before anything of the run is made: refuses
   * it when `maxQueued` tasks wait. After `stop()` it lets the lane refuse it instead (its
   * SchedulerStoppedError says more than a full queue).
   *
   * @throws QueueFullError when the queue is full.
   */
  protected assertRoom(): void {
    if (this.#stopCalled) return;
    if (this.#ledger.queuedCount >= this.#maxQueued) {
      throw new QueueFullError(this.name, this.#maxQueued);
    }
  }

  /** For `submitRun`, once the run is submitted: a task waiting on a never-started scheduler. */
  protected taskSubmitted(): void {
    if (!this.#started) this.#notStarted.taskSubmitted();
  }

  /** The lane's part of `stop()`, once the scheduler stopped taking tasks. */
  protected stopLane(request: LaneStopRequest): Promise<void> {
    return this.#lane.stop(request);
  }

  /**
   * True between `pause()` and `resume()` (or a `stop()`, which resumes). A scheduler not
   * started is not paused: it is not started.
   */
  get isPaused(): boolean {
    return this.#lane.isPaused;
  }

  /**
   * Most AsyncTasks STARTED at once (the `concurrency` option, or as last set).
   *
   * @remarks Set at run time: raised, queued tasks start at once; lowered, running tasks finish
   * (none is stopped) and no new one starts until fewer than the new value run. SyncTasks are
   * bounded by their executor threads instead. On a SchedulerThread a new value crosses to the
   * lane thread by message (and is given to a replacement thread before any task).
   * @throws TypeError/RangeError, when set, unless a whole number >= 1 or Infinity.
   * @example
   * ```ts
   * scheduler.concurrency = 2; // from now on, at most 2 AsyncTasks run at once
   * ```
   */
  get concurrency(): number {
    return this.#lane.concurrency;
  }

  set concurrency(value: number) {
    assertConcurrency(value);
    this.#lane.setConcurrency(value);
  }

  /**
   * Starts no new task until `resume()`: running tasks go on, submits queue.
   *
   * @remarks Independent of `start()`: paused before it, a scheduler starts (its held tasks are
   * SCHEDULED) but runs nothing until resumed. `stop()` resumes a paused scheduler, so a drain
   * runs what is queued (`stop({ cancel: true })` cancels it); once `stop()` was called,
   * `pause()` does nothing. Calling it again does nothing. On a SchedulerThread it crosses by
   * message: a task the thread started before it arrived keeps running, and a replacement
   * thread is paused before it gets any task.
   * @example
   * ```ts
   * scheduler.pause(); // say, while a service the tasks call is down: submits queue meanwhile
   * setTimeout(() => {
   *   scheduler.resume(); // the queued tasks start, by priority
   * }, 60_000);
   * ```
   */
  pause(): void {
    this.#lane.pause();
  }

  /** Lets tasks start again, at once as far as `concurrency` and threads allow. Idempotent. */
  resume(): void {
    this.#lane.resume();
  }

  /**
   * Gives a task waiting to start (SUBMITTED or SCHEDULED) a new priority: it shows in its
   * `TaskInfo.priority` from now on and decides its place in the queue (FIFO among equals by
   * submit order).
   *
   * @remarks A SchedulerThread answers at once from its main side's record and tells the
   * thread: a task the thread started before the message arrived (its STARTED still on its way)
   * keeps running, though its info shows the new priority. A BullMQScheduler sets its job's
   * priority in Redis.
   * @returns false, changing nothing, for a task that started or is final (as last reported),
   * or an unknown id.
   * @throws TypeError/RangeError unless `priority` is a finite number (on a BullMQScheduler, a
   * whole number BullMQ can order: within ±2^20).
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
    assertFiniteNumber(priority, 'priority');
    return this.#lane.setPriority(id, priority);
  }

  /**
   * Starts running tasks (a BullMQScheduler: sending them to Redis), submitted ones first.
   * Calling it again does nothing.
   *
   * @throws SchedulerStoppedError once `stop()` was called (resolved or not): a stopped
   * scheduler never runs again.
   */
  start(): this {
    if (this.#stopCalled) throw new SchedulerStoppedError(this.name, 'cannot start again');
    if (this.#started) return this;
    this.#started = true;
    this.#notStarted.close();
    this.#lane.start();
    return this;
  }

  /**
   * Submits one run of `task` with `args`.
   *
   * @returns the new task's id (a UUID v7; a BullMQScheduler's job has it too), typed with the
   * task's result for `result(id)`; its record exists at once, SUBMITTED.
   * @throws TypeError when `task` is not an AsyncTask or SyncTask, or cannot run where this
   * scheduler runs it (the message names what): an argument that cannot be structured-cloned
   * for a SyncTask (for any task, on a SchedulerThread), an AsyncTask whose body is a function
   * on a SchedulerThread (it needs a module reference) or on a BullMQScheduler (a `{ handler }`
   * or a module reference), an argument that is not a JSON value on a BullMQScheduler;
   * RangeError for a priority BullMQ cannot order; SchedulerStoppedError after `stop()`;
   * QueueFullError when `maxQueued` tasks wait already (nothing is submitted).
   */
  submitTask<TArgs extends readonly unknown[], TResult>(
    task: AsyncTask<TArgs, TResult> | SyncTask<TArgs, TResult>,
    ...args: NoInfer<TArgs>
  ): TaskId<TResult> {
    assertTask(task);
    return this.submitRun(task, args, undefined);
  }

  /**
   * Submits one run of `task` as `options` say, and returns its handle.
   *
   * @remarks `args` are required (by the types) when the task cannot run without them; they are
   * checked as `submitTask` checks them (a SchedulerThread clones them now). `priority`,
   * `timeoutMs`, `delayMs`/`runAt` and `retry` replace the task's own for this run. Aborting
   * `signal` cancels the task (an aborted one cancels it at once: it still gets its id, and ends
   * CANCELED). With a `key`, while a task submitted with that key is not final, this returns its
   * handle and submits nothing.
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
   * @remarks One timer per schedule, on the scheduler's clock, in this process (for a
   * SchedulerThread, on its main side: each occurrence crosses to the lane thread as one submit;
   * for a BullMQScheduler each occurrence is one job); due times never drift, and a late timer
   * submits one occurrence for those it missed. `stop()` ends every schedule. See
   * {@link RepeatOptions} for `limit`, `startAt`, `overlap`, `signal` and `key`.
   * @returns the schedule's handle: `id`, `nextRunAt()`, `cancel()`.
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

  /**
   * Cancels a task that is not final yet.
   *
   * @remarks A queued task never runs (a BullMQ job still waiting is removed from Redis); a
   * running AsyncTask's `signal` aborts with a `TaskCanceledError`, and a running SyncTask's
   * executor thread is terminated. A SchedulerThread's lane thread does it and answers; a BullMQ
   * job is aborted in the worker that runs it and not retried. When the promise resolves the
   * task is final.
   * @returns true iff this call moved the task to CANCELED; false for a final or unknown task,
   * or one that ended otherwise first.
   */
  cancelTask(id: string, reason: string = DEFAULT_CANCEL_REASON): Promise<boolean> {
    assertNonEmptyString(reason, 'reason');
    return Promise.resolve(this.#lane.cancel(id, reason));
  }

  /**
   * Stops accepting tasks and ends the rest.
   *
   * @remarks From the call on, `submitTask` throws SchedulerStoppedError. By default queued and
   * running tasks drain; `cancel: true` cancels them; `timeoutMs` bounds the drain, then cancels
   * what is left. When it resolves every task is final, both streams have completed, and no
   * timer, thread (a SchedulerThread's lane thread and its executors) or port of the scheduler
   * keeps the process alive; a BullMQScheduler has closed its Redis connections (workers and
   * other schedulers of the queue go on). A body that never settles keeps a drain waiting:
   * bound it with `timeoutMs`.
   */
  stop(options: StopOptions = {}): Promise<void> {
    const request = resolveStopOptions(options);
    this.#stopCalled = true;
    this.#notStarted.close();
    this.#repeats.stop();
    return this.stopLane(request);
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
