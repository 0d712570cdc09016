import { describe, expect, it } from 'vitest';
import { AsyncTask, type TaskFn, type TaskModuleRef, type TaskOptions } from '../../src/index.js';

const noop = (): void => undefined;

/** Calls the constructor with values the types would refuse, as a JavaScript caller might. */
function construct(name: unknown, run: unknown, options?: unknown): AsyncTask {
  return new AsyncTask(
    name as string,
    run as TaskFn | TaskModuleRef,
    options as TaskOptions | undefined,
  );
}

describe('AsyncTask', () => {
  describe('constructor', () => {
    it('keeps the name, the body and the type', () => {
      const body = () => 1;
      const task = new AsyncTask('job', body);
      expect(task.name).toBe('job');
      expect(task.run).toBe(body);
      expect(task.type).toBe('async');
    });

    it('accepts a module reference, as a string or a URL, with or without an export', () => {
      expect(new AsyncTask('a', { module: './x.mjs' }).run).toEqual({ module: './x.mjs' });
      const url = new URL('file:///tmp/x.mjs');
      expect(new AsyncTask('b', { module: url, export: 'run' }).run).toEqual({
        module: url,
        export: 'run',
      });
    });

    it('keeps a frozen copy of the options', () => {
      const options: TaskOptions = { timeoutMs: 10, priority: 2 };
      const task = new AsyncTask('job', noop, options);
      expect(task.options).toEqual({ timeoutMs: 10, priority: 2 });
      expect(Object.isFrozen(task.options)).toBe(true);
      options.priority = 99;
      expect(task.options.priority).toBe(2);
    });

    it('keeps its definition read-only: a name or body changed later would skip validation', () => {
      const ref = { module: './x.mjs' };
      const task = new AsyncTask('job', ref);
      expect(() => {
        (task as { name: string }).name = '';
      }).toThrow(TypeError);
      expect(() => {
        (task as { run: unknown }).run = 42;
      }).toThrow(TypeError);
      ref.module = './other.mjs';
      expect(task.run).toEqual({ module: './x.mjs' });
      expect(task.name).toBe('job');
    });

    it('can still be subclassed with fields of its own', () => {
      class TracedTask extends AsyncTask {
        readonly traceId = 't-1';
      }
      const task = new TracedTask('traced', noop);
      expect(task).toMatchObject({ name: 'traced', traceId: 't-1', type: 'async' });
    });

    it('has empty options when none are given', () => {
      expect(new AsyncTask('job', noop).options).toEqual({});
    });

    it('accepts timeoutMs 0, fractional timeouts, and any finite priority', () => {
      expect(() => new AsyncTask('a', noop, { timeoutMs: 0 })).not.toThrow();
      expect(() => new AsyncTask('a', noop, { timeoutMs: 2.5 })).not.toThrow();
      expect(() => new AsyncTask('a', noop, { priority: -3.5 })).not.toThrow();
    });
  });

  describe('bad name', () => {
    it.each([
      [undefined, 'undefined'],
      [42, '42 (number)'],
      [null, 'null'],
      [{}, 'an object (Object)'],
    ])('refuses %s with a TypeError saying what came', (name, shown) => {
      expect(() => construct(name, noop)).toThrow(
        new TypeError(`Expected \`name\` to be a non-empty string, got ${shown}`),
      );
    });

    it.each(['', '   '])('refuses %j with a RangeError', (name) => {
      expect(() => construct(name, noop)).toThrow(RangeError);
      expect(() => construct(name, noop)).toThrow(
        /Expected `name` to be a non-empty string, got "/,
      );
    });
  });

  describe('bad body', () => {
    it.each([
      [undefined, 'undefined'],
      [null, 'null'],
      ['./x.mjs', '"./x.mjs" (string)'],
      [42, '42 (number)'],
      [{}, 'an object (Object)'],
      [{ module: '' }, 'an object (Object)'],
      [{ module: 42 }, 'an object (Object)'],
      [{ module: './x.mjs', export: 1 }, 'an object (Object)'],
      [[noop], 'an array'],
    ])('refuses %j with a TypeError saying what was expected and what came', (run, shown) => {
      const error = (() => {
        try {
          construct('job', run);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(
        `Expected \`run\` to be a function or a module reference { module: string | URL, export?: string }, got ${shown}`,
      );
    });
  });

  describe('bad options', () => {
    it.each([null, 5, 'fast', [1]])('refuses options %j with a TypeError', (options) => {
      expect(() => construct('job', noop, options)).toThrow(TypeError);
      expect(() => construct('job', noop, options)).toThrow(/Expected `options` to be/);
    });

    it.each([
      [-1, 'Expected `timeoutMs` to be a finite number >= 0, got -1 (number)'],
      [NaN, 'Expected `timeoutMs` to be a finite number >= 0, got NaN (number)'],
      [-Infinity, 'Expected `timeoutMs` to be a finite number >= 0, got -Infinity (number)'],
    ])('refuses timeoutMs %s with a RangeError', (timeoutMs, message) => {
      expect(() => construct('job', noop, { timeoutMs })).toThrow(new RangeError(message));
    });

    it.each([
      ['100', '"100" (string)'],
      [null, 'null'],
      [true, 'true (boolean)'],
    ])('refuses timeoutMs %j with a TypeError', (timeoutMs, shown) => {
      expect(() => construct('job', noop, { timeoutMs })).toThrow(
        new TypeError(`Expected \`timeoutMs\` to be a finite number >= 0, got ${shown}`),
      );
    });

    it.each([NaN, Infinity, -Infinity])('refuses priority %s with a RangeError', (priority) => {
      expect(() => construct('job', noop, { priority })).toThrow(RangeError);
      expect(() => construct('job', noop, { priority })).toThrow(
        /Expected `priority` to be a finite number, got .*\(number\)/,
      );
    });

    it.each(['1', null, 1n])('refuses priority %s with a TypeError', (priority) => {
      expect(() => construct('job', noop, { priority })).toThrow(TypeError);
    });

    it('refuses an unknown option, naming it and the option it most likely meant', () => {
      expect(() => construct('job', noop, { timeout: 100 })).toThrow(
        new TypeError('Unknown task option `timeout` (did you mean `timeoutMs`?)'),
      );
      expect(() => construct('job', noop, { Priority: 1 })).toThrow(
        new TypeError('Unknown task option `Priority` (did you mean `priority`?)'),
      );
      expect(() => construct('job', noop, { retries: 3 })).toThrow(
        new TypeError('Unknown task option `retries`'),
      );
    });

    it.each(['onSubmit', 'onSchedule', 'onStart', 'onDone', 'onError', 'onTimeout', 'onCancel'])(
      'refuses a %s that is not a function',
      (name) => {
        expect(() => construct('job', noop, { [name]: 'not a function' })).toThrow(
          new TypeError(
            `Expected \`options.${name}\` to be a function, got "not a function" (string)`,
          ),
        );
      },
    );
  });
});
