import { describe, expect, it } from 'vitest';
import { SchedulerStoppedError } from '../../src/index.js';
import { createHarness, echoTask, Gate, T0 } from '../support/harness.js';
import { occurrencesOf, submitTimesOf } from '../support/repeats.js';

describe('AsyncScheduler', () => {
  describe('RepeatHandle.cancel()', () => {
    it('ends the schedule with no timer left; the occurrence already submitted goes on', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('slow');
      const r = scheduler.repeat(gate.task, { every: 100 });
      await clock.advance(100);
      const [running] = occurrencesOf(scheduler, r.id);
      r.cancel();
      expect(r.nextRunAt()).toBeUndefined();
      r.cancel(); // again: nothing
      await gate.resolve(running?.id ?? '', 'finished');
      await clock.advance(1000);
      expect(occurrencesOf(scheduler, r.id).map((info) => [info.state, info.result])).toEqual([
        ['DONE', 'finished'],
      ]);
      expect(clock.pendingTimers).toBe(0);
    });

    it('ends only its own schedule', async () => {
      const { scheduler, clock } = createHarness();
      const a = scheduler.repeat(echoTask(), { every: 100 });
      const b = scheduler.repeat(echoTask(), { every: 100 });
      a.cancel();
      await clock.advance(200);
      expect(submitTimesOf(scheduler, a.id, T0)).toEqual([]);
      expect(submitTimesOf(scheduler, b.id, T0)).toEqual([100, 200]);
    });

    it('can be called from an occurrence callback: that occurrence is the last', async () => {
      const { scheduler, clock } = createHarness();
      const handles: { cancel(): void }[] = [];
      const task = echoTask('once', { onSubmit: () => handles[0]?.cancel() });
      const r = scheduler.repeat(task, { every: 100 });
      handles.push(r);
      await clock.advance(500);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100]);
      expect(r.nextRunAt()).toBeUndefined();
    });
  });

  describe('.repeat({ signal })', () => {
    it('ends the schedule and cancels its live occurrences when the signal aborts', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('slow');
      const controller = new AbortController();
      const r = scheduler.repeat(gate.task, {
        every: 100,
        overlap: 'allow',
        signal: controller.signal,
      });
      await clock.advance(200);
      controller.abort(new Error('shutting down'));
      await clock.advance(0);
      expect(r.nextRunAt()).toBeUndefined();
      expect(occurrencesOf(scheduler, r.id).map((info) => [info.state, info.reason])).toEqual([
        ['CANCELED', 'shutting down'],
        ['CANCELED', 'shutting down'],
      ]);
      await clock.advance(1000);
      expect(occurrencesOf(scheduler, r.id)).toHaveLength(2);
    });

    it('makes a schedule that never submits when the signal was aborted already', async () => {
      const { scheduler, clock } = createHarness();
      const r = scheduler.repeat(echoTask(), { every: 100, signal: AbortSignal.abort() });
      expect(r.nextRunAt()).toBeUndefined();
      await clock.advance(1000);
      expect(occurrencesOf(scheduler, r.id)).toEqual([]);
    });
  });

  describe('.stop()', () => {
    it('ends every schedule, leaves no timer, and refuses new schedules', async () => {
      const { scheduler, clock } = createHarness();
      const every = scheduler.repeat(echoTask(), { every: 100 });
      const cron = scheduler.repeat(echoTask(), { cron: '* * * * *' });
      await clock.advance(100);
      await scheduler.stop();
      expect([every.nextRunAt(), cron.nextRunAt()]).toEqual([undefined, undefined]);
      expect(clock.pendingTimers).toBe(0);
      expect(() => scheduler.repeat(echoTask(), { every: 100 })).toThrow(SchedulerStoppedError);
      expect(submitTimesOf(scheduler, every.id, T0)).toEqual([100]);
    });

    it('ends schedules as soon as it is called, before the drain resolves', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('slow');
      const r = scheduler.repeat(gate.task, { every: 100, overlap: 'allow' });
      await clock.advance(100);
      const [running] = occurrencesOf(scheduler, r.id);
      const stopped = scheduler.stop();
      expect(r.nextRunAt()).toBeUndefined();
      await clock.advance(500);
      await gate.resolve(running?.id ?? '', 'drained');
      await stopped;
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100]);
    });
  });
});
