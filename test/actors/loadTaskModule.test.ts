import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeModuleRef, loadTaskModule, moduleHref } from '../../src/actors/loadTaskModule.js';
import { SchedulerError } from '../../src/errors.js';

const addUrl = new URL('../fixtures/add.mjs', import.meta.url);

describe('moduleHref()', () => {
  it('uses a URL as is', () => {
    expect(moduleHref({ module: addUrl })).toBe(addUrl.href);
  });

  it('turns an absolute path into a file: URL', () => {
    const path = resolve('/tmp/some task.mjs');
    expect(moduleHref({ module: path })).toBe(pathToFileURL(path).href);
  });

  it('resolves a relative path against the working directory', () => {
    expect(moduleHref({ module: './x/y.mjs' })).toBe(
      pathToFileURL(resolve(process.cwd(), 'x/y.mjs')).href,
    );
  });

  it('leaves a package specifier alone', () => {
    expect(moduleHref({ module: 'some-package/task' })).toBe('some-package/task');
  });
});

describe('describeModuleRef()', () => {
  it('names the module and the export, default by default', () => {
    expect(describeModuleRef({ module: addUrl })).toBe(`${addUrl.href}#default`);
    expect(describeModuleRef({ module: addUrl, export: 'double' })).toBe(`${addUrl.href}#double`);
  });
});

describe('loadTaskModule()', () => {
  it('loads the default export', async () => {
    const fn = await loadTaskModule({ module: addUrl }, 'task');
    expect(fn.name).toBe('add');
  });

  it('loads a named export', async () => {
    const fn = await loadTaskModule({ module: addUrl, export: 'double' }, 'task');
    expect(fn.name).toBe('double');
  });

  it('rejects with a TypeError when the export is not a function', async () => {
    await expect(
      loadTaskModule({ module: addUrl, export: 'notAFunction' }, 'task'),
    ).rejects.toThrow(
      new TypeError(
        `Expected export "notAFunction" of ${addUrl.href} to be a task function, got number`,
      ),
    );
  });

  it('rejects with a TypeError when there is no such export', async () => {
    await expect(loadTaskModule({ module: addUrl, export: 'missing' }, 'task')).rejects.toThrow(
      /export "missing" .* got nothing \(no such export\)/,
    );
  });

  it("rejects naming the task, the module and the export, with the loader's error as cause", async () => {
    const missing = new URL('../fixtures/does-not-exist.mjs', import.meta.url);
    const error = await loadTaskModule({ module: missing }, 'report').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error).toMatchObject({ code: 'ERR_TASK_MODULE_LOAD_FAILED' });
    expect((error as Error).message).toContain(
      `Task "report" could not load its body, export "default" of ${missing.href}: `,
    );
    // The loader's own message names the file that imported: the library's, so it is left out.
    expect((error as Error).message).not.toMatch(/imported from/);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_MODULE_NOT_FOUND' });
  });
});
