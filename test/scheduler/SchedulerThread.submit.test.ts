import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TaskCanceledError, type TaskTransition } from '../../src/index.js';
import { laneTask, useThreadHarness } from '../support/schedulerThreads.js';

const add = laneTask<number[], number>('default');
const untilAborted = laneTask<[], never>('untilAborted');

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('.submit()', () => {
    it('runs one run in the lane thread with its args, and returns a handle on it', async () => {
      const { scheduler } = harness('submit-args');
      const h = scheduler.submit(add, { args: [1, 2, 3] });
      expect(h.state).toBe('SUBMITTED');
      expect(await h.result()).toBe(6);
      expect(h.info()).toMatchObject({
        id: h.id,
        state: 'DONE',
        args: [1, 2, 3],
        lane: 'submit-args',
      });
    });

    it('gives the run the priority and timeoutMs of the submit, instead of the task’s', async () => {
      const { scheduler } = harness('submit-overrides');
      const forever = laneTask('forever', { timeoutMs: 60_000, priority: 1 });
      const h = scheduler.submit(forever, { priority: 7, timeoutMs: 20 });
      const info = await h.wait();
      expect(info).toMatchObject({ state: 'TIMED_OUT', priority: 7, timeoutMs: 20 });
    });

    it('refuses an unknown option, naming it, and submits nothing', () => {
      const { scheduler } = harness('submit-unknown');
      expect(() => scheduler.submit(add, { args: [1], timeout: 5 } as never)).toThrow(
        new TypeError('Unknown submit option `timeout` (did you mean `timeoutMs`?)'),
      );
      expect(() => scheduler.submit(add, { args: [1], timeoutMs: -5 })).toThrow(RangeError);
      expect(scheduler.dumpTask()).toEqual([]);
    });

    it('cancels a running task when its signal aborts', async () => {
      const { scheduler, reaches } = harness('submit-abort');
      const controller = new AbortController();
      const h = scheduler.submit(untilAborted, { signal: controller.signal });
      await reaches(h.id, 'STARTED');
      controller.abort(new Error('user left'));
      const info = await h.wait();
      expect(info).toMatchObject({ state: 'CANCELED', reason: 'user left' });
      await expect(h.result()).rejects.toBeInstanceOf(TaskCanceledError);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('submits, then cancels at once, a task whose signal aborted already: it never reaches the thread', async () => {
      const { scheduler, steps } = harness('submit-aborted');
      const h = scheduler.submit(add, { args: [1], signal: AbortSignal.abort('too late') });
      expect(h.state).toBe('CANCELED');
      expect(h.info().reason).toBe('too late');
      expect(steps(h.id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→CANCELED']);
      // The lane goes on with the next one.
      expect(await scheduler.submit(add, { args: [2] }).result()).toBe(2);
    });

    it('stops listening to a long-lived signal once each task is final', async () => {
      const { scheduler } = harness('submit-listeners');
      const controller = new AbortController();
      const handles = Array.from({ length: 50 }, (_, i) =>
        scheduler.submit(add, { args: [i], signal: controller.signal }),
      );
      expect(getEventListeners(controller.signal, 'abort').length).toBeGreaterThan(0);
      await Promise.all(handles.map((h) => h.wait()));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('returns the live task’s handle for a key in use, and a new task once it is final', async () => {
      const { scheduler } = harness('submit-key');
      const first = scheduler.submit(untilAborted, { key: 'nightly' });
      expect(scheduler.submit(untilAborted, { key: 'nightly' })).toBe(first);
      expect(scheduler.dumpTask()).toHaveLength(1);
      expect(first.info().key).toBe('nightly');
      await first.cancel();
      const second = scheduler.submit(untilAborted, { key: 'nightly' });
      expect(second.id).not.toBe(first.id);
      await second.cancel();
    });
  });

  describe('TaskHandle.transitions$', () => {
    it('carries its task’s transitions from the thread and completes at its final state', async () => {
      const { scheduler } = harness('handle-stream', {}, { start: false });
      const h = scheduler.submit(add, { args: [4] });
      const seen: TaskTransition[] = [];
      const completed = new Promise<void>((resolve) => {
        h.transitions$.subscribe({ next: (t) => seen.push(t), complete: resolve });
      });
      scheduler.start();
      await completed;
      expect(seen.map((t) => t.to)).toEqual(['SCHEDULED', 'STARTED', 'DONE']);
      expect(seen.at(-1)?.info.result).toBe(4);
    });
  });
});
