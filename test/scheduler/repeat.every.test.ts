import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, type TaskContext } from '../../src/index.js';
import { createHarness, echoTask, T0 } from '../support/harness.js';
import { LateClock } from '../support/LateClock.js';
import { occurrencesOf, submitTimesOf } from '../support/repeats.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

describe('AsyncScheduler', () => {
  describe('.repeat({ every })', () => {
    it('submits the first occurrence one interval after the call, then one per interval', async () => {
      const { scheduler, clock } = createHarness();
      const r = scheduler.repeat(echoTask(), { every: 1000 });
      expect(r.nextRunAt()).toBe(T0 + 1000);
      await clock.advance(999);
      expect(occurrencesOf(scheduler, r.id)).toEqual([]);
      await clock.advance(1);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([1000]);
      await clock.advance(2500);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([1000, 2000, 3000]);
      expect(r.nextRunAt()).toBe(T0 + 4000);
    });

    it('makes each occurrence an ordinary task marked with the schedule id', async () => {
      const { scheduler, clock, steps } = createHarness();
      const r = scheduler.repeat(echoTask('tick'), { every: 10 });
      await clock.advance(20);
      const occurrences = occurrencesOf(scheduler, r.id);
      expect(occurrences).toHaveLength(2);
      expect(new Set(occurrences.map((info) => info.id)).size).toBe(2);
      for (const info of occurrences) {
        expect(info).toMatchObject({ name: 'tick', state: 'DONE', repeatId: r.id });
        expect(steps(info.id)).toEqual([
          'NEW→SUBMITTED',
          'SUBMITTED→SCHEDULED',
          'SCHEDULED→STARTED',
          'STARTED→DONE',
        ]);
      }
      expect(r.id).not.toBe(occurrences[0]?.id);
    });

    it("gives every occurrence the schedule's args, priority and timeoutMs", async () => {
      const { scheduler, clock } = createHarness();
      const greet = new AsyncTask('greet', ({ args: [who] }: TaskContext<[string]>) => `hi ${who}`);
      const args: [string] = ['Ada'];
      const r = scheduler.repeat(greet, { every: 50, args, priority: 7, timeoutMs: 500 });
      args[0] = 'changed after the call';
      await clock.advance(100);
      const occurrences = occurrencesOf(scheduler, r.id);
      expect(
        occurrences.map((info) => [info.args, info.priority, info.timeoutMs, info.result]),
      ).toEqual([
        [['Ada'], 7, 500, 'hi Ada'],
        [['Ada'], 7, 500, 'hi Ada'],
      ]);
    });

    it('queues occurrences like any submit before start(), and runs them on start()', async () => {
      const { scheduler, clock } = createHarness({}, { start: false });
      const skipping = scheduler.repeat(echoTask(), { every: 100 });
      const allowing = scheduler.repeat(echoTask(), { every: 100, overlap: 'allow' });
      await clock.advance(250);
      const statesOf = (id: string): string[] =>
        occurrencesOf(scheduler, id).map((info) => info.state);
      // The first occurrence waits for start(): with overlap 'skip' the next one is skipped.
      expect(statesOf(skipping.id)).toEqual(['SUBMITTED']);
      expect(statesOf(allowing.id)).toEqual(['SUBMITTED', 'SUBMITTED']);
      scheduler.start();
      await clock.advance(0);
      expect(statesOf(skipping.id)).toEqual(['DONE']);
      expect(statesOf(allowing.id)).toEqual(['DONE', 'DONE']);
    });

    it('keeps due times on the interval grid when timers fire late: no drift', async () => {
      const clock = new LateClock(T0);
      const scheduler = stopAfterTest(new AsyncScheduler({ clock, autoStart: true }));
      const r = scheduler.repeat(echoTask(), { every: 100 });
      for (let i = 0; i < 5; i++) {
        const untilDue = (r.nextRunAt() ?? NaN) - clock.now();
        clock.stall(30); // the timer fires 30 ms late
        await clock.advance(untilDue);
      }
      // Each occurrence is 30 ms late, and the lateness never adds up: the due times stay
      // k * 100 from the call (re-arming 100 ms after each late one would give 130, 260, 390…).
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([130, 230, 330, 430, 530]);
      expect(r.nextRunAt()).toBe(T0 + 600);
    });

    it('submits one occurrence, not a burst, for the due times a late timer missed', async () => {
      const clock = new LateClock(T0);
      const scheduler = stopAfterTest(new AsyncScheduler({ clock, autoStart: true }));
      const r = scheduler.repeat(echoTask(), { every: 100 });
      clock.stall(350); // a loop blocked through the due times 100, 200 and 300
      await clock.advance(100);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([450]);
      expect(r.nextRunAt()).toBe(T0 + 500);
      await clock.advance(50);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([450, 500]);
    });
  });
});
