import { describe, expect, it } from 'vitest';
import { TaskState } from '../../src/index.js';
import { isSettled } from '../support/deferred.js';
import { createHarness, Gate } from '../support/harness.js';
import { runToExit } from '../support/runToExit.js';
import { LaneSignals, laneTask, useThreadHarness } from '../support/schedulerThreads.js';

/*
 * onIdle() / onEmpty() / onSizeLessThan(n): p-queue's semantics, fed by the ledger's counts on
 * either placement; at once when already true; never keeping the process alive by themselves.
 */

describe('AsyncScheduler', () => {
  describe('.onIdle() / .onEmpty() / .onSizeLessThan()', () => {
    it('resolve at once when their condition holds already', async () => {
      const { scheduler } = createHarness();
      expect(await isSettled(scheduler.onIdle())).toBe(true);
      expect(await isSettled(scheduler.onEmpty())).toBe(true);
      expect(await isSettled(scheduler.onSizeLessThan(1))).toBe(true);
    });

    it('onSizeLessThan(n) resolves once fewer than n wait; onEmpty once none waits; onIdle once none runs', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      const ids = [0, 1, 2].map(() => scheduler.submitTask(gate.task)) as [string, string, string];
      // One runs, two wait.
      const belowTwo = scheduler.onSizeLessThan(2);
      const empty = scheduler.onEmpty();
      const idle = scheduler.onIdle();
      expect(await isSettled(scheduler.onSizeLessThan(3))).toBe(true);
      expect(await isSettled(belowTwo)).toBe(false);

      await gate.resolve(ids[0], 0);
      await gate.started(ids[1]);
      expect(await isSettled(belowTwo)).toBe(true);
      expect(await isSettled(empty)).toBe(false);

      await gate.resolve(ids[1], 1);
      await gate.started(ids[2]);
      expect(scheduler.taskState(ids[2])).toBe(TaskState.STARTED);
      expect(await isSettled(empty)).toBe(true);
      expect(await isSettled(idle)).toBe(false);

      await gate.resolve(ids[2], 2);
      await idle;
      expect(scheduler.runningCount).toBe(0);
      expect(scheduler.queuedCount).toBe(0);
    });

    it('do not resolve while paused with tasks queued', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate('gated');
      scheduler.pause();
      const id = scheduler.submitTask(gate.task);
      const empty = scheduler.onEmpty();
      expect(await isSettled(empty)).toBe(false);
      scheduler.resume();
      await empty;
      expect(scheduler.taskState(id)).toBe(TaskState.STARTED);
    });

    it('resolve by the time stop() does, for a scheduler never started', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate('gated');
      scheduler.submitTask(gate.task);
      const idle = scheduler.onIdle();
      const belowOne = scheduler.onSizeLessThan(1);
      expect(await isSettled(idle)).toBe(false);
      await scheduler.stop({ cancel: true });
      expect(await isSettled(idle)).toBe(true);
      expect(await isSettled(belowOne)).toBe(true);
    });

    it.each([
      [0, RangeError],
      [1.5, RangeError],
      [Number.NaN, RangeError],
      ['3', TypeError],
    ])('onSizeLessThan refuses %s with %s at the call', (limit, errorClass) => {
      const { scheduler } = createHarness();
      expect(() => scheduler.onSizeLessThan(limit as number)).toThrow(errorClass);
      expect(() => scheduler.onSizeLessThan(limit as number)).toThrow(
        /Expected `limit` to be a whole number >= 1/,
      );
    });

    it('never keeps the process alive by itself', async () => {
      const result = await runToExit('flowControl/awaitIdleNeverStarted.ts');
      // Node ends a top-level await that can never settle with code 13 instead of hanging.
      expect(result.code).toBe(13);
      expect(result.stdout).not.toMatch(/resolved/);
    });
  });
});

describe('SchedulerThread', () => {
  const createThreadHarness = useThreadHarness();

  describe('.onIdle() / .onEmpty()', () => {
    it('resolve by the time stop() does, for a lane thread never started', async () => {
      const { scheduler } = createThreadHarness('never-started', {}, { start: false });
      scheduler.submitTask(laneTask('forever'));
      const idle = scheduler.onIdle();
      const empty = scheduler.onEmpty();
      expect(await isSettled(idle)).toBe(false);
      await scheduler.stop({ cancel: true });
      expect(await isSettled(idle)).toBe(true);
      expect(await isSettled(empty)).toBe(true);
    });

    it('resolve from the transitions the lane thread reports', async () => {
      const { scheduler } = createThreadHarness('watched', { concurrency: 1 });
      const signals = new LaneSignals();
      const running = scheduler.submitTask(
        laneTask<[SharedArrayBuffer], string>('untilGo'),
        signals.buffer,
      );
      const queued = scheduler.submitTask(laneTask<[number, number], number>('default'), 1, 2);
      await signals.started();
      const empty = scheduler.onEmpty();
      const idle = scheduler.onIdle();
      expect(await isSettled(empty)).toBe(false);
      signals.go();
      await idle;
      expect(await isSettled(empty)).toBe(true);
      expect(scheduler.taskState(running)).toBe(TaskState.DONE);
      expect(scheduler.taskState(queued)).toBe(TaskState.DONE);
    });
  });
});
