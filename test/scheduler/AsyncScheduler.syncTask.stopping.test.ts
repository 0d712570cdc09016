import { describe, expect, it } from 'vitest';
import { TaskCanceledError, TaskTimeoutError, isFinished } from '../../src/index.js';
import {
  Signals,
  addOneTask,
  expectOneFinal,
  useSyncHarness,
  workTask,
  type SyncHarness,
} from '../support/syncTasks.js';

/*
 * A timeout or cancel of a running SyncTask terminates its thread: the work really stops
 * (a SharedArrayBuffer counter the body increments stops growing), and a replacement thread
 * takes its place at once.
 */

/**
 * Expects the busy loop counting in `signals` to have stopped: once the replacement thread
 * has completed a task the counter is read, and it has not moved after one more task.
 */
async function expectLoopStopped(h: SyncHarness, signals: Signals): Promise<void> {
  expect(signals.count, 'the loop ran before it was stopped').toBeGreaterThan(0);
  await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1))).resolves.toBe(2);
  const settled = signals.count;
  await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 2))).resolves.toBe(3);
  expect(signals.count, 'the loop still counts').toBe(settled);
}

describe('AsyncScheduler', () => {
  describe('stopping a running SyncTask', () => {
    const harness = useSyncHarness();

    it('a busy loop with timeoutMs ends TIMED_OUT and really stops', async () => {
      const h = harness({ threads: 1 });
      // Warm the thread (module loaded), so the loop surely counts before the timeout.
      await h.scheduler.result(h.scheduler.submitTask(addOneTask(), 0));
      const signals = new Signals();
      const id = h.scheduler.submitTask(workTask('busyLoop', { timeoutMs: 100 }), signals.buffer);
      const info = await h.scheduler.waitTask(id);
      expect(info.state).toBe('TIMED_OUT');
      expect(info.error).toMatchObject({ name: 'TaskTimeoutError', code: 'ERR_TASK_TIMEOUT' });
      expect(info.reason).toMatch(/timed out after 100 ms/);
      await expect(h.scheduler.result(id)).rejects.toBeInstanceOf(TaskTimeoutError);
      expect(expectOneFinal(h, id)).toBe('TIMED_OUT');
      // With one thread, the next tasks can only run if the thread was replaced.
      await expectLoopStopped(h, signals);
    });

    it('a busy loop canceled with cancelTask ends CANCELED, and cancelTask resolves true', async () => {
      const h = harness({ threads: 1 });
      const signals = new Signals();
      const id = h.scheduler.submitTask(workTask('busyLoop'), signals.buffer);
      await signals.started();
      await expect(h.scheduler.cancelTask(id, 'enough')).resolves.toBe(true);
      const info = h.scheduler.taskInfo(id);
      expect(info).toMatchObject({ state: 'CANCELED', reason: 'enough' });
      await expect(h.scheduler.result(id)).rejects.toBeInstanceOf(TaskCanceledError);
      await expect(h.scheduler.cancelTask(id)).resolves.toBe(false);
      expect(expectOneFinal(h, id)).toBe('CANCELED');
      await expectLoopStopped(h, signals);
    });

    it('gives the lane back its full strength at once: both threads run again', async () => {
      const h = harness({ threads: 2 });
      const busy = new Signals();
      const id = h.scheduler.submitTask(workTask('busyLoop'), busy.buffer);
      await busy.started();
      await h.scheduler.cancelTask(id);
      // Two gated bodies can only both start if two threads take work.
      const gates = [new Signals(), new Signals()];
      const ids = gates.map((g) => h.scheduler.submitTask(workTask('gated'), g.buffer));
      await Promise.all(gates.map((g) => g.started()));
      expect(h.scheduler.runningCount).toBe(2);
      gates.forEach((g) => {
        g.go();
      });
      await expect(Promise.all(ids.map((i) => h.scheduler.result(i)))).resolves.toEqual([
        'finished',
        'finished',
      ]);
    });

    it("leaves the other threads' tasks untouched", async () => {
      const h = harness({ threads: 2 });
      const gate = new Signals();
      const gatedId = h.scheduler.submitTask(workTask('gated'), gate.buffer);
      await gate.started();
      const busy = h.scheduler.submitTask(workTask('busyLoop', { timeoutMs: 30 }));
      expect((await h.scheduler.waitTask(busy)).state).toBe('TIMED_OUT');
      gate.go();
      await expect(h.scheduler.result(gatedId)).resolves.toBe('finished');
    });

    it('a queued SyncTask canceled before a thread takes it never runs', async () => {
      const h = harness({ threads: 1 });
      const gate = new Signals();
      const gatedId = h.scheduler.submitTask(workTask('gated'), gate.buffer);
      const never = new Signals();
      const queued = h.scheduler.submitTask(workTask('busyLoop'), never.buffer);
      await gate.started();
      await expect(h.scheduler.cancelTask(queued)).resolves.toBe(true);
      gate.go();
      await h.scheduler.result(gatedId);
      await h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1));
      expect(h.transitions.filter((t) => t.id === queued).map((t) => t.to)).toEqual([
        'SUBMITTED',
        'SCHEDULED',
        'CANCELED',
      ]);
      expect(never.count).toBe(0);
    });
  });

  describe('cancel racing completion', () => {
    const harness = useSyncHarness();

    it('wins when the body has returned but its answer is not handled yet', async () => {
      const h = harness({ threads: 1 });
      const gate = new Signals();
      const id = h.scheduler.submitTask(workTask('gated'), gate.buffer);
      await gate.started();
      gate.go();
      // This loop is blocked until the body returns: its answer cannot have been handled.
      gate.blockUntilReturning();
      await expect(h.scheduler.cancelTask(id, 'too late?')).resolves.toBe(true);
      await expect(h.scheduler.result(id)).rejects.toBeInstanceOf(TaskCanceledError);
      // The late answer is discarded and does not disturb the next task.
      await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 5))).resolves.toBe(6);
      expect(expectOneFinal(h, id)).toBe('CANCELED');
      expect(h.scheduler.taskInfo(id).result).toBeUndefined();
    });

    it('loses once the result is handled: false, and the task stays DONE', async () => {
      const h = harness({ threads: 1 });
      const id = h.scheduler.submitTask(addOneTask(), 1);
      await h.scheduler.waitTask(id);
      await expect(h.scheduler.cancelTask(id)).resolves.toBe(false);
      expect(h.scheduler.taskInfo(id)).toMatchObject({ state: 'DONE', result: 2 });
      expect(expectOneFinal(h, id)).toBe('DONE');
    });

    it('at any moment: exactly one final state, and the boolean is true iff CANCELED', async () => {
      const h = harness({ threads: 2 });
      const outcomes: string[] = [];
      for (let ticks = 0; ticks < 24; ticks++) {
        const id = h.scheduler.submitTask(addOneTask(), ticks);
        for (let i = 0; i < ticks % 12; i++) await new Promise<void>((r) => setImmediate(r));
        if (ticks >= 12) await Promise.resolve();
        const wasFinal = isFinished(h.scheduler.taskState(id));
        const canceled = await h.scheduler.cancelTask(id, 'race');
        const info = await h.scheduler.waitTask(id);
        expect(canceled).toBe(info.state === 'CANCELED');
        expect(canceled).toBe(!wasFinal);
        expect(['DONE', 'CANCELED']).toContain(info.state);
        if (info.state === 'DONE') expect(info.result).toBe(ticks + 1);
        expect(expectOneFinal(h, id)).toBe(info.state);
        outcomes.push(info.state);
      }
      // The first cancel comes before any answer can be handled.
      expect(outcomes[0]).toBe('CANCELED');
    });
  });
});
