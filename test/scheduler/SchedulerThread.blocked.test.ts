import { describe, expect, it } from 'vitest';
import { TaskCanceledError, TaskTimeoutError, WorkerCrashedError } from '../../src/index.js';
import { LANE_WATCHDOG_GRACE_MS } from '../../src/scheduler/placements/thread/LaneWatchdog.js';
import { laneTask, useThreadHarness } from '../support/schedulerThreads.js';

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('when a body blocks its lane thread’s event loop', () => {
    it('still times the task out: the main side replaces the thread, and the lane goes on', async () => {
      const { scheduler, errors } = harness('blocked-timeout', { concurrency: 2 });
      const blocker = scheduler.submitTask(laneTask('blockLoop', { timeoutMs: 50 }));
      const bystander = scheduler.submitTask(laneTask('forever'));
      const info = await scheduler.waitTask(blocker);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.runMs).toBeGreaterThanOrEqual(50);
      await expect(scheduler.result(blocker)).rejects.toBeInstanceOf(TaskTimeoutError);
      // The other task running in that thread died with it, and says why.
      const lost = await scheduler.result(bystander).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(WorkerCrashedError);
      expect((lost as Error).message).toMatch(
        /was replaced: task "blockLoop" ran past its timeoutMs/,
      );
      expect(errors.some((e) => e instanceof WorkerCrashedError)).toBe(true);
      // A fresh thread took over: the lane is back.
      await expect(scheduler.result(scheduler.submitTask(laneTask('default'), 2, 3))).resolves.toBe(
        5,
      );
    });

    it('times out a body of a module the thread has loaded already, and never runs it twice', async () => {
      const { scheduler } = harness('blocked-warm', { concurrency: 2 });
      // Loads the fixture module: the blocking body below then runs in the very turn it starts.
      await expect(scheduler.result(scheduler.submitTask(laneTask('default'), 1, 2))).resolves.toBe(
        3,
      );
      const starts: string[] = [];
      scheduler.transitions$.subscribe((t) => {
        if (t.to === 'STARTED') starts.push(t.id);
      });
      const blocker = scheduler.submitTask(laneTask('blockLoop', { timeoutMs: 50 }));
      const info = await scheduler.waitTask(blocker);
      expect(info.state).toBe('TIMED_OUT');
      await expect(scheduler.result(scheduler.submitTask(laneTask('default'), 2, 3))).resolves.toBe(
        5,
      );
      expect(starts.filter((id) => id === blocker)).toHaveLength(1);
      expect(scheduler.taskState(blocker)).toBe('TIMED_OUT');
    });

    it('answers a cancel the blocked thread cannot, and replaces the thread to stop the work', async () => {
      const { scheduler } = harness('blocked-cancel');
      const blocker = scheduler.submitTask(laneTask('blockLoop'));
      // Its STARTED leaves the thread before its body runs and blocks the loop.
      while (scheduler.taskState(blocker) !== 'STARTED') await new Promise((r) => setTimeout(r, 5));
      await expect(scheduler.cancelTask(blocker, 'user gave up')).resolves.toBe(true);
      expect(scheduler.taskInfo(blocker)).toMatchObject({
        state: 'CANCELED',
        reason: 'user gave up',
      });
      await expect(scheduler.result(blocker)).rejects.toBeInstanceOf(TaskCanceledError);
      await expect(scheduler.result(scheduler.submitTask(laneTask('default'), 1, 1))).resolves.toBe(
        2,
      );
    });

    it('keeps the bound of stop({ timeoutMs }) however long the body blocks', async () => {
      const { scheduler } = harness('blocked-stop');
      const blocker = scheduler.submitTask(laneTask('blockLoop'));
      while (scheduler.taskState(blocker) !== 'STARTED') await new Promise((r) => setTimeout(r, 5));
      await scheduler.stop({ timeoutMs: 20 });
      expect(scheduler.taskInfo(blocker)).toMatchObject({
        state: 'CANCELED',
        reason: 'scheduler stop timed out after 20 ms',
      });
      expect(LANE_WATCHDOG_GRACE_MS).toBeGreaterThan(0);
    });
  });
});
