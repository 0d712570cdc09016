import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncTask, TaskTimeoutError } from '../../src/index.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import { createHarness } from '../support/harness.js';

const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);
const ADD = fixture('add.mjs');
const CALLS_KEY = '__asyncSchedulerFixtureCalls';
const calls = (): number =>
  ((globalThis as Record<string, unknown>)[CALLS_KEY] as number | undefined) ?? 0;

describe('AsyncScheduler', () => {
  describe('module-reference bodies', () => {
    afterEach(() => {
      Reflect.deleteProperty(globalThis, CALLS_KEY);
    });

    it('runs the default export of a module given as a URL', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new AsyncTask('add', { module: ADD }), 1, 2, 3);
      await expect(scheduler.result(id)).resolves.toBe(6);
    });

    it('runs a named export, giving it the task context', async () => {
      const { scheduler } = createHarness({ name: 'mods' });
      const id = scheduler.submitTask(
        new AsyncTask('double', { module: ADD, export: 'double' }),
        21,
      );
      await expect(scheduler.result(id)).resolves.toEqual({
        doubled: 42,
        id,
        name: 'double',
        lane: 'mods',
      });
    });

    it('runs a module given as an absolute path', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new AsyncTask('abs', { module: fileURLToPath(ADD) }), 4, 5);
      await expect(scheduler.result(id)).resolves.toBe(9);
    });

    it('runs a module given as a path relative to the working directory', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('rel', { module: './test/fixtures/add.mjs' }),
        2,
        2,
      );
      await expect(scheduler.result(id)).resolves.toBe(4);
    });

    it('ends FAILED with a clear message when the export is not a function', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('bad', { module: ADD, export: 'notAFunction' }),
      );
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error).toMatchObject({
        name: 'TypeError',
        message: `Expected export "notAFunction" of ${ADD.href} to be a task function, got number`,
      });
      await expect(scheduler.result(id)).rejects.toBeInstanceOf(TypeError);
    });

    it('ends FAILED naming the export when there is no such export', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new AsyncTask('none', { module: fixture('noDefault.mjs') }));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error?.message).toMatch(/export "default" of .*noDefault\.mjs/);
      expect(info.error?.message).toContain('no such export');
    });

    it('ends FAILED naming the module when it does not exist', async () => {
      const { scheduler } = createHarness();
      const missing = fixture('no-such-module.mjs');
      const id = scheduler.submitTask(new AsyncTask('missing', { module: missing }));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error?.message).toContain('no-such-module.mjs');
    });

    it('ends FAILED with the error a module throws while loading', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('boom', { module: fixture('throwsOnImport.mjs') }),
      );
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error?.message).toContain('fixture module failed to load');
    });

    it('ends FAILED with the error the export throws', async () => {
      const { scheduler } = createHarness();
      const id = scheduler.submitTask(new AsyncTask('fail', { module: ADD, export: 'fail' }));
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('FAILED');
      expect(info.error).toMatchObject({ name: 'Error', message: 'fixture failure' });
    });

    it('times out a module body that never settles', async () => {
      const { scheduler, clock } = createHarness();
      const id = scheduler.submitTask(
        new AsyncTask('forever', { module: ADD, export: 'forever' }, { timeoutMs: 100 }),
      );
      const result = scheduler.result(id);
      await clock.advance(100);
      await expect(result).rejects.toBeInstanceOf(TaskTimeoutError);
      expect(scheduler.taskInfo(id).runMs).toBe(100);
    });

    it('never calls the export of a task canceled while its module loads', async () => {
      const { scheduler } = createHarness();
      const url = fixture('calls.mjs');
      const id = scheduler.submitTask(new AsyncTask('calls', { module: url }));
      await expect(scheduler.cancelTask(id)).resolves.toBe(true);
      // Wait for the module to be loaded, then for the loader's continuation to have run.
      await import(url.href);
      await flushMicrotasks();
      expect(calls()).toBe(0);
      expect(scheduler.taskState(id)).toBe('CANCELED');
      const control = scheduler.submitTask(new AsyncTask('calls', { module: url }));
      await expect(scheduler.result(control)).resolves.toBe('called');
      expect(calls()).toBe(1);
    });
  });
});
