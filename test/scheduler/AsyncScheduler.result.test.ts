import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  TaskCanceledError,
  TaskTimeoutError,
  UnknownTaskError,
} from '../../src/index.js';
import { createHarness, Gate, hangingTask } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('.result()', () => {
    it("resolves with the body's value", async () => {
      const { scheduler } = createHarness();
      const task = new AsyncTask('sum', ({ args }: { args: number[] }) =>
        args.reduce((a, b) => a + b, 0),
      );
      const id = scheduler.submitTask(task, 1, 2, 3);
      await expect(scheduler.result<number>(id)).resolves.toBe(6);
    });

    it('waits for a task that is still running', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate<{ rows: number }>();
      const id = scheduler.submitTask(gate.task);
      const result = scheduler.result(id);
      await gate.resolve(id, { rows: 3 });
      await expect(result).resolves.toEqual({ rows: 3 });
    });

    it("rejects with the body's own error", async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const result = scheduler.result(id);
      const boom = new RangeError('out of range');
      await gate.reject(id, boom);
      await expect(result).rejects.toBe(boom);
    });

    it('rejects with TaskTimeoutError for a timed-out task', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask('slow', { timeoutMs: 20 }));
      const result = scheduler.result(id);
      await clock.advance(20);
      const error = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskTimeoutError);
      expect((error as TaskTimeoutError).taskId).toBe(id);
    });

    it('rejects with TaskCanceledError for a canceled task', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const result = scheduler.result(id);
      await scheduler.cancelTask(id, 'changed my mind');
      const error = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskCanceledError);
      expect((error as TaskCanceledError).reason).toBe('changed my mind');
    });

    it('rejects with UnknownTaskError for an unknown id', async () => {
      const { scheduler } = createHarness();
      await expect(scheduler.result('nope')).rejects.toBeInstanceOf(UnknownTaskError);
      await expect(scheduler.result('nope')).rejects.toThrow(/"nope"/);
    });

    it("rejects a caller who waited with the task's error even when retention keeps no record", async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 0 } });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const result = scheduler.result(id);
      const boom = new Error('boom');
      await gate.reject(id, boom);
      await expect(result).rejects.toBe(boom);
    });

    it("rejects a caller who waited with the task's error even when another task's end evicts it at once", async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 1 } });
      const first = scheduler.submitTask(hangingTask('first'));
      const second = scheduler.submitTask(hangingTask('second'));
      const result = scheduler.result(first);
      // Both end in the same tick: the second's record evicts the first's before the caller wakes.
      await Promise.all([scheduler.cancelTask(first), scheduler.cancelTask(second)]);
      await expect(result).rejects.toBeInstanceOf(TaskCanceledError);
    });

    it('rejects every caller of result() with TaskCanceledError when stop({ cancel: true }) ends many tasks under a small retention', async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 2 } });
      const ids = [1, 2, 3, 4, 5].map((n) => scheduler.submitTask(hangingTask(`t${n}`)));
      const results = ids.map((id) => scheduler.result(id).catch((e: unknown) => e));
      await scheduler.stop({ cancel: true });
      const errors = await Promise.all(results);
      expect(errors.map((e) => (e as Error).name)).toEqual(Array(5).fill('TaskCanceledError'));
    });

    it('resolves a caller who waited with the value even when retention keeps no record', async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 0 } });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const result = scheduler.result(id);
      await gate.resolve(id, 'kept for the waiter');
      await expect(result).resolves.toBe('kept for the waiter');
    });
  });
});
