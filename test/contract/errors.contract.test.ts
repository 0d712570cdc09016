// Typed errors, TaskState and input validation, against docs/contract.md and the README.
import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerStoppedError,
  SyncTask,
  TaskCanceledError,
  TaskState,
  TaskTimeoutError,
  UnknownTaskError,
  WaitTimeoutError,
  WorkerCrashedError,
  isFinished,
  isRunning,
} from '../../src/index.js';
import { contractFixture, deferred, ownSchedulers, rejectionOf, thrownBy } from './helpers.js';

const { scheduler } = ownSchedulers();

const fn = () => 1;
const moduleRef = { module: contractFixture('sync.mjs') };

describe('TaskState and its helpers', () => {
  it('has exactly the eight states, each value equal to its key', () => {
    expect(Object.keys(TaskState).sort()).toEqual(
      [
        'CANCELED',
        'DONE',
        'FAILED',
        'NEW',
        'SCHEDULED',
        'STARTED',
        'SUBMITTED',
        'TIMED_OUT',
      ].sort(),
    );
    for (const [key, value] of Object.entries(TaskState)) expect(value).toBe(key);
  });

  it('isRunning is true for STARTED only; isFinished for the four final states', () => {
    for (const state of Object.values(TaskState)) {
      expect(isRunning(state), state).toBe(state === 'STARTED');
      expect(isFinished(state), state).toBe(
        ['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED'].includes(state),
      );
    }
  });
});

describe('typed errors', () => {
  const classes = {
    UnknownTaskError,
    SchedulerStoppedError,
    TaskTimeoutError,
    TaskCanceledError,
    WorkerCrashedError,
    WaitTimeoutError,
  };

  it('every error class is a SchedulerError, which is an Error', () => {
    for (const [name, cls] of Object.entries(classes)) {
      expect(cls.prototype, name).toBeInstanceOf(SchedulerError);
      expect(cls.prototype, name).toBeInstanceOf(Error);
    }
    expect(SchedulerError.prototype).toBeInstanceOf(Error);
  });

  it('errors met in use carry their class name, a fixed code and the task id', async () => {
    const s = scheduler();
    const caught: Record<string, SchedulerError> = {};

    caught['UnknownTaskError'] = thrownBy(() => s.taskState('missing')) as SchedulerError;

    s.start();
    const timeoutId = s.submitTask(
      new AsyncTask('slow', () => new Promise(() => undefined), { timeoutMs: 5 }),
    );
    caught['TaskTimeoutError'] = (await rejectionOf(s.result(timeoutId))) as SchedulerError;

    const gate = deferred();
    const waitId = s.submitTask(new AsyncTask('gated', () => gate.promise));
    caught['WaitTimeoutError'] = (await rejectionOf(
      s.waitTask(waitId, { timeoutMs: 5 }),
    )) as SchedulerError;

    const cancelId = s.submitTask(new AsyncTask('gated', () => gate.promise));
    const canceled = rejectionOf(s.result(cancelId));
    await s.cancelTask(cancelId);
    caught['TaskCanceledError'] = (await canceled) as SchedulerError;
    gate.resolve();

    const crashed = s.submitTask(new SyncTask('exit', { ...moduleRef, export: 'exit' }));
    caught['WorkerCrashedError'] = (await rejectionOf(s.result(crashed))) as SchedulerError;

    await s.stop();
    caught['SchedulerStoppedError'] = thrownBy(() =>
      s.submitTask(new AsyncTask('late', fn)),
    ) as SchedulerError;

    const codes = new Set<string>();
    for (const [name, error] of Object.entries(caught)) {
      expect(error, name).toBeInstanceOf(classes[name as keyof typeof classes]);
      expect(error, name).toBeInstanceOf(SchedulerError);
      expect(error.name, name).toBe(name);
      expect(typeof error.code, name).toBe('string');
      expect(error.code.length, name).toBeGreaterThan(0);
      expect(error.message.length, name).toBeGreaterThan(0);
      codes.add(error.code);
    }
    expect(codes.size).toBe(Object.keys(caught).length);
    expect(caught['UnknownTaskError'].taskId).toBe('missing');
    expect(caught['TaskTimeoutError'].taskId).toBe(timeoutId);
    expect(caught['WaitTimeoutError'].taskId).toBe(waitId);
    expect(caught['TaskCanceledError'].taskId).toBe(cancelId);
    expect(caught['WorkerCrashedError'].taskId).toBe(crashed);
  });

  it('a FAILED task’s error record carries the code of a SchedulerError', async () => {
    const s = scheduler().start();
    const id = s.submitTask(new SyncTask('exit', { ...moduleRef, export: 'exit' }));
    const info = await s.waitTask(id);
    expect(info.state).toBe('FAILED');
    expect(info.error?.name).toBe('WorkerCrashedError');
    expect(typeof info.error?.code).toBe('string');
  });
});

