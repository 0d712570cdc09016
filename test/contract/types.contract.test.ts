// The contract's names as types: checked by `tsc --noEmit` (and a few values at run time).
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerThread,
  SyncTask,
  TaskState,
  isFinished,
  isRunning,
  type TaskContext,
  type TaskFn,
  type TaskInfo,
  type TaskModuleRef,
  type TaskOptions,
  type TaskTransition,
} from '../../src/index.js';
import type { Observable } from 'rxjs';

describe('the contract’s types', () => {
  it('TaskState is a value and a type', () => {
    const state: TaskState = TaskState.DONE;
    expect(isFinished(state)).toBe(true);
    expect(isRunning(TaskState.STARTED)).toBe(true);
  });

  it('the method signatures match the contract', () => {
    type S = AsyncScheduler;
    expectTypeOf<ReturnType<S['submitTask']>>().toEqualTypeOf<string>();
    expectTypeOf<ReturnType<S['taskState']>>().toEqualTypeOf<TaskState>();
    expectTypeOf<ReturnType<S['taskInfo']>>().toEqualTypeOf<TaskInfo>();
    expectTypeOf<ReturnType<S['waitTask']>>().toEqualTypeOf<Promise<TaskInfo>>();
    expectTypeOf<ReturnType<S['cancelTask']>>().toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<ReturnType<S['dumpTask']>>().toEqualTypeOf<TaskInfo[]>();
    expectTypeOf<ReturnType<S['slowest']>>().toEqualTypeOf<TaskInfo[]>();
    expectTypeOf<ReturnType<S['stop']>>().toEqualTypeOf<Promise<void>>();
    expectTypeOf<S['transitions$']>().toEqualTypeOf<Observable<TaskTransition>>();
    type T = SchedulerThread;
    expectTypeOf<ReturnType<T['taskInfo']>>().toEqualTypeOf<TaskInfo>();
    expectTypeOf<T['transitions$']>().toEqualTypeOf<Observable<TaskTransition>>();
    expect(new SchedulerThread('types')).toBeInstanceOf(SchedulerThread);
  });

  it('the shapes are the contract’s', () => {
    const fn: TaskFn<[number, string], string> = (ctx: TaskContext<[number, string]>) => {
      const { id, name, lane, args, signal } = ctx;
      return `${id}${name}${lane}${args[0]}${args[1]}${String(signal.aborted)}`;
    };
    const ref: TaskModuleRef = { module: new URL('file:///x.mjs'), export: 'x' };
    const ref2: TaskModuleRef = { module: '/x.mjs' };
    const options: TaskOptions = {
      timeoutMs: 1,
      priority: 1,
      onSubmit: (info: TaskInfo) => info.id,
      onDone: (info) => info.result,
    };
    const fromFn = new AsyncTask('fn', fn, options);
    const fromRef = new AsyncTask('ref', ref);
    const sync = new SyncTask('ref', ref2, options);
    expect([fromFn.type, fromRef.type, sync.type]).toEqual(['async', 'async', 'sync']);
    expect(fromFn.run).toBe(fn);
    expect(sync.options).toMatchObject({ timeoutMs: 1, priority: 1 });
    expectTypeOf(fromFn).toEqualTypeOf<AsyncTask<[number, string], string>>();
    // @ts-expect-error -- a SyncTask body is a module reference, never a function
    expect(() => new SyncTask('fn', fn)).toThrow(TypeError);
    // @ts-expect-error -- a TaskModuleRef names its module
    const noModule: TaskModuleRef = { export: 'x' };
    expect(noModule).toEqual({ export: 'x' });
    // @ts-expect-error -- priority is a number
    const badPriority: TaskOptions = { priority: 'high' };
    expect(badPriority).toEqual({ priority: 'high' });
    expectTypeOf<TaskInfo['type']>().toEqualTypeOf<'async' | 'sync'>();
    expectTypeOf<TaskInfo['state']>().toEqualTypeOf<TaskState>();
    expectTypeOf<TaskTransition['from']>().toEqualTypeOf<TaskState>();
    expectTypeOf<TaskTransition['info']>().toEqualTypeOf<TaskInfo>();
    expectTypeOf<TaskInfo['ts']['submit']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TaskInfo['error']>().toExtend<
      { name: string; message: string; code?: string; stack?: string } | undefined
    >();
  });
});
