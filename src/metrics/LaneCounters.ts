import { FINAL_STATES, type FinalTaskState } from '../machines/taskLifecycle.js';

/**
 * Totals of a lane since it was created: tasks submitted, retries, and tasks per final state.
 *
 * @remarks Always on: one integer increment per submit and per final state, so `metrics$`
 * reports true totals whenever it is first subscribed.
 */
export class LaneCounters {
  #submitted = 0;
  #retried = 0;
  readonly #finished = Object.fromEntries(FINAL_STATES.map((state) => [state, 0])) as Record<
    FinalTaskState,
    number
  >;

  /** Tasks submitted so far. */
  get submitted(): number {
    return this.#submitted;
  }

  /** Retries so far: attempts that failed or timed out and were tried again. */
  get retried(): number {
    return this.#retried;
  }

  /** A copy of the totals per final state. */
  finished(): Record<FinalTaskState, number> {
    return { ...this.#finished };
  }

  /** Counts one submit. */
  taskSubmitted(): void {
    this.#submitted++;
  }

  /** Counts one retry (a task took the edge STARTED → SCHEDULED). */
  taskRetried(): void {
    this.#retried++;
  }

  /** Counts one task entering `state`. */
  taskFinished(state: FinalTaskState): void {
    this.#finished[state]++;
  }
}
