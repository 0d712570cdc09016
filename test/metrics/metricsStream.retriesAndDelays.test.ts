import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMetricsStream,
  type LaneMetricsSource,
} from '../../src/metrics/createMetricsStream.js';
import { LaneCounters } from '../../src/metrics/LaneCounters.js';
import { EMPTY_LOOP_SAMPLE } from '../../src/metrics/LoopMonitor.js';
import type { LaneMetrics, SchedulerWarning } from '../../src/metrics/types.js';
import type { TaskTransition } from '../../src/tasks/types.js';

const INTERVAL_MS = 100;

/** A lane source over real counters; `delayed` is what the lane would report now. */
function laneSource(state: { delayed: number } = { delayed: 0 }) {
  const counters = new LaneCounters();
  const transitions = new Subject<TaskTransition>();
  const source: LaneMetricsSource = {
    lane: 'main',
    kind: 'loop',
    transitions$: transitions.asObservable(),
    warnings$: new Subject<SchedulerWarning>().asObservable(),
    now: () => 0,
    counts: () => ({
      queued: 0,
      running: 0,
      submitted: counters.submitted,
      finished: counters.finished(),
      retried: counters.retried,
      delayed: state.delayed,
    }),
    threads: () => ({
      executorRestarts: 0,
      laneRestarts: 0,
      degraded: false,
      executorActiveMs: 0,
      executorIdleMs: 0,
    }),
    loop: { start: () => undefined, sample: () => EMPTY_LOOP_SAMPLE, stop: () => undefined },
  };
  return { source, counters, transitions };
}

function record(source: LaneMetricsSource): { samples: LaneMetrics[]; stop: () => void } {
  const samples: LaneMetrics[] = [];
  const subscription = createMetricsStream(source, INTERVAL_MS).subscribe((sample) => {
    samples.push(sample);
  });
  return {
    samples,
    stop: () => {
      subscription.unsubscribe();
    },
  };
}

describe('createMetricsStream()', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('retried', () => {
    it('reports the retries total of the lane, from 0, growing with each retry counted', () => {
      const { source, counters } = laneSource();
      const { samples, stop } = record(source);
      vi.advanceTimersByTime(INTERVAL_MS);
      counters.taskRetried();
      counters.taskRetried();
      vi.advanceTimersByTime(INTERVAL_MS);
      counters.taskRetried();
      vi.advanceTimersByTime(INTERVAL_MS);
      expect(samples.map((sample) => sample.retried)).toEqual([0, 2, 3]);
      stop();
    });

    it('is a total since creation: retries counted before anyone subscribed are in it', () => {
      const { source, counters } = laneSource();
      counters.taskRetried();
      const { samples, stop } = record(source);
      vi.advanceTimersByTime(INTERVAL_MS);
      expect(samples[0]?.retried).toBe(1);
      stop();
    });

    it('keeps retries apart from final states: a retried task is not finished', () => {
      const { source, counters } = laneSource();
      counters.taskSubmitted();
      counters.taskRetried();
      counters.taskFinished('DONE');
      const { samples, stop } = record(source);
      vi.advanceTimersByTime(INTERVAL_MS);
      expect(samples[0]).toMatchObject({
        submitted: 1,
        retried: 1,
        finished: { DONE: 1, FAILED: 0, TIMED_OUT: 0, CANCELED: 0 },
      });
      stop();
    });
  });

  describe('delayed', () => {
    it('reports how many tasks the lane says wait out a delay now, each sample afresh', () => {
      const lane = { delayed: 4 };
      const { source } = laneSource(lane);
      const { samples, stop } = record(source);
      vi.advanceTimersByTime(INTERVAL_MS);
      lane.delayed = 1;
      vi.advanceTimersByTime(INTERVAL_MS);
      expect(samples.map((sample) => sample.delayed)).toEqual([4, 1]);
      stop();
    });
  });
});
