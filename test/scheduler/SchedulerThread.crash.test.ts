import { describe, expect, it } from 'vitest';
import { WorkerCrashedError, isFinished } from '../../src/index.js';
import { LaneSignals, laneTask, useThreadHarness } from '../support/schedulerThreads.js';

/** Restart the lane thread at once: tests wait on the restart, not on a delay. */
const FAST_RESTART = { baseDelayMs: 0, maxDelayMs: 0 };

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('when its lane thread dies', () => {
    it('ends the running task FAILED with WorkerCrashedError, reports it, and goes on', async () => {
      const { scheduler, errors, transitions } = harness('crashy', {
        concurrency: 1,
        restart: FAST_RESTART,
      });
      const signals = new LaneSignals();
      const first = scheduler.submitTask(laneTask('gated'), signals.buffer);
      const queued = [1, 2, 3].map((n) => scheduler.submitTask(laneTask('default'), n));
      const exiting = scheduler.submitTask(laneTask('exitThread'));
      await signals.started();
      signals.go();
      // `first` finishes, the three queued tasks run, then exitThread kills the lane thread.
      const crash = await scheduler.result(exiting).catch((e: unknown) => e);
      expect(crash).toBeInstanceOf(WorkerCrashedError);
      expect(crash).toMatchObject({ exitCode: 7, taskId: exiting });
      expect((crash as Error).message).toMatch(/Lane thread "crashy" exited with code 7/);
      expect(scheduler.taskInfo(exiting)).toMatchObject({
        state: 'FAILED',
        error: { name: 'WorkerCrashedError' },
      });
      expect(errors.some((e) => e instanceof WorkerCrashedError)).toBe(true);
      await expect(scheduler.result(first)).resolves.toBe('released');
      for (const id of queued) expect(scheduler.taskState(id)).toBe('DONE');

      // The replacement thread takes new work.
      const after = scheduler.submitTask(laneTask('default'), 9);
      await expect(scheduler.result(after)).resolves.toBe(9);
      const finals = transitions.filter((t) => isFinished(t.to));
      expect(new Set(finals.map((t) => t.id)).size).toBe(finals.length);
    });

    it('resubmits a task the dead thread had not yet reported (NEW) to the new thread', async () => {
      const { scheduler, steps } = harness('resubmit', { concurrency: 1, restart: FAST_RESTART });
      const signals = new LaneSignals();
      const blocker = scheduler.submitTask(laneTask('gated'), signals.buffer);
      await signals.started();
      // While the lane's loop is blocked, these stay NEW on the main side, in order.
      const exiting = scheduler.submitTask(laneTask('exitThread'), 'x');
      const waiting = scheduler.submitTask(laneTask('default'), 5);
      signals.go();
      await scheduler.waitTask(exiting);
      const info = await scheduler.waitTask(waiting);
      expect(info).toMatchObject({ state: 'DONE', result: 5 });
      expect(steps(waiting)).toEqual([
        'NEW→SUBMITTED',
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→DONE',
      ]);
      expect(info.ts.submit).toBeLessThanOrEqual(info.ts.schedule!);
      expect(info.ts.schedule).toBeLessThanOrEqual(info.ts.start!);
      expect(scheduler.taskState(blocker)).toBe('DONE');
      expect(scheduler.taskState(exiting)).toBe('FAILED');
    });

    it('resubmits a task queued (SCHEDULED) in the dead thread, keeping its first timestamps', async () => {
      const { scheduler, steps, reaches } = harness('queued', {
        concurrency: 1,
        restart: FAST_RESTART,
      });
      const signals = new LaneSignals();
      const exiting = scheduler.submitTask(laneTask('exitOnGo'), signals.buffer);
      await signals.started();
      const waiting = scheduler.submitTask(laneTask('default'), 6);
      const scheduled = await reaches(waiting, 'SCHEDULED');
      signals.go();
      await expect(scheduler.result(exiting)).rejects.toBeInstanceOf(WorkerCrashedError);
      const info = await scheduler.waitTask(waiting);
      expect(info).toMatchObject({ state: 'DONE', result: 6 });
      // Reported once per state, with the timestamps the first thread set.
      expect(steps(waiting)).toEqual([
        'NEW→SUBMITTED',
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→DONE',
      ]);
      expect(info.ts.schedule).toBe(scheduled.at);
      expect(info.ts.submit).toBe(scheduled.info.ts.submit);
      expect(info.ts.schedule).toBeLessThanOrEqual(info.ts.start!);
      const crashed = scheduler.taskInfo(exiting).ts;
      expect(crashed.start).toBeLessThanOrEqual(crashed.error!);
    });

    it('resolves a cancel the dead thread never answered, ending the task here', async () => {
      const { scheduler } = harness('cancel-crash', { concurrency: 1, restart: FAST_RESTART });
      const signals = new LaneSignals();
      const blocker = scheduler.submitTask(laneTask('gated'), signals.buffer);
      await signals.started();
      const exiting = scheduler.submitTask(laneTask('exitThread'));
      const victim = scheduler.submitTask(laneTask('default'), 1);
      // The cancel reaches the thread after exitThread has killed it, so it is never answered.
      const canceled = scheduler.cancelTask(victim, 'changed my mind');
      signals.go();
      await scheduler.waitTask(exiting);
      await expect(canceled).resolves.toBe(true);
      expect(scheduler.taskInfo(victim)).toMatchObject({
        state: 'CANCELED',
        reason: 'changed my mind',
      });
      expect(scheduler.taskState(blocker)).toBe('DONE');
    });
  });
});
