import type { Clock } from '../../clock.js';

/**
 * How long a lane may keep starting tasks within one turn of the event loop before it yields.
 *
 * @remarks A body that finishes synchronously (or within microtasks) reports on a microtask,
 * and its lane starts the next task on that same microtask chain: with a long queue, timers and
 * I/O would never run until the queue was empty. Yielding once a turn has lasted this long
 * bounds the event loop's delay by about one task's run time.
 */
export const LOOP_TURN_BUDGET_MS = 10;

/**
 * Tracks how long the current turn of the event loop has spent starting tasks, and defers
 * the rest of the work to the next turn (`setImmediate`) once the budget is spent.
 */
export class LoopTurnBudget {
  readonly #clock: Clock;
  readonly #budgetMs: number;
  #turnStartedAt: number | undefined;
  #resumeScheduled = false;

  #nextTurn(callback: () => void): void {
    if (this.#clock.nextTurn === undefined) setImmediate(callback);
    else this.#clock.nextTurn(callback);
  }

  /**
   * @param clock - the lane's clock: a simulated one never moves within a turn, so tests that
   * drive time by hand never see a yield.
   */
  constructor(clock: Clock, budgetMs: number = LOOP_TURN_BUDGET_MS) {
    this.#clock = clock;
    this.#budgetMs = budgetMs;
  }

  /**
   * True when the caller may go on in this turn; false when `resume` was scheduled for the next
   * turn instead (once, however many times this is asked meanwhile).
   */
  mayContinue(resume: () => void): boolean {
    if (this.#resumeScheduled) return false;
    const now = this.#clock.now();
    if (this.#turnStartedAt === undefined) {
      this.#turnStartedAt = now;
      // Marks the end of this turn: the lane's next drain measures a fresh one.
      this.#nextTurn(() => {
        this.#turnStartedAt = undefined;
      });
      return true;
    }
    if (now - this.#turnStartedAt <= this.#budgetMs) return true;
    this.#resumeScheduled = true;
    this.#nextTurn(() => {
      this.#resumeScheduled = false;
      this.#turnStartedAt = undefined;
      resume();
    });
    return false;
  }
}
