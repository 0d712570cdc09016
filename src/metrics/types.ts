import type { FinalTaskState } from '../machines/taskLifecycle.js';

/**
 * A distribution summary in milliseconds, from a `perf_hooks` histogram.
 * @remarks With `count` 0 every value is 0.
 */
export interface Percentiles {
  /** How many samples the window holds. */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Where a lane's tasks run: the caller's event loop (AsyncScheduler), its own worker thread
 * (SchedulerThread), or worker processes taking BullMQ jobs from Redis (BullMQScheduler).
 */
export type LaneKind = 'loop' | 'thread' | 'bullmq';

/**
 * One lane's figures, emitted by `metrics$` every `metricsIntervalMs`.
 *
 * @remarks Counts (`submitted`, `finished`, `retried`, restarts) are totals since the scheduler was
 * created; rates, percentiles and `blocked` cover the window since the previous emission
 * (`windowMs`). Wait and run times are in milliseconds.
 */
export interface LaneMetrics {
  readonly lane: string;
  readonly kind: LaneKind;
  /** When the sample was taken, epoch ms. */
  readonly at: number;
  /** The window the rates and percentiles cover, ms. */
  readonly windowMs: number;
  /** Tasks waiting (SUBMITTED before `start()`, or SCHEDULED). */
  readonly queued: number;
  /** Tasks STARTED now. */
  readonly running: number;
  /** Tasks submitted since the scheduler was created. */
  readonly submitted: number;
  /** Tasks that reached each final state since the scheduler was created. */
  readonly finished: Readonly<Record<FinalTaskState, number>>;
  /**
   * Retries since the scheduler was created: attempts that failed or timed out and were tried
   * again (transitions STARTED → SCHEDULED with reason `'retry'`).
   */
  readonly retried: number;
  /**
   * Tasks waiting out a delay (`delayMs`, `runAt`) or a retry's backoff now (the scheduler's
   * `delayedCount`): counted in `queued` too.
   */
  readonly delayed: number;
  /** Tasks that reached a final state in the window, per second. */
  readonly throughputPerSec: number;
  /** Submit → start of the tasks that started in the window. */
  readonly waitMs: Percentiles;
  /** Start → end of the tasks that finished in the window after starting. */
  readonly runMs: Percentiles;
  /** The lane's event loop over the window (the main loop for an AsyncScheduler). */
  readonly eventLoop: {
    /** Timer lateness from `monitorEventLoopDelay`, ms. */
    readonly delayMs: Percentiles;
    /** Share of the window the loop was busy, 0–1 (`eventLoopUtilization`). */
    readonly utilization: number;
  };
  /**
   * The worker processes taking the lane's jobs (a BullMQ lane only), as Redis listed them at
   * the last refresh (at most one sample old): their count and names.
   */
  readonly workers?: { readonly count: number; readonly names: readonly string[] };
  /**
   * @remarks For an AsyncScheduler on the process's shared executor pool (no `threads` option),
   * the executor figures are the shared pool's, across every scheduler that uses it.
   */
  readonly threads: {
    /** Executor threads (SyncTask) restarted after a crash, since creation. */
    readonly executorRestarts: number;
    /** Lane threads (SchedulerThread) restarted after a crash, since creation; 0 for a loop lane. */
    readonly laneRestarts: number;
    /** True while the executor is degraded (past its restart limit). */
    readonly degraded: boolean;
    /**
     * Share of the window the executor threads (SyncTask) were busy, 0–1, averaged over them
     * (`worker.performance.eventLoopUtilization()`); 0 before the first SyncTask.
     */
    readonly executorUtilization: number;
  };
  /** Loop-blocked warnings in the window, and the longest block, ms. */
  readonly blocked: { readonly count: number; readonly maxMs: number };
}

/** The task a blocked loop was running, as far as the lane can tell. */
export interface BlockingTask {
  readonly id: string;
  readonly name: string;
  /** How long the task had been STARTED when the block ended, ms. */
  readonly runMs: number;
}

/**
 * A lane's event loop was blocked longer than `slowTaskMs`: nothing else on it (timers, I/O,
 * other tasks) could run meanwhile.
 *
 * @remarks The Node counterpart of asyncio's `slow_callback_duration` warning. `task` is set
 * when the block was inside a task body's synchronous run; when it happened later (after an
 * `await`), `suspects` lists the tasks that were STARTED on that loop throughout the block.
 */
export interface LoopBlockedWarning {
  readonly type: 'loop.blocked';
  readonly lane: string;
  /** When the block ended, epoch ms. */
  readonly at: number;
  /** How long the loop could not run anything else, ms. */
  readonly blockedMs: number;
  /** The task whose body blocked the loop, when known exactly. */
  readonly task?: BlockingTask;
  /** Tasks running on the loop during the block, when the culprit is not known exactly. */
  readonly suspects: readonly BlockingTask[];
  /** What to do about it. */
  readonly hint: string;
  /** One readable line: what, where, how long, the hint. */
  readonly message: string;
}

/**
 * Tasks have waited longer than a second on a scheduler that was never started: `start()` was
 * probably forgotten (or pass `autoStart: true`).
 *
 * @remarks Emitted once per scheduler, on `warnings$` and as a process warning
 * (`process.emitWarning`, code `ASYNC_SCHEDULER_NOT_STARTED`, so it can be filtered with
 * `process.on('warning')` or `--disable-warning=ASYNC_SCHEDULER_NOT_STARTED` on Node 21+).
 */
export interface NotStartedWarning {
  readonly type: 'scheduler.notStarted';
  readonly lane: string;
  /** When the warning was raised, epoch ms. */
  readonly at: number;
  /** How long the first waiting task had waited by then, ms. */
  readonly waitedMs: number;
  /** How many tasks were waiting for `start()`. */
  readonly queued: number;
  /** What to do about it. */
  readonly hint: string;
  /** One readable line: which scheduler, how many tasks, how long, the hint. */
  readonly message: string;
}

/**
 * Everything `warnings$` emits; a union so new kinds can join without breaking callers: switch
 * on `type`.
 */
export type SchedulerWarning = LoopBlockedWarning | NotStartedWarning;
