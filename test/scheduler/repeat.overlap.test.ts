import { describe, expect, it } from 'vitest';
import { createHarness, echoTask, Gate, T0 } from '../support/harness.js';
import { occurrencesOf, submitTimesOf } from '../support/repeats.js';

describe('AsyncScheduler', () => {
  describe(".repeat({ overlap: 'skip' })", () => {
    it('skips due times while the previous occurrence is not final, and they do not count toward limit', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('slow');
      const r = scheduler.repeat(gate.task, { every: 100, limit: 2 }); // 'skip' by default
      await clock.advance(100);
      const [first] = occurrencesOf(scheduler, r.id);
      await clock.advance(250); // due at 200 and 300: the first is still running
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100]);
      expect(r.nextRunAt()).toBe(T0 + 400);
      await gate.resolve(first?.id ?? '', 'done');
      await clock.advance(50);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100, 400]);
      expect(r.nextRunAt()).toBeUndefined(); // two submitted: the limit
    });
  });

  describe(".repeat({ overlap: 'allow' })", () => {
    it('submits at every due time, so occurrences run side by side', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('slow');
      const r = scheduler.repeat(gate.task, { every: 100, overlap: 'allow' });
      await clock.advance(300);
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([100, 200, 300]);
      expect(occurrencesOf(scheduler, r.id).map((info) => info.state)).toEqual([
        'STARTED',
        'STARTED',
        'STARTED',
      ]);
    });
  });

  describe('.repeat({ key })', () => {
    it('submits every occurrence with the key, and skips a due time while a task holding it is live', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('keyed');
      // A task submitted by hand holds the key first.
      const manual = scheduler.submit(gate.task, { key: 'nightly' });
      const r = scheduler.repeat(gate.task, { every: 100, key: 'nightly', overlap: 'allow' });
      await clock.advance(200);
      expect(occurrencesOf(scheduler, r.id)).toEqual([]);
      await gate.resolve(manual.id, 'done');
      await clock.advance(100);
      const [first] = occurrencesOf(scheduler, r.id);
      expect(first?.key).toBe('nightly');
      expect(scheduler.submit(gate.task, { key: 'nightly' }).id).toBe(first?.id);
      await clock.advance(100); // overlap is allowed, but the key is held by the first
      expect(submitTimesOf(scheduler, r.id, T0)).toEqual([300]);
    });
  });

  it('runs an occurrence to DONE between due times when it is quick, so skip skips nothing', async () => {
    const { scheduler, clock } = createHarness();
    const r = scheduler.repeat(echoTask(), { every: 10 });
    await clock.advance(50);
    expect(submitTimesOf(scheduler, r.id, T0)).toEqual([10, 20, 30, 40, 50]);
  });
});
