import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  TaskState,
  type SchedulerErrorCode,
  type TaskContext,
  type TaskId,
  type TaskInfo,
  type TaskModuleRef,
  type TaskTransition,
} from '../src/index.js';

/**
 * Type-level checks of the public API: `tsc --noEmit` fails when one breaks. Statements that
 * would do something at run time sit in functions that are never called.
 */
describe('public types', () => {
  it('infers a task’s args and result from its body', () => {
    const task = new AsyncTask('t', ({ args: [n, s] }: TaskContext<[number, string]>) =>
      s.repeat(n),
    );
    expectTypeOf(task).toEqualTypeOf<AsyncTask<[number, string], string>>();
    expectTypeOf(task.type).toEqualTypeOf<'async'>();
  });

  it('checks submitTask arguments against the task', () => {
    const task = new AsyncTask('t', ({ args: [n] }: TaskContext<[number]>) => n * 2);
    const misuse = (scheduler: AsyncScheduler): void => {
      expectTypeOf(scheduler.submitTask(task, 1)).toEqualTypeOf<TaskId<number>>();
      // @ts-expect-error -- a string where the task takes a number
      scheduler.submitTask(task, 'one');
      // @ts-expect-error -- a missing argument
      scheduler.submitTask(task);
    };
    expectTypeOf(misuse).toBeFunction();
  });

  it('types the methods', () => {
    expectTypeOf<AsyncScheduler['waitTask']>().returns.toEqualTypeOf<Promise<TaskInfo>>();
    expectTypeOf<AsyncScheduler['cancelTask']>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<AsyncScheduler['stop']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<AsyncScheduler['taskState']>().returns.toEqualTypeOf<TaskState>();
    expectTypeOf<AsyncScheduler['taskInfo']>().returns.toEqualTypeOf<TaskInfo>();
    expectTypeOf<AsyncScheduler['dumpTask']>().returns.toEqualTypeOf<TaskInfo[]>();
    expectTypeOf<AsyncScheduler['slowest']>().returns.toEqualTypeOf<TaskInfo[]>();
    expectTypeOf<AsyncScheduler['start']>().returns.toEqualTypeOf<AsyncScheduler>();
    expectTypeOf<AsyncScheduler['cancelTask']>().parameters.toEqualTypeOf<
      [id: string, reason?: string]
    >();
    const results = (scheduler: AsyncScheduler): void => {
      expectTypeOf(scheduler.result<number>('id')).toEqualTypeOf<Promise<number>>();
      expectTypeOf(scheduler.result('id')).toEqualTypeOf<Promise<unknown>>();
    };
    expectTypeOf(results).toBeFunction();
  });

  it('types the streams', () => {
    expectTypeOf<AsyncScheduler['transitions$']>().toEqualTypeOf<Observable<TaskTransition>>();
    expectTypeOf<AsyncScheduler['errors$']>().toEqualTypeOf<Observable<SchedulerError>>();
  });

  it('makes TaskState a union of its string values', () => {
    expectTypeOf<TaskState>().toEqualTypeOf<
      'NEW' | 'SUBMITTED' | 'SCHEDULED' | 'STARTED' | 'TIMED_OUT' | 'FAILED' | 'DONE' | 'CANCELED'
    >();
    expectTypeOf(TaskState.STARTED).toEqualTypeOf<'STARTED'>();
  });

  it('makes TaskInfo read-only', () => {
    expectTypeOf<TaskInfo['args']>().toEqualTypeOf<readonly unknown[]>();
    const mutate = (info: TaskInfo): void => {
      // @ts-expect-error -- TaskInfo is a frozen snapshot
      info.state = 'DONE';
    };
    expectTypeOf(mutate).toBeFunction();
  });

  it('accepts a module reference with a string or a URL', () => {
    expectTypeOf<{ module: URL }>().toExtend<TaskModuleRef>();
    expectTypeOf<{ module: string; export: string }>().toExtend<TaskModuleRef>();
    expectTypeOf(new AsyncTask('m', { module: './x.mjs' })).toEqualTypeOf<AsyncTask>();
  });

  it('types SchedulerError codes as a closed union', () => {
    expectTypeOf<SchedulerError['code']>().toEqualTypeOf<SchedulerErrorCode>();
    expectTypeOf<'ERR_TASK_TIMEOUT'>().toExtend<SchedulerErrorCode>();
    expectTypeOf<'ERR_NOPE'>().not.toExtend<SchedulerErrorCode>();
  });

  it('refuses bad option types at compile time', () => {
    const misuse = (): void => {
      const noop = (): undefined => undefined;
      // @ts-expect-error -- timeoutMs is a number
      new AsyncTask('t', noop, { timeoutMs: '5' });
      // @ts-expect-error -- a body is a function or a module reference
      new AsyncTask('t', 42);
      // @ts-expect-error -- concurrency is a number
      new AsyncScheduler({ concurrency: 'many' });
    };
    expectTypeOf(misuse).toBeFunction();
  });
});