describe('input validation', () => {
  const expectError = (
    call: () => unknown,
    type: typeof TypeError | typeof RangeError,
    what: RegExp,
  ) => {
    const error = thrownBy(call);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(what);
  };

  it('task name must be a non-empty string', () => {
    for (const name of [undefined, null, 42, {}, Symbol('x')]) {
      expectError(() => new AsyncTask(name as string, fn), TypeError, /name/i);
      expectError(() => new SyncTask(name as string, moduleRef), TypeError, /name/i);
    }
    const empty = thrownBy(() => new AsyncTask('', fn));
    expect(empty instanceof TypeError || empty instanceof RangeError).toBe(true);
    expect((empty as Error).message).toMatch(/name/i);
  });

  it('an AsyncTask body must be a function or a module reference', () => {
    for (const body of [
      undefined,
      null,
      42,
      'module.mjs',
      {},
      { module: 42 },
      { module: '' },
      { export: 'x' },
    ]) {
      const error = thrownBy(() => new AsyncTask('t', body as unknown as () => void));
      expect(error instanceof TypeError || error instanceof RangeError, JSON.stringify(body)).toBe(
        true,
      );
    }
    expectError(
      () => new AsyncTask('t', { module: moduleRef.module, export: 5 } as never),
      TypeError,
      /export/i,
    );
    expect(() => new AsyncTask('t', moduleRef)).not.toThrow();
    expect(
      () => new AsyncTask('t', { module: moduleRef.module.href, export: 'echo' }),
    ).not.toThrow();
  });

  it('a SyncTask body must be a module reference, not a function', () => {
    expectError(() => new SyncTask('t', fn as never), TypeError, /module/i);
    expectError(() => new SyncTask('t', {} as never), TypeError, /module/i);
    expect(() => new SyncTask('t', moduleRef)).not.toThrow();
  });

  it('timeoutMs: negative or NaN → RangeError; not a number → TypeError; 0 is allowed', () => {
    expectError(() => new AsyncTask('t', fn, { timeoutMs: -1 }), RangeError, /timeoutMs/);
    expectError(() => new AsyncTask('t', fn, { timeoutMs: Number.NaN }), RangeError, /timeoutMs/);
    expectError(() => new SyncTask('t', moduleRef, { timeoutMs: -1 }), RangeError, /timeoutMs/);
    expectError(() => new AsyncTask('t', fn, { timeoutMs: '5' as never }), TypeError, /timeoutMs/);
    expect(() => new AsyncTask('t', fn, { timeoutMs: 0 })).not.toThrow();
    expect(() => new AsyncTask('t', fn, { timeoutMs: 1.5 })).not.toThrow();
  });

  it('priority: NaN → RangeError; not a number → TypeError; negatives are fine', () => {
    expectError(() => new AsyncTask('t', fn, { priority: Number.NaN }), RangeError, /priority/);
    expectError(() => new AsyncTask('t', fn, { priority: '1' as never }), TypeError, /priority/);
    expect(() => new AsyncTask('t', fn, { priority: -3 })).not.toThrow();
  });

  it('callbacks must be functions', () => {
    expectError(() => new AsyncTask('t', fn, { onDone: 5 as never }), TypeError, /onDone/);
    expectError(() => new AsyncScheduler({ onStart: 'x' as never }), TypeError, /onStart/);
  });

  it('concurrency: a positive integer or Infinity', () => {
    for (const c of [0, -1, 1.5, Number.NaN]) {
      expectError(() => new AsyncScheduler({ concurrency: c }), RangeError, /concurrency/);
    }
    expectError(() => new AsyncScheduler({ concurrency: '2' as never }), TypeError, /concurrency/);
    expect(() => new AsyncScheduler({ concurrency: Infinity })).not.toThrow();
    expect(() => new AsyncScheduler({ concurrency: 1 })).not.toThrow();
  });

  it('threads: a positive integer', () => {
    for (const t of [0, -1, 1.5, Number.NaN]) {
      expectError(() => new AsyncScheduler({ threads: t }), RangeError, /threads/);
    }
    expectError(() => new AsyncScheduler({ threads: '2' as never }), TypeError, /threads/);
  });

  it('retention: maxFinished and maxAgeMs non-negative numbers', () => {
    for (const bad of [-1, Number.NaN]) {
      expectError(
        () => new AsyncScheduler({ retention: { maxFinished: bad } }),
        RangeError,
        /maxFinished/,
      );
      expectError(
        () => new AsyncScheduler({ retention: { maxAgeMs: bad } }),
        RangeError,
        /maxAgeMs/,
      );
    }
    expectError(
      () => new AsyncScheduler({ retention: { maxFinished: 'x' as never } }),
      TypeError,
      /maxFinished/,
    );
    expectError(() => new AsyncScheduler({ retention: 5 as never }), TypeError, /retention/);
    expect(
      () => new AsyncScheduler({ retention: { maxFinished: 10, maxAgeMs: Infinity } }),
    ).not.toThrow();
  });

  it('submitTask wants a task', () => {
    const s = scheduler();
    for (const bad of [undefined, null, {}, fn, 'task']) {
      expectError(() => s.submitTask(bad as never), TypeError, /task/i);
    }
  });

  it('messages say what was expected and what came', () => {
    const error = thrownBy(() => new AsyncTask('t', fn, { timeoutMs: -7 })) as Error;
    expect(error.message).toMatch(/timeoutMs/);
    expect(error.message).toMatch(/-7/);
  });
});
