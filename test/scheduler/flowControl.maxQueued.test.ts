import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  QueueFullError,
  SchedulerErrorCode,
  SchedulerStoppedError,
  TaskState,
} from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import { laneTask, useThreadHarness } from '../support/schedulerThreads.js';

/*
 * maxQueued: a submit when that many tasks wait (SUBMITTED + SCHEDULED) throws QueueFullError,
 * and nothing changes: no record, no id, no transition, no callback.
 */

describe('AsyncScheduler', () => {
  describe('maxQueued', () => {
    it('refuses a submit past it with QueueFullError, changing nothing', () => {
      const submitted: string[] = [];
      const { scheduler, transitions } = createHarness(
        { maxQueued: 2, onSubmit: (info) => submitted.push(info.id) },
        { start: false },
      );
      const gate = new Gate('gated');
      scheduler.submitTask(gate.task);
      scheduler.submitTask(gate.task);
      const before = { dump: scheduler.dumpTask(), transitions: transitions.length };

      const error = (() => {
        try {
          scheduler.submitTask(gate.task);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(QueueFullError);
      expect((error as QueueFullError).code).toBe(SchedulerErrorCode.QUEUE_FULL);
      expect((error as QueueFullError).maxQueued).toBe(2);
      expect(() => scheduler.submit(gate.task)).toThrow(QueueFullError);

      expect(scheduler.dumpTask()).toEqual(before.dump);
      expect(transitions).toHaveLength(before.transitions);
      expect(submitted).toHaveLength(2);
      expect(scheduler.queuedCount).toBe(2);
    });

    it('counts only waiting tasks: running ones leave room', async () => {
      const { scheduler } = createHarness({ maxQueued: 1, concurrency: 1 });
      const gate = new Gate('gated');
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      expect(() => scheduler.submitTask(gate.task)).toThrow(QueueFullError);
      await gate.resolve(running, 'done');
      await scheduler.waitTask(running);
      await flushMicrotasks();
      expect(scheduler.taskState(queued)).toBe(TaskState.STARTED);
      expect(scheduler.taskState(scheduler.submitTask(gate.task))).toBe(TaskState.SCHEDULED);
    });

    it('returns the handle of a keyed task already there instead of refusing', () => {
      const { scheduler } = createHarness({ maxQueued: 1 }, { start: false });
      const gate = new Gate('gated');
      const first = scheduler.submit(gate.task, { key: 'nightly' });
      const again = scheduler.submit(gate.task, { key: 'nightly' });
      expect(again.id).toBe(first.id);
      expect(() => scheduler.submit(gate.task, { key: 'other' })).toThrow(QueueFullError);
    });

    it('after stop(), a submit throws SchedulerStoppedError, not QueueFullError', async () => {
      const { scheduler } = createHarness({ maxQueued: 1 }, { start: false });
      const gate = new Gate('gated');
      scheduler.submitTask(gate.task);
      const stopped = scheduler.stop({ cancel: true });
      expect(() => scheduler.submitTask(gate.task)).toThrow(SchedulerStoppedError);
      await stopped;
    });

    it.each([
      [0, RangeError],
      [2.5, RangeError],
      [-1, RangeError],
      ['10', TypeError],
    ])('refuses the option %s with %s', (maxQueued, errorClass) => {
      expect(() => new AsyncScheduler({ maxQueued: maxQueued as number })).toThrow(errorClass);
      expect(() => new AsyncScheduler({ maxQueued: maxQueued as number })).toThrow(
        /Expected `maxQueued` to be a whole number >= 1 \(or Infinity\)/,
      );
    });
  });
});

describe('SchedulerThread', () => {
  const createThreadHarness = useThreadHarness();

  describe('maxQueued', () => {
    it('refuses a submit past it on the main side, changing nothing', async () => {
      const { scheduler, transitions } = createThreadHarness(
        'bounded',
        { maxQueued: 1 },
        { start: false },
      );
      const add = laneTask<[number, number], number>('default');
      const kept = scheduler.submitTask(add, 1, 2);
      const seen = transitions.length;
      expect(() => scheduler.submitTask(add, 3, 4)).toThrow(QueueFullError);
      expect(scheduler.dumpTask().map((info) => info.id)).toEqual([kept]);
      expect(transitions).toHaveLength(seen);
      scheduler.start();
      expect(await scheduler.result(kept)).toBe(3);
      expect(await scheduler.result(scheduler.submitTask(add, 3, 4))).toBe(7);
    });
  });
});
