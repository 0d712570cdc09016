import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, TaskTimeoutError, type Clock } from '../../src/index.js';
import { ManualClock } from '../support/ManualClock.js';
import { deferred } from '../support/deferred.js';
import { createHarness, Gate, hangingTask, T0 } from '../support/harness.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

describe('AsyncScheduler', () => {
  describe('task timeoutMs', () => {
    it('times a task out exactly timeoutMs after it started, not before', async () => {
      const { scheduler, clock, steps } = createHarness();
      const id = scheduler.submitTask(hangingTask('slow', { timeoutMs: 300 }));
      await clock.advance(299.5);
      expect(scheduler.taskState(id)).toBe('STARTED');
      await clock.advance(0.5);
      expect(scheduler.taskState(id)).toBe('TIMED_OUT');
      const info = scheduler.taskInfo(id);
      expect(info.ts.timeout).toBe(T0 + 300);
      expect(info.ts.timeout! - info.ts.start!).toBe(300);
      expect(info.runMs).toBe(300);
      expect(info.timeoutMs).toBe(300);
      expect(steps(id)).toEqual([
        'NEW→SUBMITTED',
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→TIMED_OUT',
      ]);
    });

    it('does not count time spent queued', async () => {
      const { scheduler, clock } = createHarness({ concurrency: 1 });
      const blocker = new Gate('blocker');
      const blocking = scheduler.submitTask(blocker.task);
      const queued = scheduler.submitTask(hangingTask('queued', { timeoutMs: 100 }));
      await clock.advance(1000);
      expect(scheduler.taskState(queued)).toBe('SCHEDULED');
      await blocker.resolve(blocking, 'done');
      await scheduler.waitTask(blocking);
      expect(scheduler.taskState(queued)).toBe('STARTED');
      await clock.advance(99);
      expect(scheduler.taskState(queued)).toBe('STARTED');
      await clock.advance(1);
      const info = scheduler.taskInfo(queued);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.waitMs).toBe(1000);
      expect(info.ts.timeout).toBe(T0 + 1100);
    });

    it("aborts the body's signal with a TaskTimeoutError", async () => {
      const { scheduler, clock } = createHarness();
      const reason = deferred();
      const id = scheduler.submitTask(
        new AsyncTask(
          'listens',
          ({ signal }) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                reason.resolve(signal.reason);
                reject(signal.reason as Error);
              });
            }),
          { timeoutMs: 40 },
        ),
      );
      await clock.advance(40);
      expect(scheduler.taskState(id)).toBe('TIMED_OUT');
      const aborted = await reason.promise;
      expect(aborted).toBeInstanceOf(TaskTimeoutError);
      expect((aborted as TaskTimeoutError).timeoutMs).toBe(40);
      expect((aborted as TaskTimeoutError).taskId).toBe(id);
    });

    it('gives a body that reads its signal after the timeout an aborted signal', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('reads-late', { timeoutMs: 10 });
      const id = scheduler.submitTask(gate.task);
      const run = await gate.started(id);
      await clock.advance(10);
      expect(scheduler.taskState(id)).toBe('TIMED_OUT');
      expect(run.ctx.signal.aborted).toBe(true);
      expect(run.ctx.signal.reason).toBeInstanceOf(TaskTimeoutError);
    });

    it('records why: reason, and a TaskTimeoutError naming the task as error', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask('slow', { timeoutMs: 75 }));
      await clock.advance(75);
      const info = await scheduler.waitTask(id);
      expect(info.reason).toMatch(/75 ms/);
      expect(info.error).toMatchObject({
        name: 'TaskTimeoutError',
        code: 'ERR_TASK_TIMEOUT',
        message: `Task "slow" (${id}) timed out after 75 ms`,
      });
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskTimeoutError);
      expect((error as TaskTimeoutError).timeoutMs).toBe(75);
    });

    it('never times out with timeoutMs 0 or absent, and sets no timer', async () => {
      const { scheduler, clock } = createHarness();
      const zero = scheduler.submitTask(hangingTask('zero', { timeoutMs: 0 }));
      const absent = scheduler.submitTask(hangingTask('absent'));
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(1e9);
      expect(scheduler.taskState(zero)).toBe('STARTED');
      expect(scheduler.taskState(absent)).toBe('STARTED');
      expect(scheduler.taskInfo(absent).timeoutMs).toBeUndefined();
    });

    it('clears the timer of a task that finishes first', async () => {
      const { scheduler, clock, steps } = createHarness();
      const gate = new Gate('quick', { timeoutMs: 100 });
      const id = scheduler.submitTask(gate.task);
      expect(clock.pendingTimers).toBe(1);
      await clock.advance(60);
      await gate.resolve(id, 'in time');
      await scheduler.waitTask(id);
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(100);
      expect(scheduler.taskState(id)).toBe('DONE');
      expect(steps(id).at(-1)).toBe('STARTED→DONE');
    });

    it('never times out early on a clock whose timers fire early (as Node timers can)', async () => {
      const clock = new ManualClock(T0);
      // Like Node: a delay counts from the loop's cached time, here 0.75 ms behind, and is at
      // least 1 ms.
      const early: Clock = {
        now: () => clock.now(),
        setTimeout: (callback, delayMs) => clock.setTimeout(callback, Math.max(1, delayMs) - 0.75),
        clearTimeout: (handle) => {
          clock.clearTimeout(handle);
        },
      };
      const scheduler = new AsyncScheduler({ clock: early }).start();
      stopAfterTest(scheduler);
      const id = scheduler.submitTask(hangingTask('slow', { timeoutMs: 100 }));
      await clock.advance(99.5);
      expect(scheduler.taskState(id)).toBe('STARTED');
      await clock.advance(0.5);
      const info = scheduler.taskInfo(id);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.runMs).toBe(100);
    });

    it('accepts a fractional timeoutMs', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask('frac', { timeoutMs: 2.5 }));
      await clock.advance(2);
      expect(scheduler.taskState(id)).toBe('STARTED');
      await clock.advance(0.5);
      expect(scheduler.taskState(id)).toBe('TIMED_OUT');
    });

    it('times several tasks out each on its own schedule', async () => {
      const { scheduler, clock } = createHarness();
      const a = scheduler.submitTask(hangingTask('a', { timeoutMs: 30 }));
      await clock.advance(10);
      const b = scheduler.submitTask(hangingTask('b', { timeoutMs: 10 }));
      await clock.advance(10);
      expect(scheduler.taskState(a)).toBe('STARTED');
      expect(scheduler.taskState(b)).toBe('TIMED_OUT');
      await clock.advance(10);
      expect(scheduler.taskState(a)).toBe('TIMED_OUT');
      expect(scheduler.taskInfo(b).ts.timeout).toBe(T0 + 20);
      expect(scheduler.taskInfo(a).ts.timeout).toBe(T0 + 30);
    });
  });
});
