import { describe, expect, it } from 'vitest';
import { UnknownTaskError, WaitTimeoutError } from '../../src/index.js';
import { caught, isSettled } from '../support/deferred.js';
import { createHarness, echoTask, Gate, hangingTask } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('.waitTask()', () => {
    it('resolves with the frozen final info of a task that ends DONE', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const waiting = scheduler.waitTask(id);
      expect(await isSettled(waiting)).toBe(false);
      await gate.resolve(id, 'value');
      const info = await waiting;
      expect(info).toMatchObject({ id, state: 'DONE', result: 'value' });
      expect(Object.isFrozen(info)).toBe(true);
    });

    it.each(['FAILED', 'TIMED_OUT', 'CANCELED'] as const)(
      'resolves (does not reject) when the task ends %s',
      async (state) => {
        const { scheduler, clock } = createHarness();
        const gate = new Gate('t', { timeoutMs: 50 });
        const id = scheduler.submitTask(gate.task);
        const waiting = scheduler.waitTask(id);
        if (state === 'FAILED') await gate.reject(id, new Error('boom'));
        if (state === 'TIMED_OUT') await clock.advance(50);
        if (state === 'CANCELED') await scheduler.cancelTask(id);
        await expect(waiting).resolves.toMatchObject({ id, state });
      },
    );

    it('resolves at once for a task already final', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(echoTask(), 1);
      await scheduler.waitTask(id);
      const again = scheduler.waitTask(id);
      expect(await isSettled(again)).toBe(true);
      await expect(again).resolves.toMatchObject({ state: 'DONE', result: 1 });
    });

    it('resolves every waiter of the same task', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const waiters = [scheduler.waitTask(id), scheduler.waitTask(id), scheduler.waitTask(id)];
      await gate.resolve(id, 'x');
      const infos = await Promise.all(waiters);
      expect(infos.map((i) => i.state)).toEqual(['DONE', 'DONE', 'DONE']);
    });

    it('rejects with UnknownTaskError naming an unknown id', async () => {
      const { scheduler } = createHarness();
      const error = await caught(() => scheduler.waitTask('missing-id'));
      expect(error).toBeInstanceOf(UnknownTaskError);
      expect((error as UnknownTaskError).message).toContain('missing-id');
      expect((error as UnknownTaskError).taskId).toBe('missing-id');
    });

    describe('with timeoutMs', () => {
      it('rejects with WaitTimeoutError when its own limit passes, leaving the task alone', async () => {
        const { scheduler, clock, steps } = createHarness();
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        const waiting = scheduler.waitTask(id, { timeoutMs: 100 });
        await clock.advance(99);
        expect(await isSettled(waiting)).toBe(false);
        await clock.advance(1);
        const error = await waiting.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WaitTimeoutError);
        expect((error as WaitTimeoutError).timeoutMs).toBe(100);
        expect((error as WaitTimeoutError).taskId).toBe(id);
        expect(scheduler.taskState(id)).toBe('STARTED');
        const { ctx } = await gate.started(id);
        expect(ctx.signal.aborted).toBe(false);
        await gate.resolve(id, 'still finishes');
        await expect(scheduler.result(id)).resolves.toBe('still finishes');
        expect(steps(id).at(-1)).toBe('STARTED→DONE');
      });

      it('resolves normally when the task ends first, and clears its timer', async () => {
        const { scheduler, clock } = createHarness();
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        const waiting = scheduler.waitTask(id, { timeoutMs: 100 });
        expect(clock.pendingTimers).toBe(1);
        await clock.advance(50);
        await gate.resolve(id, 'fast');
        await expect(waiting).resolves.toMatchObject({ state: 'DONE' });
        expect(clock.pendingTimers).toBe(0);
      });

      it('waits without limit for timeoutMs 0', async () => {
        const { scheduler, clock } = createHarness();
        const id = scheduler.submitTask(hangingTask());
        const waiting = scheduler.waitTask(id, { timeoutMs: 0 });
        await clock.advance(1e9);
        expect(await isSettled(waiting)).toBe(false);
        await scheduler.cancelTask(id);
        await expect(waiting).resolves.toMatchObject({ state: 'CANCELED' });
      });

      it('gives up one waiter without touching the others', async () => {
        const { scheduler, clock } = createHarness();
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        const short = scheduler.waitTask(id, { timeoutMs: 10 });
        const long = scheduler.waitTask(id);
        await clock.advance(10);
        await expect(short).rejects.toBeInstanceOf(WaitTimeoutError);
        await gate.resolve(id, 'ok');
        await expect(long).resolves.toMatchObject({ state: 'DONE' });
      });

      it.each([
        [-1, RangeError],
        [NaN, RangeError],
        ['10', TypeError],
      ])('refuses timeoutMs %s', async (timeoutMs, type) => {
        const { scheduler } = createHarness();
        const id = scheduler.submitTask(hangingTask());
        const error = await caught(() =>
          scheduler.waitTask(id, { timeoutMs: timeoutMs as number }),
        );
        expect(error).toBeInstanceOf(type);
        expect((error as Error).message).toMatch(
          /Expected `timeoutMs` to be a finite number >= 0, got/,
        );
      });
    });

    describe('with signal', () => {
      it("rejects with the signal's reason when it aborts, leaving the task alone", async () => {
        const { scheduler } = createHarness();
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        const controller = new AbortController();
        const waiting = scheduler.waitTask(id, { signal: controller.signal });
        expect(await isSettled(waiting)).toBe(false);
        const reason = new Error('caller gave up');
        controller.abort(reason);
        await expect(waiting).rejects.toBe(reason);
        expect(scheduler.taskState(id)).toBe('STARTED');
        await gate.resolve(id, 'done anyway');
        await expect(scheduler.waitTask(id)).resolves.toMatchObject({ state: 'DONE' });
      });

      it('rejects at once for a signal already aborted', async () => {
        const { scheduler } = createHarness();
        const id = scheduler.submitTask(hangingTask());
        const reason = new Error('already');
        await expect(scheduler.waitTask(id, { signal: AbortSignal.abort(reason) })).rejects.toBe(
          reason,
        );
        expect(scheduler.taskState(id)).toBe('STARTED');
      });

      it('resolves normally when the task ends before the signal aborts', async () => {
        const { scheduler } = createHarness();
        const gate = new Gate();
        const id = scheduler.submitTask(gate.task);
        const controller = new AbortController();
        const waiting = scheduler.waitTask(id, { signal: controller.signal, timeoutMs: 100 });
        await gate.resolve(id, 'ok');
        await expect(waiting).resolves.toMatchObject({ state: 'DONE' });
        controller.abort(new Error('too late to matter'));
        await expect(waiting).resolves.toMatchObject({ state: 'DONE' });
      });

      it('clears its timer when the signal aborts first', async () => {
        const { scheduler, clock } = createHarness();
        const id = scheduler.submitTask(hangingTask());
        const controller = new AbortController();
        const waiting = scheduler.waitTask(id, { signal: controller.signal, timeoutMs: 100 });
        expect(clock.pendingTimers).toBe(1);
        controller.abort(new Error('gave up'));
        await expect(waiting).rejects.toThrow('gave up');
        expect(clock.pendingTimers).toBe(0);
      });

      it('refuses a signal that is not an AbortSignal', async () => {
        const { scheduler } = createHarness();
        const id = scheduler.submitTask(hangingTask());
        const error = await caught(() =>
          scheduler.waitTask(id, { signal: { aborted: false } as AbortSignal }),
        );
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/Expected `signal` to be an AbortSignal, got/);
      });
    });

    it('refuses options that are not an object', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(hangingTask());
      const error = await caught(() => scheduler.waitTask(id, 100 as unknown as object));
      expect(error).toBeInstanceOf(TypeError);
    });
  });
});
