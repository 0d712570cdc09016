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
 * every `maxDelayMs`.
 *
 * @remarks The pending restart's timer keeps the process alive only while the lane has work
 * ({@link LaneThreadRestarts.keepAlive}), as the thread itself would.
 */
export class LaneThreadRestarts {
  readonly #options: LaneThreadRestartsOptions;
  readonly #tracker: RestartTracker;
  #delayMs = 0;
  #overLimit = false;
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
    const { lane, policy, clock, reporter } = this.#options;
    const { delayMs, overLimit } = this.#tracker.recordCrash(clock.now());
    this.#delayMs = overLimit ? policy.maxDelayMs : delayMs;
    if (!overLimit) return;
    const limit = `${policy.maxRestarts} times in ${policy.windowMs} ms`;
    this.#overLimit = true;
    reporter.reportError(
      new SchedulerError(
        SchedulerErrorCode.EXECUTOR_DEGRADED,
        `Lane thread "${lane}" crashed more than ${limit}; retrying every ${policy.maxDelayMs} ms`,
        { cause: new WorkerCrashedError(why, details) },
      ),
    );
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
