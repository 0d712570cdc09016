import { describe, expect, expectTypeOf, it } from 'vitest';
import { AsyncTask, SyncTask, type TaskModuleRef, type TaskOptions } from '../../src/index.js';

const REF: TaskModuleRef = { module: './test/fixtures/sync/work.mjs' };
const MODULE_REF_EXPECTED =
  'Expected `run` to be a module reference { module: string | URL, export?: string }, got';

/** Calls the constructor with values the types would refuse, as a JavaScript caller might. */
function construct(name: unknown, run: unknown, options?: unknown): SyncTask {
  return new SyncTask(name as string, run as TaskModuleRef, options as TaskOptions | undefined);
}

/** What `fn` threw; fails when it did not throw. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected a throw');
}

describe('SyncTask', () => {
  describe('constructor', () => {
    it("keeps the name and the body, and its type is 'sync'", () => {
      const task = new SyncTask('hash', { module: './hash.mjs', export: 'hash' });
      expect(task.name).toBe('hash');
      expect(task.run).toEqual({ module: './hash.mjs', export: 'hash' });
      expect(task.type).toBe('sync');
      expect(task).not.toBeInstanceOf(AsyncTask);
      expectTypeOf(task.type).toEqualTypeOf<'sync'>();
    });

    it('accepts a module given as a URL, with or without an export', () => {
      const url = new URL('file:///tmp/x.mjs');
      expect(new SyncTask('a', { module: url }).run).toEqual({ module: url });
      expect(new SyncTask('b', { module: url, export: 'run' }).run).toEqual({
        module: url,
        export: 'run',
      });
    });

    it('keeps a frozen copy of the body: changing the given object later changes nothing', () => {
      const ref: { module: string; export?: string } = { module: './a.mjs', export: 'a' };
      const task = new SyncTask('job', ref);
      ref.module = './b.mjs';
      ref.export = 'b';
      expect(task.run).toEqual({ module: './a.mjs', export: 'a' });
      expect(Object.isFrozen(task.run)).toBe(true);
    });

    it('keeps a frozen copy of the options', () => {
      const options: TaskOptions = { timeoutMs: 10, priority: 2 };
      const task = new SyncTask('job', REF, options);
      options.priority = 99;
      expect(task.options).toEqual({ timeoutMs: 10, priority: 2 });
      expect(Object.isFrozen(task.options)).toBe(true);
      expect(new SyncTask('job', REF).options).toEqual({});
    });
  });

  describe('a function body', () => {
    it('is refused with a TypeError that says functions cannot cross threads', () => {
      const error = thrownBy(() => construct('job', () => 1));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^Expected `run` to be a module reference/);
      expect(error.message).toContain('got a function');
      expect(error.message).toContain('functions cannot cross threads');
    });

    it('is refused by the types too', () => {
      // @ts-expect-error -- a SyncTask body is a module reference, never a function
      expect(() => new SyncTask('job', () => 1)).toThrow(TypeError);
    });

    it('is refused even when it is an async function or a class', () => {
      expect(() => construct('job', async () => 1)).toThrow(/functions cannot cross threads/);
      expect(() =>
        construct(
          'job',
          class Body {
            run(): number {
              return 1;
            }
          },
        ),
      ).toThrow(/functions cannot cross threads/);
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
      [[REF], 'an array'],
    ])('refuses %j with a TypeError saying what was expected and what came', (run, shown) => {
      const error = thrownBy(() => construct('job', run));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`${MODULE_REF_EXPECTED} ${shown}`);
    });
  });

  describe('bad name', () => {
    it.each([
      [undefined, 'undefined'],
      [42, '42 (number)'],
      [null, 'null'],
    ])('refuses %s with a TypeError saying what came', (name, shown) => {
      expect(() => construct(name, REF)).toThrow(
        new TypeError(`Expected \`name\` to be a non-empty string, got ${shown}`),
      );
    });

    it.each(['', '  '])('refuses %j with a RangeError', (name) => {
      expect(() => construct(name, REF)).toThrow(RangeError);
    });

    it('checks the name before the body', () => {
      expect(() => construct('', () => 1)).toThrow(RangeError);
    });
  });

  describe('bad options', () => {
    it.each([null, 5, 'fast', [1]])('refuses options %j with a TypeError', (options) => {
      expect(() => construct('job', REF, options)).toThrow(TypeError);
      expect(() => construct('job', REF, options)).toThrow(/Expected `options` to be/);
    });

    it.each([
      [-1, 'Expected `timeoutMs` to be a finite number >= 0, got -1 (number)'],
      [NaN, 'Expected `timeoutMs` to be a finite number >= 0, got NaN (number)'],
      [Infinity, 'Expected `timeoutMs` to be a finite number >= 0, got Infinity (number)'],
    ])('refuses timeoutMs %s with a RangeError', (timeoutMs, message) => {
      expect(() => construct('job', REF, { timeoutMs })).toThrow(new RangeError(message));
    });

    it('refuses an unknown option, naming it', () => {
      expect(() => construct('job', REF, { timeout: 100 })).toThrow(
        new TypeError('Unknown task option `timeout` (did you mean `timeoutMs`?)'),
      );
    });

    it('refuses a timeoutMs that is not a number with a TypeError', () => {
      expect(() => construct('job', REF, { timeoutMs: '100' })).toThrow(
        new TypeError('Expected `timeoutMs` to be a finite number >= 0, got "100" (string)'),
      );
    });

    it.each([NaN, Infinity])('refuses priority %s with a RangeError', (priority) => {
      expect(() => construct('job', REF, { priority })).toThrow(RangeError);
    });

    it('refuses a callback that is not a function', () => {
      expect(() => construct('job', REF, { onDone: 'later' })).toThrow(
        new TypeError('Expected `options.onDone` to be a function, got "later" (string)'),
      );
    });

    it('accepts timeoutMs 0 and any finite priority', () => {
      expect(new SyncTask('job', REF, { timeoutMs: 0, priority: -2.5 }).options).toEqual({
        timeoutMs: 0,
        priority: -2.5,
      });
    });
  });
});
