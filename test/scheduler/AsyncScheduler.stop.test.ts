import { describe, expect, it } from 'vitest';
import { SchedulerStoppedError, TaskCanceledError } from '../../src/index.js';
import { caught, isSettled } from '../support/deferred.js';
import { createHarness, echoTask, Gate, hangingTask, T0 } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('.stop()', () => {
    it('resolves at once when nothing is left, completing both streams', async () => {
      const { scheduler } = createHarness();
      let completed = 0;
      scheduler.transitions$.subscribe({ complete: () => completed++ });
      scheduler.errors$.subscribe({ complete: () => completed++ });
      await scheduler.stop();
      expect(completed).toBe(2);
    });

    it('drains by default: running and queued tasks finish normally before it resolves', async () => {
      const { scheduler, clock } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      const stopped = scheduler.stop();
      await clock.advance(100);
      expect(await isSettled(stopped)).toBe(false);
      await gate.resolve(running, 'a');
      await gate.started(queued);
      expect(await isSettled(stopped)).toBe(false);
      await gate.resolve(queued, 'b');
      await stopped;
      expect(scheduler.taskInfo(running)).toMatchObject({ state: 'DONE', result: 'a' });
      expect(scheduler.taskInfo(queued)).toMatchObject({ state: 'DONE', result: 'b' });
    });

    it('drains tasks submitted before start() on a scheduler never started', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const id = scheduler.submitTask(echoTask(), 'held');
      await scheduler.stop();
      expect(scheduler.taskInfo(id)).toMatchObject({ state: 'DONE', result: 'held' });
    });

    it('with cancel: true cancels held, queued and running tasks at once', async () => {
      const { scheduler, steps } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      const { ctx } = await gate.started(running);
      await scheduler.stop({ cancel: true });
      expect(scheduler.taskState(running)).toBe('CANCELED');
      expect(scheduler.taskState(queued)).toBe('CANCELED');
      expect(ctx.signal.aborted).toBe(true);
      expect(ctx.signal.reason).toBeInstanceOf(TaskCanceledError);
      expect(gate.has(queued)).toBe(false);
      expect(steps(queued).at(-1)).toBe('SCHEDULED→CANCELED');
      await expect(scheduler.result(running)).rejects.toBeInstanceOf(TaskCanceledError);
    });

    it('with cancel: true cancels tasks never started on an idle scheduler', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      await scheduler.stop({ cancel: true });
      expect(scheduler.taskState(id)).toBe('CANCELED');
      expect(gate.has(id)).toBe(false);
    });

    it('with timeoutMs bounds the drain, then cancels what is left', async () => {
      const { scheduler, clock } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const finishes = scheduler.submitTask(gate.task);
      const hangs = scheduler.submitTask(hangingTask());
      const neverStarts = scheduler.submitTask(gate.task);
      const stopped = scheduler.stop({ timeoutMs: 500 });
      await clock.advance(100);
      await gate.resolve(finishes, 'in time');
      await scheduler.waitTask(finishes);
      await clock.advance(399);
      expect(await isSettled(stopped)).toBe(false);
      expect(scheduler.taskState(hangs)).toBe('STARTED');
      await clock.advance(1);
      await stopped;
      expect(scheduler.taskState(finishes)).toBe('DONE');
      const hung = scheduler.taskInfo(hangs);
      expect(hung.state).toBe('CANCELED');
      expect(hung.ts.cancel).toBe(T0 + 500);
      expect(hung.reason).toMatch(/500 ms/);
      expect(scheduler.taskState(neverStarts)).toBe('CANCELED');
      expect(gate.has(neverStarts)).toBe(false);
    });

    it('with timeoutMs resolves as soon as the drain ends, leaving no timer behind', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('t', { timeoutMs: 1000 });
      const id = scheduler.submitTask(gate.task);
      const waiting = scheduler.waitTask(id, { timeoutMs: 5000 });
      const stopped = scheduler.stop({ timeoutMs: 10_000 });
      expect(clock.pendingTimers).toBe(3);
      await gate.resolve(id, 'quick');
      await stopped;
      await waiting;
      expect(clock.pendingTimers).toBe(0);
    });

    it('leaves no timer behind after canceling tasks with timeouts', async () => {
      const { scheduler, clock } = createHarness();
      scheduler.submitTask(hangingTask('a', { timeoutMs: 100 }));
      scheduler.submitTask(hangingTask('b', { timeoutMs: 200 }));
      await scheduler.stop({ cancel: true, timeoutMs: 50 });
      expect(clock.pendingTimers).toBe(0);
    });

    it('completes both streams only after every final transition was delivered', async () => {
      const { scheduler } = createHarness();
      scheduler.submitTask(hangingTask());
      const events: string[] = [];
      scheduler.transitions$.subscribe({
        next: (t) => events.push(t.to),
        complete: () => events.push('complete'),
      });
      await scheduler.stop({ cancel: true });
      expect(events).toEqual(['CANCELED', 'complete']);
    });

    it('returns the same drain to a second call, and a second call with cancel: true cuts it short', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const first = scheduler.stop();
      const second = scheduler.stop();
      expect(await isSettled(first)).toBe(false);
      expect(await isSettled(second)).toBe(false);
      await scheduler.stop({ cancel: true });
      await Promise.all([first, second]);
      expect(scheduler.taskState(id)).toBe('CANCELED');
    });

    it('lets a second call bound a drain already under way with its own timeoutMs', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const first = scheduler.stop();
      await clock.advance(10);
      const second = scheduler.stop({ timeoutMs: 20 });
      await clock.advance(19);
      expect(await isSettled(second)).toBe(false);
      await clock.advance(1);
      await Promise.all([first, second]);
      expect(scheduler.taskInfo(id)).toMatchObject({ state: 'CANCELED', ts: { cancel: T0 + 30 } });
      expect(scheduler.taskInfo(id).reason).toMatch(/timed out after 20 ms/);
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps the nearer deadline when a later call gives a longer timeoutMs', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const first = scheduler.stop({ timeoutMs: 50 });
      const second = scheduler.stop({ timeoutMs: 5_000 });
      expect(clock.pendingTimers).toBe(1);
      await clock.advance(50);
      await Promise.all([first, second]);
      expect(scheduler.taskInfo(id).ts.cancel).toBe(T0 + 50);
    });

    it('sets no timer for a stop({ timeoutMs }) called after it resolved', async () => {
      const { scheduler, clock } = createHarness();
      await scheduler.stop();
      await scheduler.stop({ timeoutMs: 1_000 });
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps every task queryable afterwards', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(echoTask(), 3);
      await scheduler.stop();
      expect(scheduler.taskState(id)).toBe('DONE');
      await expect(scheduler.result(id)).resolves.toBe(3);
      expect(scheduler.dumpTask()).toHaveLength(1);
      await expect(scheduler.cancelTask(id)).resolves.toBe(false);
    });

    it('is not undone by start(), which throws SchedulerStoppedError', async () => {
      const { scheduler } = createHarness({}, { start: false });
      await scheduler.stop();
      expect(() => scheduler.start()).toThrow(SchedulerStoppedError);
      expect(() => scheduler.submitTask(echoTask())).toThrow(SchedulerStoppedError);
    });

    it('makes submitTask throw SchedulerStoppedError from the moment it is called', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const stopped = scheduler.stop();
      expect(() => scheduler.submitTask(echoTask())).toThrow(SchedulerStoppedError);
      await scheduler.cancelTask(id);
      await stopped;
    });

    it('leaves every task final when it resolves, whatever their state was', async () => {
      const { scheduler, clock } = createHarness({ concurrency: 2 });
      const gate = new Gate('g', { timeoutMs: 50 });
      const ids = Array.from({ length: 6 }, () => scheduler.submitTask(gate.task));
      await gate.resolve(ids[0]!, 'x');
      await clock.advance(50);
      const stopped = scheduler.stop({ timeoutMs: 20 });
      await clock.advance(20);
      await stopped;
      expect(ids.map((id) => scheduler.taskState(id))).toEqual([
        'DONE',
        'TIMED_OUT',
        'TIMED_OUT',
        'CANCELED',
        'CANCELED',
        'CANCELED',
      ]);
      const finals = new Set(['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED']);
      for (const id of ids) expect(finals.has(scheduler.taskState(id))).toBe(true);
    });

    it.each([
      [{ cancel: 'yes' }, TypeError, /Expected `cancel` to be a boolean, got "yes" \(string\)/],
      [{ timeoutMs: -1 }, RangeError, /Expected `timeoutMs` to be a finite number >= 0, got -1/],
      [{ timeoutMs: NaN }, RangeError, /got NaN/],
      [{ timeoutMs: '5' }, TypeError, /got "5" \(string\)/],
      [null, TypeError, /Expected `options` to be an options object, got null/],
    ])('refuses %j', async (options, type, message) => {
      const { scheduler } = createHarness();
      const error = await caught(() => scheduler.stop(options as never));
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      expect(() => scheduler.submitTask(echoTask())).not.toThrow();
    });
  });
});
