import type { Clock, TimerHandle } from '../../../clock.js';

/**
 * A lane's one timer: it rings at the earliest time anyone asked for (a delayed task's due
 * time, the rate limit's next free start), never once per task.
 *
 * @remarks {@link LaneAlarm.ringAt} only ever brings the alarm closer; what rings re-arms it
 * for whatever is due next. Node's timers count from the loop's cached time and may fire up to
 * a millisecond before the clock's `now()` reaches the time asked for: the owner checks what is
 * due against `now()` and asks again for the rest.
 */
export class LaneAlarm {
  readonly #clock: Clock;
  readonly #ring: () => void;
  #timer: TimerHandle | undefined;
  /** When the armed timer rings, epoch ms; Infinity while none is armed. */
  #at = Infinity;

  /** @param ring - what to do when it rings (the lane promotes what is due, then wakes). */
  constructor(clock: Clock, ring: () => void) {
    this.#clock = clock;
    this.#ring = ring;
  }

  /** Rings at `at` (epoch ms), unless it rings sooner already. */
  ringAt(at: number): void {
    if (at >= this.#at) return;
    this.clear();
    this.#at = at;
    const delayMs = Math.max(0, Math.ceil(at - this.#clock.now()));
    this.#timer = this.#clock.setTimeout(this.#fire, delayMs);
  }

  /** Disarms it. */
  clear(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Infinity;
    this.#ring();
  };
}
