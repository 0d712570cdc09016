import { describe, expect, it } from 'vitest';
import { AsyncTask, SchedulerStoppedError, type TaskContext } from '../../src/index.js';
import { caught } from '../support/deferred.js';
import { createHarness, echoTask, Gate, T0 } from '../support/harness.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('AsyncScheduler', () => {
  describe('.submitTask()', () => {
    it('returns a UUID v7 id, a new one for every submission, in submit order', () => {
      const { scheduler } = createHarness({}, { start: false });
      const task = echoTask();
      const ids = Array.from({ length: 20 }, () => scheduler.submitTask(task));
      for (const id of ids) expect(id).toMatch(UUID_V7);
      expect(new Set(ids).size).toBe(20);
      expect([...ids].sort()).toEqual(ids);
    });

    it('runs one task object many times, each run with its own id and args', async () => {
      const { scheduler } = createHarness();
      const task = new AsyncTask('double', ({ args: [n] }: TaskContext<[number]>) => n * 2);
      const ids = [1, 2, 3].map((n) => scheduler.submitTask(task, n));
      const results = await Promise.all(ids.map((id) => scheduler.result(id)));
      expect(results).toEqual([2, 4, 6]);
    });

    it('gives the body its id, name, lane, args and a live signal', async () => {
      const { scheduler } = createHarness({ name: 'io' });
      const gate = new Gate('ctx-check');
      const id = scheduler.submitTask(gate.task, 'a', 2);
      const { ctx } = await gate.started(id);
      expect(ctx.id).toBe(id);
      expect(ctx.name).toBe('ctx-check');
      expect(ctx.lane).toBe('io');
      expect(ctx.args).toEqual(['a', 2]);
      expect(ctx.signal.aborted).toBe(false);
    });

    it('records frozen args, which later changes to the caller array do not reach', () => {
      const { scheduler } = createHarness({}, { start: false });
      const arg = { n: 1 };
      const id = scheduler.submitTask(echoTask(), arg, 'b');
      const info = scheduler.taskInfo(id);
      expect(info.args).toEqual([{ n: 1 }, 'b']);
      expect(Object.isFrozen(info.args)).toBe(true);
    });

    it('records an empty frozen args list for a task submitted without arguments', async () => {
      const { scheduler } = createHarness();
      let seen: readonly unknown[] | undefined;
      const id = scheduler.submitTask(
        new AsyncTask('no-args', ({ args }) => {
          seen = args;
        }),
      );
      const info = await scheduler.waitTask(id);
      expect(info.args).toEqual([]);
      expect(Object.isFrozen(info.args)).toBe(true);
      expect(seen).toEqual([]);
    });

    it('leaves a task SUBMITTED until start(), its body not called', async () => {
      const { scheduler, clock, steps } = createHarness({}, { start: false });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      await clock.advance(1000);
      expect(scheduler.taskState(id)).toBe('SUBMITTED');
      expect(gate.has(id)).toBe(false);
      expect(steps(id)).toEqual(['NEW→SUBMITTED']);
      scheduler.start();
      await gate.started(id);
      expect(scheduler.taskState(id)).toBe('STARTED');
      expect(steps(id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→SCHEDULED', 'SCHEDULED→STARTED']);
      const info = scheduler.taskInfo(id);
      expect(info.ts.submit).toBe(T0);
      expect(info.ts.schedule).toBe(T0 + 1000);
      expect(info.waitMs).toBe(1000);
    });

    it('runs tasks submitted before start() in submit order when priorities are equal', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate();
      const ids = [1, 2, 3, 4].map(() => scheduler.submitTask(gate.task));
      scheduler.start();
      await Promise.all(ids.map((id) => gate.started(id)));
      expect(gate.order).toEqual(ids);
    });

    it('refuses something that is not an AsyncTask with a TypeError saying what came', () => {
      const { scheduler } = createHarness();
      const lookalike = { name: 'fake', type: 'async', run: () => 1, options: {} };
      expect(() => scheduler.submitTask(lookalike as unknown as AsyncTask)).toThrow(
        new TypeError('Expected `task` to be an AsyncTask or a SyncTask, got an object (Object)'),
      );
      expect(() => scheduler.submitTask(undefined as unknown as AsyncTask)).toThrow(
        new TypeError('Expected `task` to be an AsyncTask or a SyncTask, got undefined'),
      );
      expect(scheduler.dumpTask()).toEqual([]);
    });

    it('throws SchedulerStoppedError once stop() was called, while draining and after', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const running = scheduler.submitTask(gate.task);
      const stopping = scheduler.stop();
      const duringDrain = await caught(() => scheduler.submitTask(echoTask()));
      expect(duringDrain).toBeInstanceOf(SchedulerStoppedError);
      expect((duringDrain as SchedulerStoppedError).code).toBe('ERR_SCHEDULER_STOPPED');
      await gate.resolve(running, 'ok');
      await stopping;
      expect(() => scheduler.submitTask(echoTask())).toThrow(SchedulerStoppedError);
      expect(scheduler.dumpTask().map((i) => i.id)).toEqual([running]);
    });

    it('throws SchedulerStoppedError after stop() on a scheduler never started', async () => {
      const { scheduler } = createHarness({}, { start: false });
      await scheduler.stop();
      expect(() => scheduler.submitTask(echoTask())).toThrow(SchedulerStoppedError);
    });
  });

  describe('.start()', () => {
    it('returns the scheduler and does nothing the second time', async () => {
      const { scheduler, steps } = createHarness({}, { start: false });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      expect(scheduler.start()).toBe(scheduler);
      expect(scheduler.start()).toBe(scheduler);
      await gate.started(id);
      expect(gate.order).toEqual([id]);
      expect(steps(id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→SCHEDULED', 'SCHEDULED→STARTED']);
    });

    it('runs tasks submitted after it at once', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(echoTask(), 'now');
      await expect(scheduler.result(id)).resolves.toBe('now');
    });
  });
});
