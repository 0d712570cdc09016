import { describe, expect, expectTypeOf, it } from 'vitest';
import { AsyncTask, SyncTask, type TaskContext } from '../../src/index.js';

/**
 * Type-level checks of how tasks carry their args and result: `tsc --noEmit` (part of
 * `npm run lint`) fails when one breaks. Statements that would run a task sit in functions that
 * are never called.
 */
type TextTasks = typeof import('../fixtures/typed/textTasks.js');
type OneTask = typeof import('../fixtures/typed/oneTask.js');
const MODULE = new URL('file:///never/loaded.mjs');

describe('task typing', () => {
  describe('AsyncTask', () => {
    it('infers its args and result from an annotated body (an async one resolves to its result)', () => {
      const greet = new AsyncTask('greet', async ({ args: [who] }: TaskContext<[string]>) => {
        await Promise.resolve();
        return `hi ${who}`;
      });
      expectTypeOf(greet).toEqualTypeOf<AsyncTask<[string], string>>();
    });

    it('takes explicit type arguments, which type the body’s context', () => {
      const greet = new AsyncTask<[string], string>('greet', ({ args: [who] }) => {
        expectTypeOf(who).toEqualTypeOf<string>();
        return `hi ${who}`;
      });
      expectTypeOf(greet).toEqualTypeOf<AsyncTask<[string], string>>();
      // @ts-expect-error -- the body must return the declared result
      new AsyncTask<[string], number>('greet', ({ args: [who] }) => who);
    });

    it('has no public phantom field: its only string keys are its definition', () => {
      expectTypeOf<Extract<keyof AsyncTask, string>>().toEqualTypeOf<
        'type' | 'name' | 'run' | 'options'
      >();
    });
  });

  describe('SyncTask', () => {
    it('carries its args and result without a public phantom field', () => {
      expectTypeOf<Extract<keyof SyncTask, string>>().toEqualTypeOf<
        'type' | 'name' | 'run' | 'options'
      >();
      expect(Object.keys(new SyncTask('t', { module: MODULE }))).not.toContain('_types');
      expectTypeOf<SyncTask<[string], number>>().not.toExtend<SyncTask<[number], number>>();
      expectTypeOf<SyncTask<[string], number>>().not.toExtend<SyncTask<[string], string>>();
      expectTypeOf<SyncTask<[string], number>>().toExtend<SyncTask<[string], number>>();
    });
  });

  describe('.from() with a typed module reference', () => {
    it('reads args and result from the named export of the module’s type', () => {
      const repeat = SyncTask.from<TextTasks, 'repeat'>('repeat', {
        module: MODULE,
        export: 'repeat',
      });
      expectTypeOf(repeat).toEqualTypeOf<SyncTask<[string, number], string>>();
      const measure = AsyncTask.from<TextTasks, 'measure'>('measure', {
        module: MODULE,
        export: 'measure',
      });
      expectTypeOf(measure).toEqualTypeOf<AsyncTask<[string], number>>();
    });

    it('with the module’s type alone, runs its default export, or its one task export', () => {
      const isPast = SyncTask.from<TextTasks>('is-past', { module: MODULE });
      expectTypeOf(isPast).toEqualTypeOf<SyncTask<[Date], boolean>>();
      const digest = SyncTask.from<OneTask>('digest', { module: MODULE, export: 'digest' });
      expectTypeOf(digest).toEqualTypeOf<SyncTask<[string], number>>();
      const asyncDigest = AsyncTask.from<OneTask>('digest', { module: MODULE, export: 'digest' });
      expectTypeOf(asyncDigest).toEqualTypeOf<AsyncTask<[string], number>>();
    });

    it('refuses an export that is not a task body, or that the module lacks', () => {
      const misuse = (): void => {
        // @ts-expect-error -- VERSION is a string, not a task body
        SyncTask.from<TextTasks, 'VERSION'>('v', { module: MODULE, export: 'VERSION' });
        // @ts-expect-error -- ALGORITHM is a string, not a task body
        SyncTask.from<OneTask>('a', { module: MODULE, export: 'ALGORITHM' });
        // @ts-expect-error -- no such export
        AsyncTask.from<OneTask>('n', { module: MODULE, export: 'nope' });
        // @ts-expect-error -- oneTask has no default export: the export must be named
        SyncTask.from<OneTask>('d', { module: MODULE });
      };
      expectTypeOf(misuse).toBeFunction();
    });

    it('is the constructor at run time', () => {
      const task = SyncTask.from<OneTask>('digest', { module: MODULE, export: 'digest' });
      expect(task).toBeInstanceOf(SyncTask);
      expect(task.run).toEqual({ module: MODULE, export: 'digest' });
      const fromAsync = AsyncTask.from<TextTasks>('p', { module: MODULE }, { priority: 2 });
      expect(fromAsync).toBeInstanceOf(AsyncTask);
      expect(fromAsync.options).toEqual({ priority: 2 });
    });
  });
});
