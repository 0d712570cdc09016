import { vi } from 'vitest';

/*
 * Counts the intervals code under test leaves running. `process.getActiveResourcesInfo()` cannot:
 * it lists only timers that keep the process alive, and the library unrefs its timers.
 */

/** Intervals created since {@link trackIntervals} and not cleared yet. */
export interface IntervalTracker {
  /** How many are still running. */
  readonly live: () => number;
  /** How many were created in all. */
  readonly created: () => number;
}

/**
 * Spies on `setInterval`/`clearInterval` (the library looks them up on `globalThis` at call
 * time) until the mocks are restored (`vi.restoreAllMocks()`).
 */
export function trackIntervals(): IntervalTracker {
  const running = new Set<unknown>();
  let created = 0;
  const originalSet = globalThis.setInterval;
  const originalClear = globalThis.clearInterval;
  vi.spyOn(globalThis, 'setInterval').mockImplementation(
    (callback: () => void, delayMs?: number) => {
      const handle = originalSet(callback, delayMs);
      created++;
      running.add(handle);
      return handle;
    },
  );
  vi.spyOn(globalThis, 'clearInterval').mockImplementation(
    (handle: Parameters<typeof clearInterval>[0]) => {
      running.delete(handle);
      originalClear(handle);
    },
  );
  return { live: () => running.size, created: () => created };
}

/** How many timers keep the process alive now. */
export function refedTimeouts(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}
