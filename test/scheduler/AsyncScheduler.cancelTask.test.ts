import { describe, expect, it } from 'vitest';
import { TaskCanceledError } from '../../src/index.js';
import { caught, deferred } from '../support/deferred.js';
import { createHarness, echoTask, Gate, hangingTask, T0 } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('.cancelTask()', () => {
    it('cancels a SUBMITTED task (lane not started), which then never runs', async () => {
      const { scheduler, steps } = createHarness({}, { start: false });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      await expect(scheduler.cancelTask(id)).resolves.toBe(true);
      expect(scheduler.taskState(id)).toBe('CANCELED');
      scheduler.start();
      const other = scheduler.submitTask(gate.task);
      await gate.started(other);
      expect(gate.has(id)).toBe(false);
      expect(steps(id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→CANCELED']);
    });

    it('cancels a SCHEDULED task waiting for a slot, which then never runs', async () => {
      const { scheduler, steps } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      const after = scheduler.submitTask(gate.task);
      expect(scheduler.queuedCount).toBe(2);
      await expect(scheduler.cancelTask(queued)).resolves.toBe(true);
      expect(scheduler.queuedCount).toBe(1);
      await gate.resolve(running, 'ok');
      await gate.started(after);
      expect(gate.order).toEqual([running, after]);
      expect(steps(queued)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→SCHEDULED', 'SCHEDULED→CANCELED']);
    });

    it('cancels a STARTED task: its signal aborts with a TaskCanceledError carrying the reason', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const { ctx } = await gate.started(id);
      const aborted = deferred();
      ctx.signal.addEventListener('abort', () => {
        aborted.resolve(ctx.signal.reason);
      });
      await clock.advance(25);
      await expect(scheduler.cancelTask(id, 'user left')).resolves.toBe(true);
      const reason = await aborted.promise;
      expect(reason).toBeInstanceOf(TaskCanceledError);
      expect((reason as TaskCanceledError).reason).toBe('user left');
      expect((reason as TaskCanceledError).taskId).toBe(id);
      const info = scheduler.taskInfo(id);
      expect(info.state).toBe('CANCELED');
      expect(info.ts.cancel).toBe(T0 + 25);
      expect(info.runMs).toBe(25);
    });

    it('leaves the task final by the time it resolves', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const canceled = scheduler.cancelTask(id);
      await canceled;
      expect(scheduler.taskState(id)).toBe('CANCELED');
      await expect(scheduler.waitTask(id)).resolves.toMatchObject({ state: 'CANCELED' });
    });

    it('records the reason and a TaskCanceledError; result() rejects with it', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      await scheduler.cancelTask(id, 'deadline moved');
      const info = scheduler.taskInfo(id);
      expect(info.reason).toBe('deadline moved');
      expect(info.error).toMatchObject({
        name: 'TaskCanceledError',
        code: 'ERR_TASK_CANCELED',
        message: 'Task canceled: deadline moved',
      });
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskCanceledError);
      expect((error as TaskCanceledError).reason).toBe('deadline moved');
    });

    it('records a default reason when none is given', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      await scheduler.cancelTask(id);
      expect(scheduler.taskInfo(id).reason).toEqual(expect.any(String));
      expect(scheduler.taskInfo(id).reason).not.toBe('');
    });

    it('returns false the second time', async () => {
      const { scheduler, steps } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      await expect(scheduler.cancelTask(id, 'first')).resolves.toBe(true);
      await expect(scheduler.cancelTask(id, 'second')).resolves.toBe(false);
      expect(scheduler.taskInfo(id).reason).toBe('first');
      expect(steps(id).filter((s) => s.endsWith('CANCELED'))).toHaveLength(1);
    });

    it('returns true for only one of two concurrent calls', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const results = await Promise.all([scheduler.cancelTask(id), scheduler.cancelTask(id)]);
      expect(results.sort()).toEqual([false, true]);
    });

    it.each([
      ['DONE', 'value'],
      ['FAILED', new Error('boom')],
    ] as const)('returns false for a task already %s, which stays so', async (state, outcome) => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      if (state === 'DONE') await gate.resolve(id, outcome);
      else await gate.reject(id, outcome);
      await scheduler.waitTask(id);
      await expect(scheduler.cancelTask(id)).resolves.toBe(false);
      expect(scheduler.taskState(id)).toBe(state);
    });

    it('returns false for a task already TIMED_OUT', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask('slow', { timeoutMs: 5 }));
      await clock.advance(5);
      await expect(scheduler.cancelTask(id)).resolves.toBe(false);
      expect(scheduler.taskState(id)).toBe('TIMED_OUT');
    });

    it('returns false for an unknown id', async () => {
      const { scheduler } = createHarness();
      await expect(scheduler.cancelTask('no-such-task')).resolves.toBe(false);
    });

    it('returns false for an id evicted by retention', async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 1 } });
      const first = scheduler.submitTask(echoTask());
      await scheduler.waitTask(first);
      await scheduler.waitTask(scheduler.submitTask(echoTask()));
      await expect(scheduler.cancelTask(first)).resolves.toBe(false);
    });

    it('frees the slot of a canceled running task for the next queued one', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const first = scheduler.submitTask(gate.task);
      const second = scheduler.submitTask(gate.task);
      await gate.started(first);
      await scheduler.cancelTask(first);
      await gate.started(second);
      expect(scheduler.taskState(second)).toBe('STARTED');
      expect(scheduler.runningCount).toBe(1);
    });

    it('clears the timeout timer of a canceled task', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask('t', { timeoutMs: 100 }));
      expect(clock.pendingTimers).toBe(1);
      await scheduler.cancelTask(id);
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(200);
      expect(scheduler.taskState(id)).toBe('CANCELED');
    });

    it.each([
      ['an empty reason', '', RangeError],
      ['a non-string reason', 42, TypeError],
    ])('refuses %s', async (_, reason, type) => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const error = await caught(() => scheduler.cancelTask(id, reason as string));
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(/Expected `reason` to be a non-empty string/);
      expect(scheduler.taskState(id)).toBe('STARTED');
    });
  });
});
