/** A lane's rate limit: at most `max` starts in any window of `perMs` milliseconds. */
export interface RateLimit {
  /** Starts allowed per window: a whole number >= 1. */
  readonly max: number;
  /** The window, ms: a finite number > 0. */
  readonly perMs: number;
}

/**
 * The sliding window of a lane's starts: a task may start at `now` only when fewer than `max`
 * tasks started in the `perMs` before it, so no window of `perMs` ever holds more than `max`
 * starts (not a fixed window, which lets `2 * max` through around its edge).
 *
 * @remarks It keeps the last `max` start times in a ring: the start `max` starts ago is the
 * one that must have left the window. O(1) per start; the ring grows with the starts up to
 * `max`, so a large `max` costs memory only once that many tasks have started.
 */
export class StartRateLimit {
  readonly #perMs: number;
  /** The last `max` start times (fewer until `max` have started), oldest at `#next` once full. */
  readonly #starts: number[] = [];
  readonly #max: number;
  #next = 0;

  constructor({ max, perMs }: RateLimit) {
    this.#max = max;
    this.#perMs = perMs;
  }

  /**
   * When the next start may happen: `now` when one may start now, else the time the oldest
   * start of the window leaves it (epoch ms).
   */
  nextStartAt(now: number): number {
    if (this.#starts.length < this.#max) return now;
    const free = (this.#starts[this.#next] as number) + this.#perMs;
    return free <= now ? now : free;
  }

  /** Counts a start at `now`. */
  started(now: number): void {
    const starts = this.#starts;
    if (starts.length < this.#max) {
      starts.push(now);
      return;
    }
    starts[this.#next] = now;
    this.#next = (this.#next + 1) % this.#max;
  }
}
