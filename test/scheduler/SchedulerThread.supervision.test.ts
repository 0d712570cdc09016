import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  SchedulerErrorCode,
  SchedulerThread,
  WorkerCrashedError,
  isFinished,
} from '../../src/index.js';
import { REFUSED_FLAG, refuseWorkerCreation } from '../support/refusedWorkerFlag.js';
import { LaneSignals, laneTask, useThreadHarness } from '../support/schedulerThreads.js';

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('supervision of its lane thread', () => {
    it('keeps the uncaught error that killed the thread as the cause', async () => {
      const { scheduler } = harness('uncaught', { restart: { baseDelayMs: 0 } });
      const id = scheduler.submitTask(laneTask('uncaughtInLane'));
      const error = await scheduler.result(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/exited with code 1: uncaught in lane/);
      expect((error as Error).cause).toBeInstanceOf(Error);
      const next = scheduler.submitTask(laneTask('default'), 3);
      await expect(scheduler.result(next)).resolves.toBe(3);
    });

    it('reports ERR_EXECUTOR_DEGRADED past the restart limit, and still restarts', async () => {
      const { scheduler } = harness('degraded', {
        restart: { maxRestarts: 0, baseDelayMs: 0, maxDelayMs: 0 },
      });
      const degraded = firstValueFrom(
        scheduler.errors$.pipe(filter((e) => e.code === SchedulerErrorCode.EXECUTOR_DEGRADED)),
      );
      const id = scheduler.submitTask(laneTask('exitThread'));
      await expect(scheduler.result(id)).rejects.toBeInstanceOf(WorkerCrashedError);
      const error = await degraded;
      expect(error.message).toMatch(/Lane thread "degraded" crashed more than 0 times/);
      const next = scheduler.submitTask(laneTask('default'), 4);
      await expect(scheduler.result(next)).resolves.toBe(4);
    });

    it('throws from its constructor when Node refuses to create the lane thread', () => {
      const undo = refuseWorkerCreation();
      try {
        expect(() => new SchedulerThread('refused')).toThrow(
          expect.objectContaining({
            code: 'ERR_WORKER_INVALID_EXEC_ARGV',
            message: expect.stringContaining(REFUSED_FLAG) as string,
          }),
        );
      } finally {
        undo();
      }
    });

    it('loses none of a thousand tasks queued when the thread dies', async () => {
      const { scheduler, transitions } = harness('thousand', {
        concurrency: 1,
        restart: { baseDelayMs: 0, maxDelayMs: 0 },
      });
      const signals = new LaneSignals();
      const exiting = scheduler.submitTask(laneTask('exitOnGo'), signals.buffer);
      await signals.started();
      const queued = Array.from({ length: 1000 }, (_, i) =>
        scheduler.submitTask(laneTask('default'), i),
      );
      signals.go();
      const infos = await Promise.all(queued.map((id) => scheduler.waitTask(id)));
      expect(infos.map((info) => info.state)).toEqual(queued.map(() => 'DONE'));
      expect(infos.map((info) => info.result)).toEqual(queued.map((_, i) => i));
      expect(scheduler.taskState(exiting)).toBe('FAILED');
      const finals = transitions.filter((t) => isFinished(t.to));
      expect(finals).toHaveLength(1001);
      expect(new Set(finals.map((t) => t.id)).size).toBe(1001);
    });

    it('restarts the thread at once when stop() comes while a restart is pending, and drains', async () => {
      // A long restart delay: stop() must not wait for it, and must clear it.
      const { scheduler } = harness('stop-restart', {
        concurrency: 1,
        restart: { baseDelayMs: 600_000, maxDelayMs: 600_000 },
      });
      const signals = new LaneSignals();
      const exiting = scheduler.submitTask(laneTask('exitOnGo'), signals.buffer);
      await signals.started();
      const waiting = scheduler.submitTask(laneTask('default'), 8);
      signals.go();
      await scheduler.waitTask(exiting);
      expect(['NEW', 'SUBMITTED', 'SCHEDULED']).toContain(scheduler.taskState(waiting));
      await scheduler.stop();
      expect(scheduler.taskInfo(waiting)).toMatchObject({ state: 'DONE', result: 8 });
    });
  });
});
