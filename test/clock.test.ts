import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/clock.js';

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('.now()', () => {
    it('reads epoch milliseconds with sub-millisecond precision, never going back', () => {
      const readings = Array.from({ length: 1000 }, () => systemClock.now());
      for (let i = 1; i < readings.length; i++) {
        expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1]!);
      }
      // Epoch ms: the same order of magnitude as Date.now(), not a process-relative reading.
      expect(readings[0]).toBeGreaterThan(Date.UTC(2020, 0, 1));
      expect(readings.some((ms) => !Number.isInteger(ms))).toBe(true);
    });
  });

  describe('.setTimeout() and .clearTimeout()', () => {
    it('caps a delay past 2^31 - 1 ms, which Node would fire after 1 ms', () => {
      const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
      const handle = systemClock.setTimeout(() => undefined, 3 * 2 ** 31);
      systemClock.clearTimeout(handle);
      expect(setTimeoutSpy).toHaveBeenCalledWith(expect.any(Function), 2 ** 31 - 1);
      setTimeoutSpy.mockRestore();
    });

    it('use the global timers at call time, so fake timers drive them', () => {
      vi.useFakeTimers();
      const fired: string[] = [];
      systemClock.setTimeout(() => fired.push('a'), 100);
      const cleared = systemClock.setTimeout(() => fired.push('cleared'), 50);
      systemClock.clearTimeout(cleared);
      vi.advanceTimersByTime(99);
      expect(fired).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(fired).toEqual(['a']);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
