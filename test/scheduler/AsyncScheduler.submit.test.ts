import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AsyncTask, TaskCanceledError, type TaskContext } from '../../src/index.js';
import { createHarness, echoTask, Gate, hangingTask } from '../support/harness.js';
import { addOneTask, createSyncHarness, workTask } from '../support/syncTasks.js';

const sum = new AsyncTask('sum', ({ args }: TaskContext<number[]>) =>
  args.reduce((total, n) => total + n, 0),
);

describe('AsyncScheduler', () => {
  describe('.submit()', () => {
    it('submits one run with its args and returns a handle on it', async () => {
      const { scheduler } = createHarness();
      const args = [1, 2, 3];
      const h = scheduler.submit(sum, { args });
      expect(typeof h.id).toBe('string');
      expect(scheduler.taskInfo(h.id).args).toEqual([1, 2, 3]);
      expect(await h.result()).toBe(6);
      // The record keeps a frozen copy: the caller's array stays the caller's.
      expect(Object.isFrozen(args)).toBe(false);
    });

    it('runs with no args when none are given', async () => {
      const { scheduler } = createHarness();
      const h = scheduler.submit(sum);
      expect(await h.result()).toBe(0);
      expect(h.info().args).toEqual([]);
    });

    it('is what submitTask(task, ...args) does', async () => {
      const { scheduler, steps } = createHarness();
      const viaSubmit = scheduler.submit(sum, { args: [4, 5] }).id;
      const viaSubmitTask = scheduler.submitTask(sum, 4, 5);
      await scheduler.waitTask(viaSubmitTask);
      const strip = ({ id: _, ts: __, ...rest }: ReturnType<typeof scheduler.taskInfo>) => rest;
      expect(strip(scheduler.taskInfo(viaSubmit))).toEqual(
        strip(scheduler.taskInfo(viaSubmitTask)),
      );
      expect(steps(viaSubmit)).toEqual(steps(viaSubmitTask));
    });

    it('runs a higher priority given at submit first, for that run only', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const blocker = new Gate('blocker');
      const blocking = scheduler.submitTask(blocker.task);
      const task = echoTask('echo', { priority: 1 });
      const plain = scheduler.submitTask(task, 'plain');
      const urgent = scheduler.submit(task, { args: ['urgent'], priority: 5 });
      const demoted = scheduler.submit(task, { args: ['demoted'], priority: -1 });
      const order: string[] = [];
      scheduler.transitions$.subscribe((t) => {
        if (t.to === 'STARTED') order.push(t.id);
      });
      await blocker.resolve(blocking, 'done');
      await Promise.all([urgent.wait(), scheduler.waitTask(plain), demoted.wait()]);
      expect(order).toEqual([urgent.id, plain, demoted.id]);
      expect(urgent.info().priority).toBe(5);
      expect(scheduler.taskInfo(plain).priority).toBe(1);
      expect(task.options.priority).toBe(1);
    });

    it('times a run out after the timeoutMs given at submit, instead of the task’s', async () => {
      const { scheduler, clock } = createHarness();
      const task = hangingTask('hang', { timeoutMs: 1_000 });
      const short = scheduler.submit(task, { timeoutMs: 100 });
      const unlimited = scheduler.submit(task, { timeoutMs: 0 });
      const own = scheduler.submitTask(task);
      await clock.advance(100);
      expect(short.state).toBe('TIMED_OUT');
      expect(short.info().timeoutMs).toBe(100);
      expect(scheduler.taskState(own)).toBe('STARTED');
      await clock.advance(900);
      expect(scheduler.taskState(own)).toBe('TIMED_OUT');
      await clock.advance(10_000);
      expect(unlimited.state).toBe('STARTED');
      expect(unlimited.info().timeoutMs).toBe(0);
    });

    it.each([
      [{ timeout: 100 }, TypeError, 'Unknown submit option `timeout` (did you mean `timeoutMs`?)'],
      [{ delay: 100 }, TypeError, 'Unknown submit option `delay` (did you mean `delayMs`?)'],
      [{ delayMs: -5 }, RangeError, 'Expected `delayMs` to be a finite number >= 0, got -5'],
      [{ delayMs: 5, runAt: 1 }, TypeError, 'Give `delayMs` or `runAt`, not both'],
      [{ runAt: '2027' }, TypeError, 'Expected `runAt` to be a Date or epoch milliseconds'],
      [{ runAt: new Date(NaN) }, RangeError, 'Expected `runAt` to be a valid Date'],
      [{ retry: 3 }, TypeError, 'Expected `retry` to be a retry policy'],
      [
        { retry: { attempts: 0 } },
        RangeError,
        'Expected `retry.attempts` to be a whole number >= 1',
      ],
      [{ retry: { attempts: 2, tries: 1 } }, TypeError, 'Unknown retry option `tries`'],
      [
        { retry: { attempts: 2, backoff: { type: 'linear', delayMs: 1 } } },
        TypeError,
        "Expected `retry.backoff.type` to be 'fixed' or 'exponential'",
      ],
      [
        { retry: { attempts: 2, backoff: { delayMs: -1 } } },
        RangeError,
        'Expected `retry.backoff.delayMs` to be a finite number >= 0',
      ],
      [{ timeoutMs: -1 }, RangeError, 'Expected `timeoutMs` to be a finite number >= 0, got -1'],
      [{ timeoutMs: NaN }, RangeError, 'Expected `timeoutMs` to be a finite number >= 0, got NaN'],
      [{ priority: 'high' }, TypeError, 'Expected `priority` to be a finite number, got "high"'],
      [{ priority: Infinity }, RangeError, 'Expected `priority` to be a finite number'],
      [{ signal: {} }, TypeError, 'Expected `signal` to be an AbortSignal'],
      [{ key: '' }, RangeError, 'Expected `key` to be a non-empty string'],
      [{ key: 7 }, TypeError, 'Expected `key` to be a non-empty string'],
      [{ args: 'abc' }, TypeError, 'Expected `args` to be an array, got "abc" (string)'],
      [null, TypeError, 'Expected `options` to be an options object, got null'],
    ])('refuses %j, submitting nothing', (options, type, message) => {
      const { scheduler } = createHarness();
      const submit = (): unknown => scheduler.submit(sum, options as never);
      expect(submit).toThrow(type);
      expect(submit).toThrow(message);
      expect(scheduler.dumpTask()).toEqual([]);
    });

    it('runs a SyncTask on an executor thread with the args given, cloned at submit', async () => {
      const { scheduler } = createSyncHarness({ threads: 1 });
      const h = scheduler.submit(addOneTask(), { args: [41], priority: 3 });
      expect(await h.result()).toBe(42);
      expect(h.info()).toMatchObject({ type: 'sync', args: [41], priority: 3 });
    });

    it('cancels a running SyncTask when its signal aborts: its thread stops', async () => {
      const { scheduler } = createSyncHarness({ threads: 1 });
      const counter = new SharedArrayBuffer(4);
      const controller = new AbortController();
      const h = scheduler.submit(workTask<[SharedArrayBuffer]>('busyLoop'), {
        args: [counter],
        signal: controller.signal,
      });
      const view = new Int32Array(counter);
      while (Atomics.load(view, 0) === 0) await new Promise((resolve) => setImmediate(resolve));
      controller.abort('no longer needed');
      expect(await h.wait()).toMatchObject({ state: 'CANCELED', reason: 'no longer needed' });
      expect(await scheduler.submit(addOneTask(), { args: [1] }).result()).toBe(2);
    });

    it('refuses a value that is not a task', () => {
      const { scheduler } = createHarness();
      expect(() => scheduler.submit({ name: 'fake' } as never)).toThrow(
        /Expected `task` to be an AsyncTask or a SyncTask/,
      );
    });
  });

  describe('.submit() with a signal', () => {
    it('cancels a running task when the signal aborts, with the reason’s message', async () => {
      const { scheduler, steps } = createHarness();
      const gate = new Gate('gated');
      const controller = new AbortController();
      const h = scheduler.submit(gate.task, { signal: controller.signal });
      const { ctx } = await gate.started(h.id);
      controller.abort(new Error('user left'));
      const info = await h.wait();
      expect(info.state).toBe('CANCELED');
      expect(info.reason).toBe('user left');
      expect(ctx.signal.aborted).toBe(true);
      expect(steps(h.id).at(-1)).toBe('STARTED→CANCELED');
      await expect(h.result()).rejects.toBeInstanceOf(TaskCanceledError);
    });

    it('cancels a queued task, which then never runs', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const blocker = new Gate('blocker');
      scheduler.submitTask(blocker.task);
      const gate = new Gate('queued');
      const controller = new AbortController();
      const h = scheduler.submit(gate.task, { signal: controller.signal });
      expect(h.state).toBe('SCHEDULED');
      controller.abort('not needed');
      expect((await h.wait()).reason).toBe('not needed');
      expect(gate.order).toEqual([]);
    });

    it('submits, then cancels at once, a task whose signal aborted already', async () => {
      const { scheduler, steps } = createHarness();
      const gate = new Gate('never');
      const h = scheduler.submit(gate.task, { signal: AbortSignal.abort('too late') });
      expect(h.state).toBe('CANCELED');
      expect(h.info()).toMatchObject({ reason: 'too late' });
      expect(steps(h.id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→CANCELED']);
      expect(gate.order).toEqual([]);
      await expect(h.result()).rejects.toThrow(TaskCanceledError);
    });

    it('ends an already-aborted submit CANCELED before start() as well', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const h = scheduler.submit(sum, { signal: AbortSignal.abort() });
      expect((await h.wait()).state).toBe('CANCELED');
      // An abort without a reason: the DOMException's message.
      expect(h.info().reason).toBe('This operation was aborted');
    });

    it('leaves a task that is final alone when the signal aborts later', async () => {
      const { scheduler, errors } = createHarness();
      const controller = new AbortController();
      const h = scheduler.submit(sum, { args: [1], signal: controller.signal });
      await h.wait();
      controller.abort();
      expect(h.state).toBe('DONE');
      expect(errors).toEqual([]);
    });

    it('stops listening to the signal once the task is final: one signal, many submits', async () => {
      const { scheduler } = createHarness();
      const controller = new AbortController();
      const gate = new Gate('many');
      const handles = Array.from({ length: 200 }, () =>
        scheduler.submit(gate.task, { signal: controller.signal }),
      );
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(200);
      for (const h of handles) await gate.resolve(h.id, 'ok');
      await Promise.all(handles.map((h) => h.wait()));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      controller.abort();
      expect(handles.every((h) => h.state === 'DONE')).toBe(true);
    });
  });

  describe('.submit() with a key', () => {
    it('returns the handle of the live task with that key, submitting nothing', () => {
      const { scheduler } = createHarness();
      const gate = new Gate('keyed');
      const first = scheduler.submit(gate.task, { key: 'job-1' });
      const again = scheduler.submit(gate.task, { key: 'job-1', priority: 9 });
      expect(again).toBe(first);
      expect(scheduler.dumpTask()).toHaveLength(1);
      expect(first.info().key).toBe('job-1');
      expect(first.info().priority).toBe(0);
      const other = scheduler.submit(gate.task, { key: 'job-2' });
      expect(other.id).not.toBe(first.id);
    });

    it('submits a new task once the one with the key is final', async () => {
      const { scheduler } = createHarness();
      const first = scheduler.submit(sum, { args: [1], key: 'k' });
      await first.wait();
      const second = scheduler.submit(sum, { args: [2], key: 'k' });
      expect(second.id).not.toBe(first.id);
      expect(await second.result()).toBe(2);
      expect(second.info().key).toBe('k');
    });

    it('frees the key of a task canceled at submit by its aborted signal', () => {
      const { scheduler } = createHarness();
      const first = scheduler.submit(sum, { key: 'k', signal: AbortSignal.abort() });
      const second = scheduler.submit(sum, { key: 'k' });
      expect(first.state).toBe('CANCELED');
      expect(second.id).not.toBe(first.id);
    });

    it('leaves TaskInfo without a key when none was given', async () => {
      const { scheduler } = createHarness();
      const info = await scheduler.submit(sum).wait();
      expect('key' in info).toBe(false);
    });
  });
});
