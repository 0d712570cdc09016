import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerThread,
  type AsyncSchedulerOptions,
  type LaneMetrics,
} from '../../src/index.js';
import { EMPTY_PERCENTILES } from '../../src/metrics/percentiles.js';
import { createHarness, echoTask, Gate, hangingTask, T0 } from '../support/harness.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import { refedTimeouts, trackIntervals } from '../support/liveIntervals.js';
import {
  createdLoopDelayMonitors,
  enabledLoopDelayMonitors,
} from '../support/loopDelayRecorder.js';
import { runToExit } from '../support/runToExit.js';
import { Signals, useSyncHarness, workTask } from '../support/syncTasks.js';

vi.mock('node:perf_hooks', async (importOriginal) =>
  (await import('../support/loopDelayRecorder.js')).recordingPerfHooks(await importOriginal()),
);

/** The interval of the schedulers whose metrics timer the tests tick by hand. */
const INTERVAL_MS = 100;
/** A percentile reading is off by at most 0.1 % of its value (3 significant digits). */
function expectNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.002 + 0.001);
}

/** Builds a scheduler from options the types would refuse, as a JavaScript caller might. */
function construct(options: unknown): AsyncScheduler {
  return new AsyncScheduler(options as AsyncSchedulerOptions);
}

const failing = new AsyncTask('fails', () => {
  throw new Error('body broke');
});

/** Everything a subscription to `metrics$` received, and whether it completed. */
function recordMetrics(scheduler: AsyncScheduler) {
  const samples: LaneMetrics[] = [];
  let completed = false;
  const subscription = scheduler.metrics$.subscribe({
    next: (sample) => samples.push(sample),
    complete: () => (completed = true),
  });
  return { samples, completed: () => completed, subscription };
}

