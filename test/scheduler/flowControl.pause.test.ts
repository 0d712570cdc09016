import { describe, expect, it } from 'vitest';
import { SyncTask, TaskState, WorkerCrashedError } from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import {
  BODIES,
  LaneSignals,
  laneBarrier,
  laneTask,
  useThreadHarness,
} from '../support/schedulerThreads.js';

/*
 * pause() / resume() / isPaused: while paused nothing new starts, running tasks go on and
 * submits queue; a stop resumes (a drain must run what is queued).
 */

describe('AsyncScheduler', () => {
  describe('.pause()', () => {
    it('lets running tasks finish and starts nothing new, not even a new submit', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      scheduler.pause();
      expect(scheduler.isPaused).toBe(true);
      const submittedWhilePaused = scheduler.submitTask(gate.task);

      await gate.resolve(running, 'ok');
      await scheduler.waitTask(running);
      await flushMicrotasks();
      expect(scheduler.taskState(running)).toBe(TaskState.DONE);
      expect(scheduler.taskState(queued)).toBe(TaskState.SCHEDULED);
      expect(scheduler.taskState(submittedWhilePaused)).toBe(TaskState.SCHEDULED);
      expect(scheduler.runningCount).toBe(0);
      expect(gate.order).toEqual([running]);
    });

    it('does nothing more when called again', () => {
      const { scheduler } = createHarness();
      scheduler.pause();
      scheduler.pause();
      expect(scheduler.isPaused).toBe(true);
      scheduler.resume();
      expect(scheduler.isPaused).toBe(false);
    });

    it('holds back SyncTasks too', async () => {
      const { scheduler } = createHarness({ threads: 1 });
      const add = new SyncTask<[number, number], number>('add', { module: BODIES });
      // Once its thread is up, a SyncTask starts as it is submitted.
      expect(await scheduler.result(scheduler.submitTask(add, 0, 0))).toBe(0);
      expect(scheduler.taskState(scheduler.submitTask(add, 1, 1))).toBe(TaskState.STARTED);
      await scheduler.onIdle();
      scheduler.pause();
      const id = scheduler.submitTask(add, 1, 2);
      expect(scheduler.taskState(id)).toBe(TaskState.SCHEDULED);
      scheduler.resume();
      expect(scheduler.taskState(id)).toBe(TaskState.STARTED);
      expect(await scheduler.result(id)).toBe(3);
    });
  });

  describe('.resume()', () => {
    it('starts the queued tasks at once, by priority then submit order', () => {
      const { scheduler } = createHarness({ concurrency: 2 });
      const gate = new Gate('gated');
      scheduler.pause();
      const low = scheduler.submitTask(gate.task);
      const high = scheduler.submitTask(gate.task);
      const third = scheduler.submitTask(gate.task);
      expect(scheduler.setPriority(high, 5)).toBe(true);
      scheduler.resume();
      expect(scheduler.isPaused).toBe(false);
      expect(gate.order).toEqual([high, low]);
      expect(scheduler.taskState(third)).toBe(TaskState.SCHEDULED);
    });
  });

  describe('.isPaused', () => {
    it('is false for a scheduler not started: it is not started, not paused', () => {
      const { scheduler } = createHarness({}, { start: false });
      expect(scheduler.isPaused).toBe(false);
    });
  });

  describe('pause() with start()', () => {
    it('paused before start(), the scheduler starts (tasks are SCHEDULED) but runs nothing', () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate('gated');
      scheduler.pause();
      const id = scheduler.submitTask(gate.task);
      scheduler.start();
      expect(scheduler.isPaused).toBe(true);
      expect(scheduler.taskState(id)).toBe(TaskState.SCHEDULED);
      scheduler.resume();
      expect(scheduler.taskState(id)).toBe(TaskState.STARTED);
    });
  });

  describe('pause() with stop()', () => {
    it('a drain resumes a paused scheduler and runs what is queued', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      scheduler.pause();
      const first = scheduler.submitTask(gate.task);
      const second = scheduler.submitTask(gate.task);
      const stopped = scheduler.stop();
      expect(scheduler.isPaused).toBe(false);
      await gate.resolve(first, 1);
      await gate.resolve(second, 2);
      await stopped;
      expect(scheduler.taskState(first)).toBe(TaskState.DONE);
      expect(scheduler.taskState(second)).toBe(TaskState.DONE);
    });

    it('a cancelling stop of a paused scheduler cancels what is queued', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate('gated');
      scheduler.pause();
      const id = scheduler.submitTask(gate.task);
      await scheduler.stop({ cancel: true });
      expect(scheduler.taskState(id)).toBe(TaskState.CANCELED);
      expect(gate.order).toEqual([]);
    });

    it('pause() after stop() does nothing: the drain is never held back', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('gated');
      const first = scheduler.submitTask(gate.task);
      const second = scheduler.submitTask(gate.task);
      const stopped = scheduler.stop();
      scheduler.pause();
      expect(scheduler.isPaused).toBe(false);
      await gate.resolve(first, 1);
      await gate.resolve(second, 2);
      await stopped;
      expect(scheduler.taskState(second)).toBe(TaskState.DONE);
    });
  });
});

