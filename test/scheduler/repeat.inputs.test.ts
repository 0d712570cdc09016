import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AsyncTask,
  SchedulerError,
  SyncTask,
  type RepeatHandle,
  type TaskContext,
} from '../../src/index.js';
import { createHarness, echoTask } from '../support/harness.js';
import { occurrencesOf } from '../support/repeats.js';

const task = echoTask();

describe('AsyncScheduler', () => {
  describe('.repeat() refuses bad input at the call', () => {
    it.each([
      [{}, TypeError, 'exactly one of `every` or `cron` in repeat options, got neither'],
      [
        { every: 100, cron: '* * * * *' },
        TypeError,
        'exactly one of `every` or `cron` in repeat options, got both',
      ],
      [{ every: 0 }, RangeError, '`every` to be a finite number > 0, got 0 (number)'],
      [{ every: -5 }, RangeError, '`every` to be a finite number > 0'],
      [{ every: Infinity }, RangeError, '`every` to be a finite number > 0'],
      [{ every: '100' }, TypeError, '`every` to be a finite number > 0, got "100" (string)'],
      [{ cron: 'every day' }, TypeError, '`cron` to be a cron expression'],
      [{ cron: '61 * * * *' }, TypeError, 'got "61 * * * *" (string)'],
      [{ cron: '' }, RangeError, '`cron` to be a non-empty string'],
      [{ cron: '* * * * *', timezone: 'Mars/Olympus' }, RangeError, '`timezone` to be an IANA'],
      [{ every: 100, timezone: 'UTC' }, TypeError, '`timezone` applies to a `cron` schedule only'],
      [{ every: 100, limit: 0 }, RangeError, '`limit` to be a whole number >= 1 (or Infinity)'],
      [{ every: 100, limit: 1.5 }, RangeError, '`limit`'],
      [{ every: 100, startAt: new Date(NaN) }, RangeError, '`startAt` to be a valid Date'],
      [{ every: 100, startAt: '2026-01-01' }, TypeError, '`startAt`'],
      [{ every: 100, overlap: 'queue' }, TypeError, "`overlap` to be 'skip' or 'allow'"],
      [{ every: 100, delayMs: 10 }, TypeError, '`delayMs` does not mix with a repeat schedule'],
      [{ every: 100, runAt: Date.now() }, TypeError, '`runAt` does not mix with a repeat schedule'],
      [{ every: 100, evry: 1 }, TypeError, 'Unknown repeat option `evry`'],
      [
        { every: 100, timeout: 1 },
        TypeError,
        'Unknown repeat option `timeout` (did you mean `timeoutMs`?)',
      ],
      [{ every: 100, priority: NaN }, RangeError, '`priority` to be a finite number'],
      [{ every: 100, args: 'x' }, TypeError, '`args` to be an array'],
      [undefined, TypeError, 'options object with `every` or `cron`'],
      [null, TypeError, '`options` to be an options object'],
    ])('%o: %o', (options, kind, message) => {
      const { scheduler, clock } = createHarness();
      expect(() => scheduler.repeat(task, options as never)).toThrow(kind);
      expect(() => scheduler.repeat(task, options as never)).toThrow(message);
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps the cron parser’s own error as the cause', () => {
      const { scheduler } = createHarness();
      const error = (() => {
        try {
          scheduler.repeat(task, { cron: '61 * * * *' });
        } catch (thrown) {
          return thrown as TypeError;
        }
        return undefined;
      })();
      expect(error?.cause).toBeInstanceOf(Error);
      expect(error?.message).toContain('minute');
    });

    it('refuses what submitTask refuses: a non-task, SyncTask args that cannot be cloned', () => {
      const { scheduler } = createHarness();
      expect(() => scheduler.repeat({} as never, { every: 100 })).toThrow(TypeError);
      const sync = new SyncTask('sync', {
        module: new URL('../fixtures/add.mjs', import.meta.url),
      });
      expect(() => scheduler.repeat(sync, { every: 100, args: [() => 1] })).toThrow(TypeError);
    });

    it('turns a getter that throws into a TypeError naming the options', () => {
      const { scheduler } = createHarness();
      const options = {
        every: 100,
        get limit(): number {
          throw new Error('boom');
        },
      };
      expect(() => scheduler.repeat(task, options)).toThrow('Expected `options` to be readable');
    });
  });

  describe('.repeat() at a due time', () => {
    it('reports an occurrence that cannot be submitted on errors$ and goes on with the next', async () => {
      const { scheduler, clock, errors } = createHarness({}, { start: false });
      const sync = new SyncTask('sync', {
        module: new URL('../fixtures/add.mjs', import.meta.url),
      });
      const arg: { n: number; f?: () => void } = { n: 1 };
      const r = scheduler.repeat(sync, { every: 100, args: [arg], overlap: 'allow' });
      arg.f = () => undefined; // a function cannot be cloned to the thread any more
      await clock.advance(100);
      expect(occurrencesOf(scheduler, r.id)).toEqual([]);
      expect(errors.map((e) => [e instanceof SchedulerError, e.code])).toEqual([
        [true, 'ERR_REPEAT_SUBMIT_FAILED'],
      ]);
      expect(errors[0]?.cause).toBeInstanceOf(TypeError);
      delete arg.f;
      await clock.advance(100);
      expect(occurrencesOf(scheduler, r.id)).toHaveLength(1);
      expect(r.nextRunAt()).toBeDefined();
    });
  });

  describe('.repeat() types', () => {
    it('requires args when the task takes some, and exactly one of every or cron', () => {
      const { scheduler } = createHarness();
      const greet = new AsyncTask('greet', ({ args: [who] }: TaskContext<[string]>) => who);
      expectTypeOf(
        scheduler.repeat(greet, { every: 10, args: ['Ada'] }),
      ).toEqualTypeOf<RepeatHandle>();
      // @ts-expect-error -- args are required
      expect(() => scheduler.repeat(greet, { every: 10 })).not.toThrow();
      // @ts-expect-error -- args are checked against the task's
      scheduler.repeat(greet, { every: 10, args: [1] });
      // @ts-expect-error -- every and cron do not mix
      expect(() => scheduler.repeat(task, { every: 10, cron: '* * * * *' })).toThrow(TypeError);
      // @ts-expect-error -- timezone goes with cron only
      expect(() => scheduler.repeat(task, { every: 10, timezone: 'UTC' })).toThrow(TypeError);
      expectTypeOf<RepeatHandle['nextRunAt']>().returns.toEqualTypeOf<number | undefined>();
    });
  });
});
