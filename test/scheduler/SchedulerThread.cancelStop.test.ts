import { describe, expect, it } from 'vitest';
import { SchedulerStoppedError, TaskCanceledError } from '../../src/index.js';
import {
  LaneSignals,
  createThreadHarness,
  executorTask,
  laneTask,
  useThreadHarness,
} from '../support/schedulerThreads.js';
import { ManualClock } from '../support/ManualClock.js';

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('.cancelTask()', () => {
    it('cancels a SUBMITTED task before start(): it never runs', async () => {
      const { scheduler, steps } = harness('cancel-held', {}, { start: false });
      const id = scheduler.submitTask(laneTask('default'), 1);
      await expect(scheduler.cancelTask(id, 'not needed')).resolves.toBe(true);
      expect(scheduler.taskInfo(id)).toMatchObject({ state: 'CANCELED', reason: 'not needed' });
      expect(steps(id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→CANCELED']);
      scheduler.start();
      const other = scheduler.submitTask(laneTask('default'), 2);
      await expect(scheduler.result(other)).resolves.toBe(2);
      expect(steps(id)).toHaveLength(2);
    });

    it('cancels a queued task behind a running one, and a running one (its signal aborts)', async () => {
      const { scheduler, reaches, steps } = harness('cancel-run', { concurrency: 1 });
      const running = scheduler.submitTask(laneTask('untilAborted'));
      const queued = scheduler.submitTask(laneTask('default'), 1);
      await reaches(queued, 'SCHEDULED');
      expect(scheduler.queuedCount).toBe(1);
      expect(scheduler.runningCount).toBe(1);
      await expect(scheduler.cancelTask(queued)).resolves.toBe(true);
      expect(scheduler.taskState(queued)).toBe('CANCELED');
      await expect(scheduler.cancelTask(running, 'enough')).resolves.toBe(true);
      // Final once the promise resolves: no waiting needed.
      expect(scheduler.taskState(running)).toBe('CANCELED');
      const error = await scheduler.result(running).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskCanceledError);
      expect(error).toMatchObject({ reason: 'enough', taskId: running });
      expect(steps(queued)).not.toContain('SCHEDULED→STARTED');
      expect(scheduler.runningCount).toBe(0);
    });

    it('answers false for a final or unknown task, and true exactly once when raced', async () => {
      const { scheduler } = harness('cancel-false');
      const done = scheduler.submitTask(laneTask('default'), 1);
      await scheduler.waitTask(done);
      await expect(scheduler.cancelTask(done)).resolves.toBe(false);
      await expect(scheduler.cancelTask('unknown-id')).resolves.toBe(false);
      const hung = scheduler.submitTask(laneTask('forever'));
      const answers = await Promise.all([scheduler.cancelTask(hung), scheduler.cancelTask(hung)]);
      expect(answers.sort()).toEqual([false, true]);
    });

    it('stops a running SyncTask busy loop in its executor thread', async () => {
      const { scheduler } = harness('cancel-sync', { threads: 1 });
      const signals = new LaneSignals();
      const id = scheduler.submitTask(executorTask('busyLoop'), signals.buffer);
      await signals.started();
      await expect(scheduler.cancelTask(id)).resolves.toBe(true);
      // The thread is terminated: the counter stops moving. Wait for a task on the
      // replacement thread, then check the count no longer changes across another round trip.
      const next = scheduler.submitTask(executorTask('default'), 1);
      await expect(scheduler.result(next)).resolves.toBe(1);
      const frozen = signals.count;
      const again = scheduler.submitTask(executorTask('default'), 2);
      await scheduler.result(again);
      expect(signals.count).toBe(frozen);
    });
  });

  describe('.stop()', () => {
    it('drains queued and running tasks by default, then refuses new ones', async () => {
      const { scheduler, transitions } = harness('drain', { concurrency: 1 });
      const ids = [1, 2, 3].map((n) => scheduler.submitTask(laneTask('default'), n));
      await scheduler.stop();
      expect(ids.map((id) => scheduler.taskState(id))).toEqual(['DONE', 'DONE', 'DONE']);
      expect(() => scheduler.submitTask(laneTask('default'))).toThrow(SchedulerStoppedError);
      expect(transitions.filter((t) => t.to === 'DONE')).toHaveLength(3);
    });

    it('holds tasks SUBMITTED until start(), and drains them when stopped without a start', async () => {
      const { scheduler } = harness('held', {}, { start: false });
      const id = scheduler.submitTask(laneTask('default'), 7);
      expect(scheduler.taskState(id)).toBe('SUBMITTED');
      // Held, it waits to start: queued (the thread reports nothing further until start()).
      expect(scheduler.queuedCount).toBe(1);
      await scheduler.stop();
      expect(scheduler.taskInfo(id)).toMatchObject({ state: 'DONE', result: 7 });
    });

    it('cancels everything with cancel: true, and bounds a drain with timeoutMs', async () => {
      const a = createThreadHarness('stop-cancel');
      const hung = a.scheduler.submitTask(laneTask('forever'));
      const held = createThreadHarness('stop-bound', {}, { start: true });
      const stuck = held.scheduler.submitTask(laneTask('forever'));
      await Promise.all([
        a.scheduler.stop({ cancel: true }),
        held.scheduler.stop({ timeoutMs: 5 }),
      ]);
      expect(a.scheduler.taskInfo(hung)).toMatchObject({
        state: 'CANCELED',
        reason: 'scheduler stopped',
      });
      expect(held.scheduler.taskInfo(stuck)).toMatchObject({ state: 'CANCELED' });
      expect(held.scheduler.taskInfo(stuck).reason).toMatch(/timed out after 5 ms/);
    });

    it('lets a second call bound a drain already under way with its own timeoutMs', async () => {
      const { scheduler } = createThreadHarness('stop-tighten');
      const stuck = scheduler.submitTask(laneTask('forever'));
      const first = scheduler.stop();
      const second = scheduler.stop({ timeoutMs: 5 });
      await Promise.all([first, second]);
      expect(scheduler.taskInfo(stuck)).toMatchObject({ state: 'CANCELED' });
      expect(scheduler.taskInfo(stuck).reason).toMatch(/timed out after 5 ms/);
    });

    it('sets no timer for a stop({ timeoutMs }) called after it resolved', async () => {
      // A late call must not arm a stop deadline again once every deadline was cleared: on the
      // system clock that timer would keep the process alive after the scheduler stopped.
      const clock = new ManualClock();
      const { scheduler } = harness('stop-late-timeout', { clock });
      await scheduler.stop();
      const timersWhenStopped = clock.pendingTimers;

      await scheduler.stop({ timeoutMs: 60_000 });

      expect(clock.pendingTimers).toBe(timersWhenStopped);
    });

    it('orders cancels around stop({ cancel: true }) as the caller asked them, even when the thread answers too late', async () => {
      const { scheduler } = createThreadHarness('stop-order', { concurrency: 1 }, { start: false });
      const first = scheduler.submitTask(laneTask('default'), 1);
      const second = scheduler.submitTask(laneTask('default'), 2);
      const before = scheduler.cancelTask(first, 'asked before the stop');
      const stopped = scheduler.stop({ cancel: true, timeoutMs: 10 });
      const after = scheduler.cancelTask(second, 'asked after the stop');
      // Blocked past the stop's deadline and grace: the main side ends the tasks itself.
      const until = Date.now() + 400;
      while (Date.now() < until);
      await stopped;
      await expect(before).resolves.toBe(true);
      await expect(after).resolves.toBe(false);
      expect(scheduler.taskInfo(first)).toMatchObject({
        state: 'CANCELED',
        reason: 'asked before the stop',
      });
      expect(scheduler.taskInfo(second)).toMatchObject({
        state: 'CANCELED',
        reason: 'scheduler stopped',
      });
    });

    it('completes both streams when it resolves, and returns the same promise when called again', async () => {
      const { scheduler } = createThreadHarness('streams');
      let completed = 0;
      scheduler.transitions$.subscribe({ complete: () => completed++ });
      scheduler.errors$.subscribe({ complete: () => completed++ });
      const first = scheduler.stop();
      const second = scheduler.stop({ cancel: true });
      await Promise.all([first, second]);
      expect(completed).toBe(2);
    });

    it('ends executor threads that are busy: stop({ cancel: true }) with a busy SyncTask', async () => {
      const { scheduler } = createThreadHarness('stop-busy', { threads: 1 });
      const signals = new LaneSignals();
      const id = scheduler.submitTask(executorTask('busyLoop'), signals.buffer);
      await signals.started();
      await scheduler.stop({ cancel: true });
      expect(scheduler.taskState(id)).toBe('CANCELED');
    });
  });
});
