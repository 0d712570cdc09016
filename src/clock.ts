/** A timer handle as returned by {@link Clock.setTimeout}: whatever the clock uses. */
export type TimerHandle = object | number;

/**
 * The time source of a scheduler: wall-clock readings and timers.
 *
 * @remarks Public as the type of a scheduler's `clock` option: a test can drive timeouts and
 * timestamps by hand with a simulated clock. The default reads
 * `performance.timeOrigin + performance.now()` (epoch ms with sub-millisecond precision, and
 * monotonic within a process) and uses the global timers.
 *
 * @example
 * ```ts
 * import { AsyncScheduler, type Clock } from 'async-scheduler';
 *
 * // A clock that runs 1000x faster than the wall clock (timers included).
 * const SPEED = 1000;
 * const start = Date.now();
 * const fast: Clock = {
 *   now: () => start + (Date.now() - start) * SPEED,
 *   setTimeout: (callback, delayMs) => setTimeout(callback, delayMs / SPEED),
 *   clearTimeout: (handle) => {
 *     clearTimeout(handle as ReturnType<typeof setTimeout>);
 *   },
 * };
 * const scheduler = new AsyncScheduler({ clock: fast });
 * ```
 */
export interface Clock {
  /** Current time as epoch milliseconds, with sub-millisecond precision; never decreases. */
  now(): number;
  /** Calls `callback` after `delayMs`. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `callback` on the next turn of the event loop, after pending timers and I/O: a lane
   * yields this way when quick tasks have kept one turn busy too long.
   * @remarks A simulated clock may run it on a microtask: its time never moves within a turn,
   * so no lane driven by it ever yields.
   * @default setImmediate
   */
  nextTurn?(callback: () => void): void;
}

/** The longest delay a Node timer holds (2^31 - 1 ms); a longer one fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The clock a scheduler uses when none is given.
 *
 * @remarks Timers are looked up on `globalThis` at call time, so vitest's fake timers apply.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  // Node fires a longer delay after 1 ms: cap it (the lane re-arms a task timeout that fires
  // early, and a wait of 24.8 days is as good as forever).
  setTimeout: (callback, delayMs) =>
    globalThis.setTimeout(callback, Math.min(delayMs, MAX_TIMER_DELAY_MS)),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
  nextTurn: (callback) => {
    setImmediate(callback);
  },
};
