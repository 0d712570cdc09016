import type { Clock } from '../../clock.js';
import { withoutCapturedStack } from '../../errorData.js';
import { TaskCanceledError } from '../../errors.js';
import { LOOP_TURN_BUDGET_MS, LoopTurnBudget } from './LoopTurnBudget.js';

/** What a {@link CancelSweep} works with. */
export interface CancelSweepOptions<TRecord extends { readonly id: string }> {
  /** The tasks to cancel, in the order to cancel them (submit order). */
  readonly records: readonly TRecord[];
  /** Why: the reason every cancel carries. */
  readonly reason: string;
  readonly clock: Clock;
  /** Cancels one task with the error made for it (a task already final is left alone). */
  readonly cancel: (record: TRecord, error: TaskCanceledError) => void;
  /** Called once, after the last task of the sweep was canceled. */
  readonly done: () => void;
}

/**
 * Cancels many tasks at once (a `stop({ cancel: true })`, a drain's time running out) in slices
 * of one loop turn's budget each, so a sweep of 10,000 running tasks neither blocks the event
 * loop for its whole length nor pays for 10,000 stack traces.
 *
 * @remarks Two costs made such a stop take seconds, blocking the loop all along:
 * - Each {@link TaskCanceledError} captured its own stack trace, about 15 µs at the depth a
 *   stop runs at: most of a cancel's cost. Every error of a sweep comes from the same call
 *   site, so the sweep captures that stack once and gives each error a copy of its frames.
 * - The cancels ran in one synchronous loop. A sweep now cancels tasks for
 *   {@link LOOP_TURN_BUDGET_MS} and then yields a turn (timers, I/O, the body's own abort
 *   handlers run), resuming where it stopped. The first slice runs inside the call, so a small
 *   lane is still wholly canceled by the time `stop()` returns its promise.
 *
 * A task that ends by itself while the sweep waits for its turn (its body settled, its timeout
 * fired) keeps that final state; the cancel finds it final and leaves it.
 */
export class CancelSweep<TRecord extends { readonly id: string }> {
  readonly #options: CancelSweepOptions<TRecord>;
  readonly #budget: LoopTurnBudget;
  /** `\n    at …` lines of the stop's call site, shared by every error of the sweep. */
  readonly #frames: string;
  #next = 0;
  readonly #resume = (): void => {
    this.run();
  };

  constructor(options: CancelSweepOptions<TRecord>) {
    this.#options = options;
    this.#budget = new LoopTurnBudget(options.clock, LOOP_TURN_BUDGET_MS);
    const stack = new Error().stack ?? '';
    const firstFrame = stack.indexOf('\n');
    this.#frames = firstFrame < 0 ? '' : stack.slice(firstFrame);
  }

  /** Cancels tasks until the turn's budget is spent (then resumes next turn) or none is left. */
  run(): void {
    const { records, cancel, done } = this.#options;
    while (this.#next < records.length) {
      if (!this.#budget.mayContinue(this.#resume)) return;
      const record = records[this.#next++] as TRecord;
      cancel(record, this.#canceledError(record.id));
    }
    done();
  }

  /** A TaskCanceledError with the sweep's shared stack instead of a capture of its own. */
  #canceledError(taskId: string): TaskCanceledError {
    return withoutCapturedStack(
      () => new TaskCanceledError(taskId, this.#options.reason),
      (error) => `${error.name}: ${error.message}${this.#frames}`,
    );
  }
}
