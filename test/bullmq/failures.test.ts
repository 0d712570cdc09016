import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerErrorCode,
  TaskState,
  UnrecoverableError,
  type TaskContext,
} from '../../src/index.js';
import { caught } from '../support/deferred.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
} from './support/bullmqTestKit.js';

const ADD_MODULE = new URL('../fixtures/add.mjs', import.meta.url);
const THREE_ATTEMPTS = { attempts: 3 } as const;

/** An error a body throws, with a name and a code of its own. */
class PaymentError extends Error {
  override readonly name = 'PaymentError';
  readonly code = 'E_CARD_DECLINED';
}

describeWithRedis('BullMQScheduler', () => {
  describe('a failing body', () => {
    it("ends FAILED with the body's error: name, message and code kept", async () => {
      const lane = queueUnderTest('fail-error');
      await lane.worker({
        handlers: {
          charge: ({ args: [card] }: TaskContext) => {
            throw new PaymentError(`card ${String(card)} declined`);
          },
        },
      });
      const s = lane.scheduler();
      const log = logTransitions(s);

      const id = s.submitTask(new AsyncTask<[string]>('charge', { handler: 'charge' }), '4242');
      const info = await s.waitTask(id);

      expect(info.state).toBe(TaskState.FAILED);
      expect(info.error).toMatchObject({
        name: 'PaymentError',
        message: 'card 4242 declined',
        code: 'E_CARD_DECLINED',
      });
      expect(stampProblems(info)).toEqual([]);
      expect(log.steps(id).at(-1)).toBe('STARTED→FAILED');
      const error = await caught(() => s.result(id));
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({
        name: 'PaymentError',
        message: 'card 4242 declined',
        code: 'E_CARD_DECLINED',
      });
    });

    it('is not retried after an UnrecoverableError, with attempts left', async () => {
      const lane = queueUnderTest('fail-unrecoverable');
      let calls = 0;
      await lane.worker({
        handlers: {
          once: () => {
            calls++;
            throw new UnrecoverableError('the account is closed');
          },
        },
      });
      const s = lane.scheduler();

      const info = await s.waitTask(
        s.submit(new AsyncTask('once', { handler: 'once' }), { retry: THREE_ATTEMPTS }).id,
      );

      expect(info).toMatchObject({ state: TaskState.FAILED, attempt: 1, attempts: [] });
      expect(info.error).toMatchObject({
        message: 'the account is closed',
        code: SchedulerErrorCode.UNRECOVERABLE,
      });
      expect(calls).toBe(1);
    });

    it('fails at once, with attempts left, when no worker handler has its name', async () => {
      const lane = queueUnderTest('fail-no-handler');
      await lane.worker({ handlers: { known: () => 'ok' } });
      const s = lane.scheduler();

      const info = await s.waitTask(
        s.submit(new AsyncTask('lost', { handler: 'unknown' }), { retry: THREE_ATTEMPTS }).id,
      );

      expect(info).toMatchObject({ state: TaskState.FAILED, attempt: 1, attempts: [] });
      expect(info.error?.message).toMatch(/no handler "unknown".*known/);
    });

    it('fails at once when its module is not one the worker may load', async () => {
      const lane = queueUnderTest('fail-module');
      await lane.worker({ handlers: { known: () => 'ok' } });
      const s = lane.scheduler();

      const info = await s.waitTask(
        s.submit(new AsyncTask('add', { module: ADD_MODULE }), {
          args: [1, 2],
          retry: THREE_ATTEMPTS,
        }).id,
      );

      expect(info).toMatchObject({ state: TaskState.FAILED, attempt: 1 });
      expect(info.error?.message).toMatch(/may not load module .*add\.mjs.*modules/);
    });

    it('fails with a TypeError when its body returns something that is not JSON', async () => {
      const lane = queueUnderTest('fail-result');
      await lane.worker({ handlers: { when: () => new Date(0) } });
      const s = lane.scheduler();

      const info = await s.waitTask(s.submitTask(new AsyncTask('when', { handler: 'when' })));

      expect(info.state).toBe(TaskState.FAILED);
      expect(info.error).toMatchObject({ name: 'TypeError' });
      expect(info.error?.message).toMatch(/result.*JSON/);
    });

    it('ends FAILED when its body throws something that is not an Error', async () => {
      const lane = queueUnderTest('fail-non-error');
      await lane.worker({
        handlers: {
          odd: () => {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the test is about
            throw 'just a string';
          },
        },
      });
      const s = lane.scheduler();

      const info = await s.waitTask(s.submitTask(new AsyncTask('odd', { handler: 'odd' })));

      expect(info.state).toBe(TaskState.FAILED);
      expect(info.error).toMatchObject({ code: SchedulerErrorCode.NON_ERROR_THROWN });
      expect(info.error?.message).toContain('just a string');
    });
  });
});
