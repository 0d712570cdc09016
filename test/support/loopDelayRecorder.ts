import type * as PerfHooks from 'node:perf_hooks';

/*
 * Records every event-loop delay monitor the library creates, and whether it is still enabled.
 * A test file that needs it mocks the module with this wrapper (the mock must sit in the test
 * file, where vitest hoists it):
 *
 *   vi.mock('node:perf_hooks', async (importOriginal) =>
 *     (await import('../support/loopDelayRecorder.js')).recordingPerfHooks(await importOriginal()));
 */

const enabled = new Set<PerfHooks.IntervalHistogram>();
let created = 0;

/** `node:perf_hooks` whose `monitorEventLoopDelay` records its histograms. */
export function recordingPerfHooks(original: typeof PerfHooks): typeof PerfHooks {
  const monitorEventLoopDelay: typeof original.monitorEventLoopDelay = (options) => {
    const histogram = original.monitorEventLoopDelay(options);
    created++;
    const enable = histogram.enable.bind(histogram);
    const disable = histogram.disable.bind(histogram);
    histogram.enable = () => {
      enabled.add(histogram);
      return enable();
    };
    histogram.disable = () => {
      enabled.delete(histogram);
      return disable();
    };
    return histogram;
  };
  return { ...original, monitorEventLoopDelay };
}

/** Delay monitors created and still enabled. */
export function enabledLoopDelayMonitors(): number {
  return enabled.size;
}

/** Delay monitors created so far. */
export function createdLoopDelayMonitors(): number {
  return created;
}
