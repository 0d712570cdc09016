import type { Observable } from 'rxjs';
import { UnknownTaskError, type SchedulerError } from '../errors.js';
import type { LaneMetricsSource } from '../metrics/createMetricsStream.js';
import type { LaneMetrics, SchedulerWarning } from '../metrics/types.js';
import type { TaskState } from '../taskState.js';
import type { TaskInfo, TaskTransition } from '../tasks/types.js';
import { assertWholeNumber } from '../validate.js';
import { guardedMetrics } from './guardedMetrics.js';
import type { LedgerRecord, TaskLedger } from './ledger/TaskLedger.js';
import type { ResolvedSchedulerOptions } from './schedulerOptions.js';
import type { TaskId } from './submit/TaskId.js';
import {
  dumpTasks,
  resultOf,
  slowestOf,
  taskInfoOf,
  waitForTask,
  type SlowestOptions,
  type WaitTaskOptions,
} from './taskQueries.js';

/** What a scheduler's read side is built from: its ledger, and the counts and streams its lane keeps. */
export interface SchedulerReadParts<TRecord extends LedgerRecord> {
  /** The scheduler's options, resolved: its name, clock, `maxQueued`, `metricsIntervalMs`. */
  readonly options: ResolvedSchedulerOptions;
  readonly ledger: TaskLedger<TRecord>;
  /** What `queuedCount` reads (the local lane counts its own queue; the others, the ledger). */
  readonly queuedCount: () => number;
  /** What `delayedCount` reads. */
  readonly delayedCount: () => number;
  readonly warnings$: Observable<SchedulerWarning>;
  /** The lane's own parts of `metrics$`: its kind, threads, event loop and (BullMQ) workers. */
  readonly metrics: Pick<LaneMetricsSource, 'kind' | 'threads' | 'loop' | 'workers'>;
}

/**
 * The read side the three schedulers share: their streams, counts, waits and task lookups, all
 * answered from the scheduler's ledger (or the counts its lane keeps), on the caller's thread.
 *
 * @typeParam TRecord - the ledger record of the scheduler's placement.
 */
export abstract class SchedulerQueries<TRecord extends LedgerRecord> {
  readonly #name: string;
  readonly #ledger: TaskLedger<TRecord>;
  readonly #metrics$: Observable<LaneMetrics>;
  readonly #warnings$: Observable<SchedulerWarning>;
  readonly #queuedCount: () => number;
  readonly #delayedCount: () => number;

  protected constructor(parts: SchedulerReadParts<TRecord>) {
    const { options, ledger } = parts;
    this.#name = options.name;
    this.#ledger = ledger;
    this.#queuedCount = parts.queuedCount;
    this.#delayedCount = parts.delayedCount;
    this.#warnings$ = parts.warnings$;
    this.#metrics$ = guardedMetrics(
      {
        ...parts.metrics,
        lane: options.name,
        transitions$: ledger.reporter.transitions$,
        warnings$: parts.warnings$,
        now: () => options.clock.now(),
        counts: () => ({
          queued: ledger.queuedCount,
          running: ledger.runningCount,
          submitted: ledger.counters.submitted,
          finished: ledger.counters.finished(),
          retried: ledger.counters.retried,
          delayed: parts.delayedCount(),
        }),
      },
      options.metricsIntervalMs,
      ledger.reporter,
    );
  }

  /** The lane's name (`'main'` for an AsyncScheduler not given one). */
  get name(): string {
    return this.#name;
  }

  /**
   * Every transition of every task this scheduler submitted, in order, delivered on the
   * caller's thread. Hot: subscribe before submitting. Completes when `stop()` resolves.
   */
  get transitions$(): Observable<TaskTransition> {
    return this.#ledger.reporter.transitions$;
  }

  /**
   * Failures of callbacks and subscribers (they never change a task's outcome); on a
   * SchedulerThread also crashes of the lane thread or its executors, on a BullMQScheduler a
   * lost Redis connection (once per outage).
   */
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
   * `stop()` resolves. The event loop measured is the lane's: the caller's for an
   * AsyncScheduler; the lane thread's for a SchedulerThread (its utilization read from the main
   * side, so a blocked thread shows as busy; `threads.laneRestarts` counts replaced lane
   * threads); this process's for a BullMQScheduler (`kind: 'bullmq'`; the bodies run in the
   * workers).
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
   * Warnings about the lane: tasks waiting over a second on a scheduler never started
   * (`scheduler.notStarted`, once); on an AsyncScheduler or a SchedulerThread, a task body that
   * blocked the lane's event loop longer than `slowTaskMs`, with the task and a hint (make it a
   * SyncTask, or move it to a SchedulerThread); on a SchedulerThread, a lane thread the watchdog
   * had to replace because its loop stopped answering.
   *
   * @remarks Blocked-loop detection runs only while someone subscribes (here or to
   * `metrics$`). Hot; completes when `stop()` resolves.
   */
  get warnings$(): Observable<SchedulerWarning> {
    return this.#warnings$;
  }

  /** How many of this scheduler's tasks are STARTED now (on a SchedulerThread, as last reported by the thread). */
  get runningCount(): number {
    return this.#ledger.runningCount;
  }

  /**
   * How many of this scheduler's tasks wait to start: SUBMITTED before `start()`, or SCHEDULED
   * for a slot or for their `runAfter` (delayed ones included: see `delayedCount`). On a
   * SchedulerThread, as last reported by the thread.
   */
  get queuedCount(): number {
    return this.#queuedCount();
  }

  /**
   * How many SCHEDULED tasks wait for their `runAfter`: a `delayMs`/`runAt`, or a retry's
   * backoff. They are part of `queuedCount`.
   *
   * @remarks A SchedulerThread or a BullMQScheduler counts them over its live tasks on each read
   * (O(live tasks)), by its own clock: their lanes release delayed tasks without a transition
   * to report.
   */
  get delayedCount(): number {
    return this.#delayedCount();
  }

  /**
   * Resolves once none of this scheduler's tasks is queued or running (at once when that holds
   * already).
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
    return this.#ledger.watchers.onIdle();
  }

  /**
   * Resolves once none of this scheduler's tasks is queued (SUBMITTED or SCHEDULED); tasks may
   * still run. At once when that holds already.
   */
  onEmpty(): Promise<void> {
    return this.#ledger.watchers.onEmpty();
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
    assertWholeNumber(limit, 'limit', { min: 1 });
    return this.#ledger.watchers.onSizeLessThan(limit);
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
   * The task's value once DONE (on a BullMQScheduler, as JSON carried it).
   *
   * @remarks Rejects with the body's own error (a non-Error thrown is wrapped in a
   * SchedulerError with code `ERR_NON_ERROR_THROWN`), `TaskTimeoutError`, `TaskCanceledError`,
   * `WorkerCrashedError` or `UnknownTaskError`. A body's error that ran in a SchedulerThread's
   * lane thread or in a BullMQ worker is rebuilt from what crossed (same name, message, stack
   * and `code`; its class stayed where it was thrown).
   * @typeParam TResult - what the body resolves to: read from a `TaskId<TResult>`; a plain
   * string id gives `unknown`.
   */
  result<TResult = unknown>(id: TaskId<TResult>): Promise<TResult> {
    return resultOf<TResult>(this.#ledger, id);
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
}
