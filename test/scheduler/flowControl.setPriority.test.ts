import { describe, expect, it } from 'vitest';
import { TaskState } from '../../src/index.js';
import { createHarness, echoTask, Gate } from '../support/harness.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import {
  LaneSignals,
  laneBarrier,
  laneTask,
  useThreadHarness,
} from '../support/schedulerThreads.js';

/*
 * setPriority(id, priority): only for a task waiting to start; the new priority shows in its
 * TaskInfo and decides its place in the queue (FIFO among equals by submit order).
 */

describe('AsyncScheduler', () => {
  describe('.setPriority()', () => {
    it('moves a queued task to its new place, and its info shows the new priority', async () => {
      const { scheduler, transitions } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      const blocker = scheduler.submitTask(gate.task);
      const [a, b, c] = [0, 1, 2].map(() => scheduler.submitTask(gate.task)) as [
        string,
        string,
        string,
      ];
      expect(scheduler.setPriority(c, 2)).toBe(true);
      expect(scheduler.setPriority(b, 2)).toBe(true);
      expect(scheduler.taskInfo(c).priority).toBe(2);

      for (const id of [blocker, b, c, a]) {
        await gate.resolve(id, id);
        await scheduler.waitTask(id);
        await flushMicrotasks();
      }
      // b and c share priority 2: submit order decides, whatever order they were raised in.
      expect(gate.order).toEqual([blocker, b, c, a]);
      const started = transitions.find((t) => t.id === c && t.to === TaskState.STARTED);
      expect(started?.info.priority).toBe(2);
      expect(scheduler.taskInfo(c).priority).toBe(2);
    });

    it('lowers a priority too: the task goes behind the others', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      const blocker = scheduler.submitTask(gate.task);
      const first = scheduler.submitTask(gate.task);
      const second = scheduler.submitTask(gate.task);
      expect(scheduler.setPriority(first, -1)).toBe(true);
      await gate.resolve(blocker, 0);
      await scheduler.waitTask(blocker);
      await flushMicrotasks();
      expect(gate.order).toEqual([blocker, second]);
    });

    it('applies to a task held before start() once it is scheduled', () => {
      const { scheduler } = createHarness({ concurrency: 1 }, { start: false });
      const gate = new Gate('gated');
      const first = scheduler.submitTask(gate.task);
      const second = scheduler.submitTask(gate.task);
      expect(scheduler.taskState(second)).toBe(TaskState.SUBMITTED);
      expect(scheduler.setPriority(second, 1)).toBe(true);
      scheduler.start();
      expect(gate.order).toEqual([second]);
      expect(scheduler.taskState(first)).toBe(TaskState.SCHEDULED);
    });

    it('returns false, changing nothing, for a started, final or unknown task', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate('gated');
      const running = scheduler.submitTask(gate.task);
      const done = scheduler.submitTask(echoTask(), 1);
      await scheduler.waitTask(done);
      expect(scheduler.setPriority(running, 9)).toBe(false);
      expect(scheduler.setPriority(done, 9)).toBe(false);
      expect(scheduler.setPriority('no-such-task', 9)).toBe(false);
      expect(scheduler.taskInfo(running).priority).toBe(0);
      expect(scheduler.taskInfo(done).priority).toBe(0);
    });

    it.each([
      [Number.NaN, RangeError],
      [Infinity, RangeError],
      ['1', TypeError],
      [undefined, TypeError],
    ])('refuses priority %s with %s at the call', (priority, errorClass) => {
      const { scheduler } = createHarness({}, { start: false });
      const id = scheduler.submitTask(echoTask(), 1);
      expect(() => scheduler.setPriority(id, priority as number)).toThrow(errorClass);
      expect(() => scheduler.setPriority(id, priority as number)).toThrow(
        /Expected `priority` to be a finite number/,
      );
      expect(scheduler.taskInfo(id).priority).toBe(0);
    });
  });
});

describe('SchedulerThread', () => {
  const createThreadHarness = useThreadHarness();

  describe('.setPriority()', () => {
    it('answers from the main side, and the lane thread starts the task in its new place', async () => {
      const { scheduler, transitions } = createThreadHarness('priorities', { concurrency: 1 });
      const signals = new LaneSignals();
      const blocker = scheduler.submitTask(
        laneTask<[SharedArrayBuffer], string>('untilGo'),
        signals.buffer,
      );
      await signals.started();
      const add = laneTask<[number, number], number>('default');
      const low = scheduler.submitTask(add, 1, 1);
      const high = scheduler.submitTask(add, 2, 2);
      expect(scheduler.setPriority(high, 5)).toBe(true);
      expect(scheduler.taskInfo(high).priority).toBe(5);
      // The lane thread reads its messages before the blocker's GO: a cancel is answered in order.
      await laneBarrier(scheduler);
      signals.go();
      await scheduler.waitTask(low);
      const starts = transitions.filter((t) => t.to === TaskState.STARTED).map((t) => t.id);
      expect(starts).toEqual([blocker, high, low]);
      expect(scheduler.taskInfo(high).priority).toBe(5);
    });

    it('returns false for a task the thread reported started, and for an unknown id', async () => {
      const { scheduler, reaches } = createThreadHarness('priorities-false');
      const signals = new LaneSignals();
      const id = scheduler.submitTask(
        laneTask<[SharedArrayBuffer], string>('untilGo'),
        signals.buffer,
      );
      await reaches(id, TaskState.STARTED);
      expect(scheduler.setPriority(id, 3)).toBe(false);
      expect(scheduler.setPriority('no-such-task', 3)).toBe(false);
      signals.go();
      expect((await scheduler.waitTask(id)).priority).toBe(0);
    });
  });
});
