import { describe, expect, it } from 'vitest';
import { AsyncTask, SchedulerStoppedError } from '../../src/index.js';
import { T0 } from '../support/harness.js';
import { ManualClock } from '../support/ManualClock.js';
import { occurrencesOf, submitTimesOf } from '../support/repeats.js';
import { laneTask, useThreadHarness } from '../support/schedulerThreads.js';

describe('SchedulerThread', () => {
  const createThreadHarness = useThreadHarness();

  describe('.repeat()', () => {
    it('submits each occurrence to the lane thread, marked with the schedule id', async () => {
      const clock = new ManualClock(T0);
      const { scheduler } = createThreadHarness('repeats', { clock });
      const add = laneTask<[number, number], number>('default');
      // 'allow': the thread runs on real time, and the manual clock may pass the next due time
      // before an occurrence there is DONE.
      const r = scheduler.repeat(add, {
        every: 1000,
        args: [2, 3],
        limit: 3,
        priority: 4,
        overlap: 'allow',
      });
      expect(r.nextRunAt()).toBe(T0 + 1000);
      await clock.advance(5000);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([1000, 2000, 3000]);
      expect(r.nextRunAt()).toBeUndefined();
      const occurrences = occurrencesOf(scheduler, r.id);
      const finals = await Promise.all(occurrences.map((info) => scheduler.waitTask(info.id)));
      expect(finals.map((info) => [info.state, info.result, info.lane, info.priority])).toEqual([
        ['DONE', 5, 'repeats', 4],
        ['DONE', 5, 'repeats', 4],
        ['DONE', 5, 'repeats', 4],
      ]);
      expect(finals.every((info) => info.repeatId === r.id)).toBe(true);
    });

    it('skips a due time while the previous occurrence is live in the thread', async () => {
      const clock = new ManualClock(T0);
      const { scheduler } = createThreadHarness('repeats-skip', { clock });
      const r = scheduler.repeat(laneTask('forever'), { every: 100 });
      await clock.advance(500);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100]);
    });

    it('refuses a function body, and new schedules once stopped, which ends the old ones', async () => {
      const clock = new ManualClock(T0);
      const { scheduler } = createThreadHarness('repeats-stop', { clock });
      const inline = new AsyncTask('inline', () => 1);
      expect(() => scheduler.repeat(inline, { every: 100 })).toThrow(/module reference body/);
      const r = scheduler.repeat(laneTask('default'), { cron: '* * * * *' });
      await scheduler.stop();
      expect(r.nextRunAt()).toBeUndefined();
      expect(clock.pendingTimers).toBe(0);
      expect(() => scheduler.repeat(laneTask('default'), { every: 100 })).toThrow(
        SchedulerStoppedError,
      );
    });
  });
});
