import type { Clock, TimerHandle } from '../../clock.js';
import { SchedulerError, SchedulerErrorCode } from '../../errors.js';
import type { LaneLoopWatch } from './LaneLoopWatch.js';
import type { TransitionReporter } from '../ledger/TransitionReporter.js';

/** What a {@link LaneShutdown} works with. */
export interface LaneShutdownOptions {
  /**
   * Tells the lane's supervisor to stop, draining or canceling (it then says when every task is
   * final); a stopped supervisor ignores it.
   */
  readonly tell: (cancel: boolean, reason: string) => void;
  readonly clock: Clock;
  /** Where closing the executor threads fails, and whose streams complete last. */
  readonly reporter: TransitionReporter;
  /** Its `warnings$` completes with the lane (a lane that watches no loop gives a no-op). */
  readonly loopWatch: Pick<LaneLoopWatch, 'close'>;
}

/**
 * One lane's stop, from the first `stop()` to the promise it returned: asks the supervisor to
 * drain or cancel, bounds the drain, then closes the executor threads and the lane's streams.
 *
 * @remarks A lane makes one when `stop()` is first called. The supervisor reaches `stopped`
 * only through a stop, and then calls {@link LaneShutdown.finish}.
 */
export class LaneShutdown {
  /** Resolves once every task is final, the executor threads are gone and the streams complete. */
  readonly done: Promise<void>;
  readonly #options: LaneShutdownOptions;
  #resolveDone: (() => void) | undefined;
  #requested = false;
  #stopTimer: TimerHandle | undefined;
  /** When the drain's time is up (the clock's ms), if a call bounded it. */
  #deadline = Infinity;

  constructor(options: LaneShutdownOptions) {
    this.#options = options;
    this.done = new Promise<void>((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /**
   * Tells the supervisor to stop, draining or canceling. A later call can only tighten the
   * stop: escalate a drain to a cancel, or bring the drain's deadline closer.
   *
   * @param timeoutMs - how long the drain may take from now before the rest is canceled, ms;
   * 0: no limit from this call.
   * @param limitMs - the bound the caller gave, which the cancel's reason names (a lane
   * thread gets what is left of its caller's bound as `timeoutMs`).
   * @returns {@link LaneShutdown.done}.
   */
  request(cancel: boolean, timeoutMs: number, limitMs = timeoutMs): Promise<void> {
    const first = !this.#requested;
    // Set before the send: a callback run by the step that sends it (an onCancel of the
    // sweep) may call stop() again.
    this.#requested = true;
    if (timeoutMs > 0) this.#bound(timeoutMs, limitMs);
    if (first || cancel) this.#sendStop(cancel, 'scheduler stopped');
    return this.done;
  }

  #bound(timeoutMs: number, limitMs: number): void {
    const { clock } = this.#options;
    const deadline = clock.now() + timeoutMs;
    if (deadline >= this.#deadline) return;
    this.#deadline = deadline;
    if (this.#stopTimer !== undefined) clock.clearTimeout(this.#stopTimer);
    this.#stopTimer = clock.setTimeout(() => {
      this.#stopTimer = undefined;
      this.#sendStop(true, `scheduler stop timed out after ${limitMs} ms`);
    }, timeoutMs);
  }

  /**
   * The supervisor has stopped (every task is final): once `closingExecutors` settles, the
   * streams complete and {@link LaneShutdown.done} resolves.
   */
  finish(closingExecutors: Promise<void>): void {
    const { clock, reporter } = this.#options;
    if (this.#stopTimer !== undefined) clock.clearTimeout(this.#stopTimer);
    this.#stopTimer = undefined;
    // Nothing is left to bound: a later stop({ timeoutMs }) must not set a timer.
    this.#deadline = -Infinity;
    void closingExecutors.then(
      () => {
        this.#close();
      },
      (error: unknown) => {
        reporter.reportError(
          new SchedulerError(SchedulerErrorCode.WORKER_CRASHED, 'Closing executor threads failed', {
            cause: error,
          }),
        );
        this.#close();
      },
    );
  }

  #sendStop(cancel: boolean, reason: string): void {
    this.#options.tell(cancel, reason);
  }

  #close(): void {
    this.#options.loopWatch.close();
    this.#options.reporter.complete();
    this.#resolveDone?.();
  }
}
