import { describe, expect, it } from 'vitest';
import { UnknownTaskError, type TaskState } from '../../src/index.js';
import { createHarness, Gate, T0 } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('.taskState()', () => {
    it('follows a task through SUBMITTED, SCHEDULED, STARTED and DONE', async () => {
      const { scheduler } = createHarness({ concurrency: 1 }, { start: false });
      const gate = new Gate();
      const first = scheduler.submitTask(gate.task);
      const second = scheduler.submitTask(gate.task);
      const seen: TaskState[] = [scheduler.taskState(second)];
      scheduler.start();
      await gate.started(first);
      seen.push(scheduler.taskState(second));
      await gate.resolve(first, 1);
      await gate.started(second);
      seen.push(scheduler.taskState(second));
      await gate.resolve(second, 2);
      await scheduler.waitTask(second);
      seen.push(scheduler.taskState(second));
      expect(seen).toEqual(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE']);
    });

    it('throws UnknownTaskError naming an id that was never submitted', () => {
      const { scheduler } = createHarness();
      expect(() => scheduler.taskState('never-submitted')).toThrow(UnknownTaskError);
      expect(() => scheduler.taskState('never-submitted')).toThrow(/"never-submitted"/);
    });

    it("throws UnknownTaskError for another scheduler's id", () => {
      const a = createHarness();
      const b = createHarness();
      const id = a.scheduler.submitTask(new Gate().task);
      expect(() => b.scheduler.taskState(id)).toThrow(UnknownTaskError);
    });
  });

  describe('.taskInfo()', () => {
    it('describes a running task, with its run time so far', async () => {
      const { scheduler, clock } = createHarness({ name: 'io' });
      const gate = new Gate('fetch', { priority: 3, timeoutMs: 1000 });
      await clock.advance(5);
      const id = scheduler.submitTask(gate.task, 'url');
      await gate.started(id);
      await clock.advance(40);
      const info = scheduler.taskInfo(id);
      expect(info).toEqual({
        id,
        name: 'fetch',
        type: 'async',
        lane: 'io',
        state: 'STARTED',
        args: ['url'],
        priority: 3,
        timeoutMs: 1000,
        ts: { submit: T0 + 5, schedule: T0 + 5, start: T0 + 5 },
        waitMs: 0,
        runMs: 40,
        attempt: 1,
        attempts: [],
      });
      expect(Object.isFrozen(info)).toBe(true);
      expect(Object.isFrozen(info.ts)).toBe(true);
    });

    it('gives a snapshot that does not change as the task goes on', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const before = scheduler.taskInfo(id);
      await clock.advance(10);
      await gate.resolve(id, 'v');
      await scheduler.waitTask(id);
      expect(before.state).toBe('STARTED');
      expect(before.runMs).toBe(0);
      expect(before.ts.done).toBeUndefined();
      expect(scheduler.taskInfo(id).state).toBe('DONE');
    });

    it('describes a DONE task with its result and times', async () => {
      const { scheduler, clock } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const first = scheduler.submitTask(gate.task);
      await clock.advance(7);
      const second = scheduler.submitTask(gate.task);
      await clock.advance(3);
      await gate.resolve(first, 'a');
      await gate.started(second);
      await clock.advance(20);
      await gate.resolve(second, 'b');
      const info = await scheduler.waitTask(second);
      expect(info.ts).toEqual({
        submit: T0 + 7,
        schedule: T0 + 7,
        start: T0 + 10,
        done: T0 + 30,
      });
      expect(info.waitMs).toBe(3);
      expect(info.runMs).toBe(20);
      expect(info.result).toBe('b');
      expect(info.error).toBeUndefined();
      expect(info.reason).toBeUndefined();
    });

    it('sets only the final timestamp of the state the task ended in', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      await gate.reject(id, new Error('x'));
      const { ts } = await scheduler.waitTask(id);
      expect(Object.keys(ts).sort()).toEqual(['error', 'schedule', 'start', 'submit']);
    });

    it('leaves out a timeoutMs the task does not have', () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new Gate().task);
      expect('timeoutMs' in scheduler.taskInfo(id)).toBe(false);
    });

    it('throws UnknownTaskError naming an unknown id', () => {
      const { scheduler } = createHarness();
      let error: unknown;
      try {
        scheduler.taskInfo('ghost');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnknownTaskError);
      expect((error as UnknownTaskError).taskId).toBe('ghost');
      expect((error as UnknownTaskError).message).toContain('"ghost"');
    });
  });

  describe('.runningCount and .queuedCount', () => {
    it('count STARTED and waiting SCHEDULED tasks', async () => {
      const { scheduler } = createHarness({ concurrency: 2 });
      const gate = new Gate();
      const ids = [1, 2, 3, 4, 5].map(() => scheduler.submitTask(gate.task));
      expect([scheduler.runningCount, scheduler.queuedCount]).toEqual([2, 3]);
      await gate.resolve(ids[0]!, 'x');
      await scheduler.waitTask(ids[0]!);
      expect([scheduler.runningCount, scheduler.queuedCount]).toEqual([2, 2]);
      await scheduler.cancelTask(ids[4]!);
      expect([scheduler.runningCount, scheduler.queuedCount]).toEqual([2, 1]);
    });
  });
});
