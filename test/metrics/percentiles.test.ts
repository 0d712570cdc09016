import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import {
  DurationWindow,
  EMPTY_PERCENTILES,
  takeLoopDelayPercentiles,
  takePercentiles,
} from '../../src/metrics/percentiles.js';

/**
 * A `perf_hooks` histogram keeps 3 significant digits: a reading may be off by 0.1 % of the
 * value (plus the microsecond it is recorded in).
 */
function expectNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.002 + 0.001);
}

/** A window holding `durationsMs`. */
function windowOf(...durationsMs: number[]): DurationWindow {
  const window = new DurationWindow();
  for (const ms of durationsMs) window.record(ms);
  return window;
}

describe('DurationWindow', () => {
  describe('.take()', () => {
    it.each([
      ['10, 20 and 30', [10, 20, 30], { count: 3, p50: 20, p90: 30, p99: 30, max: 30 }],
      [
        '1 to 100',
        Array.from({ length: 100 }, (_, i) => i + 1),
        { count: 100, p50: 50, p90: 90, p99: 99, max: 100 },
      ],
    ])('summarizes %s ms: count, p50, p90, p99 and max', (_, durations, expected) => {
      const summary = windowOf(...durations).take();
      expect(summary.count).toBe(expected.count);
      for (const key of ['p50', 'p90', 'p99', 'max'] as const) {
        expectNear(summary[key], expected[key]);
      }
    });

    it('returns a frozen summary', () => {
      expect(Object.isFrozen(windowOf(1).take())).toBe(true);
    });

    it('starts the window again empty', () => {
      const window = windowOf(5, 6);
      expect(window.take().count).toBe(2);
      expect(window.take()).toBe(EMPTY_PERCENTILES);
      window.record(7);
      const next = window.take();
      expect(next.count).toBe(1);
      expectNear(next.max, 7);
    });

    it('is EMPTY_PERCENTILES when nothing was recorded', () => {
      expect(new DurationWindow().take()).toBe(EMPTY_PERCENTILES);
    });
  });

  describe('.record()', () => {
    it.each([-1, -0.001, NaN, Infinity, -Infinity])('ignores %s', (value) => {
      const window = windowOf(value);
      expect(window.take()).toBe(EMPTY_PERCENTILES);
    });

    it('keeps the valid durations around an invalid one', () => {
      const summary = windowOf(4, NaN, -3, 8, Infinity).take();
      expect(summary.count).toBe(2);
      expectNear(summary.max, 8);
    });

    it.each([0, 0.0001, 0.0004])('counts %s ms (below a microsecond) as 1 µs', (value) => {
      const summary = windowOf(value).take();
      expect(summary.count).toBe(1);
      expect(summary.max).toBe(0.001);
      expect(summary.p50).toBe(0.001);
    });
  });
});

describe('takePercentiles()', () => {
  it('returns EMPTY_PERCENTILES for an empty histogram, all zeros and frozen', () => {
    expect(takePercentiles(createHistogram(), 1)).toBe(EMPTY_PERCENTILES);
    expect(EMPTY_PERCENTILES).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(Object.isFrozen(EMPTY_PERCENTILES)).toBe(true);
  });

  it('divides by the unit and resets the histogram', () => {
    const histogram = createHistogram();
    histogram.record(4_000);
    const summary = takePercentiles(histogram, 1_000);
    expect(summary.count).toBe(1);
    expectNear(summary.max, 4);
    expect(histogram.count).toBe(0);
  });
});

describe('takeLoopDelayPercentiles()', () => {
  it('reads a loop-delay histogram in nanoseconds as ms, then resets it', () => {
    const reset = vi.fn();
    const summary = takeLoopDelayPercentiles(
      { count: 3, max: 40_000_000, percentile: (p) => p * 100_000, reset },
      0,
    );
    expect(summary).toEqual({ count: 3, p50: 5, p90: 9, p99: 9.9, max: 40 });
    expect(reset).toHaveBeenCalledOnce();
  });

  it('takes off the sampling resolution, which Node counts in, never going below 0', () => {
    // An idle loop sampled every 10 ms reads ~10.2 ms: it was 0.2 ms late.
    const summary = takeLoopDelayPercentiles(
      {
        count: 4,
        max: 35_000_000,
        percentile: (p) => (p < 90 ? 9_000_000 : 10_500_000),
        reset() {},
      },
      10,
    );
    expect(summary.p50).toBe(0);
    expect(summary.p90).toBeCloseTo(0.5);
    expect(summary.p99).toBeCloseTo(0.5);
    expect(summary.max).toBe(25);
  });

  it('leaves an empty histogram alone', () => {
    const reset = vi.fn();
    const summary = takeLoopDelayPercentiles({ count: 0, max: 0, percentile: () => 0, reset }, 10);
    expect(summary).toBe(EMPTY_PERCENTILES);
    expect(reset).not.toHaveBeenCalled();
  });
});
