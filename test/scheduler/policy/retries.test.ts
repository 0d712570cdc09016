import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerErrorCode,
  TaskTimeoutError,
  UnrecoverableError,
  type TaskInfo,
} from '../../../src/index.js';
import { flushMicrotasks } from '../../support/ManualClock.js';
import { createHarness, T0 } from '../../support/harness.js';

/** A body that throws `failures` times, then returns how many calls it took. */
function failingTimes(failures: number, name = 'flaky'): { task: AsyncTask; calls: () => number } {
  let calls = 0;
  const task = new AsyncTask(name, () => {
    calls++;
    if (calls <= failures) throw new Error(`failure ${calls}`);
    return calls;
  });
  return { task, calls: () => calls };
}

const NO_JITTER = { jitter: false } as const;

describe('retries', () => {
  it('retries a failing body until it succeeds: STARTED → SCHEDULED (reason retry), onRetry, attempts recorded', async () => {
    const retried: TaskInfo[] = [];
    const { scheduler, clock, transitions } = createHarness({
      onRetry: (info) => retried.push(info),
    });
    const { task, calls } = failingTimes(2);
    const h = scheduler.submit(task, { retry: { attempts: 3 } });
    await flushMicrotasks();
    expect(await h.result()).toBe(3);
    expect(calls()).toBe(3);
    const info = h.info();
    expect(info.attempt).toBe(3);
    expect(info.attempts.map((a) => [a.attempt, a.state, a.error?.message])).toEqual([
      [1, 'FAILED', 'failure 1'],
      [2, 'FAILED', 'failure 2'],
    ]);
    const steps = transitions.filter((t) => t.id === h.id);
    expect(
      steps.map((t) => `${t.from}→${t.to}${t.reason === undefined ? '' : `:${t.reason}`}`),
    ).toEqual([
      'NEW→SUBMITTED',
      'SUBMITTED→SCHEDULED',
      'SCHEDULED→STARTED',
      'STARTED→SCHEDULED:retry',
      'SCHEDULED→STARTED',
      'STARTED→SCHEDULED:retry',
      'SCHEDULED→STARTED',
      'STARTED→DONE',
    ]);
    expect(retried.map((r) => [r.state, r.attempt, r.attempts.length])).toEqual([
      ['SCHEDULED', 2, 1],
      ['SCHEDULED', 3, 2],
    ]);
    expect(info.ts.submit).toBe(T0);
    expect(info.waitMs).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("ends FAILED after the last attempt, with that attempt's error, and never runs more than attempts", async () => {
    const { scheduler } = createHarness();
    const { task, calls } = failingTimes(10);
    const h = scheduler.submit(task, { retry: { attempts: 4 } });
    const info = await h.wait();
    expect(info.state).toBe('FAILED');
    expect(calls()).toBe(4);
    expect(info.attempt).toBe(4);
    expect(info.attempts).toHaveLength(3);
    expect(info.error?.message).toBe('failure 4');
    await expect(h.result()).rejects.toThrow('failure 4');
  });

  it('waits out a fixed or exponential backoff in SCHEDULED, with runAfter, capped at maxDelayMs', async () => {
    const { scheduler, clock } = createHarness();
    const { task } = failingTimes(3);
    const h = scheduler.submit(task, {
      retry: {
        attempts: 4,
        backoff: { type: 'exponential', delayMs: 100, maxDelayMs: 250, ...NO_JITTER },
      },
    });
    await flushMicrotasks();
    // Attempt 1 failed at T0: the next waits 100 ms.
    expect(h.state).toBe('SCHEDULED');
    expect(h.info().runAfter).toBe(T0 + 100);
    expect(scheduler.delayedCount).toBe(1);
    expect(scheduler.queuedCount).toBe(1);
    await clock.advance(99);
    expect(h.state).toBe('SCHEDULED');
    await clock.advance(1);
    // Attempt 2 ran and failed at T0 + 100: the next waits 200 ms.
    expect(h.info().runAfter).toBe(T0 + 300);
    await clock.advance(200);
    // Attempt 3 failed at T0 + 300: 400 ms capped at 250.
    expect(h.info().runAfter).toBe(T0 + 550);
    await clock.advance(250);
    expect(await h.result()).toBe(4);
    expect(h.info().attempts.map((a) => a.start - T0)).toEqual([0, 100, 300]);
    expect(h.info().ts.start).toBe(T0 + 550);
    expect(h.info().runAfter).toBeUndefined();
    expect(scheduler.delayedCount).toBe(0);
  });

  it('retries a timed-out attempt, aborting it, and ignores the late result of that attempt', async () => {
    const { scheduler, clock } = createHarness();
    const settles: ((value: string) => void)[] = [];
    const signals: AbortSignal[] = [];
    const task = new AsyncTask('slow', ({ signal }) => {
      signals.push(signal);
      return new Promise<string>((resolve) => settles.push(resolve));
    });
    const h = scheduler.submit(task, { timeoutMs: 50, retry: { attempts: 2 } });
    await flushMicrotasks();
    await clock.advance(50);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(TaskTimeoutError);
    expect(h.state).toBe('STARTED');
    expect(h.info().attempt).toBe(2);
    expect(h.info().attempts[0]).toMatchObject({ state: 'TIMED_OUT', start: T0, end: T0 + 50 });
    // The first attempt's body settles late: it must not end the second attempt.
    settles[0]?.('late');
    await flushMicrotasks();
    expect(h.state).toBe('STARTED');
    settles[1]?.('second');
    expect(await h.result()).toBe('second');
  });

  it('ends TIMED_OUT when the last attempt times out', async () => {
    const { scheduler, clock } = createHarness();
    const task = new AsyncTask('hang', () => new Promise(() => undefined));
    const h = scheduler.submit(task, { timeoutMs: 10, retry: { attempts: 3 } });
    await flushMicrotasks();
    await clock.advance(10);
    await clock.advance(10);
    await clock.advance(10);
    expect(h.state).toBe('TIMED_OUT');
    expect(h.info().attempts.map((a) => a.state)).toEqual(['TIMED_OUT', 'TIMED_OUT']);
    await expect(h.result()).rejects.toBeInstanceOf(TaskTimeoutError);
  });

  it('fails at once on UnrecoverableError, with attempts left', async () => {
    const { scheduler } = createHarness();
    let calls = 0;
    const task = new AsyncTask('bad-input', () => {
      calls++;
      throw new UnrecoverableError('no such user');
    });
    const info = await scheduler.submit(task, { retry: { attempts: 5 } }).wait();
    expect(calls).toBe(1);
    expect(info).toMatchObject({ state: 'FAILED', attempt: 1, attempts: [] });
    expect(info.error).toMatchObject({
      name: 'UnrecoverableError',
      code: SchedulerErrorCode.UNRECOVERABLE,
    });
  });

  it('asks retryOn with the error and the attempt; a retryOn that throws means no retry and is reported', async () => {
    const { scheduler, errors } = createHarness();
    const asked: [string, number][] = [];
    const { task } = failingTimes(5);
    const retryOn = (error: unknown, attempt: number): boolean => {
      asked.push([(error as Error).message, attempt]);
      return attempt < 2;
    };
    const info = await scheduler.submit(task, { retry: { attempts: 5, retryOn } }).wait();
    expect(info.state).toBe('FAILED');
    expect(asked).toEqual([
      ['failure 1', 1],
      ['failure 2', 2],
    ]);
    const throwing = failingTimes(5, 'throwing-retryOn');
    const second = await scheduler
      .submit(throwing.task, {
        retry: {
          attempts: 5,
          retryOn: () => {
            throw new Error('retryOn broke');
          },
        },
      })
      .wait();
    expect(second).toMatchObject({ state: 'FAILED', attempt: 1 });
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('retryOn broke')]);
  });

  it('never retries a cancel, and a cancel ends a task waiting out its backoff', async () => {
    const { scheduler, clock } = createHarness();
    const { task, calls } = failingTimes(5);
    const h = scheduler.submit(task, {
      retry: { attempts: 5, backoff: { delayMs: 1_000, ...NO_JITTER } },
    });
    await flushMicrotasks();
    expect(h.state).toBe('SCHEDULED');
    expect(await h.cancel('enough')).toBe(true);
    expect(h.info()).toMatchObject({ state: 'CANCELED', reason: 'enough', attempt: 2 });
    expect(scheduler.delayedCount).toBe(0);
    await clock.advance(5_000);
    expect(calls()).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("takes the submit's policy over the task's, and the task's over the scheduler's", async () => {
    const { scheduler } = createHarness({ retry: { attempts: 2 } });
    const fromScheduler = failingTimes(10, 'a');
    const fromTask = failingTimes(10, 'b');
    const taskWithPolicy = new AsyncTask('b', fromTask.task.run, {
      retry: { attempts: 3 },
    });
    const fromSubmit = failingTimes(10, 'c');
    await scheduler.submit(fromScheduler.task).wait();
    await scheduler.submit(taskWithPolicy).wait();
    await scheduler.submit(fromSubmit.task, { retry: { attempts: 4 } }).wait();
    expect([fromScheduler.calls(), fromTask.calls(), fromSubmit.calls()]).toEqual([2, 3, 4]);
  });

  it('draws a jittered backoff between 0 and the computed delay', async () => {
    const { scheduler } = createHarness();
    const { task } = failingTimes(1);
    const h = scheduler.submit(task, { retry: { attempts: 2, backoff: { delayMs: 1_000 } } });
    await flushMicrotasks();
    const runAfter = h.info().runAfter ?? NaN;
    expect(runAfter).toBeGreaterThanOrEqual(T0);
    expect(runAfter).toBeLessThanOrEqual(T0 + 1_000);
  });

  it('refuses a bad retry policy on the task and on the scheduler', async () => {
    expect(() => new AsyncTask('x', () => 1, { retry: { attempts: 1.5 } })).toThrow(RangeError);
    expect(() => createHarness({ retry: { attempts: 2, backof: {} } as never })).toThrow(
      'Unknown retry option `backof` (did you mean `backoff`?)',
    );
  });
});
