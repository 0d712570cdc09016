import type { Clock, TimerHandle } from '../../src/clock.js';

interface Timer {
  readonly handle: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

/** Lets queued microtasks (promise callbacks) run, as many rounds as asked. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * A simulated clock for tests: time moves only when the test says so, and timers fire in
 * due order as it moves. Starts at a fixed epoch so timestamps are reproducible.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextHandle = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(startAt = Date.UTC(2026, 0, 1)) {
    this.#now = startAt;
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#timers.set(handle, { handle, dueAt: this.#now + Math.max(0, delayMs), callback });
    return handle;
  }

  /** Simulated time never moves within a turn: the next turn is the next microtask. */
  nextTurn(callback: () => void): void {
    queueMicrotask(callback);
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  /**
   * Moves time forward by `ms`, firing each due timer at its due time, and letting promise
   * callbacks run after each one (so a body's reaction to an abort is seen before the next).
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.#nextDue(target);
      if (next === undefined) break;
      this.#timers.delete(next.handle);
      this.#now = Math.max(this.#now, next.dueAt);
      next.callback();
      await flushMicrotasks();
    }
    // Never backwards: an advance that overlapped a longer one (two callers awaiting at once)
    // must not take time back to its own, earlier target.
    this.#now = Math.max(this.#now, target);
    await flushMicrotasks();
  }

  #nextDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.dueAt > target) continue;
      if (
        best === undefined ||
        timer.dueAt < best.dueAt ||
        (timer.dueAt === best.dueAt && timer.handle < best.handle)
      ) {
        best = timer;
      }
    }
    return best;
  }
}