describe('SchedulerThread', () => {
  const createThreadHarness = useThreadHarness();

  describe('.pause()', () => {
    it('starts nothing in the lane thread while running tasks go on', async () => {
      const { scheduler, reaches } = createThreadHarness('paused-lane', { concurrency: 2 });
      const signals = new LaneSignals();
      const untilGo = laneTask<[SharedArrayBuffer], string>('untilGo');
      const running = scheduler.submitTask(untilGo, signals.buffer);
      await signals.started();
      scheduler.pause();
      expect(scheduler.isPaused).toBe(true);
      const queued = scheduler.submitTask(laneTask('default'), 1, 2);
      await laneBarrier(scheduler);
      expect(scheduler.taskState(queued)).not.toBe(TaskState.STARTED);
      expect(scheduler.taskState(queued)).not.toBe(TaskState.DONE);

      signals.go();
      expect(await scheduler.result(running)).toBe('went');
      await laneBarrier(scheduler);
      expect(scheduler.taskState(queued)).toBe(TaskState.SCHEDULED);

      const done = reaches(queued, TaskState.DONE);
      scheduler.resume();
      expect(scheduler.isPaused).toBe(false);
      await done;
      expect(await scheduler.result(queued)).toBe(3);
    });

    it('paused before start(), runs nothing until resumed', async () => {
      const { scheduler } = createThreadHarness('paused-before-start', {}, { start: false });
      scheduler.pause();
      const id = scheduler.submitTask(laneTask('default'), 2, 3);
      scheduler.start();
      await laneBarrier(scheduler);
      expect(scheduler.taskState(id)).toBe(TaskState.SCHEDULED);
      scheduler.resume();
      expect(await scheduler.result(id)).toBe(5);
    });

    it('is re-applied, with the concurrency, to a replacement lane thread', async () => {
      const { scheduler, reaches } = createThreadHarness('paused-restart', {
        concurrency: 1,
        restart: { baseDelayMs: 0, maxDelayMs: 0 },
      });
      const exit = new LaneSignals();
      const exiting = scheduler.submitTask(laneTask('exitOnGo'), exit.buffer);
      await exit.started();
      scheduler.pause();
      scheduler.concurrency = 2;
      const signals = [new LaneSignals(), new LaneSignals()];
      const untilGo = laneTask<[SharedArrayBuffer], string>('untilGo');
      const waiting = signals.map((s) => scheduler.submitTask(untilGo, s.buffer));
      exit.go();
      await expect(scheduler.result(exiting)).rejects.toBeInstanceOf(WorkerCrashedError);
      // Its SCHEDULED comes from the replacement, after the tasks handed to it before.
      const probe = scheduler.submitTask(laneTask('forever'));
      await reaches(probe, TaskState.SCHEDULED);
      expect(waiting.map((id) => scheduler.taskState(id))).toEqual([
        TaskState.SCHEDULED,
        TaskState.SCHEDULED,
      ]);
      scheduler.resume();
      // Both start: the replacement has concurrency 2, not the 1 it was built with.
      await Promise.all(signals.map((s) => s.started()));
      for (const s of signals) s.go();
      expect(await Promise.all(waiting.map((id) => scheduler.result(id)))).toEqual([
        'went',
        'went',
      ]);
    });

    it('a drain resumes a paused lane thread', async () => {
      const { scheduler } = createThreadHarness('paused-drain');
      scheduler.pause();
      const id = scheduler.submitTask(laneTask('default'), 4, 5);
      await scheduler.stop();
      expect(scheduler.isPaused).toBe(false);
      expect(scheduler.taskState(id)).toBe(TaskState.DONE);
    });
  });
});
