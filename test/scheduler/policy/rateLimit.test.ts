import { describe, expect, it } from 'vitest';
import { AsyncTask } from '../../../src/index.js';
import { flushMicrotasks } from '../../support/ManualClock.js';
import { createHarness, T0 } from '../../support/harness.js';

describe('rateLimit', () => {
  it('starts at most max tasks in any window of perMs; the rest wait SCHEDULED', async () => {
    const { scheduler, clock } = createHarness({ rateLimit: { max: 2, perMs: 100 } });
    const starts: number[] = [];
    const task = new AsyncTask('tick', () => {
      starts.push(clock.now() - T0);
    });
    const handles = Array.from({ length: 5 }, () => scheduler.submit(task));
    await flushMicrotasks();
    expect(starts).toEqual([0, 0]);
    expect(handles[2]?.state).toBe('SCHEDULED');
    await clock.advance(99);
    expect(starts).toEqual([0, 0]);
    await clock.advance(1);
    expect(starts).toEqual([0, 0, 100, 100]);
    await clock.advance(100);
    expect(starts).toEqual([0, 0, 100, 100, 200]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('slides: a start frees its place perMs after it, not at a fixed window edge', async () => {
    const { scheduler, clock } = createHarness({ rateLimit: { max: 2, perMs: 100 } });
    const starts: number[] = [];
    const task = new AsyncTask('tick', () => {
      starts.push(clock.now() - T0);
    });
    scheduler.submit(task);
    await clock.advance(60);
    scheduler.submit(task);
    scheduler.submit(task);
    scheduler.submit(task);
    await flushMicrotasks();
    expect(starts).toEqual([0, 60]);
    await clock.advance(40);
    expect(starts).toEqual([0, 60, 100]);
    await clock.advance(60);
    expect(starts).toEqual([0, 60, 100, 160]);
  });

  it('counts each retry attempt as a start', async () => {
    const { scheduler, clock } = createHarness({ rateLimit: { max: 1, perMs: 100 } });
    let calls = 0;
    const task = new AsyncTask('flaky', () => {
      calls++;
      if (calls < 3) throw new Error('again');
      return clock.now() - T0;
    });
    const h = scheduler.submit(task, { retry: { attempts: 3 } });
    await clock.advance(200);
    expect(await h.result()).toBe(200);
  });

  it('refuses a bad rateLimit', () => {
    expect(() => createHarness({ rateLimit: { max: 0, perMs: 10 } })).toThrow(RangeError);
    expect(() => createHarness({ rateLimit: { max: 1, perMs: 0 } })).toThrow('rateLimit.perMs');
    expect(() => createHarness({ rateLimit: { max: 1, per: 10 } as never })).toThrow(
      'Unknown rateLimit option `per` (did you mean `perMs`?)',
    );
  });
});
