import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskFn, TaskModuleRef } from '../tasks/types.js';

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
 * Loads the function a module reference names.
 *
 * @throws (rejects) the loader's own error when the module cannot be loaded, or a TypeError
 * when the export is missing or not a function.
 */
export async function loadTaskModule(ref: TaskModuleRef): Promise<TaskFn<readonly unknown[]>> {
  const loaded = (await import(moduleHref(ref))) as Record<string, unknown>;
  const exportName = ref.export ?? DEFAULT_EXPORT;
  const fn = loaded[exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `Expected export "${exportName}" of ${moduleHref(ref)} to be a task function, got ${fn === undefined ? 'nothing (no such export)' : typeof fn}`,
    );
  }
  return fn as TaskFn<readonly unknown[]>;
}