describe('AsyncScheduler', () => {
  describe('.metrics$', () => {
    afterEach(() => {
      // Spies first: one restored after the real timers are back could put a fake one back.
      vi.restoreAllMocks();
      vi.useRealTimers();
    });

    it("emits the lane's figures on a real timer: lane, kind 'loop', every part frozen", async () => {
      const { scheduler } = createHarness({ name: 'io', metricsIntervalMs: 50 });
      const sample = await firstValueFrom(scheduler.metrics$);
      expect(sample).toMatchObject({
        lane: 'io',
        kind: 'loop',
        at: T0, // the lane's clock (a manual one here)
        queued: 0,
        running: 0,
        submitted: 0,
        finished: { DONE: 0, FAILED: 0, TIMED_OUT: 0, CANCELED: 0 },
        throughputPerSec: 0,
        waitMs: EMPTY_PERCENTILES,
        runMs: EMPTY_PERCENTILES,
        threads: { executorRestarts: 0, laneRestarts: 0, degraded: false, executorUtilization: 0 },
        blocked: { count: 0, maxMs: 0 },
      });
      expect(sample.windowMs).toBeGreaterThan(0);
      expect(sample.eventLoop.utilization).toBeGreaterThanOrEqual(0);
      expect(sample.eventLoop.utilization).toBeLessThanOrEqual(1);
      // The loop-delay monitor samples every 10 ms: a 50 ms window holds at least one reading.
      expect(sample.eventLoop.delayMs.count).toBeGreaterThan(0);
      expect(sample.eventLoop.delayMs.max).toBeGreaterThanOrEqual(sample.eventLoop.delayMs.p50);
      for (const part of [sample, sample.finished, sample.eventLoop, sample.threads]) {
        expect(Object.isFrozen(part)).toBe(true);
      }
      expect(Object.isFrozen(sample.blocked)).toBe(true);
      await scheduler.stop();
    });

    it('shares one sampling among its subscribers: they get the same objects', async () => {
      const intervals = trackIntervals();
      const { scheduler } = createHarness({ metricsIntervalMs: 20, slowTaskMs: 0 });
      const [first, second] = await Promise.all([
        firstValueFrom(scheduler.metrics$),
        firstValueFrom(scheduler.metrics$),
      ]);
      expect(first).toBe(second);
      expect(intervals.created()).toBe(1);
      expect(intervals.live()).toBe(0);
      await scheduler.stop();
    });

    it('leaves no timer and no loop-delay monitor behind after 50 subscribers came and went', async () => {
      // Detection stays on (default slowTaskMs): its sentinel runs while metrics$ is watched.
      const { scheduler } = createHarness({ metricsIntervalMs: 5 });
      const refed = refedTimeouts();
      const monitors = createdLoopDelayMonitors();
      const intervals = trackIntervals();
      for (let i = 0; i < 50; i++) scheduler.metrics$.subscribe().unsubscribe();
      await firstValueFrom(scheduler.metrics$);
      // Each came with the sampling timer and the blocked-loop sentinel…
      expect(intervals.created()).toBe(2 * 51);
      expect(createdLoopDelayMonitors() - monitors).toBe(51);
      // …and nothing of them is left.
      expect(intervals.live()).toBe(0);
      expect(enabledLoopDelayMonitors()).toBe(0);
      // Nothing new keeps the process alive (others' timers may have ended meanwhile).
      expect(refedTimeouts()).toBeLessThanOrEqual(refed);
      await scheduler.stop();
    });

    it('completes when stop() resolves, after a last sample with the final figures', async () => {
      // An interval no test waits for: the one sample is the last one.
      const { scheduler } = createHarness({ metricsIntervalMs: 60_000 });
      const intervals = trackIntervals();
      const metrics = recordMetrics(scheduler);
      const done = scheduler.submitTask(echoTask(), 1);
      await scheduler.waitTask(done);
      scheduler.submitTask(hangingTask());
      expect(metrics.samples).toEqual([]);
      await scheduler.stop({ cancel: true });
      expect(metrics.completed()).toBe(true);
      expect(metrics.samples).toHaveLength(1);
      expect(metrics.samples[0]).toMatchObject({
        queued: 0,
        running: 0,
        submitted: 2,
        finished: { DONE: 1, FAILED: 0, TIMED_OUT: 0, CANCELED: 1 },
      });
      expect(metrics.samples[0]!.runMs.count).toBe(2);
      expect(intervals.live()).toBe(0);
      expect(enabledLoopDelayMonitors()).toBe(0);
    });

    it('gives a subscriber after stop() one sample with the totals, then completes', async () => {
      const { scheduler } = createHarness({ metricsIntervalMs: 60_000 });
      await scheduler.waitTask(scheduler.submitTask(echoTask()));
      await scheduler.stop();
      const intervals = trackIntervals();
      const samples = await lastValueFrom(scheduler.metrics$.pipe(toArray()));
      expect(samples).toHaveLength(1);
      expect(samples[0]).toMatchObject({ submitted: 1, finished: { DONE: 1 }, queued: 0 });
      expect(intervals.live()).toBe(0);
      expect(enabledLoopDelayMonitors()).toBe(0);
    });

    describe('with its timer ticked by hand', () => {
      /*
       * Fake intervals: a window closes only when the test says so, and the lane's manual
       * clock moves on promise callbacks alone, so what falls in a window is exact. Blocked-loop
       * detection is off (slowTaskMs 0): its sentinel would measure real time between ticks.
       */
      beforeEach(() => {
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      });

      function harness(options: Omit<AsyncSchedulerOptions, 'clock'> = {}, start = true) {
        const h = createHarness(
          { metricsIntervalMs: INTERVAL_MS, slowTaskMs: 0, ...options },
          { start },
        );
        const metrics = recordMetrics(h.scheduler);
        /** Closes the window: the sample it emits. */
        const closeWindow = (): LaneMetrics => {
          const count = metrics.samples.length;
          vi.advanceTimersByTime(INTERVAL_MS);
          expect(metrics.samples).toHaveLength(count + 1);
          return metrics.samples.at(-1)!;
        };
        return { ...h, metrics, closeWindow };
      }

      it('emits every metricsIntervalMs, 1000 ms by default', () => {
        const { scheduler } = createHarness({ slowTaskMs: 0 });
        const byDefault = recordMetrics(scheduler);
        const every250 = recordMetrics(createHarness({ metricsIntervalMs: 250 }).scheduler);
        vi.advanceTimersByTime(999);
        expect(byDefault.samples).toHaveLength(0);
        expect(every250.samples).toHaveLength(3);
        vi.advanceTimersByTime(1);
        expect(byDefault.samples).toHaveLength(1);
        expect(every250.samples).toHaveLength(4);
        byDefault.subscription.unsubscribe();
        every250.subscription.unsubscribe();
      });

      it('counts in its totals the tasks that finished before anyone subscribed', async () => {
        const { scheduler } = createHarness({ metricsIntervalMs: INTERVAL_MS, slowTaskMs: 0 });
        for (let i = 0; i < 3; i++) await scheduler.waitTask(scheduler.submitTask(echoTask()));
        await scheduler.waitTask(scheduler.submitTask(failing));
        const metrics = recordMetrics(scheduler);
        vi.advanceTimersByTime(INTERVAL_MS);
        expect(metrics.samples[0]).toMatchObject({
          submitted: 4,
          finished: { DONE: 3, FAILED: 1, TIMED_OUT: 0, CANCELED: 0 },
          // Rates cover the window only: nothing happened in it.
          throughputPerSec: 0,
          runMs: EMPTY_PERCENTILES,
        });
        metrics.subscription.unsubscribe();
      });

      it('counts each final state', async () => {
        const { scheduler, clock, closeWindow } = harness();
        const ids = [
          scheduler.submitTask(echoTask()),
          scheduler.submitTask(echoTask()),
          scheduler.submitTask(failing),
          scheduler.submitTask(hangingTask('slow', { timeoutMs: 5 })),
          scheduler.submitTask(hangingTask()),
        ];
        await scheduler.cancelTask(ids[4]!);
        await clock.advance(5);
        const states = await Promise.all(
          ids.map(async (id) => (await scheduler.waitTask(id)).state),
        );
        expect(states).toEqual(['DONE', 'DONE', 'FAILED', 'TIMED_OUT', 'CANCELED']);
        expect(closeWindow()).toMatchObject({
          submitted: 5,
          finished: { DONE: 2, FAILED: 1, TIMED_OUT: 1, CANCELED: 1 },
          // Without a retry policy a failure or a timeout ends the task: no retry counted.
          retried: 0,
          queued: 0,
          running: 0,
        });
      });

      it('counts each retry in retried, and the tasks waiting out a delay or a backoff in delayed', async () => {
        const { scheduler, clock, closeWindow } = harness();
        let calls = 0;
        const flaky = new AsyncTask('flaky', () => {
          calls++;
          if (calls <= 2) throw new Error(`failure ${calls}`);
          return calls;
        });
        const retried = scheduler.submit(flaky, {
          retry: { attempts: 3, backoff: { delayMs: 100, jitter: false } },
        });
        const later = scheduler.submit(echoTask(), { args: ['later'], delayMs: 1_000 });
        await flushMicrotasks();
        // The first attempt failed: one retry, and both tasks wait for their runAfter.
        expect(closeWindow()).toMatchObject({ retried: 1, delayed: 2, queued: 2 });
        await clock.advance(100);
        expect(closeWindow()).toMatchObject({ retried: 2, delayed: 2 });
        await clock.advance(100);
        expect(await retried.result()).toBe(3);
        expect(closeWindow()).toMatchObject({ retried: 2, delayed: 1, finished: { DONE: 1 } });
        await clock.advance(800);
        expect(await later.result()).toBe('later');
        expect(closeWindow()).toMatchObject({ retried: 2, delayed: 0, queued: 0 });
      });

      it('reports how many tasks wait and run now, counting those held before start()', async () => {
        const { scheduler, closeWindow } = harness({ concurrency: 2 }, false);
        const gate = new Gate();
        const ids = Array.from({ length: 5 }, () => scheduler.submitTask(gate.task));
        expect(closeWindow()).toMatchObject({ queued: 5, running: 0, submitted: 5 });
        scheduler.start();
        await gate.started(ids[1]!);
        expect(closeWindow()).toMatchObject({ queued: 3, running: 2 });
        await gate.resolve(ids[0]!, 'a');
        await scheduler.waitTask(ids[0]!);
        expect(closeWindow()).toMatchObject({ queued: 2, running: 2, finished: { DONE: 1 } });
      });

      it('summarizes the waits and runs of the window; a task that never started has no run', async () => {
        const { scheduler, clock, closeWindow } = harness({ concurrency: 1 });
        const gate = new Gate();
        const [first, second, never] = [1, 2, 3].map(() => scheduler.submitTask(gate.task));
        await clock.advance(10);
        await gate.resolve(first!, 1);
        await scheduler.cancelTask(never!); // SCHEDULED → CANCELED: it waited but never ran
        await clock.advance(20);
        await gate.resolve(second!, 2);
        await scheduler.waitTask(second!);
        const sample = closeWindow();
        // Waits: 0 and 10 ms; runs: 10 and 20 ms.
        expect(sample.waitMs.count).toBe(2);
        expectNear(sample.waitMs.max, 10);
        expect(sample.runMs.count).toBe(2);
        expectNear(sample.runMs.p50, 10);
        expectNear(sample.runMs.max, 20);
        expect(Object.isFrozen(sample.runMs)).toBe(true);
      });

      it('reports the throughput of the window, and starts each window afresh', async () => {
        const { scheduler, closeWindow } = harness();
        const ids = [1, 2, 3].map((n) => scheduler.submitTask(echoTask(), n));
        for (const id of ids) await scheduler.waitTask(id);
        const busy = closeWindow();
        expect(busy.throughputPerSec).toBeGreaterThan(0);
        // finished in the window per second of (real) window
        expect((busy.throughputPerSec * busy.windowMs) / 1_000).toBeCloseTo(3, 6);
        expect(busy.waitMs.count).toBe(3);
        const quiet = closeWindow();
        expect(quiet).toMatchObject({
          throughputPerSec: 0,
          waitMs: EMPTY_PERCENTILES,
          runMs: EMPTY_PERCENTILES,
          submitted: 3,
          finished: { DONE: 3 },
        });
        expect(quiet).not.toBe(busy);
      });
    });

    describe('threads', () => {
      const syncHarness = useSyncHarness();

      it('counts executor threads restarted after a crash, and says when the executor is degraded', async () => {
        const { scheduler } = syncHarness({
          threads: 1,
          metricsIntervalMs: 10,
          restart: { maxRestarts: 1, windowMs: 60_000, baseDelayMs: 1, maxDelayMs: 50 },
        });
        const degraded = firstValueFrom(scheduler.metrics$.pipe(filter((m) => m.threads.degraded)));
        const crashes = [0, 1].map(() => scheduler.submitTask(workTask('exitProcess')));
        const sample = await degraded;
        expect(sample.threads).toMatchObject({
          executorRestarts: 2,
          laneRestarts: 0,
          degraded: true,
        });
        for (const id of crashes) expect((await scheduler.waitTask(id)).state).toBe('FAILED');
      });
    });

    describe('executor utilization', () => {
      const syncHarness = useSyncHarness();

      it('shows the SyncTask threads busy while they spin, and idle before any SyncTask', async () => {
        const { scheduler } = syncHarness({ threads: 1, metricsIntervalMs: 50 });
        const before = await firstValueFrom(scheduler.metrics$);
        expect(before.threads.executorUtilization).toBe(0);
        const signals = new Signals();
        const busy = firstValueFrom(
          scheduler.metrics$.pipe(filter((m) => m.threads.executorUtilization > 0.5)),
        );
        // 600 ms of spinning on the one thread: several windows of 50 ms are almost all busy.
        const id = scheduler.submitTask(workTask('spin'), signals.buffer, 600);
        const sample = await busy;
        expect(sample.threads.executorUtilization).toBeLessThanOrEqual(1);
        expect((await scheduler.waitTask(id)).state).toBe('DONE');
      });
    });

    describe('a subscriber that throws', () => {
      it('is reported on errors$ as SUBSCRIBER_FAILED, and the process and other subscribers go on', async () => {
        // In a child process: RxJS rethrows a plain subscriber's error on a later tick, which
        // would end the test runner's own process.
        const { code, stdout, stderr } = await runToExit('metricsSubscriberThrows.ts');
        // Nothing uncaught. The sample stop() delivers last comes after errors$ completed: the
        // subscriber's throw on it is a process warning, the same failure reported where it can be.
        const unexpected = stderr
          .split('\n')
          .filter((line) => line !== '' && !line.startsWith('(Use `node --trace-warnings'))
          .filter(
            (line) =>
              !/\[ERR_SUBSCRIBER_FAILED\] Warning: A metrics\$ subscriber threw$/.test(line),
          );
        expect(unexpected).toEqual([]);
        expect(code).toBe(0);
        expect(JSON.parse(stdout.trim())).toEqual({
          code: 'ERR_SUBSCRIBER_FAILED',
          cause: 'metrics subscriber broke',
          samples: 3,
        });
      });
    });
  });

  describe('options metricsIntervalMs and slowTaskMs', () => {
    it.each([0, -1, 1.5, NaN, Infinity])(
      'refuses metricsIntervalMs %s with a RangeError naming it',
      (value) => {
        expect(() => construct({ metricsIntervalMs: value })).toThrow(RangeError);
        expect(() => construct({ metricsIntervalMs: value })).toThrow(
          `Expected \`metricsIntervalMs\` to be a whole number from 1 to 2147483647`,
        );
      },
    );

    it.each(['x', null, true])(
      'refuses metricsIntervalMs %j with a TypeError naming it',
      (value) => {
        expect(() => construct({ metricsIntervalMs: value })).toThrow(TypeError);
        expect(() => construct({ metricsIntervalMs: value })).toThrow(/`metricsIntervalMs`/);
      },
    );

    it('refuses a metricsIntervalMs past what a timer can hold (2^31 - 1 ms), which Node would turn into 1 ms', () => {
      expect(() => construct({ metricsIntervalMs: 2 ** 31 })).toThrow(RangeError);
      expect(() => construct({ metricsIntervalMs: 2 ** 31 })).toThrow(/`metricsIntervalMs`/);
      expect(() => construct({ metricsIntervalMs: 2 ** 31 - 1 })).not.toThrow();
    });

    it.each([-1, -0.5, NaN, Infinity])(
      'refuses slowTaskMs %s with a RangeError naming it',
      (value) => {
        expect(() => construct({ slowTaskMs: value })).toThrow(RangeError);
        expect(() => construct({ slowTaskMs: value })).toThrow(
          `Expected \`slowTaskMs\` to be a finite number >= 0`,
        );
      },
    );

    it("refuses slowTaskMs '50' with a TypeError naming it", () => {
      expect(() => construct({ slowTaskMs: '50' })).toThrow(TypeError);
      expect(() => construct({ slowTaskMs: '50' })).toThrow(/`slowTaskMs`/);
    });

    it('takes metricsIntervalMs 1 and slowTaskMs 0 (detection off) and 0.5', () => {
      expect(() => new AsyncScheduler({ metricsIntervalMs: 1, slowTaskMs: 0 })).not.toThrow();
      expect(() => new AsyncScheduler({ slowTaskMs: 0.5 })).not.toThrow();
    });

    it('are checked the same way by SchedulerThread, before any thread starts', () => {
      expect(() => new SchedulerThread('t', { metricsIntervalMs: 0 })).toThrow(
        /`metricsIntervalMs`/,
      );
      expect(() => new SchedulerThread('t', { slowTaskMs: -1 })).toThrow(/`slowTaskMs`/);
    });
  });
});
