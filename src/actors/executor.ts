import type { TaskFn, TaskModuleRef } from '../tasks/types.js';

/**
 * One run of a body, as a lane hands it to an executor.
 *
 * @remarks This is the whole seam between "the lane supervisor decides what runs when" and "an
 * executor runs a body and reports back": an executor sees only this, and answers only through
 * {@link ExecutionSink}. A remote or worker-thread executor implements the same two types.
 */
export interface ExecutionJob {
  readonly id: string;
  readonly name: string;
  readonly lane: string;
  readonly args: readonly unknown[];
  readonly body: TaskFn<readonly unknown[]> | TaskModuleRef;
}

/** Where an executor reports how a run ended; called at most once per job. */
export interface ExecutionSink<TJob extends ExecutionJob = ExecutionJob> {
  /** The body returned `value`. */
  succeed(job: TJob, value: unknown): void;
  /** The body threw or rejected with `error`, whatever value was thrown. */
  fail(job: TJob, error: unknown): void;
  /**
   * A run blocks the loop it runs on at least this long, ms, before {@link ExecutionSink.blocked}
   * hears of it; absent or Infinity: nobody listens, and an executor need not time runs.
   */
  readonly blockedThresholdMs?: number;
  /** The body's synchronous run kept its event loop busy `blockedMs` (at least the threshold). */
  blocked?(job: TJob, blockedMs: number): void;
}

/** A run in progress. */
export interface Execution {
  /**
   * Asks the run to stop: its signal aborts with `reason`. Whatever it reports afterwards is
   * discarded by the lane, which has already recorded the final state.
   */
  abort(reason: Error): void;
}

/** Runs bodies somewhere (this loop, a thread, another machine) and reports back. */
export interface TaskExecutor {
  /** Starts `job` now; reports its outcome to `sink` exactly once, never synchronously. */
  execute<TJob extends ExecutionJob>(job: TJob, sink: ExecutionSink<TJob>): Execution;
}

/**
 * An executor with a fixed number of slots (threads, remote workers): the lane dispatches to
 * it only while `freeSlots > 0` and is told when a slot frees up.
 */
export interface PooledExecutor extends TaskExecutor {
  /** How many runs it can take right now. */
  readonly freeSlots: number;
  /** Ends every slot; resolves once nothing of it is left running. */
  close(): Promise<void>;
  /** Slots restarted after a crash so far, and whether the executor is degraded now. */
  health(): ExecutorHealth;
}

/** How a pooled executor has fared. */
export interface ExecutorHealth {
  readonly restarts: number;
  readonly degraded: boolean;
  /** Event-loop busy time of its working threads since it started, ms (summed over threads). */
  readonly activeMs: number;
  /** Event-loop idle time of its working threads since it started, ms. */
  readonly idleMs: number;
}

/** What a lane tells a pooled executor's factory to call. */
export interface PooledExecutorEvents {
  /** A slot became free: the lane may dispatch. */
  slotFree(): void;
  /** Something the lane's `errors$` should carry (a crash, degraded, recovered). */
  report(error: import('../errors.js').SchedulerError): void;
}

/** The health of an executor that has not started a thread yet. */
export const UNSTARTED_EXECUTOR_HEALTH: ExecutorHealth = Object.freeze({
  restarts: 0,
  degraded: false,
  activeMs: 0,
  idleMs: 0,
});
