import { describe, expect, it } from 'vitest';
import { createHarness, echoTask, T0 } from '../support/harness.js';
import { submitTimesOf } from '../support/repeats.js';

describe('AsyncScheduler', () => {
  describe('.repeat({ limit })', () => {
    it('submits at most limit occurrences, then ends with no timer left', async () => {
      const { scheduler, clock } = createHarness();
      const r = scheduler.repeat(echoTask(), { every: 100, limit: 3 });
      await clock.advance(250);
      expect(r.nextRunAt()).toBe(T0 + 300);
      await clock.advance(50);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100, 200, 300]);
      expect(r.nextRunAt()).toBeUndefined();
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(1000);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100, 200, 300]);
    });

    it('counts cron occurrences the same way', async () => {
      const { scheduler, clock } = createHarness();
      const r = scheduler.repeat(echoTask(), { cron: '* * * * *', limit: 2 });
      await clock.advance(10 * 60_000);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([60_000, 120_000]);
      expect(r.nextRunAt()).toBeUndefined();
    });
  });

  describe('.repeat({ startAt })', () => {
    it('with every: submits the first occurrence at startAt, then one per interval from it', async () => {
      const { scheduler, clock } = createHarness();
      const r = scheduler.repeat(echoTask(), { every: 1000, startAt: new Date(T0 + 5500) });
      expect(r.nextRunAt()).toBe(T0 + 5500);
      await clock.advance(5499);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([]);
      await clock.advance(2001);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([5500, 6500, 7500]);
    });

    it('with every and a past startAt: keeps its grid, from the first due time not before the call', async () => {
      const { scheduler, clock } = createHarness();
      const r = scheduler.repeat(echoTask(), { every: 1000, startAt: T0 - 2500 });
      expect(r.nextRunAt()).toBe(T0 + 500);
      await clock.advance(1500);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([500, 1500]);
    });

    it('with cron: submits nothing before startAt', async () => {
      const { scheduler, clock } = createHarness();
      // Hourly, from 01:30: the first match is 02:00.
      const r = scheduler.repeat(echoTask(), { cron: '0 * * * *', startAt: T0 + 90 * 60_000 });
      expect(r.nextRunAt()).toBe(T0 + 120 * 60_000);
      await clock.advance(4 * 60 * 60_000);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([
        120 * 60_000,
        180 * 60_000,
        240 * 60_000,
      ]);
    });

    it('with cron: a match at startAt itself counts', () => {
      const { scheduler } = createHarness();
      const r = scheduler.repeat(echoTask(), { cron: '0 * * * *', startAt: T0 + 60 * 60_000 });
      expect(r.nextRunAt()).toBe(T0 + 60 * 60_000);
    });
  });
});
