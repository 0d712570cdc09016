import { describe, expect, it } from 'vitest';
import { AsyncTask, SchedulerError, TaskCanceledError, TaskTimeoutError } from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';

class CodedError extends Error {
  override readonly name = 'CodedError';
  readonly code = 'E_CODED';
}

describe('AsyncScheduler', () => {
  describe('task bodies', () => {
    it('ends DONE with the value a synchronous body returns', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new AsyncTask('sync', () => ({ answer: 42 })));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('DONE');
      expect(info.result).toEqual({ answer: 42 });
    });

    it('ends DONE with undefined for a body that returns nothing', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new AsyncTask('void', () => undefined));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('DONE');
      expect('result' in info).toBe(true);
      expect(info.result).toBeUndefined();
    });

    it('ends FAILED when the body throws synchronously, keeping the error', async () => {
      const { scheduler, errors } = createHarness();
      const boom = new CodedError('sync boom');
      const id = scheduler.submitTask(
        new AsyncTask('thrower', () => {
          throw boom;
        }),
      );
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error).toMatchObject({
        name: 'CodedError',
        message: 'sync boom',
        code: 'E_CODED',
      });
      expect(info.error?.stack).toContain('sync boom');
      await expect(scheduler.result(id)).rejects.toBe(boom);
      expect(errors).toEqual([]);
    });

    it('ends FAILED when the body rejects with an Error', async () => {
      const { scheduler } = createHarness();
      const boom = new Error('async boom');
      const id = scheduler.submitTask(new AsyncTask('rejecter', () => Promise.reject(boom)));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error).toMatchObject({ name: 'Error', message: 'async boom' });
      await expect(scheduler.result(id)).rejects.toBe(boom);
    });

    it.each([
      ['a string', 'nope', /"nope" \(string\)/],
      ['undefined', undefined, /undefined/],
      ['a number', 42, /42 \(number\)/],
      ['a plain object', { reason: 'x' }, /an object \(Object\)/],
      ['null', null, /null/],
    ])('ends FAILED when the body rejects with %s, wrapping it', async (_, value, shown) => {
      const { scheduler, errors } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('non-error', () => Promise.reject(value as unknown as Error)),
      );
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error?.code).toBe('ERR_NON_ERROR_THROWN');
      expect(info.error?.message).toMatch(shown);
      expect(info.error?.message).toContain('"non-error"');
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchedulerError);
      expect((error as SchedulerError).code).toBe('ERR_NON_ERROR_THROWN');
      expect((error as SchedulerError).cause).toBe(value);
      expect((error as SchedulerError).taskId).toBe(id);
      expect(errors).toEqual([]);
    });

    it('ends FAILED when the body throws a non-Error synchronously', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('throws-string', () => {
          throw 'plain' as unknown as Error;
        }),
      );
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error?.code).toBe('ERR_NON_ERROR_THROWN');
      expect(info.error?.message).toContain('"plain"');
    });

    it('ends TIMED_OUT on time when the body never settles', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('forever', () => new Promise(() => undefined), { timeoutMs: 250 }),
      );
      await clock.advance(249);
      expect(scheduler.taskState(id)).toBe('STARTED');
      await clock.advance(1);
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.runMs).toBe(250);
      await expect(scheduler.result(id)).rejects.toBeInstanceOf(TaskTimeoutError);
    });

    it('ends TIMED_OUT on time when the body ignores its aborted signal, discarding its late result', async () => {
      const { scheduler, clock, steps, errors } = createHarness();
      let done = 0;
      const gate = new Gate<string>('stubborn', { timeoutMs: 100, onDone: () => done++ });
      const id = scheduler.submitTask(gate.task);
      const run = await gate.started(id);
      await clock.advance(100);
      expect(scheduler.taskState(id)).toBe('TIMED_OUT');
      run.resolve('too late');
      await clock.advance(1);
      const info = scheduler.taskInfo(id);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.result).toBeUndefined();
      expect(info.runMs).toBe(100);
      expect(done).toBe(0);
      expect(steps(id).at(-1)).toBe('STARTED→TIMED_OUT');
      expect(steps(id)).toHaveLength(4);
      await expect(scheduler.result(id)).rejects.toBeInstanceOf(TaskTimeoutError);
      expect(errors).toEqual([]);
    });

    it('ends CANCELED at once when the body ignores its aborted signal, discarding a late rejection', async () => {
      const { scheduler, clock, steps, errors } = createHarness();
      let failed = 0;
      const gate = new Gate('stubborn', { onError: () => failed++ });
      const id = scheduler.submitTask(gate.task);
      const run = await gate.started(id);
      await clock.advance(10);
      await expect(scheduler.cancelTask(id, 'enough')).resolves.toBe(true);
      expect(scheduler.taskState(id)).toBe('CANCELED');
      expect(scheduler.taskInfo(id).ts.cancel).toBe(scheduler.taskInfo(id).ts.start! + 10);
      run.reject(new Error('late failure'));
      await clock.advance(1);
      expect(scheduler.taskState(id)).toBe('CANCELED');
      expect(scheduler.taskInfo(id).error?.name).toBe('TaskCanceledError');
      expect(failed).toBe(0);
      expect(steps(id).at(-1)).toBe('STARTED→CANCELED');
      await expect(scheduler.result(id)).rejects.toBeInstanceOf(TaskCanceledError);
      expect(errors).toEqual([]);
    });

    it('frees the slot of a timed-out body that goes on running in the background', async () => {
      const { scheduler, clock } = createHarness({ concurrency: 1 });
      const stubborn = new Gate('stubborn', { timeoutMs: 50 });
      const next = new Gate('next');
      const first = scheduler.submitTask(stubborn.task);
      const second = scheduler.submitTask(next.task);
      await stubborn.started(first);
      expect(scheduler.taskState(second)).toBe('SCHEDULED');
      await clock.advance(50);
      await next.started(second);
      expect(scheduler.taskState(second)).toBe('STARTED');
      expect(scheduler.runningCount).toBe(1);
    });
  });
});
