import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SchedulerError, SchedulerErrorCode } from '../errors.js';
import type { TaskFn, TaskModuleRef } from '../tasks/types.js';
import { describeThrown } from '../validate.js';

const DEFAULT_EXPORT = 'default';

/**
 * The URL a module reference loads from.
 *
 * @remarks A `URL` is used as is; a path (absolute, or starting with `.`, resolved against
 * `process.cwd()`) becomes a `file:` URL; anything else is a package specifier.
 */
export function moduleHref(ref: TaskModuleRef): string {
  const { module } = ref;
  if (module instanceof URL) return module.href;
  if (isAbsolute(module) || module.startsWith('.')) return pathToFileURL(resolve(module)).href;
  return module;
}

/** A readable name for a module reference, for error messages. */
export function describeModuleRef(ref: TaskModuleRef): string {
  return `${moduleHref(ref)}#${ref.export ?? DEFAULT_EXPORT}`;
}

/**
 * The error of a task whose module could not be imported: it names the task, the user's module
 * and export, and keeps the loader's error as `cause`.
 *
 * @remarks Node's "Cannot find module … imported from <file>" names the file that ran the
 * `import()`, which is the library's own (its executor thread, its loader), never the user's:
 * that part is left out of the message (the `cause` keeps it whole).
 */
export function moduleLoadError(
  taskName: string,
  href: string,
  exportName: string,
  cause: unknown,
): SchedulerError {
  const reason = describeThrown(cause).replace(/ imported from \S+$/, '');
  return new SchedulerError(
    SchedulerErrorCode.TASK_MODULE_LOAD_FAILED,
    `Task "${taskName}" could not load its body, export "${exportName}" of ${href}: ${reason}`,
    { cause },
  );
}

/**
 * Imports the module at `href` for task `taskName`.
 *
 * @throws (rejects) {@link moduleLoadError} when it cannot be loaded.
 */
export async function importTaskModule(
  taskName: string,
  href: string,
  exportName: string,
): Promise<Record<string, unknown>> {
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (error) {
    throw moduleLoadError(taskName, href, exportName, error);
  }
}

/**
 * Loads the function a module reference names, for task `taskName`.
 *
 * @throws (rejects) {@link moduleLoadError} when the module cannot be loaded, or a TypeError
 * when the export is missing or not a function.
 */
export async function loadTaskModule(
  ref: TaskModuleRef,
  taskName: string,
): Promise<TaskFn<readonly unknown[]>> {
  const exportName = ref.export ?? DEFAULT_EXPORT;
  const loaded = await importTaskModule(taskName, moduleHref(ref), exportName);
  const fn = loaded[exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `Expected export "${exportName}" of ${moduleHref(ref)} to be a task function, got ${fn === undefined ? 'nothing (no such export)' : typeof fn}`,
    );
  }
  return fn as TaskFn<readonly unknown[]>;
}
