import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import { EMPTY_PERCENTILES, takeLoopDelayPercentiles } from './percentiles.js';
import type { Percentiles } from './types.js';

/** How finely `monitorEventLoopDelay` samples, ms. */
const LOOP_DELAY_RESOLUTION_MS = 10;

/** An event loop's figures over a window. */
export interface LoopSample {
  readonly delayMs: Percentiles;
  /** 0–1. */
  readonly utilization: number;
}

/** Measures one event loop while started: delay percentiles and utilization per window. */
export interface LoopMonitor {
  /** Starts measuring (a window opens); counted, so nested starts need as many stops. */
  start(): void;
  /** The window since the last sample (or start); a new window opens. */
  sample(): LoopSample;
  /** Stops measuring once every start has its stop. */
  stop(): void;
}

/** A loop sample with nothing measured. */
export const EMPTY_LOOP_SAMPLE: LoopSample = Object.freeze({
  delayMs: EMPTY_PERCENTILES,
  utilization: 0,
});

/** The utilization between two readings of `eventLoopUtilization`, within 0–1 (0 when none passed). */
export function utilizationSince(
  read: (a?: EventLoopUtilization, b?: EventLoopUtilization) => EventLoopUtilization,
  since: EventLoopUtilization,
): { utilization: number; reading: EventLoopUtilization } {
  const reading = read();
  const { utilization } = read(reading, since);
  // An exiting worker reports `idle: -1`, which would put the share outside 0–1.
  const share = Number.isFinite(utilization) ? Math.min(1, Math.max(0, utilization)) : 0;
  return { utilization: share, reading };
}

/**
 * Monitors the event loop of the thread it runs on, with `monitorEventLoopDelay` and
 * `performance.eventLoopUtilization`.
 *
 * @remarks On the main thread it measures the main loop; inside a SchedulerThread's lane
 * thread, that thread's loop. The delay monitor's timer runs only between start and stop.
 */
export function createLoopMonitor(): LoopMonitor {
  let starts = 0;
  let histogram: IntervalHistogram | undefined;
  let lastReading: EventLoopUtilization | undefined;
  const read = performance.eventLoopUtilization.bind(performance);
  return {
    start() {
      starts++;
      if (starts > 1) return;
      histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
      histogram.enable();
      lastReading = read();
    },
    sample() {
      if (histogram === undefined || lastReading === undefined) return EMPTY_LOOP_SAMPLE;
      const { utilization, reading } = utilizationSince(read, lastReading);
      lastReading = reading;
      return Object.freeze({
        delayMs: takeLoopDelayPercentiles(histogram, LOOP_DELAY_RESOLUTION_MS),
        utilization,
      });
    },
    stop() {
      if (starts === 0) return;
      starts--;
      if (starts > 0) return;
      histogram?.disable();
      histogram = undefined;
      lastReading = undefined;
    },
  };
}
