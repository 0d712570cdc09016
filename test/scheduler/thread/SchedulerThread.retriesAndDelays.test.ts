import { describe, expect, it } from 'vitest';
import { laneTask, useThreadHarness } from '../../support/schedulerThreads.js';

const failTimes = laneTask<[number], number>('failTimes');
const ranAt = laneTask<[], number>('ranAt');
const forever = laneTask('forever');

describe('SchedulerThread: retries, delays and the rate limit', () => {
  const harness = useThreadHarness();

  it('retries in the lane thread and keeps the attempts on the main side', async () => {
    const { scheduler, transitions } = harness('thread-retry');
    const retried: number[] = [];
    const h = scheduler.submit(failTimes, {
      args: [2],
      retry: { attempts: 3, backoff: { delayMs: 5 } },
    });
    const sub = scheduler.transitions$.subscribe((t) => {
      if (t.reason === 'retry') retried.push(t.info.attempt);
    });
    expect(await h.result()).toBe(3);
    sub.unsubscribe();
    expect(retried).toEqual([2, 3]);
    expect(h.info().attempts.map((a) => [a.attempt, a.state, a.error?.message])).toEqual([
      [1, 'FAILED', 'failure 1'],
      [2, 'FAILED', 'failure 2'],
    ]);
    const own = transitions.filter((t) => t.id === h.id).map((t) => t.reason ?? t.to);
    expect(own).toEqual([
      'SUBMITTED',
      'SCHEDULED',
      'STARTED',
      'retry',
      'STARTED',
      'retry',
      'STARTED',
      'DONE',
    ]);
  });

  it('retries timed-out attempts and ends TIMED_OUT after the last', async () => {
    const { scheduler } = harness('thread-retry-timeout');
    const info = await scheduler.submit(forever, { timeoutMs: 10, retry: { attempts: 2 } }).wait();
    expect(info.state).toBe('TIMED_OUT');
    expect(info.attempts.map((a) => a.state)).toEqual(['TIMED_OUT']);
  });

  it("uses the scheduler's retry policy, and refuses retryOn (a function cannot cross)", async () => {
    const { scheduler } = harness('thread-retry-default', { retry: { attempts: 2 } });
    expect(await scheduler.submit(failTimes, { args: [1] }).result()).toBe(2);
    expect(() =>
      scheduler.submit(failTimes, { args: [1], retry: { attempts: 2, retryOn: () => true } }),
    ).toThrow(/cannot use `retry.retryOn`/);
    expect(() =>
      harness('thread-retryOn', { retry: { attempts: 2, retryOn: () => true } }),
    ).toThrow(TypeError);
  });

  it('holds a delayed task until its runAfter, counted in delayedCount', async () => {
    const { scheduler } = harness('thread-delay');
    const h = scheduler.submit(ranAt, { delayMs: 60 });
    const { runAfter } = h.info();
    expect(runAfter).toBeGreaterThan(h.info().ts.submit ?? Infinity);
    await h.wait();
    expect(h.info().ts.start).toBeGreaterThanOrEqual(runAfter ?? Infinity);
    expect(scheduler.delayedCount).toBe(0);
    const later = scheduler.submit(ranAt, { delayMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([later.state, scheduler.delayedCount, scheduler.queuedCount]).toEqual([
      'SCHEDULED',
      1,
      1,
    ]);
    expect(await later.cancel()).toBe(true);
    expect(scheduler.delayedCount).toBe(0);
  });

  it('keeps the rate limit in the lane thread', async () => {
    const { scheduler } = harness('thread-rate', { rateLimit: { max: 2, perMs: 50 } });
    const infos = await Promise.all(
      Array.from({ length: 4 }, () => scheduler.submit(ranAt).wait()),
    );
    const starts = infos.map((info) => info.ts.start ?? NaN).sort((a, b) => a - b);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(50);
    expect(starts[3]! - starts[1]!).toBeGreaterThanOrEqual(50);
  });
});
