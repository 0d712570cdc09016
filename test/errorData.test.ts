import { afterEach, describe, expect, it } from 'vitest';
import {
  errorFromData,
  ownErrorData,
  taskFailure,
  toErrorData,
  withoutCapturedStack,
} from '../src/errorData.js';
import { SchedulerError, TaskCanceledError } from '../src/errors.js';

describe('toErrorData / errorFromData', () => {
  it('round-trips a built-in error class as itself, with its code and stack', () => {
    const original = Object.assign(new RangeError('too far'), { code: 'E_FAR' });
    const rebuilt = errorFromData(toErrorData(original));
    expect(rebuilt).toBeInstanceOf(RangeError);
    expect(rebuilt).toMatchObject({ name: 'RangeError', message: 'too far', code: 'E_FAR' });
    expect(rebuilt.stack).toBe(original.stack);
  });

  it('rebuilds any other class as an Error carrying its name', () => {
    class ValidationError extends Error {
      override name = 'ValidationError';
    }
    const rebuilt = errorFromData(toErrorData(new ValidationError('bad')));
    expect(rebuilt.constructor).toBe(Error);
    expect(rebuilt).toMatchObject({ name: 'ValidationError', message: 'bad' });
  });

  it('does not take a name from the prototype chain for a class', () => {
    const rebuilt = errorFromData({ name: 'constructor', message: 'odd' });
    expect(rebuilt.constructor).toBe(Error);
    expect(rebuilt.name).toBe('constructor');
  });

  it('describes a thrown non-Error value', () => {
    expect(toErrorData(42)).toEqual({ name: 'NonError', message: '42' });
  });
});

describe('ownErrorData', () => {
  const defaultPrepare = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  afterEach(() => {
    if (defaultPrepare === undefined) Reflect.deleteProperty(Error, 'prepareStackTrace');
    else Object.defineProperty(Error, 'prepareStackTrace', defaultPrepare);
  });

  it('formats the stack of a scheduler error only when it is read, then as it would have been', () => {
    let formatted = 0;
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
      formatted++;
      return `${error.name}: ${error.message}\n    ${frames.length} frames`;
    };
    const error = new TaskCanceledError('task-1', 'not needed');
    const data = ownErrorData(error);
    expect(formatted).toBe(0);
    expect(data).toMatchObject({ name: 'TaskCanceledError', code: error.code });
    expect(data.stack).toMatch(/^TaskCanceledError: .*not needed/);
    expect(data.stack).toBe(error.stack);
    expect(formatted).toBe(1);
  });

  it('is frozen plain data that JSON and structured clone carry whole, stack included', () => {
    const error = new TaskCanceledError('task-1', 'not needed');
    const data = ownErrorData(error);
    expect(Object.isFrozen(data)).toBe(true);
    expect(Object.keys(data)).toEqual(['name', 'message', 'code', 'stack']);
    const expected = { ...toErrorData(error) };
    expect(structuredClone(data)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(data))).toEqual(expected);
    expect(errorFromData(data).stack).toBe(error.stack);
  });
});

describe('taskFailure()', () => {
  const task = { name: 'job', id: 'id-1' };

  it('keeps an Error as the failure, with its fields as data', () => {
    const error = Object.assign(new Error('boom'), { code: 'E_BOOM' });
    const { failure, data } = taskFailure(error, task);
    expect(failure).toBe(error);
    expect(data).toMatchObject({ name: 'Error', message: 'boom', code: 'E_BOOM' });
  });

  it('wraps a non-Error in ERR_NON_ERROR_THROWN, the value as cause', () => {
    const { failure, data } = taskFailure({ plain: true }, task);
    expect(failure).toBeInstanceOf(SchedulerError);
    expect(failure.cause).toEqual({ plain: true });
    expect(data.code).toBe('ERR_NON_ERROR_THROWN');
  });

  it('fails a value whose instanceof throws with ERR_HOSTILE_VALUE, what the trap threw as cause', () => {
    const trapError = new Error('getPrototypeOf trap');
    const thrown = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw trapError;
        },
      },
    );
    const { failure, data } = taskFailure(thrown, task);
    expect(failure).toBeInstanceOf(SchedulerError);
    expect(failure.cause).toBe(trapError);
    expect(data).toMatchObject({
      code: 'ERR_HOSTILE_VALUE',
      message:
        'Task "job" threw a value whose prototype cannot be read (`instanceof` threw): getPrototypeOf trap',
    });
  });

  it('fails an Error whose fields throw when read with ERR_HOSTILE_VALUE', () => {
    const thrown = new Proxy(new Error('wrapped'), {
      get() {
        throw new Error('get trap');
      },
    });
    const { data } = taskFailure(thrown, task);
    expect(data).toMatchObject({
      code: 'ERR_HOSTILE_VALUE',
      message: 'Task "job" threw an Error whose fields throw when read: get trap',
    });
  });
});

describe('withoutCapturedStack()', () => {
  it('gives the error the stack it is told, and leaves the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const error = withoutCapturedStack(
      () => new TaskCanceledError('id-1', 'stopped'),
      (made) => `${made.name}: ${made.message}\n    at elsewhere`,
    );
    expect(error.stack).toBe('TaskCanceledError: Task canceled: stopped\n    at elsewhere');
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
