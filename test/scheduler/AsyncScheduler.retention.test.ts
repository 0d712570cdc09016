import { describe, expect, it } from 'vitest';
import { UnknownTaskError } from '../../src/index.js';
import { caught } from '../support/deferred.js';
import { createHarness, echoTask, Gate, hangingTask } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('retention', () => {
    it('keeps 10,000 finished records by default', async () => {
      const { scheduler } = createHarness();
      const task = echoTask();
      const ids = Array.from({ length: 10_001 }, (_, i) => scheduler.submitTask(task, i));
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      expect(() => scheduler.taskState(ids[0]!)).toThrow(UnknownTaskError);
      expect(scheduler.taskState(ids[1]!)).toBe('DONE');
      expect(scheduler.dumpTask()).toHaveLength(10_000);
    });

    describe('maxFinished', () => {
      it('evicts the oldest finished records past the limit', async () => {
        const { scheduler } = createHarness({ retention: { maxFinished: 2 } });
        const ids = [1, 2, 3].map((n) => scheduler.submitTask(echoTask(), n));
        await Promise.all(ids.map((id) => scheduler.waitTask(id)));
        expect(scheduler.dumpTask().map((i) => i.id)).toEqual([ids[1], ids[2]]);
        expect(scheduler.taskState(ids[2]!)).toBe('DONE');
      });

      it('makes every lookup of an evicted id fail with UnknownTaskError naming it', async () => {
        const { scheduler } = createHarness({ retention: { maxFinished: 1 } });
        const evicted = scheduler.submitTask(echoTask(), 'old');
        await scheduler.waitTask(evicted);
        await scheduler.waitTask(scheduler.submitTask(echoTask(), 'new'));
        expect(() => scheduler.taskState(evicted)).toThrow(UnknownTaskError);
        expect(() => scheduler.taskInfo(evicted)).toThrow(new RegExp(`"${evicted}"`));
        expect(() => scheduler.dumpTask(evicted)).toThrow(UnknownTaskError);
        const waited = await caught(() => scheduler.waitTask(evicted));
        expect(waited).toBeInstanceOf(UnknownTaskError);
        expect((waited as UnknownTaskError).taskId).toBe(evicted);
        await expect(scheduler.result(evicted)).rejects.toBeInstanceOf(UnknownTaskError);
      });

      it('evicts in the order tasks finished, not the order they were submitted', async () => {
        const { scheduler } = createHarness({ retention: { maxFinished: 1 } });
        const gate = new Gate();
        const first = scheduler.submitTask(gate.task);
        const second = scheduler.submitTask(gate.task);
        await gate.resolve(second, 'first to finish');
        await scheduler.waitTask(second);
        await gate.resolve(first, 'last to finish');
        await scheduler.waitTask(first);
        expect(scheduler.taskState(first)).toBe('DONE');
        expect(() => scheduler.taskState(second)).toThrow(UnknownTaskError);
      });

      it('never evicts live tasks, however many', async () => {
        const { scheduler } = createHarness({ retention: { maxFinished: 1 } });
        const ids = Array.from({ length: 5 }, () => scheduler.submitTask(hangingTask()));
        await scheduler.waitTask(scheduler.submitTask(echoTask()));
        await scheduler.waitTask(scheduler.submitTask(echoTask()));
        for (const id of ids) expect(scheduler.taskState(id)).toBe('STARTED');
        expect(scheduler.dumpTask()).toHaveLength(6);
      });

      it('keeps no finished record with maxFinished 0, yet resolves waiters', async () => {
        const { scheduler } = createHarness({ retention: { maxFinished: 0 } });
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        const waiting = scheduler.waitTask(id);
        await gate.resolve(id, 'gone');
        await expect(waiting).resolves.toMatchObject({ state: 'DONE', result: 'gone' });
        expect(() => scheduler.taskState(id)).toThrow(UnknownTaskError);
        expect(scheduler.dumpTask()).toEqual([]);
      });

      it('bounds memory by the limit over many tasks', async () => {
        const { scheduler } = createHarness({ retention: { maxFinished: 100 } });
        const task = echoTask();
        for (let batch = 0; batch < 10; batch++) {
          const ids = Array.from({ length: 500 }, () => scheduler.submitTask(task));
          await Promise.all(ids.map((id) => scheduler.waitTask(id)));
        }
        expect(scheduler.dumpTask()).toHaveLength(100);
      });
    });

    describe('maxAgeMs', () => {
      it('evicts finished records older than maxAgeMs', async () => {
        const { scheduler, clock } = createHarness({ retention: { maxAgeMs: 1000 } });
        const old = scheduler.submitTask(echoTask());
        await scheduler.waitTask(old);
        await clock.advance(600);
        const young = scheduler.submitTask(echoTask());
        await scheduler.waitTask(young);
        await clock.advance(400);
        expect(scheduler.taskState(old)).toBe('DONE');
        await clock.advance(1);
        expect(() => scheduler.taskState(old)).toThrow(UnknownTaskError);
        expect(scheduler.taskState(young)).toBe('DONE');
        await clock.advance(600);
        expect(() => scheduler.taskInfo(young)).toThrow(UnknownTaskError);
        expect(scheduler.dumpTask()).toEqual([]);
      });

      it('counts age from when the task finished, not when it was submitted', async () => {
        const { scheduler, clock } = createHarness({ retention: { maxAgeMs: 100 } });
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        await clock.advance(500);
        await gate.resolve(id, 'late');
        await scheduler.waitTask(id);
        await clock.advance(100);
        expect(scheduler.taskState(id)).toBe('DONE');
      });

      it('sets no timer (retention never keeps the process alive)', async () => {
        const { scheduler, clock } = createHarness({ retention: { maxAgeMs: 1000 } });
        await scheduler.waitTask(scheduler.submitTask(echoTask()));
        expect(clock.pendingTimers).toBe(0);
      });

      it('works together with maxFinished: whichever evicts first', async () => {
        const { scheduler, clock } = createHarness({
          retention: { maxFinished: 2, maxAgeMs: 50 },
        });
        const ids = [1, 2, 3].map((n) => scheduler.submitTask(echoTask(), n));
        await Promise.all(ids.map((id) => scheduler.waitTask(id)));
        expect(scheduler.dumpTask()).toHaveLength(2);
        await clock.advance(51);
        expect(scheduler.dumpTask()).toHaveLength(0);
      });
    });
  });
});
