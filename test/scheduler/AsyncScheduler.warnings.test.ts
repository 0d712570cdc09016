import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom, lastValueFrom, skip, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  type AsyncSchedulerOptions,
  type LoopBlockedWarning,
} from '../../src/index.js';
import { isSettled } from '../support/deferred.js';
import { loopBlocked } from '../support/loopBlocked.js';
import { createHarness, hangingTask } from '../support/harness.js';
import { trackIntervals } from '../support/liveIntervals.js';

/*
 * Real loops, real clock: a body that spins is the block being detected. The spins are three
 * times the threshold, so no scheduling noise can bring one under it; and no test asserts that
 * a low threshold saw no warning at all (a busy machine stalls a loop now and then).
 */
const SLOW_TASK_MS = 50;
const SPIN_MS = 150;

/** Keeps this loop busy for `ms`. */
function spin(ms: number): void {
  const started = performance.now();
  while (performance.now() - started < ms) {
    // CPU-bound on purpose
  }
}

/** A body that blocks the loop in its synchronous run. */
const spinner = new AsyncTask('spinner', () => {
  spin(SPIN_MS);
  return 'spun';
});

/** A body that blocks the loop after its first `await`, where no executor times it. */
const spinnerAfterAwait = new AsyncTask('late-spinner', async () => {
  await Promise.resolve();
  spin(SPIN_MS);
  return 'spun late';
});

/** Whether `warning` is about task `id`, named outright or as a suspect. */
function concerns(warning: LoopBlockedWarning, id: string): boolean {
  return warning.task?.id === id || warning.suspects.some((task) => task.id === id);
}

