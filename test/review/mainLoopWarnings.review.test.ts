import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom, lastValueFrom, skip, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, type SchedulerWarning } from '../../src/index.js';
import { hangingTask } from '../support/harness.js';

/*
 * Review (issue 4, blocked-loop detection): every AsyncScheduler runs on the one main loop, but
 * each has its own detector. A block that one scheduler's task causes, and that scheduler names
 * exactly, is reported again by every other AsyncScheduler's sentinel, which blames whatever
 * of *its* tasks happened to be running ("Something did not yield while these tasks ran").
 * The spin is three times the threshold, as in AsyncScheduler.warnings.test.ts.
 */
const SLOW_TASK_MS = 50;
const SPIN_MS = 150;

const spinner = new AsyncTask('spinner', () => {
  const started = performance.now();
  while (performance.now() - started < SPIN_MS) {
    // CPU-bound on purpose
  }
  return 'spun';
});

function concerns(warning: SchedulerWarning, id: string): boolean {
  return warning.task?.id === id || warning.suspects.some((task) => task.id === id);
}

describe('AsyncScheduler', () => {
  describe('.warnings$ with two schedulers on the main loop', () => {
    const made: AsyncScheduler[] = [];
    afterEach(async () => {
      await Promise.all(made.splice(0).map((s) => s.stop({ cancel: true })));
    });

    it("does not blame another scheduler's idle task for a block the culprit's lane already named", async () => {
      const culpritLane = new AsyncScheduler({ name: 'culprit', slowTaskMs: SLOW_TASK_MS });
      const innocentLane = new AsyncScheduler({
        name: 'innocent',
        slowTaskMs: SLOW_TASK_MS,
        metricsIntervalMs: 1,
      });
      made.push(culpritLane, innocentLane);
      culpritLane.start();
      innocentLane.start();
      const culpritWarnings = lastValueFrom(culpritLane.warnings$.pipe(toArray()));
      const innocentWarnings = lastValueFrom(innocentLane.warnings$.pipe(toArray()));

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
});
