import { Queue } from 'bullmq';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AsyncTask, TaskState, type TaskCallbacks, type TaskInfo } from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import {
  DONE_FIRST_TIME,
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
  untilState,
} from './support/bullmqTestKit.js';

const ADD_MODULE = new URL('../fixtures/add.mjs', import.meta.url);

const sum = ({ args }: { args: readonly unknown[] }): number =>
  (args as number[]).reduce((total, n) => total + n, 0);

describeWithRedis('BullMQScheduler', () => {
  describe("a task's life", () => {
    it('ends DONE with the value its handler returned, through every state in order', async () => {
      const lane = queueUnderTest('life-done');
      await lane.worker({ handlers: { sum } });
      const s = lane.scheduler({ name: 'adder' });
      const log = logTransitions(s);
      const add = new AsyncTask<[number, number], number>('add', { handler: 'sum' });

      const id = s.submitTask(add, 2, 3);
      const info = await s.waitTask(id);

      expect(await s.result(id)).toBe(5);
      expect(info).toMatchObject({
        id,
        name: 'add',
        type: 'async',
        lane: 'adder',
        state: TaskState.DONE,
        args: [2, 3],
        priority: 0,
        result: 5,
        attempt: 1,
        attempts: [],
      });
      expect(info.waitMs).toBeGreaterThanOrEqual(0);
      expect(info.runMs).toBeGreaterThanOrEqual(0);
      expect(stampProblems(info)).toEqual([]);
      expect(log.steps(id)).toEqual(DONE_FIRST_TIME);
      expect(log.all.map((t) => t.info.state)).toEqual([
        TaskState.SUBMITTED,
        TaskState.SCHEDULED,
        TaskState.STARTED,
        TaskState.DONE,
      ]);
      expect(s.taskInfo(id)).toEqual(info);
    });

    it('gives null as the value of a body that returns nothing', async () => {
      const lane = queueUnderTest('life-null');
      await lane.worker({ handlers: { nothing: () => undefined } });
      const s = lane.scheduler();

      const id = s.submitTask(new AsyncTask('nothing', { handler: 'nothing' }));

      expect(await s.result(id)).toBeNull();
      expect(s.taskInfo(id).result).toBeNull();
    });

    it('is SUBMITTED at submit, SCHEDULED once its job is in Redis, and waits there for a worker', async () => {
      const lane = queueUnderTest('life-scheduled');
      const s = lane.scheduler();
      const id = s.submitTask(new AsyncTask('later', { handler: 'sum' }), 1, 2);
      expect(s.taskState(id)).toBe(TaskState.SUBMITTED);

      await untilState(s, id, TaskState.SCHEDULED);
      const queue = new Queue(lane.queue, { connection: { url: lane.url } });
      try {
        const job = await queue.getJob(id);
        expect(job?.name).toBe('later');
        expect(job?.data).toMatchObject({ body: { handler: 'sum' }, args: [1, 2] });
        expect(await job?.getState()).toBe('prioritized');
      } finally {
        await queue.close();
      }
      expect(s.queuedCount).toBe(1);
      expect(s.runningCount).toBe(0);

      await lane.worker({ handlers: { sum } });
      expect(await s.result(id)).toBe(3);
      expect(s.queuedCount).toBe(0);
    });

    it('calls task and scheduler callbacks once each, in lifecycle order, with frozen info', async () => {
      const lane = queueUnderTest('life-callbacks');
      await lane.worker({ handlers: { sum } });
      const calls: string[] = [];
      const record =
        (who: string, name: keyof TaskCallbacks) =>
        (info: TaskInfo): void => {
          calls.push(`${who} ${name} ${info.state}${Object.isFrozen(info) ? '' : ' (not frozen)'}`);
        };
      const names = ['onSubmit', 'onSchedule', 'onStart', 'onDone', 'onError'] as const;
      const callbacksOf = (who: string): TaskCallbacks =>
        Object.fromEntries(names.map((name) => [name, record(who, name)]));
      const s = lane.scheduler(callbacksOf('scheduler'));
      const task = new AsyncTask('add', { handler: 'sum' }, callbacksOf('task'));

      await s.waitTask(s.submitTask(task, 1));

      const expected = (who: string): string[] => [
        `${who} onSubmit SUBMITTED`,
        `${who} onSchedule SCHEDULED`,
        `${who} onStart STARTED`,
        `${who} onDone DONE`,
      ];
      expect(calls.filter((c) => c.startsWith('task'))).toEqual(expected('task'));
      expect(calls.filter((c) => c.startsWith('scheduler'))).toEqual(expected('scheduler'));
    });

    it('runs a module-reference AsyncTask from a module the worker allows', async () => {
      const lane = queueUnderTest('life-module');
      await lane.worker({ modules: [ADD_MODULE] });
      const s = lane.scheduler();
      const double = new AsyncTask<[number], { doubled: number }>('double', {
        module: ADD_MODULE,
        export: 'double',
      });
      const add = new AsyncTask<number[], number>('add', { module: ADD_MODULE });

      const doubled = s.submitTask(double, 21);
      const added = s.submitTask(add, 1, 2, 3);

      expect(await s.result(doubled)).toMatchObject({ doubled: 42, name: 'double' });
      expect(await s.result(added)).toBe(6);
    });

    it('lists every task it submitted in dumpTask(), in submit order', async () => {
      const lane = queueUnderTest('life-dump');
      await lane.worker({ handlers: { sum }, concurrency: 2 });
      const s = lane.scheduler();
      const add = new AsyncTask('add', { handler: 'sum' });

      const ids = [s.submitTask(add, 1), s.submitTask(add, 2), s.submitTask(add, 3)];
      await s.onIdle();

      expect(s.dumpTask().map((info) => [info.id, info.state])).toEqual(
        ids.map((id) => [id, TaskState.DONE]),
      );
      expect(await Promise.all(ids.map((id) => s.result(id)))).toEqual([1, 2, 3]);
    });
  });

  describe('sending jobs', () => {
    it('sends the submits of one turn as one batch, and a lone submit as one job', async () => {
      const lane = queueUnderTest('life-batch');
      await lane.worker({ handlers: { sum } });
      const s = lane.scheduler();
      const add = new AsyncTask<[number, number], number>('add', { handler: 'sum' });
      const addBulk = vi.spyOn(Queue.prototype, 'addBulk');
      const addOne = vi.spyOn(Queue.prototype, 'add');
      onTestFinished(() => {
        addBulk.mockRestore();
        addOne.mockRestore();
      });

      const batch = [s.submitTask(add, 1, 1), s.submitTask(add, 2, 2), s.submitTask(add, 3, 3)];
      await Promise.all(batch.map((id) => s.waitTask(id)));
      const lone = s.submitTask(add, 4, 4);

      expect(await s.result(lone)).toBe(8);
      expect(await Promise.all(batch.map((id) => s.result(id)))).toEqual([2, 4, 6]);
      expect(addBulk.mock.calls.map(([jobs]) => jobs.map((job) => job.opts?.jobId))).toEqual([
        batch,
      ]);
      expect(addOne.mock.calls.map(([, , opts]) => opts?.jobId)).toEqual([lone]);
    });
  });

  describe('.submit() with a key', () => {
    it('returns the live task of that key instead of submitting again, and a new one once it is final', async () => {
      const lane = queueUnderTest('life-key');
      const release = deferred<string>();
      await lane.worker({ handlers: { held: () => release.promise } });
      const s = lane.scheduler();
      const held = new AsyncTask('held', { handler: 'held' });

      const first = s.submit(held, { key: 'report:42' });
      const again = s.submit(held, { key: 'report:42' });
      expect(again.id).toBe(first.id);
      expect(s.taskInfo(first.id).key).toBe('report:42');
      release.resolve('ready');
      await first.wait();
      const later = s.submit(held, { key: 'report:42' });

      expect(later.id).not.toBe(first.id);
      expect(await later.result()).toBe('ready');
      expect(s.dumpTask()).toHaveLength(2);
    });
  });

  describe('.start()', () => {
    it('sends the tasks submitted before it, which wait SUBMITTED until then', async () => {
      const lane = queueUnderTest('life-start');
      await lane.worker({ handlers: { sum } });
      const s = lane.scheduler({ autoStart: false });
      const add = new AsyncTask('add', { handler: 'sum' });
      const id = s.submitTask(add, 4, 5);
      expect(s.taskState(id)).toBe(TaskState.SUBMITTED);

      s.start();

      expect(await s.result(id)).toBe(9);
    });
  });

  describe('.repeat()', () => {
    it('submits each occurrence as a job of its own, up to its limit', async () => {
      const lane = queueUnderTest('life-repeat');
      await lane.worker({ handlers: { sum } });
      const s = lane.scheduler();
      const add = new AsyncTask<[number, number], number>('add', { handler: 'sum' });
      const done: TaskInfo[] = [];
      const allDone = deferred();
      s.transitions$.subscribe((t) => {
        if (t.to === TaskState.DONE && done.push(t.info) === 3) allDone.resolve(undefined);
      });

      const handle = s.repeat(add, { every: 50, limit: 3, args: [1, 1] });
      await allDone.promise;

      expect(new Set(done.map((info) => info.id)).size).toBe(3);
      expect(done.map((info) => [info.result, info.repeatId])).toEqual(
        [1, 2, 3].map(() => [2, handle.id]),
      );
      expect(handle.nextRunAt()).toBeUndefined();
    });
  });

  describe('.stop()', () => {
    it('waits until the workers have finished its tasks, then completes transitions$', async () => {
      const lane = queueUnderTest('life-stop');
      const release = deferred<string>();
      const started = deferred();
      await lane.worker({
        handlers: {
          held: () => {
            started.resolve(undefined);
            return release.promise;
          },
        },
      });
      const s = lane.scheduler();
      let completed = false;
      s.transitions$.subscribe({ complete: () => (completed = true) });
      const id = s.submitTask(new AsyncTask('held', { handler: 'held' }));
      await started.promise;

      const stopped = s.stop();
      expect(() => s.submitTask(new AsyncTask('late', { handler: 'held' }))).toThrow(
        /stopped|accepts no new tasks/i,
      );
      release.resolve('finished');
      await stopped;

      expect(s.taskInfo(id)).toMatchObject({ state: TaskState.DONE, result: 'finished' });
      expect(completed).toBe(true);
    });

    it('does nothing when called again after it resolved (no warning either)', async () => {
      const lane = queueUnderTest('life-stop-twice');
      const s = lane.scheduler();
      await s.stop();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        await s.stop({ cancel: true });
        expect(warn).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
      }
    });
  });

  describe('[Symbol.asyncDispose]', () => {
    it('stops the scheduler, canceling what is left', async () => {
      const lane = queueUnderTest('life-dispose');
      const started = deferred();
      await lane.worker({
        handlers: {
          held: ({ signal }: { signal: AbortSignal }) => {
            started.resolve(undefined);
            return new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                reject(signal.reason as Error);
              });
            });
          },
        },
      });
      const s = lane.scheduler();
      let id = '';
      {
        await using scoped = s;
        id = scoped.submitTask(new AsyncTask('held', { handler: 'held' }));
        await started.promise;
      }

      expect(s.taskState(id)).toBe(TaskState.CANCELED);
      expect(() => s.submitTask(new AsyncTask('late', { handler: 'held' }))).toThrow(
        /stopped|accepts no new tasks/i,
      );
    });
  });

  describe('.metrics$', () => {
    it("reports the lane as kind 'bullmq' with its finished tasks", async () => {
      const lane = queueUnderTest('life-metrics');
      await lane.worker({ handlers: { sum } });
      const s = lane.scheduler({ name: 'figures', metricsIntervalMs: 50 });
      await s.waitTask(s.submitTask(new AsyncTask('add', { handler: 'sum' }), 1));

      const sample = await firstValueFrom(s.metrics$);

      expect(sample).toMatchObject({ lane: 'figures', kind: 'bullmq' });
      expect(sample.finished.DONE).toBeGreaterThanOrEqual(1);
    });
  });
});
