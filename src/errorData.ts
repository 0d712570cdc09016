import type { TaskErrorData } from './tasks/types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Any thrown value as plain {@link TaskErrorData}.
 */
export function toErrorData(error: unknown): TaskErrorData {
  if (error instanceof Error) {
    const data: Mutable<TaskErrorData> = { name: error.name, message: error.message };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') data.code = code;
    if (error.stack !== undefined) data.stack = error.stack;
    return Object.freeze(data);
  }
  return Object.freeze({ name: 'NonError', message: String(error) });
}

/**
 * {@link toErrorData} of an error the scheduler made itself (a cancel's or a timeout's), whose
 * `stack` is formatted only when someone reads it.
 *
 * @remarks Formatting a stack trace is the largest single cost of ending a waiting task: over
 * 100k queued tasks, `stop({ cancel: true })` spent a third of its time formatting stacks
 * nobody read. The error is never changed once made, so a late read sees what an early one
 * would; structured clone and JSON read the getter like any property.
 */
export function ownErrorData(error: Error & { readonly code: string }): TaskErrorData {
  const data = { name: error.name, message: error.message, code: error.code };
  Object.defineProperty(data, 'stack', { enumerable: true, get: () => error.stack });
  return Object.freeze(data);
}

/** The built-in error classes a structured clone would keep: rebuilt as themselves. */
const BUILT_IN_ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/**
 * A body's error rebuilt from the {@link TaskErrorData} that crossed a thread boundary: the same
 * name, message, stack and `code`.
 *
 * @remarks A built-in class (`TypeError`, `RangeError`, …) comes back as itself, so `instanceof`
 * works as it would for an AsyncTask on the caller's loop; every other class stayed in the thread,
 * and comes back as an `Error` carrying its name.
 */
export function errorFromData(data: TaskErrorData): Error {
  const BuiltIn = Object.hasOwn(BUILT_IN_ERRORS, data.name)
    ? BUILT_IN_ERRORS[data.name]
    : undefined;
  const error = new (BuiltIn ?? Error)(data.message);
  if (BuiltIn === undefined) error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.code !== undefined) Object.assign(error, { code: data.code });
  return error;
}
