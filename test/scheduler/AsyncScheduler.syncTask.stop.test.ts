import { describe, expect, it, vi } from 'vitest';
import { SchedulerStoppedError, TaskCanceledError } from '../../src/index.js';
import {
  Signals,
  addOneTask,
  expectOneFinal,
  useSyncHarness,
  workTask,
} from '../support/syncTasks.js';
import { createdWorkers, liveWorkers } from '../support/workerRecorder.js';

vi.mock('node:worker_threads', async (importOriginal) =>
  (await import('../support/workerRecorder.js')).recordingWorkerThreads(await importOriginal()),
);

describe('AsyncScheduler', () => {
  describe('.stop() while executor threads are busy', () => {
    const harness = useSyncHarness();

    it('with cancel: true cancels running and queued SyncTasks, stops the loops and ends every thread', async () => {
      const h = harness({ threads: 2 });
      const loops = [new Signals(), new Signals()];
      const running = loops.map((s) => h.scheduler.submitTask(workTask('busyLoop'), s.buffer));
      const queued = [
        h.scheduler.submitTask(addOneTask(), 1),
        h.scheduler.submitTask(addOneTask(), 2),
      ];
      await Promise.all(loops.map((s) => s.started()));
      expect(liveWorkers().length).toBeGreaterThanOrEqual(2);

      await h.scheduler.stop({ cancel: true });
      for (const id of [...running, ...queued]) {
        expect(expectOneFinal(h, id)).toBe('CANCELED');
        expect(h.scheduler.taskInfo(id).reason).toBe('scheduler stopped');
        await expect(h.scheduler.result(id)).rejects.toBeInstanceOf(TaskCanceledError);
      }
      // Every thread has exited (its threadId is -1): the loops, which did run, are over.
      expect(liveWorkers()).toEqual([]);
      expect(loops.every((s) => s.count > 0)).toBe(true);
      expect(() => h.scheduler.submitTask(addOneTask(), 3)).toThrow(SchedulerStoppedError);
    });

    it('with timeoutMs drains what can finish, then cancels the rest after the bound', async () => {
      const h = harness({ threads: 2 });
      const loop = new Signals();
      const stuck = h.scheduler.submitTask(workTask('busyLoop'), loop.buffer);
      const quick = [1, 2, 3].map((x) => h.scheduler.submitTask(addOneTask(), x));
      await loop.started();
      await h.scheduler.stop({ timeoutMs: 100 });
      expect(quick.map((id) => h.scheduler.taskInfo(id).result)).toEqual([2, 3, 4]);
      expect(expectOneFinal(h, stuck)).toBe('CANCELED');
      expect(h.scheduler.taskInfo(stuck).reason).toBe('scheduler stop timed out after 100 ms');
      expect(liveWorkers()).toEqual([]);
    });

    it('by default drains every queued SyncTask, then ends every thread', async () => {
      const h = harness({ threads: 2 });
      const ids = Array.from({ length: 20 }, (_, x) => h.scheduler.submitTask(addOneTask(), x));
      await h.scheduler.stop();
      expect(ids.map((id) => h.scheduler.taskInfo(id).result)).toEqual(
        Array.from({ length: 20 }, (_, x) => x + 1),
      );
      expect(liveWorkers()).toEqual([]);
    });

    it('ends the threads of a scheduler that ran SyncTasks and is idle', async () => {
      const before = createdWorkers.length;
      const h = harness({ threads: 3 });
      await h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1));
      expect(createdWorkers.length).toBe(before + 3 + 1); // three threads and the warm spare
      expect(liveWorkers().length).toBeGreaterThanOrEqual(1);
      await h.scheduler.stop();
      expect(liveWorkers()).toEqual([]);
    });

    it('ends every thread when one of them waits to be restarted after a crash', async () => {
      const h = harness({ threads: 2, restart: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
      const crashed = h.scheduler.submitTask(workTask('exitProcess'));
      const waiting = h.scheduler.submitTask(addOneTask(), 1);
      expect((await h.scheduler.waitTask(crashed)).state).toBe('FAILED');
      await h.scheduler.stop({ cancel: true });
      expect(['DONE', 'CANCELED']).toContain(expectOneFinal(h, waiting));
      expect(liveWorkers()).toEqual([]);
    });
  });
});
