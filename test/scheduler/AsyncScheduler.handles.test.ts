import { describe, expect, it } from 'vitest';
import {
  SchedulerErrorCode,
  TaskCanceledError,
  UnknownTaskError,
  type TaskTransition,
} from '../../src/index.js';
import { createHarness, echoTask, Gate } from '../support/harness.js';

/** Collects what a stream delivers, and whether it completed. */
function record(stream: { subscribe: (observer: object) => unknown }): {
  values: TaskTransition[];
  completed: () => boolean;
} {
  const values: TaskTransition[] = [];
  let completed = false;
  stream.subscribe({
    next: (t: TaskTransition) => values.push(t),
    complete: () => {
      completed = true;
    },
  });
  return { values, completed: () => completed };
}

describe('AsyncScheduler', () => {
  describe('TaskHandle', () => {
    it('answers for its task: state, info, wait, result', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate<number>('gated');
      const h = scheduler.submit(gate.task, { args: [1] });
      expect(h.state).toBe('SUBMITTED');
      expect(h.info()).toEqual(scheduler.taskInfo(h.id));
      scheduler.start();
      await gate.started(h.id);
      expect(h.state).toBe('STARTED');
      await gate.resolve(h.id, 42);
      const info = await h.wait();
      expect(info).toMatchObject({ id: h.id, state: 'DONE', result: 42 });
      expect(await h.result()).toBe(42);
      expect(await scheduler.result(h.id)).toBe(42);
    });

    it('cancels its task once: true, then false', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate('gated');
      const h = scheduler.submit(gate.task);
      expect(await h.cancel('changed my mind')).toBe(true);
      expect(await h.cancel()).toBe(false);
      expect(h.info()).toMatchObject({ state: 'CANCELED', reason: 'changed my mind' });
      await expect(h.result()).rejects.toBeInstanceOf(TaskCanceledError);
    });

    it('is not a thenable: awaiting it gives the handle itself', async () => {
      const { scheduler } = createHarness();
      const h = scheduler.submit(echoTask(), { args: ['x'] });
      expect('then' in h).toBe(false);
      expect(await Promise.resolve(h)).toBe(h);
    });

    it('passes wait options through (a wait that gives up leaves the task alone)', async () => {
      const { scheduler, clock } = createHarness();
      const h = scheduler.submit(new Gate('gated').task);
      const waiting = h.wait({ timeoutMs: 10 });
      await clock.advance(10);
      await expect(waiting).rejects.toThrow(/10 ms/);
      expect(h.state).toBe('STARTED');
    });

    it('throws UnknownTaskError for state and info once retention evicted its task', async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 0 } });
      const h = scheduler.submit(echoTask(), { args: [1] });
      expect(await h.result()).toBe(1);
      expect(() => h.state).toThrow(UnknownTaskError);
      expect(() => h.info()).toThrow(UnknownTaskError);
    });
  });

  describe('TaskHandle.transitions$', () => {
    it('carries only its task’s transitions, in order, and completes at its final state', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate('gated');
      const h = scheduler.submit(gate.task);
      const other = scheduler.submit(gate.task);
      const seen = record(h.transitions$);
      scheduler.start();
      await gate.resolve(h.id, 'done');
      await h.wait();
      expect(seen.values.map((t) => `${t.from}→${t.to}`)).toEqual([
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→STARTED',
        'STARTED→DONE',
      ]);
      expect(seen.values.every((t) => t.id === h.id)).toBe(true);
      expect(seen.completed()).toBe(true);
      expect(other.state).toBe('STARTED');
    });

    it('completes at once, with nothing, for a subscriber that comes after the final state', async () => {
      const { scheduler } = createHarness();
      const h = scheduler.submit(echoTask(), { args: [1] });
      await h.wait();
      const late = record(h.transitions$);
      expect(late.values).toEqual([]);
      expect(late.completed()).toBe(true);
    });

    it('completes after an evicted task’s final state, and when the scheduler stops', async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 0 } });
      const done = scheduler.submit(echoTask(), { args: [1] });
      await done.wait();
      expect(record(done.transitions$).completed()).toBe(true);
      const hanging = scheduler.submit(new Gate('gated').task);
      const seen = record(hanging.transitions$);
      await scheduler.stop({ cancel: true });
      expect(seen.values.at(-1)?.to).toBe('CANCELED');
      expect(seen.completed()).toBe(true);
    });

    it('serves many handles, each its own task’s transitions', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate('gated');
      const handles = Array.from({ length: 50 }, () => scheduler.submit(gate.task));
      const seen = handles.map((h) => record(h.transitions$));
      for (const h of handles) await gate.resolve(h.id, h.id);
      await Promise.all(handles.map((h) => h.wait()));
      seen.forEach(({ values, completed }, i) => {
        expect(values.map((t) => t.to)).toEqual(['DONE']);
        expect(values[0]?.id).toBe(handles[i]?.id);
        expect(completed()).toBe(true);
      });
    });

    it('stops delivering to a subscriber that unsubscribed, not to the others', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const h = scheduler.submit(echoTask(), { args: [1] });
      const left: string[] = [];
      const stayed: string[] = [];
      h.transitions$.subscribe((t) => stayed.push(t.to));
      h.transitions$.subscribe((t) => left.push(t.to)).unsubscribe();
      scheduler.start();
      await h.wait();
      expect(left).toEqual([]);
      expect(stayed).toEqual(['SCHEDULED', 'STARTED', 'DONE']);
    });

    it('sends what a subscriber throws to errors$, and the task goes on', async () => {
      const { scheduler, errors } = createHarness({}, { start: false });
      const h = scheduler.submit(echoTask(), { args: [7] });
      h.transitions$.subscribe(() => {
        throw new Error('subscriber bug');
      });
      scheduler.start();
      expect(await h.result()).toBe(7);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatchObject({ code: SchedulerErrorCode.SUBSCRIBER_FAILED, taskId: h.id });
    });
  });
});
