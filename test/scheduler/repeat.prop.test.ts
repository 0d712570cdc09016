import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import { echoTask, T0 } from '../support/harness.js';
import { ManualClock } from '../support/ManualClock.js';
import { submitTimesOf } from '../support/repeats.js';

/** The due times of an `every` schedule made at T0, computed apart from the library. */
function expectedDueTimes(
  every: number,
  startAt: number | undefined,
  limit: number,
  until: number,
): number[] {
  const due: number[] = [];
  const anchor = startAt ?? T0;
  // With startAt: from the first anchor + k * every not before the call; without: one interval on.
  let k = startAt === undefined ? 1 : Math.max(0, Math.ceil((T0 - anchor) / every));
  while (due.length < limit && anchor + k * every <= until) {
    due.push(anchor + k * every);
    k++;
  }
  return due;
}

const schedules = fc.record({
  every: fc.integer({ min: 20, max: 2_000 }),
  limit: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  startAtOffset: fc.option(fc.integer({ min: -5_000, max: 5_000 }), { nil: undefined }),
  advances: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 8 }),
});

describe('AsyncScheduler', () => {
  describe('.repeat({ every, limit, startAt })', () => {
    it('submits exactly at the due times the clock has reached, never past limit, none before startAt', async () => {
      await fc.assert(
        fc.asyncProperty(schedules, async ({ every, limit, startAtOffset, advances }) => {
          const clock = new ManualClock(T0);
          const scheduler = new AsyncScheduler({ clock, autoStart: true });
          const startAt = startAtOffset === undefined ? undefined : T0 + startAtOffset;
          const r = scheduler.repeat(echoTask(), {
            every,
            overlap: 'allow',
            ...(limit === undefined ? {} : { limit }),
            ...(startAt === undefined ? {} : { startAt }),
          });
          try {
            for (const ms of advances) {
              await clock.advance(ms);
              const now = clock.now();
              const expected = expectedDueTimes(every, startAt, limit ?? Infinity, now);
              const submitted = submitTimesOf(scheduler, r.id);
              expect(submitted).toEqual(expected);
              expect(submitted.length).toBeLessThanOrEqual(limit ?? Infinity);
              expect(submitted.every((at) => at >= (startAt ?? T0))).toBe(true);
              // The first due time after now lies within one interval of now (or of startAt).
              const horizon = Math.max(now, startAt ?? now) + every;
              const upcoming = expectedDueTimes(every, startAt, Infinity, horizon).find(
                (at) => at > now,
              );
              expect(r.nextRunAt()).toBe(submitted.length === limit ? undefined : upcoming);
            }
          } finally {
            await scheduler.stop({ cancel: true });
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});
