import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { AsyncTask } from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';

const request = new AsyncLocalStorage<string>();

/** A body that answers with the store it sees, before and after an await. */
const readsStore = new AsyncTask('reads-store', async () => {
  const before = request.getStore();
  await Promise.resolve();
  return [before, request.getStore()];
});

describe('AsyncScheduler', () => {
  describe('AsyncLocalStorage', () => {
    it('runs a queued body in the context of its submitTask call, not of the task that freed its slot', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('holds-the-slot');
      const first = request.run('request-A', () => scheduler.submitTask(gate.task));
      await gate.started(first);
      const queued = request.run('request-B', () => scheduler.submitTask(readsStore));
      expect(scheduler.taskState(queued)).toBe('SCHEDULED');
      // B starts from A's completion, which runs in A's context.
      request.run('request-A', () => {
        void gate.resolve(first, 'done');
      });
      await expect(scheduler.result(queued)).resolves.toEqual(['request-B', 'request-B']);
    });

    it('does the same for a run submitted with submit()', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('holds-the-slot');
      const first = request.run('request-A', () => scheduler.submitTask(gate.task));
      await gate.started(first);
      const handle = request.run('request-C', () => scheduler.submit(readsStore, { priority: 1 }));
      request.run('request-A', () => {
        void gate.resolve(first, 'done');
      });
      await expect(handle.result()).resolves.toEqual(['request-C', 'request-C']);
    });

    it('runs a body submitted before start() in its submit context', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const id = request.run('early', () => scheduler.submitTask(readsStore));
      request.run('starter', () => scheduler.start());
      await expect(scheduler.result(id)).resolves.toEqual(['early', 'early']);
    });

    it('runs a body submitted outside any store without one', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('holds-the-slot');
      const first = request.run('request-A', () => scheduler.submitTask(gate.task));
      await gate.started(first);
      const bare = scheduler.submitTask(readsStore);
      request.run('request-A', () => {
        void gate.resolve(first, 'done');
      });
      await expect(scheduler.result(bare)).resolves.toEqual([undefined, undefined]);
    });
  });
});
