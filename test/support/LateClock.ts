import type { Clock, TimerHandle } from '../../src/clock.js';
import { ManualClock } from './ManualClock.js';

/**
 * A {@link ManualClock} whose timers can fire late, as on a blocked event loop: `stall(ms)`
 * moves the time read by `now()` without firing anything, so the timers that were due fire at
 * the next `advance` with `now()` already past their due time.
 */
export class LateClock implements Clock {
  readonly #timers: ManualClock;
  #stalledMs = 0;

  constructor(startAt?: number) {
    this.#timers = new ManualClock(startAt);
  }

  now(): number {
    return this.#timers.now() + this.#stalledMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.#timers.setTimeout(callback, delayMs);
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.clearTimeout(handle);
  }

  nextTurn(callback: () => void): void {
    this.#timers.nextTurn(callback);
  }

  /** Moves `now()` by `ms` and fires no timer: those due meanwhile fire late, at the next advance. */
  stall(ms: number): void {
    this.#stalledMs += ms;
  }

  /** Fires due timers as time moves by `ms` (as ManualClock does), late by every stall so far. */
  advance(ms: number): Promise<void> {
    return this.#timers.advance(ms);
  }
}
