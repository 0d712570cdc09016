import { MessageChannel, threadId as mainThreadId } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { AsyncTask, SchedulerError, SyncTask } from '../../src/index.js';
import {
  WORK,
  Signals,
  addOneTask,
  expectOneFinal,
  useSyncHarness,
  workTask,
} from '../support/syncTasks.js';
import { createdWorkers } from '../support/workerRecorder.js';

vi.mock('node:worker_threads', async (importOriginal) =>
  (await import('../support/workerRecorder.js')).recordingWorkerThreads(await importOriginal()),
);

interface Where {
  isMainThread: boolean;
  threadId: number;
}

describe('AsyncScheduler', () => {
  describe('SyncTask on executor threads', () => {
    const harness = useSyncHarness();

    it("runs the body on a worker thread, never on the caller's loop", async () => {
      const { scheduler } = harness({ threads: 1 });
      const id = scheduler.submitTask(workTask<[], Where>('whereAmI'));
      const where = await scheduler.result<Where>(id);
      expect(where.isMainThread).toBe(false);
      expect(where.threadId).not.toBe(mainThreadId);
      expect(scheduler.taskInfo(id)).toMatchObject({ type: 'sync', lane: 'main', state: 'DONE' });
    });

    it('gives the body its context: id, name, lane and args', async () => {
      const { scheduler } = harness({ threads: 1, name: 'cpu' });
      const id = scheduler.submitTask(workTask('context'), 'a', 2);
      await expect(scheduler.result(id)).resolves.toEqual({
        id,
        name: 'context',
        lane: 'cpu',
        args: ['a', 2],
        signalAborted: false,
      });
    });

    it('passes the args and the result by structured clone', async () => {
      const { scheduler } = harness({ threads: 1 });
      const args = [
        new Map([['k', new Set([1, 2])]]),
        new Date(Date.UTC(2026, 0, 2)),
        { nested: [1, { deep: 10n }] },
        new Uint8Array([7, 8]),
      ];
      const id = scheduler.submitTask(workTask('echo'), ...args);
      const echoed = await scheduler.result<unknown[]>(id);
      expect(echoed).toEqual(args);
      expect(echoed[0]).toBeInstanceOf(Map);
      expect(echoed[1]).toBeInstanceOf(Date);
      expect(echoed[0]).not.toBe(args[0]);

      const target = { name: 'mine' };
      const changedId = scheduler.submitTask(workTask('mutateArg'), target);
      await expect(scheduler.result(changedId)).resolves.toEqual({ name: 'mine', touched: true });
      expect(target).toEqual({ name: 'mine' });
    });

    it('shares a SharedArrayBuffer argument with the thread instead of copying it', async () => {
      const { scheduler } = harness({ threads: 1 });
      const signals = new Signals();
      const id = scheduler.submitTask(workTask('spin'), signals.buffer, 5);
      await scheduler.waitTask(id);
      expect(scheduler.taskState(id)).toBe('DONE');
      expect(signals.count).toBeGreaterThan(0);
      expect(signals.maxActive).toBe(1);
    });

    describe('an argument that cannot be cloned', () => {
      it.each([
        ['a function', 1, [1, () => 2]],
        ['a symbol', 0, [Symbol('s')]],
        ['an object holding a function', 2, ['a', 'b', { call: () => 1 }]],
        ['a MessagePort (it would need a transfer)', 0, [new MessageChannel().port1]],
      ])('is refused at submitTask when it is %s, naming its index', (_, index, args) => {
        const h = harness({ threads: 1 });
        const before = createdWorkers.length;
        let error: unknown;
        try {
          h.scheduler.submitTask(workTask('echo'), ...args);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(
          new RegExp(`^Argument args\\[${index}\\] of SyncTask "echo" cannot be sent to a thread`),
        );
        // Nothing was submitted, and no thread was started for it.
        expect(h.scheduler.dumpTask()).toEqual([]);
        expect(h.transitions).toEqual([]);
        expect(createdWorkers.length).toBe(before);
      });
    });

    it('ends FAILED with a clear error when the result cannot be cloned', async () => {
      const h = harness({ threads: 1 });
      const id = h.scheduler.submitTask(workTask('uncloneableResult'));
      const info = await h.scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error?.name).toBe('TypeError');
      expect(info.error?.message).toMatch(/result could not be sent back to the main thread/);
      expect(info.error?.message).toMatch(/could not be cloned/);
      expect(expectOneFinal(h, id)).toBe('FAILED');
    });

    describe('a body that cannot be loaded', () => {
      it.each([
        [
          'a module that does not exist',
          { module: new URL('./missing.mjs', WORK) },
          /^Task "unloadable" could not load its body, export "default" of file:.*\/missing\.mjs: Cannot find module [^ ]*missing\.mjs'$/,
          'ERR_TASK_MODULE_LOAD_FAILED',
        ],
        [
          'an export that is not a function',
          { module: WORK, export: 'notAFunction' },
          /Expected export "notAFunction" of .*work\.mjs to be a task function, got number/,
          undefined,
        ],
        [
          'an export that does not exist',
          { module: WORK, export: 'noSuchExport' },
          /Expected export "noSuchExport" .* got nothing \(no such export\)/,
          undefined,
        ],
        [
          'a module that throws while loading',
          { module: new URL('../throwsOnImport.mjs', WORK) },
          /^Task "unloadable" could not load its body, export "default" of file:.*\/throwsOnImport\.mjs: fixture module failed to load$/,
          'ERR_TASK_MODULE_LOAD_FAILED',
        ],
      ])(
        "ends FAILED naming the task's module and export for %s; the thread stays usable",
        async (_, ref, message, code) => {
          const { scheduler } = harness({ threads: 1 });
          const where = workTask<[], Where>('whereAmI');
          const before = await scheduler.result<Where>(scheduler.submitTask(where));
          const id = scheduler.submitTask(new SyncTask('unloadable', ref));
          const info = await scheduler.waitTask(id);
          expect(info.state).toBe('FAILED');
          expect(info.error?.message).toMatch(message);
          expect(info.error?.code).toBe(code);
          // The library's own files are no clue to what failed: only the user's module is named.
          expect(info.error?.message).not.toMatch(/executorWorker|imported from/);
          const error = await scheduler.result(id).catch((e: unknown) => e);
          expect((error as Error).message).toMatch(message);
          // A module that did not load keeps the loader's error as cause, across the thread.
          if (code !== undefined) expect((error as Error).cause).toBeInstanceOf(Error);
          // The same thread (not a replacement) runs the next task.
          const after = await scheduler.result<Where>(scheduler.submitTask(where));
          expect(after.threadId).toBe(before.threadId);
        },
      );
    });

    it("ends FAILED with the body's own Error, name and message kept", async () => {
      const { scheduler, errors } = harness({ threads: 1 });
      const id = scheduler.submitTask(workTask('throwError'));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error).toMatchObject({ name: 'RangeError', message: 'bad input' });
      expect(info.error?.stack).toContain('work.mjs');
      const error = await scheduler.result(id).catch((e: unknown) => e);
      // A built-in class comes back as itself, as it would from the caller's loop.
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ name: 'RangeError', message: 'bad input' });
      // A body's failure is the task's outcome, not a scheduler error.
      expect(errors).toEqual([]);
    });

    describe('a body that throws a non-Error', () => {
      it.each([
        ['a string', 'just a string', /"just a string" \(string\)/],
        ['a number', 42, /42 \(number\)/],
        ['a plain object', { code: 'E_PLAIN' }, /an object \(Object\)/],
        ['null', null, /null/],
      ])(
        'ends FAILED with %s wrapped (ERR_NON_ERROR_THROWN), as an AsyncTask does',
        async (_, thrown, shown) => {
          const { scheduler } = harness({ threads: 1 });
          const id = scheduler.submitTask(workTask('throwValue'), thrown);
          const info = await scheduler.waitTask(id);
          expect(info.state).toBe('FAILED');
          expect(info.error?.code).toBe('ERR_NON_ERROR_THROWN');
          expect(info.error?.message).toContain('"throwValue"');
          expect(info.error?.message).toMatch(shown);
          const error = await scheduler.result(id).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(SchedulerError);
          expect((error as SchedulerError).code).toBe('ERR_NON_ERROR_THROWN');
          expect((error as SchedulerError).taskId).toBe(id);
          expect((error as SchedulerError).cause).toEqual(thrown);
        },
      );
    });

    describe('threads', () => {
      it('a scheduler that runs only AsyncTasks starts no thread', async () => {
        const before = createdWorkers.length;
        const { scheduler } = harness({ threads: 2 });
        const ids = [
          scheduler.submitTask(new AsyncTask('fn', () => 1)),
          scheduler.submitTask(new AsyncTask('module', { module: new URL('../add.mjs', WORK) }), 2),
        ];
        await Promise.all(ids.map((id) => scheduler.result(id)));
        await scheduler.stop();
        expect(createdWorkers.length).toBe(before);
      });

      it('starts its threads on the first SyncTask, not before', async () => {
        const before = createdWorkers.length;
        const { scheduler } = harness({ threads: 2 });
        expect(createdWorkers.length).toBe(before);
        const id = scheduler.submitTask(addOneTask(), 1);
        // Two threads and the warm spare that replaces a terminated one at once.
        expect(createdWorkers.length).toBe(before + 3);
        await expect(scheduler.result(id)).resolves.toBe(2);
        await scheduler.result(scheduler.submitTask(addOneTask(), 2));
        expect(createdWorkers.length).toBe(before + 3);
      });

      it('runs one task per thread at a time: with 2 threads, never more than 2 STARTED', async () => {
        const h = harness({ threads: 2 });
        const signals = Array.from({ length: 6 }, () => new Signals());
        const ids = signals.map((s) => h.scheduler.submitTask(workTask('gated'), s.buffer));
        await Promise.all([signals[0]!.started(), signals[1]!.started()]);
        expect(h.scheduler.runningCount).toBe(2);
        expect(h.scheduler.queuedCount).toBe(4);
        for (const [index, s] of signals.entries()) {
          await s.started();
          s.go();
          await expect(h.scheduler.result(ids[index]!)).resolves.toBe('finished');
        }
        expect(h.maxStarted()).toBe(2);
      });

      it('runs at most `threads` bodies at the same instant on the threads themselves', async () => {
        const h = harness({ threads: 2 });
        const signals = new Signals();
        const ids = Array.from({ length: 6 }, () =>
          h.scheduler.submitTask(
            workTask<[SharedArrayBuffer, number], number>('spin'),
            signals.buffer,
            20,
          ),
        );
        const threadIds = await Promise.all(ids.map((id) => h.scheduler.result<number>(id)));
        expect(signals.maxActive).toBeGreaterThanOrEqual(1);
        expect(signals.maxActive).toBeLessThanOrEqual(2);
        expect(new Set(threadIds).size).toBeLessThanOrEqual(2);
      });
    });
  });
});
