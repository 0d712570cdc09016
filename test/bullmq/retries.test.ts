import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerErrorCode,
  TaskState,
  type TaskContext,
  type TaskInfo,
} from '../../src/index.js';
import { caught } from '../support/deferred.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
} from './support/bullmqTestKit.js';

/**
 * A body that fails its first `failures` calls per label (its first argument), then returns
 * `ok <label>`; `calls` counts the calls per label.
 */
function failingFirst(failures: number, calls: Map<string, number>) {
  return ({ args: [label] }: TaskContext): string => {
    const key = String(label);
    const call = (calls.get(key) ?? 0) + 1;
    calls.set(key, call);
    if (call <= failures) throw new Error(`call ${call} of ${key} failed`);
    return `ok ${key}`;
  };
}

/** When each attempt started, from the transitions into STARTED. */
function startsOf(log: ReturnType<typeof logTransitions>, id: string): number[] {
  return log.all.filter((t) => t.id === id && t.to === TaskState.STARTED).map((t) => t.at);
}

describeWithRedis('BullMQScheduler', () => {
  describe('retries', () => {
    it('tries a failed task again until it is DONE, keeping each failed attempt', async () => {
      const lane = queueUnderTest('retry-done');
      const calls = new Map<string, number>();
      await lane.worker({ handlers: { flaky: failingFirst(2, calls) } });
      const retried: TaskInfo[] = [];
      const s = lane.scheduler({ onRetry: (info) => retried.push(info) });
      const log = logTransitions(s);
      const flaky = new AsyncTask<[string]>('flaky', { handler: 'flaky' });

      const id = s.submit(flaky, { args: ['a'], retry: { attempts: 3 } }).id;
      const info = await s.waitTask(id);

      expect(info).toMatchObject({ state: TaskState.DONE, result: 'ok a', attempt: 3 });
      expect(info.attempts.map((a) => [a.attempt, a.state, a.error?.message])).toEqual([
        [1, 'FAILED', 'call 1 of a failed'],
        [2, 'FAILED', 'call 2 of a failed'],
      ]);
      for (const attempt of info.attempts)
        expect(attempt.end).toBeGreaterThanOrEqual(attempt.start);
      expect(stampProblems(info)).toEqual([]);
      expect(log.steps(id)).toEqual([
        'NEW→SUBMITTED',
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→DONE',
      ]);
      expect(
        log.all
          .filter((t) => t.from === TaskState.STARTED && t.to === TaskState.SCHEDULED)
          .map((t) => t.reason),
      ).toEqual(['retry', 'retry']);
      expect(retried.map((r) => [r.state, r.attempts.length])).toEqual([
        [TaskState.SCHEDULED, 1],
        [TaskState.SCHEDULED, 2],
      ]);
      expect(calls.get('a')).toBe(3);
    });

    it('ends FAILED with the last error once its attempts are spent', async () => {
      const lane = queueUnderTest('retry-spent');
      const calls = new Map<string, number>();
      await lane.worker({ handlers: { flaky: failingFirst(5, calls) } });
      const s = lane.scheduler({ retry: { attempts: 2 } });

      const id = s.submitTask(new AsyncTask<[string]>('flaky', { handler: 'flaky' }), 'b');
      const info = await s.waitTask(id);

      expect(info).toMatchObject({ state: TaskState.FAILED, attempt: 2 });
      expect(info.error?.message).toBe('call 2 of b failed');
      expect(info.attempts.map((a) => a.error?.message)).toEqual(['call 1 of b failed']);
      expect(await caught(() => s.result(id))).toMatchObject({ message: 'call 2 of b failed' });
      expect(calls.get('b')).toBe(2);
    });

    it('tries a timed-out attempt again, recording it TIMED_OUT', async () => {
      const lane = queueUnderTest('retry-timeout');
      let calls = 0;
      await lane.worker({
        handlers: {
          slowFirst: ({ signal }) => {
            calls++;
            if (calls > 1) return 'second time lucky';
            return new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                reject(signal.reason as Error);
              });
            });
          },
        },
      });
      const s = lane.scheduler();

      const info = await s.waitTask(
        s.submit(new AsyncTask('slowFirst', { handler: 'slowFirst' }), {
          timeoutMs: 100,
          retry: { attempts: 2 },
        }).id,
      );

      expect(info).toMatchObject({ state: TaskState.DONE, result: 'second time lucky' });
      expect(info.attempts).toHaveLength(1);
      expect(info.attempts[0]).toMatchObject({
        state: 'TIMED_OUT',
        error: { code: SchedulerErrorCode.TASK_TIMEOUT },
      });
    });

    it.each([
      ['without a cap', {}],
      ['under a cap (maxDelayMs)', { maxDelayMs: 10_000 }],
    ])('waits out a fixed backoff before the next attempt, %s', async (_, cap) => {
      const lane = queueUnderTest('retry-fixed');
      const calls = new Map<string, number>();
      await lane.worker({ handlers: { flaky: failingFirst(1, calls) } });
      const s = lane.scheduler();
      const log = logTransitions(s);
      const backoffMs = 300;

      const id = s.submit(new AsyncTask<[string]>('flaky', { handler: 'flaky' }), {
        args: ['c'],
        retry: {
          attempts: 2,
          backoff: { type: 'fixed', delayMs: backoffMs, jitter: false, ...cap },
        },
      }).id;
      const info = await s.waitTask(id);

      expect(info.state).toBe(TaskState.DONE);
      // The backoff runs from when the worker failed the attempt, after the attempt started.
      const [firstStart, secondStart] = startsOf(log, id);
      const retried = log.all.find((t) => t.id === id && t.reason === 'retry');
      expect(retried?.info.runAfter).toBeGreaterThanOrEqual(firstStart! + backoffMs);
      expect(secondStart).toBeGreaterThanOrEqual(retried!.info.runAfter!);
    });

    it('doubles an exponential backoff from one retry to the next', async () => {
      const lane = queueUnderTest('retry-exponential');
      const calls = new Map<string, number>();
      await lane.worker({ handlers: { flaky: failingFirst(2, calls) } });
      const s = lane.scheduler();
      const log = logTransitions(s);
      const baseMs = 100;

      const id = s.submit(new AsyncTask<[string]>('flaky', { handler: 'flaky' }), {
        args: ['d'],
        retry: { attempts: 3, backoff: { type: 'exponential', delayMs: baseMs, jitter: false } },
      }).id;
      const info = await s.waitTask(id);

      const [first, second, third] = startsOf(log, id);
      expect(info.state).toBe(TaskState.DONE);
      expect(second! - first!).toBeGreaterThanOrEqual(baseMs);
      expect(third! - second!).toBeGreaterThanOrEqual(2 * baseMs);
    });
  });
});
