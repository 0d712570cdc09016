import { describeValue, readingCallerValue } from '../validate.js';
import type { TaskFn, TaskHandlerRef, TaskModuleRef } from './types.js';

/** True for a {@link TaskModuleRef}-shaped value. */
export function isTaskModuleRef(value: unknown): value is TaskModuleRef {
  if (typeof value !== 'object' || value === null) return false;
  const { module, export: exportName } = value as { module?: unknown; export?: unknown };
  const moduleOk = (typeof module === 'string' && module !== '') || module instanceof URL;
  return moduleOk && (exportName === undefined || typeof exportName === 'string');
}

/** True for a {@link TaskHandlerRef}-shaped value: `{ handler }`, a non-empty string. */
export function isTaskHandlerRef(value: unknown): value is TaskHandlerRef {
  if (typeof value !== 'object' || value === null) return false;
  const { handler } = value as { handler?: unknown };
  return typeof handler === 'string' && handler !== '' && !('module' in value);
}

/**
 * A task body as the task keeps it, checked: a function as itself, a module reference as a
 * frozen copy (what a later change to the caller's object cannot reach).
 *
 * @remarks The copy is what is checked: a getter read twice could answer differently.
 * @throws TypeError naming what came instead of a body, or when reading it throws (a getter,
 * a Proxy trap).
 */
export function readTaskBody(
  run: unknown,
  options: { allowFunction: boolean },
): TaskFn | TaskModuleRef | TaskHandlerRef {
  return readingCallerValue('run', () => {
    const body =
      typeof run !== 'object' || run === null || Array.isArray(run)
        ? run
        : Object.freeze({ ...run });
    assertTaskBody(body, options);
    return body;
  });
}

/**
 * Asserts that `run` is a task body: a function or a module reference.
 *
 * @throws TypeError naming what came instead.
 */
export function assertTaskBody(
  run: unknown,
  { allowFunction }: { allowFunction: boolean },
): asserts run is TaskFn | TaskModuleRef | TaskHandlerRef {
  if (typeof run === 'function') {
    if (allowFunction) return;
    throw new TypeError(
      'Expected `run` to be a module reference { module, export? }, got a function: this body runs on another thread, and functions cannot cross threads',
    );
  }
  // A worker handler { handler } too: a BullMQScheduler's workers register it by name.
  if (isTaskModuleRef(run) || isTaskHandlerRef(run)) return;
  const wanted = allowFunction
    ? 'a function or a module reference { module: string | URL, export?: string }'
    : 'a module reference { module: string | URL, export?: string }';
  throw new TypeError(`Expected \`run\` to be ${wanted}, got ${describeValue(run)}`);
}
