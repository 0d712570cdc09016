import { describe, expect, it } from 'vitest';
import { AsyncScheduler, TaskState } from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import {
  LaneSignals,
  laneBarrier,
  laneTask,
  useThreadHarness,
} from '../support/schedulerThreads.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

/*
 * `concurrency` at run time: raising it starts queued tasks at once; lowering it lets running
 * tasks finish (none is stopped) and starts no new one until fewer run.
 */

describe('AsyncScheduler', () => {
  describe('.concurrency', () => {
    it('reads the option, Infinity by default', () => {
      expect(createHarness({ concurrency: 3 }).scheduler.concurrency).toBe(3);
      expect(createHarness().scheduler.concurrency).toBe(Infinity);
    });

    it('raised, starts queued tasks at once, by priority', () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      const ids = [0, 1, 2, 3].map(() => scheduler.submitTask(gate.task));
      scheduler.setPriority(ids[3] as string, 1);
      expect(gate.order).toEqual([ids[0]]);
      scheduler.concurrency = 3;
      expect(scheduler.concurrency).toBe(3);
      expect(gate.order).toEqual([ids[0], ids[3], ids[1]]);
      expect(scheduler.runningCount).toBe(3);
      scheduler.concurrency = Infinity;
      expect(scheduler.runningCount).toBe(4);
    });

    it('lowered, lets running tasks finish and starts none until fewer than it run', async () => {
      const { scheduler } = createHarness({ concurrency: 3 });
      const gate = new Gate('gated');
      const [a, b, c, d] = [0, 1, 2, 3].map(() => scheduler.submitTask(gate.task)) as [
        string,
        string,
        string,
        string,
      ];
      scheduler.concurrency = 1;
      expect([a, b, c].map((id) => scheduler.taskState(id))).toEqual([
        TaskState.STARTED,
        TaskState.STARTED,
        TaskState.STARTED,
      ]);
      await gate.resolve(a, 'a');
      await scheduler.waitTask(a);
      await gate.resolve(b, 'b');
      await scheduler.waitTask(b);
      await flushMicrotasks();
      // c still runs: 1 running, no room for d.
      expect(scheduler.taskState(d)).toBe(TaskState.SCHEDULED);
      await gate.resolve(c, 'c');
      await scheduler.waitTask(c);
      await flushMicrotasks();
      expect(scheduler.taskState(d)).toBe(TaskState.STARTED);
    });

    it("shows the new value in the lane supervisor's snapshot, for an inspector", () => {
      const shown: unknown[] = [];
      const { scheduler } = createHarness({
        concurrency: 1,
        inspect: (event) => {
          if (event.type !== '@xstate.snapshot') return;
          if ((event.actorRef as { id?: string }).id !== 'lane:main') return;
          shown.push(
            (event.snapshot as unknown as { context: { concurrency: number } }).context.concurrency,
          );
        },
      });
      scheduler.concurrency = 4;
      expect(shown.at(-1)).toBe(4);
    });

    it('set before start(), applies from the start', () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate('gated');
      const ids = [0, 1, 2].map(() => scheduler.submitTask(gate.task));
      scheduler.concurrency = 2;
      scheduler.start();
      expect(gate.order).toEqual(ids.slice(0, 2));
    });

    it.each([
      [0, RangeError],
      [-1, RangeError],
      [1.5, RangeError],
      [Number.NaN, RangeError],
      [-Infinity, RangeError],
      ['2', TypeError],
      [undefined, TypeError],
    ])('refuses %s with %s at the call, changing nothing', (value, errorClass) => {
      const scheduler = stopAfterTest(new AsyncScheduler({ concurrency: 2 }));
      expect(() => {
        scheduler.concurrency = value as number;
      }).toThrow(errorClass);
      expect(() => {
        scheduler.concurrency = value as number;
      }).toThrow(/Expected `concurrency` to be a whole number >= 1 \(or Infinity\)/);
      expect(scheduler.concurrency).toBe(2);
    });
  });
});

describe('SchedulerThread', () => {
  const createThreadHarness = useThreadHarness();

  describe('.concurrency', () => {
    it('raised, starts the queued tasks in the lane thread', async () => {
      const { scheduler, reaches } = createThreadHarness('raised', { concurrency: 1 });
      const first = new LaneSignals();
      const second = new LaneSignals();
      const untilGo = laneTask<[SharedArrayBuffer], string>('untilGo');
      const a = scheduler.submitTask(untilGo, first.buffer);
      const b = scheduler.submitTask(untilGo, second.buffer);
      await first.started();
      await laneBarrier(scheduler);
      expect(scheduler.taskState(b)).toBe(TaskState.SCHEDULED);
      const bStarted = reaches(b, TaskState.STARTED);
      scheduler.concurrency = 2;
      expect(scheduler.concurrency).toBe(2);
      await bStarted;
      // Both run at once: a has not finished.
      expect(scheduler.taskState(a)).toBe(TaskState.STARTED);
      first.go();
      second.go();
      expect(await scheduler.result(a)).toBe('went');
      expect(await scheduler.result(b)).toBe('went');
    });

    it('lowered, lets the running tasks finish and starts the next one after', async () => {
      const { scheduler } = createThreadHarness('lowered', { concurrency: 2 });
      const signals = [new LaneSignals(), new LaneSignals()];
      const untilGo = laneTask<[SharedArrayBuffer], string>('untilGo');
      const [a, b] = signals.map((s) => scheduler.submitTask(untilGo, s.buffer)) as string[];
      await Promise.all(signals.map((s) => s.started()));
      scheduler.concurrency = 1;
      const c = scheduler.submitTask(laneTask<[number, number], number>('default'), 1, 1);
      signals[0]?.go();
      expect(await scheduler.result(a as string)).toBe('went');
      // b still runs: no room for c yet (the lane thread has read the concurrency message first).
      await laneBarrier(scheduler);
      expect(scheduler.taskState(c)).toBe(TaskState.SCHEDULED);
      signals[1]?.go();
      expect(await scheduler.result(b as string)).toBe('went');
      expect(await scheduler.result(c)).toBe(2);
    });

    it('refuses a bad value at the call', () => {
      const { scheduler } = createThreadHarness('refuses');
      expect(() => {
        scheduler.concurrency = 0;
      }).toThrow(RangeError);
      expect(scheduler.concurrency).toBe(Infinity);
    });
  });
});