describe('AsyncScheduler', () => {
  describe('.warnings$', () => {
    const made: AsyncScheduler[] = [];
    afterEach(async () => {
      vi.restoreAllMocks();
      await Promise.all(made.splice(0).map((s) => s.stop({ cancel: true })));
    });

    function scheduler(options: AsyncSchedulerOptions = {}): AsyncScheduler {
      const s = new AsyncScheduler({ slowTaskMs: SLOW_TASK_MS, ...options }).start();
      made.push(s);
      return s;
    }

    it('reports a body that blocks the loop in its synchronous run, once, naming it', async () => {
      const s = scheduler({ name: 'io' });
      const all = lastValueFrom(loopBlocked(s).pipe(toArray()));
      const id = s.submitTask(spinner);
      await expect(s.result(id)).resolves.toBe('spun');
      await s.stop();
      const about = (await all).filter((w) => concerns(w, id));
      expect(about).toHaveLength(1);
      const warning = about[0]!;
      expect(warning).toMatchObject({
        type: 'loop.blocked',
        lane: 'io',
        task: { id, name: 'spinner' },
        suspects: [],
      });
      // The executor timed the body's run: at least the spin itself.
      expect(warning.blockedMs).toBeGreaterThanOrEqual(SPIN_MS);
      expect(warning.task!.runMs).toBe(warning.blockedMs);
      expect(warning.hint).toContain('SyncTask');
      expect(warning.hint).toContain('SchedulerThread');
      expect(warning.message).toContain('Lane "io"');
      expect(warning.message).toContain(`task "spinner" (${id})`);
      expect(Object.isFrozen(warning)).toBe(true);
    });

    it('reports a body that blocks the loop after an await, among the suspects', async () => {
      const s = scheduler();
      const ids: string[] = [];
      const reported = firstValueFrom(
        loopBlocked(s).pipe(filter((w) => ids.some((id) => concerns(w, id)))),
      );
      ids.push(s.submitTask(spinnerAfterAwait));
      const warning: LoopBlockedWarning = await reported;
      await expect(s.result(ids[0]!)).resolves.toBe('spun late');
      // The sentinel saw the loop late: how late is the block less at most one check interval.
      expect(warning.blockedMs).toBeGreaterThanOrEqual(SLOW_TASK_MS);
      if (warning.task === undefined) {
        expect(warning.suspects.map((task) => task.name)).toContain('late-spinner');
        expect(warning.message).toContain('"late-spinner"');
      } else {
        expect(warning.task.name).toBe('late-spinner');
      }
    });

    it('names the suspect of a block after an await on a simulated lane clock too', async () => {
      // The sentinel measures the block in real time; the lane's clock (a manual one here)
      // does not move meanwhile, so the tasks running through the block must still be found.
      const { scheduler: s } = createHarness({ slowTaskMs: SLOW_TASK_MS });
      made.push(s);
      const all = lastValueFrom(loopBlocked(s).pipe(toArray()));
      const id = s.submitTask(spinnerAfterAwait);
      await s.waitTask(id);
      // The sentinel's late tick comes after the body has ended: wait for the warning itself.
      await firstValueFrom(s.warnings$);
      await s.stop();
      expect((await all).filter((w) => concerns(w, id))).toHaveLength(1);
    });

    it('counts the block in metrics$, even with no warnings$ subscriber', async () => {
      const s = scheduler({ metricsIntervalMs: 20 });
      const sample = firstValueFrom(s.metrics$.pipe(filter((m) => m.blocked.count > 0)));
      await s.result(s.submitTask(spinner));
      const { blocked } = await sample;
      expect(blocked.count).toBeGreaterThanOrEqual(1);
      expect(blocked.maxMs).toBeGreaterThanOrEqual(SPIN_MS);
    });

    it('with slowTaskMs 0 detects nothing, however long a body blocks', async () => {
      const s = scheduler({ slowTaskMs: 0, metricsIntervalMs: 10 });
      const all = lastValueFrom(loopBlocked(s).pipe(toArray()));
      const samples = lastValueFrom(s.metrics$.pipe(toArray()));
      await s.result(s.submitTask(spinner));
      await s.result(s.submitTask(spinnerAfterAwait));
      await s.stop();
      expect(await all).toEqual([]);
      const seen = await samples;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((m) => m.blocked.count === 0)).toBe(true);
    });

    describe('a subscriber that throws', () => {
      it('is reported on errors$ as SUBSCRIBER_FAILED; the task and other subscribers go on', async () => {
        const s = scheduler();
        const boom = new Error('warnings subscriber broke');
        const reported = firstValueFrom(s.errors$);
        s.warnings$.subscribe(() => {
          throw boom;
        });
        const ids: string[] = [];
        const other = firstValueFrom(
          loopBlocked(s).pipe(filter((w) => ids.some((id) => concerns(w, id)))),
        );
        ids.push(s.submitTask(spinner));
        const error = await reported;
        expect(error).toBeInstanceOf(SchedulerError);
        expect(error.code).toBe('ERR_SUBSCRIBER_FAILED');
        expect(error.cause).toBe(boom);
        expect((await other).task?.id).toBe(ids[0]);
        expect(await s.waitTask(ids[0]!)).toMatchObject({ state: 'DONE', result: 'spun' });
      });
    });

    describe('with two schedulers on the main loop', () => {
      // Each AsyncScheduler has its own detector on the one main loop: a block that one
      // scheduler's task causes, and that its lane names exactly, must not be reported again by
      // another scheduler's sentinel, blaming whatever of its own tasks happened to be running.
      it("does not blame another scheduler's idle task for a block the culprit's lane already named", async () => {
        const culpritLane = scheduler({ name: 'culprit' });
        const innocentLane = scheduler({ name: 'innocent', metricsIntervalMs: 1 });
        const culpritWarnings = lastValueFrom(loopBlocked(culpritLane).pipe(toArray()));
        const innocentWarnings = lastValueFrom(loopBlocked(innocentLane).pipe(toArray()));

        const waiting = firstValueFrom(
          innocentLane.transitions$.pipe(filter((t) => t.to === 'STARTED')),
        );
        const idle = innocentLane.submitTask(hangingTask('waiting-on-io'));
        await waiting;
        const spun = culpritLane.submitTask(spinner);
        await culpritLane.result(spun);
        // The innocent lane's sentinel is overdue once the spin ends: it ticks in the first
        // timers phase after it. Its metrics$ (every 1 ms) emits a second time only later.
        await firstValueFrom(innocentLane.metrics$.pipe(skip(1)));
        await Promise.all([culpritLane.stop(), innocentLane.stop({ cancel: true })]);

        // The culprit's lane named it exactly.
        expect((await culpritWarnings).filter((w) => w.task?.id === spun)).toHaveLength(1);
        // The other lane must not turn the same block into a warning about its own idle task.
        const blamed = (await innocentWarnings).filter((w) => concerns(w, idle));
        expect(blamed.map((w) => w.message)).toEqual([]);
      });
    });

    it('completes when stop() resolves, and a later subscriber completes at once', async () => {
      const s = scheduler();
      let completed = false;
      s.warnings$.subscribe({ complete: () => (completed = true) });
      const stopped = s.stop();
      expect(completed).toBe(false);
      await stopped;
      expect(completed).toBe(true);
      const intervals = trackIntervals();
      const late = lastValueFrom(loopBlocked(s).pipe(toArray()));
      expect(await isSettled(late)).toBe(true);
      expect(await late).toEqual([]);
      // Its coming and going left no blocked-loop sentinel running.
      expect(intervals.live()).toBe(0);
    });
  });
});
