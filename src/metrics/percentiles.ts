import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Percentiles } from './types.js';

/** The summary of an empty window. */
export const EMPTY_PERCENTILES: Percentiles = Object.freeze({
  count: 0,
  p50: 0,
  p90: 0,
  p99: 0,
  max: 0,
});

/** Histograms hold whole numbers: durations are recorded in microseconds, reported in ms. */
const MICROS_PER_MS = 1_000;
/** `monitorEventLoopDelay` records nanoseconds. */
const NANOS_PER_MS = 1_000_000;

/** What both kinds of `perf_hooks` histogram share. */
interface HistogramLike {
  readonly count: number;
  readonly max: number;
  percentile(percentile: number): number;
  reset(): void;
}

/** Summarizes a histogram whose unit is `unitsPerMs` per millisecond, then resets it. */
export function takePercentiles(histogram: HistogramLike, unitsPerMs: number): Percentiles {
  const count = histogram.count;
  if (count === 0) return EMPTY_PERCENTILES;
  const summary: Percentiles = Object.freeze({
    count,
    p50: histogram.percentile(50) / unitsPerMs,
    p90: histogram.percentile(90) / unitsPerMs,
    p99: histogram.percentile(99) / unitsPerMs,
    max: histogram.max / unitsPerMs,
  });
  histogram.reset();
  return summary;
}

/**
 * Summarizes a `monitorEventLoopDelay` histogram (nanoseconds) in ms as lateness, then resets it.
 *
 * @param resolutionMs - the monitor's sampling interval: Node records the whole time between
 * two samples, so an idle loop reads as the resolution itself; it is taken off (never below 0).
 */
export function takeLoopDelayPercentiles(
  histogram: HistogramLike,
  resolutionMs: number,
): Percentiles {
  const raw = takePercentiles(histogram, NANOS_PER_MS);
  if (raw.count === 0) return raw;
  const late = (ms: number): number => Math.max(0, ms - resolutionMs);
  return Object.freeze({
    count: raw.count,
    p50: late(raw.p50),
    p90: late(raw.p90),
    p99: late(raw.p99),
    max: late(raw.max),
  });
}

/**
 * A window of durations in milliseconds, kept in a `perf_hooks` histogram (microsecond
 * resolution, constant memory however many samples).
 */
export class DurationWindow {
  readonly #histogram: RecordableHistogram = createHistogram();

  /** Adds one duration; negative or non-finite values are ignored. */
  record(durationMs: number): void {
    if (!(durationMs >= 0) || durationMs === Infinity) return;
    // The histogram refuses values below 1: sub-microsecond runs count as 1 µs.
    this.#histogram.record(Math.max(1, Math.round(durationMs * MICROS_PER_MS)));
  }

  /** The window's summary; the window starts again empty. */
  take(): Percentiles {
    return takePercentiles(this.#histogram, MICROS_PER_MS);
  }
}
