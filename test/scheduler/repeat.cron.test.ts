import { describe, expect, it } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import { echoTask, T0 } from '../support/harness.js';
import { ManualClock } from '../support/ManualClock.js';
import { submitTimesOf } from '../support/repeats.js';
import { runToExit } from '../support/runToExit.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function schedulerAt(startAt: number): { scheduler: AsyncScheduler; clock: ManualClock } {
  const clock = new ManualClock(startAt);
  const scheduler = stopAfterTest(new AsyncScheduler({ clock, autoStart: true }));
  return { scheduler, clock };
}

describe('AsyncScheduler', () => {
  describe('.repeat({ cron, timezone })', () => {
    it("submits at the expression's matches in the given time zone, across a DST change", async () => {
      // New York moves its clocks forward on 2026-03-08: 09:00 is 14:00 UTC before, 13:00 after.
      const start = Date.UTC(2026, 2, 7);
      const { scheduler, clock } = schedulerAt(start);
      const r = scheduler.repeat(echoTask(), { cron: '0 9 * * *', timezone: 'America/New_York' });
      expect(r.nextRunAt()).toBe(Date.UTC(2026, 2, 7, 14));
      await clock.advance(3 * DAY_MS);
      expect(submitTimesOf(scheduler, r.id)).toEqual([
        Date.UTC(2026, 2, 7, 14),
        Date.UTC(2026, 2, 8, 13),
        Date.UTC(2026, 2, 9, 13),
      ]);
      expect(r.nextRunAt()).toBe(Date.UTC(2026, 2, 10, 13));
    });

    it('reads the same expression in each time zone it is given', () => {
      const { scheduler } = schedulerAt(T0);
      const tokyo = scheduler.repeat(echoTask(), { cron: '30 8 * * *', timezone: 'Asia/Tokyo' });
      const utc = scheduler.repeat(echoTask(), { cron: '30 8 * * *', timezone: 'UTC' });
      // 08:30 in Tokyo (UTC+9) is 23:30 UTC the day before: the first after T0 is on Jan 1.
      expect(tokyo.nextRunAt()).toBe(Date.UTC(2026, 0, 1, 23, 30));
      expect(utc.nextRunAt()).toBe(Date.UTC(2026, 0, 1, 8, 30));
    });

    it('takes a seconds field, and runs nothing at the call itself even when it matches', async () => {
      const { scheduler, clock } = schedulerAt(T0); // T0 is on a whole minute
      const r = scheduler.repeat(echoTask(), { cron: '*/20 * * * * *', timezone: 'UTC' });
      expect(r.nextRunAt()).toBe(T0 + 20_000);
      await clock.advance(60_000);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([20_000, 40_000, 60_000]);
    });

    it('ends at once for an expression that never matches', () => {
      const { scheduler, clock } = schedulerAt(T0);
      const r = scheduler.repeat(echoTask(), { cron: '0 0 31 2 *' }); // February 31st
      expect(r.nextRunAt()).toBeUndefined();
      expect(clock.pendingTimers).toBe(0);
    });

    it('loads the cron parser with the first cron schedule, not with the package', async () => {
      const { code, stdout, stderr } = await runToExit('cronLoadedLazily.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual({
        atImport: false,
        afterEvery: false,
        afterCron: true,
      });
    });
  });
});
