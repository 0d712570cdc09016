import { isMainThread, threadId as mainThreadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerError,
  SchedulerThread,
  TaskTimeoutError,
  UnknownTaskError,
  WaitTimeoutError,
  type TaskInfo,
} from '../../src/index.js';
import { BODIES, executorTask, laneTask, useThreadHarness } from '../support/schedulerThreads.js';

interface Where {
  isMainThread: boolean;
  threadId: number;
  id: string;
  name: string;
  lane: string;
}

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('constructor', () => {
    it('validates its name and options like AsyncScheduler', () => {
      expect(() => new SchedulerThread('')).toThrow(RangeError);
      expect(() => new SchedulerThread(42 as unknown as string)).toThrow(TypeError);
      expect(() => new SchedulerThread('x', { concurrency: 0 })).toThrow(/concurrency/);
      expect(() => new SchedulerThread('x', { bogus: 1 } as never)).toThrow(/bogus/);
    });
  });

  describe('.submitTask()', () => {
    it('refuses an AsyncTask with a function body, saying functions cannot cross threads', () => {
      const { scheduler } = harness('refuse');
      const task = new AsyncTask('inline', () => 1);
      expect(() => scheduler.submitTask(task)).toThrow(TypeError);
      expect(() => scheduler.submitTask(task)).toThrow(/functions cannot cross threads/);
      expect(scheduler.dumpTask()).toEqual([]);
    });

    it('refuses an argument that cannot be cloned, naming it', () => {
      const { scheduler } = harness('clone');
      expect(() => scheduler.submitTask(laneTask('default'), 1, () => 2)).toThrow(
        /Argument args\[1\] of AsyncTask "default" cannot be sent to the lane thread/,
      );
      expect(() => scheduler.submitTask(executorTask('default'), Symbol('s'))).toThrow(
        /Argument args\[0\] of SyncTask/,
      );
    });

    it('knows the task synchronously: SUBMITTED when submitTask returns, as AsyncScheduler', async () => {
      const { scheduler, reaches } = harness('sync-state');
      const id = scheduler.submitTask(laneTask('default'), 1, 2);
      expect(scheduler.taskState(id)).toBe('SUBMITTED');
      expect(scheduler.taskInfo(id).ts.submit).toEqual(expect.any(Number));
      expect(scheduler.taskInfo(id)).toMatchObject({ id, name: 'default', lane: 'sync-state' });
      expect(scheduler.dumpTask().map((i) => i.id)).toEqual([id]);
      await reaches(id, 'DONE');
      expect(scheduler.taskState(id)).toBe('DONE');
    });
  });

  describe('round trip', () => {
    it('runs an AsyncTask in the lane thread, off the main thread, with its context', async () => {
      const { scheduler, steps } = harness('lane-a');
      const id = scheduler.submitTask(laneTask<[], Where>('whereAmI'));
      const where = await scheduler.result<Where>(id);
      expect(where).toMatchObject({ isMainThread: false, id, name: 'whereAmI', lane: 'lane-a' });
      expect(where.threadId).not.toBe(mainThreadId);
      expect(steps(id)).toEqual([
        'NEW→SUBMITTED',
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→DONE',
      ]);
      const info = scheduler.taskInfo(id);
      expect(info).toMatchObject({ state: 'DONE', type: 'async', args: [] });
      expect(info.ts.submit).toBeLessThanOrEqual(info.ts.schedule!);
      expect(info.ts.schedule).toBeLessThanOrEqual(info.ts.start!);
      expect(info.ts.start).toBeLessThanOrEqual(info.ts.done!);
    });

    it("runs a SyncTask on the lane's own executor thread, not the lane thread", async () => {
      const { scheduler } = harness('lane-s', { threads: 1 });
      const inLane = scheduler.submitTask(laneTask<[], Where>('whereAmI'));
      const onExecutor = scheduler.submitTask(executorTask<[], Where>('whereAmI'));
      const [a, s] = await Promise.all([
        scheduler.result<Where>(inLane),
        scheduler.result<Where>(onExecutor),
      ]);
      expect(s.isMainThread).toBe(false);
      expect(s.threadId).not.toBe(a.threadId);
      expect(s.threadId).not.toBe(mainThreadId);
      expect(scheduler.taskInfo(onExecutor)).toMatchObject({ type: 'sync', state: 'DONE' });
    });

    it('keeps the caller its own args and priority in every info', async () => {
      const { scheduler } = harness('args');
      const task = laneTask<number[], number>('default', { priority: 3 });
      const id = scheduler.submitTask(task, 1, 2, 3);
      await expect(scheduler.result(id)).resolves.toBe(6);
      expect(scheduler.taskInfo(id)).toMatchObject({ args: [1, 2, 3], priority: 3, result: 6 });
      expect(Object.isFrozen(scheduler.taskInfo(id))).toBe(true);
    });

    it("names the task's module and export, not the library's files, when the module cannot load", async () => {
      const { scheduler } = harness('unloadable');
      const missing = new URL('./missing-lane-body.mjs', BODIES);
      const id = scheduler.submitTask(
        new AsyncTask('unloadable', { module: missing, export: 'run' }),
      );
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchedulerError);
      expect(error).toMatchObject({ code: 'ERR_TASK_MODULE_LOAD_FAILED', taskId: id });
      expect((error as Error).message).toContain(
        `Task "unloadable" could not load its body, export "run" of ${missing.href}: `,
      );
      expect((error as Error).message).not.toMatch(/imported from/);
    });

    it("rejects result() with the body's error, rebuilt with its name, message and stack", async () => {
      const { scheduler } = harness('fail');
      const id = scheduler.submitTask(laneTask('fail'));
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ name: 'RangeError', message: 'bad input' });
      expect((error as Error).stack).toContain('bodies.mjs');
      expect(scheduler.taskInfo(id)).toMatchObject({
        state: 'FAILED',
        error: { name: 'RangeError', message: 'bad input' },
      });
    });

    it('rejects result() with ERR_NON_ERROR_THROWN for a non-Error throw', async () => {
      const { scheduler } = harness('non-error');
      const id = scheduler.submitTask(executorTask('throwString'));
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchedulerError);
      expect(error).toMatchObject({ code: 'ERR_NON_ERROR_THROWN' });
    });

    it('ends FAILED with a clear error when the result cannot cross back to the main thread', async () => {
      const { scheduler } = harness('uncloneable');
      const id = scheduler.submitTask(laneTask('functionResult'));
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TypeError' });
      expect((error as Error).message).toMatch(/could not be sent back to the main thread/);
      expect(scheduler.taskState(id)).toBe('FAILED');
    });

    it('times a task out in the lane thread: TIMED_OUT and TaskTimeoutError naming it', async () => {
      const { scheduler } = harness('timeout');
      const id = scheduler.submitTask(laneTask('untilAborted', { timeoutMs: 5 }));
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskTimeoutError);
      expect(error).toMatchObject({
        timeoutMs: 5,
        taskId: id,
        message: `Task "untilAborted" (${id}) timed out after 5 ms`,
      });
      const info = scheduler.taskInfo(id);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.runMs).toBeGreaterThanOrEqual(5);
    });
  });

  describe('callbacks', () => {
    it('runs task and scheduler callbacks on the main thread, from the forwarded transitions', async () => {
      const seen: { name: string; isMainThread: boolean; state: string }[] = [];
      const record = (name: string) => (info: TaskInfo) => {
        seen.push({ name, isMainThread, state: info.state });
      };
      const { scheduler } = harness('callbacks', {
        onSubmit: record('scheduler.onSubmit'),
        onDone: record('scheduler.onDone'),
      });
      const task = laneTask('default', { onStart: record('task.onStart') });
      const id = scheduler.submitTask(task, 1);
      await scheduler.waitTask(id);
      expect(seen).toEqual([
        { name: 'scheduler.onSubmit', isMainThread: true, state: 'SUBMITTED' },
        { name: 'task.onStart', isMainThread: true, state: 'STARTED' },
        { name: 'scheduler.onDone', isMainThread: true, state: 'DONE' },
      ]);
    });

    it('sends what a callback throws to errors$ and changes nothing', async () => {
      const { scheduler, errors } = harness('throwing', {
        onStart: () => {
          throw new Error('callback boom');
        },
      });
      const id = scheduler.submitTask(laneTask('default'), 2);
      await expect(scheduler.result(id)).resolves.toBe(2);
      expect(errors.map((e) => e.code)).toEqual(['ERR_CALLBACK_FAILED']);
    });
  });

  describe('.waitTask()', () => {
    it('resolves with the final info, and rejects on its own limit without touching the task', async () => {
      const { scheduler } = harness('wait');
      const done = scheduler.submitTask(laneTask('default'), 4);
      await expect(scheduler.waitTask(done)).resolves.toMatchObject({ state: 'DONE', result: 4 });
      const hung = scheduler.submitTask(laneTask('forever'));
      await expect(scheduler.waitTask(hung, { timeoutMs: 1 })).rejects.toBeInstanceOf(
        WaitTimeoutError,
      );
      expect(['SUBMITTED', 'SCHEDULED', 'STARTED', 'NEW']).toContain(scheduler.taskState(hung));
      await expect(scheduler.waitTask('nope')).rejects.toBeInstanceOf(UnknownTaskError);
      expect(() => scheduler.taskState('nope')).toThrow(UnknownTaskError);
    });
  });

  describe('.dumpTask() and .slowest()', () => {
    it('lists tasks in submit order and ranks finished ones by run time', async () => {
      const { scheduler } = harness('dump');
      const ids = [1, 2, 3].map((n) => scheduler.submitTask(laneTask('default'), n));
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      expect(scheduler.dumpTask().map((i) => i.id)).toEqual(ids);
      const slowest = scheduler.slowest(3);
      expect(slowest).toHaveLength(3);
      for (let i = 1; i < slowest.length; i++) {
        expect(slowest[i - 1]!.runMs).toBeGreaterThanOrEqual(slowest[i]!.runMs!);
      }
      expect(scheduler.slowest(5, { running: true })).toEqual([]);
    });

    it('keeps no more finished records than retention allows', async () => {
      const { scheduler } = harness('retention', { retention: { maxFinished: 2 } });
      const ids = [1, 2, 3, 4].map((n) => scheduler.submitTask(laneTask('default'), n));
      await Promise.all(ids.map((id) => scheduler.result(id)));
      expect(scheduler.dumpTask().map((i) => i.id)).toEqual(ids.slice(2));
      expect(() => scheduler.taskInfo(ids[0]!)).toThrow(UnknownTaskError);
    });
  });
});
