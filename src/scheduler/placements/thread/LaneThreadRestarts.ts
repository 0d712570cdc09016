import { RestartTracker, type RestartPolicy } from '../../../actors/restartPolicy.js';
import type { Clock, TimerHandle } from '../../../clock.js';
import { SchedulerError, SchedulerErrorCode, WorkerCrashedError } from '../../../errors.js';
import type { TransitionReporter } from '../../ledger/TransitionReporter.js';

/** What a {@link LaneThreadRestarts} works with. */
export interface LaneThreadRestartsOptions {
  readonly lane: string;
  readonly policy: RestartPolicy;
  readonly clock: Clock;
  /** Where passing the policy's limit is reported. */
  readonly reporter: TransitionReporter;
}

/** How a crash is described: the lane thread's exit code and what it threw, when known. */
export interface CrashDetails {
  readonly exitCode?: number;
  readonly cause?: Error;
}

/**
 * The pace of a lane thread's restarts after crashes, by the executors' restart policy: an
 * exponential, jittered delay; past the limit an `ERR_EXECUTOR_DEGRADED` error and a retry
 * every `maxDelayMs`. A thread that exits before it is ready counts the same, but past the
 * limit it is `ERR_THREAD_START_FAILED`, and the queued tasks end with it (no task can have
 * killed a thread that never ran one, so waiting for the next try could be forever).
 *
 * @remarks The pending restart's timer keeps the process alive only while the lane has work
 * ({@link LaneThreadRestarts.keepAlive}), as the thread itself would.
 */
export class LaneThreadRestarts {
  readonly #options: LaneThreadRestartsOptions;
  readonly #tracker: RestartTracker;
  #delayMs = 0;
  #overLimit = false;
  /** The error queued tasks fail with, while no thread has started since the limit passed. */
  #startFailed: SchedulerError | undefined;
  #timer: TimerHandle | undefined;

  constructor(options: LaneThreadRestartsOptions) {
    this.#options = options;
    this.#tracker = new RestartTracker(options.policy);
  }

  /** True when the last crash passed the policy's limit (until a restart is scheduled). */
  get overLimit(): boolean {
    return this.#overLimit;
  }

  /**
   * Counts a crash, described by `why`: sets the delay of the next restart, and past the
   * policy's limit reports the lane thread degraded.
   */
  recordCrash(why: string, details: CrashDetails): void {
    const { lane, policy, reporter } = this.#options;
    if (!this.#count()) return;
    const limit = `${policy.maxRestarts} times in ${policy.windowMs} ms`;
    reporter.reportError(
      new SchedulerError(
        SchedulerErrorCode.EXECUTOR_DEGRADED,
        `Lane thread "${lane}" crashed more than ${limit}; retrying every ${policy.maxDelayMs} ms`,
        { cause: new WorkerCrashedError(why, details) },
      ),
    );
  }

  /**
   * Counts a thread that exited before it was ready (its entry did not load, threw on import,
   * or exited at once), paced like a crash. Past the policy's limit, and after every further
   * failed start until a thread is ready ({@link LaneThreadRestarts.started}), the lane's
   * queued tasks cannot wait for a thread that may never come.
   *
   * @returns the error they end FAILED with (`ERR_THREAD_START_FAILED`, the start error as its
   * `cause`), reported on `errors$` when the limit is first passed; undefined below the limit.
   */
  recordStartFailure(why: string, details: CrashDetails): SchedulerError | undefined {
    const { lane, policy, reporter } = this.#options;
    const overLimit = this.#count();
    if (this.#startFailed !== undefined) return this.#startFailed;
    if (!overLimit) return undefined;
    const failed = new SchedulerError(
      SchedulerErrorCode.THREAD_START_FAILED,
      `Lane thread "${lane}" could not start (${policy.maxRestarts + 1} tries in ${policy.windowMs} ms): ${details.cause?.message ?? `it exited with code ${details.exitCode ?? 'unknown'}`}; its queued tasks fail until a start succeeds, retried every ${policy.maxDelayMs} ms`,
      { cause: details.cause ?? new WorkerCrashedError(why, details) },
    );
    this.#startFailed = failed;
    reporter.reportError(failed);
    return failed;
  }

  /** A lane thread is ready: tasks wait for restarts again instead of failing. */
  started(): void {
    this.#startFailed = undefined;
  }

  /** Counts a crash or failed start; sets the next delay; true past the policy's limit. */
  #count(): boolean {
    const { policy, clock } = this.#options;
    const { delayMs, overLimit } = this.#tracker.recordCrash(clock.now());
    this.#delayMs = overLimit || this.#startFailed !== undefined ? policy.maxDelayMs : delayMs;
    if (overLimit) this.#overLimit = true;
    return overLimit;
  }

  /** Calls `restart` once the delay the last crash set has passed. */
  schedule(restart: () => void): void {
    this.#overLimit = false;
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      restart();
    }, this.#delayMs);
  }

  /** Drops a scheduled restart. */
  cancel(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A scheduled restart keeps the process alive iff `busy` (the lane has work or owes answers). */
  keepAlive(busy: boolean): void {
    const timer = this.#timer as { ref?: () => void; unref?: () => void } | undefined;
    if (busy) timer?.ref?.();
    else timer?.unref?.();
  }
}
