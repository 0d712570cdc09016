import { filter, firstValueFrom, lastValueFrom, take, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  SchedulerError,
  type AsyncTask,
  type LaneMetrics,
  type SchedulerThread,
  type LoopBlockedWarning,
} from '../../src/index.js';
import { LANE_WATCHDOG_GRACE_MS } from '../../src/scheduler/placements/thread/LaneWatchdog.js';
import {
  LaneSignals,
  executorTask,
  laneTask,
  useThreadHarness,
} from '../support/schedulerThreads.js';
import { loopBlocked } from '../support/loopBlocked.js';

/*
 * Real lane threads (they run the built dist/: `npm run build` first). Tests wait on the
 * samples and warnings they mean, never on elapsed time; spins are three times the threshold.
 */
const SLOW_TASK_MS = 50;
const SPIN_MS = 150;
/** Restart a crashed thread at once: tests wait on the restart, not on a delay. */
const FAST_RESTART = { baseDelayMs: 0, maxDelayMs: 0 };

/** The first value of `stream$` that passes `predicate` (subscribe before it can happen). */
function first<T>(stream$: Observable<T>, predicate: (value: T) => boolean): Promise<T> {
  return firstValueFrom(stream$.pipe(filter(predicate)));
}

/** Submits `task` and listens, from before, for the first warning naming it. */
function submitWatched(
  scheduler: SchedulerThread,
  task: AsyncTask,
  ...args: unknown[]
): { id: string; warning: Promise<LoopBlockedWarning> } {
  let id = '';
  const warning = first(loopBlocked(scheduler), (w) => w.task?.id === id);
  id = scheduler.submitTask(task, ...args);
  return { id, warning };
}

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('.metrics$', () => {
    it("emits the lane thread's figures: kind 'thread', its name, its tasks' totals", async () => {
      const { scheduler } = harness('metered', { metricsIntervalMs: 20 });
      const seen: LaneMetrics[] = [];
      scheduler.metrics$.subscribe((m) => seen.push(m));
      const settled = first(
        scheduler.metrics$,
        (m) => m.finished.DONE === 3 && m.finished.FAILED === 1,
      );
      for (const n of [1, 2, 3]) scheduler.submitTask(laneTask('default'), n, n);
      scheduler.submitTask(laneTask('fail'));
      const sample = await settled;
      expect(sample).toMatchObject({
        lane: 'metered',
        kind: 'thread',
        submitted: 4,
        queued: 0,
        running: 0,
        finished: { DONE: 3, FAILED: 1, TIMED_OUT: 0, CANCELED: 0 },
        // A failure without a retry policy ends the task: no retry counted.
        retried: 0,
        threads: { executorRestarts: 0, laneRestarts: 0, degraded: false, executorUtilization: 0 },
      });
      expect(Object.isFrozen(sample)).toBe(true);
      expect(Object.isFrozen(sample.eventLoop)).toBe(true);
      // Every run of the window was timed on the main side's records.
      const runs = seen.reduce((sum, m) => sum + m.runMs.count, 0);
      expect(runs).toBe(4);
    });

    it('counts retries made in the lane thread, on the main side, and the tasks delayed there', async () => {
      const { scheduler } = harness('retrying', { metricsIntervalMs: 20 });
      const failTimes = laneTask<[number], number>('failTimes');
      const delayed = first(scheduler.metrics$, (m) => m.delayed === 1);
      const later = scheduler.submit(laneTask('default'), { args: [1, 1], delayMs: 60_000 });
      await delayed;
      const settled = first(scheduler.metrics$, (m) => m.finished.DONE === 2);
      const retried = scheduler.submit(failTimes, {
        args: [2],
        retry: { attempts: 3, backoff: { delayMs: 1 } },
      });
      const again = scheduler.submit(failTimes, { args: [1], retry: { attempts: 2 } });
      expect([await retried.result(), await again.result()]).toEqual([3, 2]);
      expect(await settled).toMatchObject({ retried: 3, delayed: 1, queued: 1 });
      expect(await later.cancel()).toBe(true);
      expect(await first(scheduler.metrics$, (m) => m.finished.CANCELED === 1)).toMatchObject({
        retried: 3,
        delayed: 0,
      });
    });

    it("shows the lane thread's loop busy while a body blocks it, and the delay it caused", async () => {
      const { scheduler } = harness('busy', { metricsIntervalMs: 50, slowTaskMs: 0 });
      const signals = new LaneSignals();
      // The thread measures its loop from the first subscriber on, so from before the block.
      scheduler.metrics$.subscribe();
      const id = scheduler.submitTask(laneTask('gated'), signals.buffer);
      await signals.started();
      // Read from the main side: a blocked thread shows as busy while it is blocked. Of three
      // busy windows emitted after the block began, the last two lie wholly inside it.
      const busy = await lastValueFrom(
        scheduler.metrics$.pipe(
          filter((m) => m.eventLoop.utilization > 0.9),
          take(3),
          toArray(),
        ),
      );
      expect(busy).toHaveLength(3);
      const delayed = first(scheduler.metrics$, (m) => m.eventLoop.delayMs.max >= 50);
      signals.go();
      await expect(scheduler.result(id)).resolves.toBe('released');
      // A block of two whole windows (~100 ms): the thread's own delay monitor saw a late timer.
      const sample = await delayed;
      expect(sample.eventLoop.delayMs.count).toBeGreaterThan(0);
    });

    it('keeps eventLoop.utilization within 0–1 in every sample, up to and including stop()', async () => {
      // Sampling every 1 ms, some samples fall while the lane thread is being terminated.
      const { scheduler } = harness('ranged', { metricsIntervalMs: 1 });
      const samples = lastValueFrom(scheduler.metrics$.pipe(toArray()));
      await scheduler.result(scheduler.submitTask(laneTask('default'), 1, 2));
      await scheduler.stop();
      const outOfRange = (await samples)
        .map((m) => m.eventLoop.utilization)
        .filter((utilization) => !(utilization >= 0 && utilization <= 1));
      expect(outOfRange).toEqual([]);
    });

    it('counts lane threads restarted after a crash, and executor threads the lane restarted', async () => {
      const { scheduler } = harness('crashing', {
        metricsIntervalMs: 20,
        threads: 1,
        restart: FAST_RESTART,
      });
      const afterLaneCrash = first(scheduler.metrics$, (m) => m.threads.laneRestarts === 1);
      const crash = scheduler.submitTask(laneTask('exitThread'));
      expect((await scheduler.waitTask(crash)).state).toBe('FAILED');
      expect((await afterLaneCrash).threads.laneRestarts).toBe(1);
      // The new lane thread reports its executor's restarts.
      const afterExecutorCrash = first(scheduler.metrics$, (m) => m.threads.executorRestarts >= 1);
      const executorCrash = scheduler.submitTask(executorTask('exitThread'));
      expect((await scheduler.waitTask(executorCrash)).state).toBe('FAILED');
      expect((await afterExecutorCrash).threads).toMatchObject({ laneRestarts: 1 });
    });

    it('counts a blocked-loop warning of the lane thread', async () => {
      const { scheduler } = harness('blocks', { metricsIntervalMs: 20, slowTaskMs: SLOW_TASK_MS });
      const blocked = first(scheduler.metrics$, (m) => m.blocked.count > 0);
      await scheduler.result(scheduler.submitTask(laneTask('spin'), SPIN_MS));
      expect((await blocked).blocked.maxMs).toBeGreaterThanOrEqual(SPIN_MS);
    });
  });

  describe('.warnings$', () => {
    it('reports a body that blocked the lane thread’s loop, naming it, on the main side', async () => {
      const { scheduler } = harness('spinning', { slowTaskMs: SLOW_TASK_MS });
      const { id, warning: reported } = submitWatched(scheduler, laneTask('spin'), SPIN_MS);
      const warning = await reported;
      expect(warning).toMatchObject({
        type: 'loop.blocked',
        lane: 'spinning',
        task: { id, name: 'spin' },
      });
      expect(warning.blockedMs).toBeGreaterThanOrEqual(SPIN_MS);
      expect(warning.message).toContain('Lane "spinning"');
      expect(warning.message).toContain(`task "spin" (${id})`);
      expect(warning.hint).toContain('SyncTask');
      expect(Object.isFrozen(warning)).toBe(true);
      expect(await scheduler.waitTask(id)).toMatchObject({ state: 'DONE' });
    });

    it("delivers a warning as frozen as an AsyncScheduler's: its task and suspects too", async () => {
      const { scheduler } = harness('frozen', { slowTaskMs: SLOW_TASK_MS });
      const { warning: reported } = submitWatched(scheduler, laneTask('spin'), SPIN_MS);
      // It came through a structured clone: freezing the copy's top level is not enough.
      const warning = await reported;
      expect(Object.isFrozen(warning)).toBe(true);
      expect(Object.isFrozen(warning.task)).toBe(true);
      expect(Object.isFrozen(warning.suspects)).toBe(true);
    });

    it('reports a task the watchdog timed out in a blocked thread, naming it', async () => {
      const { scheduler } = harness('stuck', { slowTaskMs: SLOW_TASK_MS });
      const { id, warning: reported } = submitWatched(
        scheduler,
        laneTask('blockLoop', { timeoutMs: 50 }),
      );
      expect((await scheduler.waitTask(id)).state).toBe('TIMED_OUT');
      const warning = await reported;
      expect(warning).toMatchObject({ lane: 'stuck', task: { id, name: 'blockLoop' } });
      // At least the watchdog's grace went by with no word from the thread.
      expect(warning.blockedMs).toBeGreaterThanOrEqual(LANE_WATCHDOG_GRACE_MS);
      expect(warning.task!.runMs).toBeGreaterThanOrEqual(50);
    });

    it('reports a throwing subscriber on errors$ as SUBSCRIBER_FAILED; the task goes on', async () => {
      const { scheduler } = harness('throwing', { slowTaskMs: SLOW_TASK_MS });
      const boom = new Error('warnings subscriber broke');
      const reported = firstValueFrom(scheduler.errors$);
      scheduler.warnings$.subscribe(() => {
        throw boom;
      });
      const { id, warning: other } = submitWatched(scheduler, laneTask('spin'), SPIN_MS);
      const error = await reported;
      expect(error).toBeInstanceOf(SchedulerError);
      expect(error.code).toBe('ERR_SUBSCRIBER_FAILED');
      expect(error.cause).toBe(boom);
      expect((await other).task?.id).toBe(id);
      expect((await scheduler.waitTask(id)).state).toBe('DONE');
    });
  });

  describe('.stop()', () => {
    it('completes metrics$ (after a last sample) and warnings$', async () => {
      const { scheduler } = harness('closing', { metricsIntervalMs: 60_000 });
      const samples = lastValueFrom(scheduler.metrics$.pipe(toArray()));
      const warnings = lastValueFrom(loopBlocked(scheduler).pipe(toArray()));
      await scheduler.result(scheduler.submitTask(laneTask('default'), 1));
      await scheduler.stop();
      const last = await samples;
      expect(last).toHaveLength(1);
      expect(last[0]).toMatchObject({
        kind: 'thread',
        submitted: 1,
        finished: { DONE: 1 },
        threads: { laneRestarts: 0 },
      });
      expect(await warnings).toEqual([]);
      // A subscriber after stop() gets the totals once.
      const late = await lastValueFrom(scheduler.metrics$.pipe(toArray()));
      expect(late).toHaveLength(1);
      expect(late[0]).toMatchObject({ submitted: 1, finished: { DONE: 1 } });
    });
  });
});
