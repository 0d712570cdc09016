import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AsyncTask,
  SyncTask,
  type AsyncScheduler,
  type SchedulerThread,
  type SubmitOptions,
  type TaskContext,
  type TaskHandle,
  type TaskId,
  type TaskInfo,
  type TaskState,
  type TaskTransition,
} from '../../src/index.js';

/**
 * Type-level checks of typed ids, `submit()` and handles, on both schedulers: `tsc --noEmit`
 * (part of `npm run lint`) fails when one breaks. Statements that would submit sit in
 * functions that are never called.
 */
const MODULE = new URL('file:///never/loaded.mjs');
const double = new AsyncTask('double', ({ args: [n] }: TaskContext<[number]>) => n * 2);
const hash = new SyncTask<[string], string>('hash', { module: MODULE });
const tick = new AsyncTask('tick', () => new Date(0));
const optional = new AsyncTask('opt', ({ args: [n = 1] }: TaskContext<[number?]>) => n);
const untyped = new AsyncTask('untyped', { module: MODULE });

describe('typed ids and handles', () => {
  it('TaskId is a string whose type carries the result', () => {
    expectTypeOf<TaskId<number>>().toExtend<string>();
    expectTypeOf<string>().toExtend<TaskId<number>>();
    expectTypeOf<TaskId<number>>().not.toExtend<TaskId<Date>>();
    expectTypeOf<TaskId>().toEqualTypeOf<string>();
  });

  it('submitTask checks args against the task and returns its TaskId', () => {
    const onAsync = (s: AsyncScheduler): void => {
      expectTypeOf(s.submitTask(double, 1)).toEqualTypeOf<TaskId<number>>();
      expectTypeOf(s.submitTask(hash, 'x')).toEqualTypeOf<TaskId<string>>();
      expectTypeOf(s.submitTask(tick)).toEqualTypeOf<TaskId<Date>>();
      expectTypeOf(s.submitTask(optional)).toEqualTypeOf<TaskId<number>>();
      expectTypeOf(s.submitTask(untyped, 1, 'a')).toEqualTypeOf<string>();
      // @ts-expect-error -- a string where the task takes a number
      s.submitTask(double, '1');
      // @ts-expect-error -- a missing argument
      s.submitTask(hash);
      // @ts-expect-error -- one argument too many
      s.submitTask(double, 1, 2);
    };
    const onThread = (s: SchedulerThread): void => {
      expectTypeOf(s.submitTask(hash, 'x')).toEqualTypeOf<TaskId<string>>();
      // @ts-expect-error -- a number where the task takes a string
      s.submitTask(hash, 1);
    };
    expectTypeOf(onAsync).toBeFunction();
    expectTypeOf(onThread).toBeFunction();
  });

  it('result(id) resolves to the task’s result, and refuses a contradicting one', () => {
    const onEach = async (s: AsyncScheduler, t: SchedulerThread, info: TaskInfo) => {
      expectTypeOf(s.result(s.submitTask(double, 1))).toEqualTypeOf<Promise<number>>();
      expectTypeOf(t.result(t.submitTask(hash, 'x'))).toEqualTypeOf<Promise<string>>();
      const id = s.submitTask(double, 1);
      // @ts-expect-error -- the id is of a task that resolves to a number
      await s.result<Date>(id);
      // @ts-expect-error -- the same on a SchedulerThread
      await t.result<number>(t.submitTask(hash, 'x'));
      // A plain string is any task's id: unknown, or what the caller states.
      expectTypeOf(s.result(info.id)).toEqualTypeOf<Promise<unknown>>();
      expectTypeOf(t.result<Date>(info.id)).toEqualTypeOf<Promise<Date>>();
      // An untyped task's id is a plain string too.
      expectTypeOf(s.result<Date>(s.submitTask(untyped))).toEqualTypeOf<Promise<Date>>();
    };
    expectTypeOf(onEach).toBeFunction();
  });

  it('submit requires args exactly when the task cannot run without them', () => {
    const onAsync = (s: AsyncScheduler): void => {
      expectTypeOf(s.submit(double, { args: [1] })).toEqualTypeOf<TaskHandle<number>>();
      expectTypeOf(s.submit(tick)).toEqualTypeOf<TaskHandle<Date>>();
      expectTypeOf(s.submit(tick, { priority: 2 })).toEqualTypeOf<TaskHandle<Date>>();
      expectTypeOf(s.submit(optional)).toEqualTypeOf<TaskHandle<number>>();
      expectTypeOf(s.submit(untyped, { key: 'k' })).toEqualTypeOf<TaskHandle>();
      s.submit(double, {
        args: [1],
        priority: 1,
        timeoutMs: 10,
        signal: AbortSignal.timeout(1),
        key: 'k',
      });
      // @ts-expect-error -- the task takes a number: args are required
      s.submit(double);
      // @ts-expect-error -- the same, with options but no args
      s.submit(double, { priority: 1 });
      // @ts-expect-error -- args of the wrong type
      s.submit(double, { args: ['1'] });
      s.submit(tick, { delayMs: 5, retry: { attempts: 3, backoff: { delayMs: 10 } } });
      s.submit(tick, { runAt: new Date() });
      // @ts-expect-error -- a retry policy needs its attempts
      s.submit(tick, { retry: { backoff: { delayMs: 10 } } });
      // @ts-expect-error -- runAt is a Date or epoch ms
      s.submit(tick, { runAt: '2027-01-01' });
    };
    const onThread = (s: SchedulerThread): void => {
      expectTypeOf(s.submit(hash, { args: ['x'] })).toEqualTypeOf<TaskHandle<string>>();
      // @ts-expect-error -- args are required
      s.submit(hash, {});
    };
    expectTypeOf(onAsync).toBeFunction();
    expectTypeOf(onThread).toBeFunction();
    expectTypeOf<SubmitOptions<[string]>['args']>().toEqualTypeOf<[string] | undefined>();
  });

  it('types the handle, which is not a thenable', () => {
    type H = TaskHandle<number>;
    expectTypeOf<H['id']>().toEqualTypeOf<TaskId<number>>();
    expectTypeOf<H['state']>().toEqualTypeOf<TaskState>();
    expectTypeOf<H['info']>().returns.toEqualTypeOf<TaskInfo>();
    expectTypeOf<H['wait']>().returns.toEqualTypeOf<Promise<TaskInfo>>();
    expectTypeOf<H['result']>().returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf<H['cancel']>().parameters.toEqualTypeOf<[reason?: string]>();
    expectTypeOf<H['cancel']>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<H['transitions$']>().toEqualTypeOf<Observable<TaskTransition>>();
    expectTypeOf<H>().not.toHaveProperty('then');
    const flows = async (s: AsyncScheduler) => {
      const h = s.submit(double, { args: [2] });
      expectTypeOf(await s.result(h.id)).toEqualTypeOf<number>();
      expectTypeOf(await h.result()).toEqualTypeOf<number>();
    };
    expectTypeOf(flows).toBeFunction();
  });
});
