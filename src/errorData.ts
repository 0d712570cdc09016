import { SchedulerError, SchedulerErrorCode } from './errors.js';
import type { TaskErrorData } from './tasks/types.js';
import { describeThrown, describeValue } from './validate.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What `instanceof Error` threw, for a value that could not be asked (see {@link isErrorSafely}). */
export interface UnreadableValue {
  readonly readError: unknown;
}

/**
 * Whether a thrown value is an `Error`, or what asking threw (a Proxy whose `getPrototypeOf`
 * trap throws: `instanceof` runs the trap).
 */
export function isErrorSafely(value: unknown): boolean | UnreadableValue {
  try {
    return value instanceof Error;
  } catch (readError) {
    return { readError };
  }
}

/**
 * The error a task ends with when what its body returned or threw throws as it is read.
 *
 * @param what - what came back, as the rest of the sentence "Task "x" …" (e.g. "returned a
 * thenable whose `then` threw").
 * @param readError - what the read threw: the error's `cause`.
 */
export function hostileValueError(
  task: { readonly name: string; readonly id: string },
  what: string,
  readError: unknown,
): SchedulerError {
  return new SchedulerError(
    SchedulerErrorCode.HOSTILE_VALUE,
    `Task "${task.name}" ${what}: ${describeThrown(readError)}`,
    { cause: readError, taskId: task.id },
  );
}

/** An Error's fields as data, or what reading one of them threw. */
function readErrorData(error: Error): TaskErrorData | UnreadableValue {
  try {
    // A subclass may have set either to anything (typed string or not): text is what the data holds.
    const name: unknown = error.name;
    const message: unknown = error.message;
    const data: Mutable<TaskErrorData> = { name: String(name), message: String(message) };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') data.code = code;
    const stack: unknown = error.stack;
    if (typeof stack === 'string') data.stack = stack;
    return Object.freeze(data);
  } catch (readError) {
    return { readError };
  }
}

function isUnreadable(data: TaskErrorData | UnreadableValue): data is UnreadableValue {
  return 'readError' in data;
}

/**
 * Any thrown value as plain {@link TaskErrorData}; never throws.
 *
 * @remarks An Error whose fields throw when read (a getter, a Proxy) is described by an
 * `ERR_HOSTILE_VALUE` entry instead of its own fields.
 */
export function toErrorData(error: unknown): TaskErrorData {
  const isError = isErrorSafely(error);
  if (isError === false) return Object.freeze({ name: 'NonError', message: describeThrown(error) });
  if (isError === true) {
    const data = readErrorData(error as Error);
    if (!isUnreadable(data)) return data;
  }
  return Object.freeze({
    name: 'SchedulerError',
    message: `An error whose fields throw when read: ${describeValue(error)}`,
    code: SchedulerErrorCode.HOSTILE_VALUE,
  });
}

/** What a task that failed ends with: the error `result()` rejects with, and its data. */
export interface TaskFailure {
  readonly failure: Error;
  readonly data: TaskErrorData;
}

/**
 * What a body threw or rejected with, read as untrusted data: an Error stays itself, a
 * non-Error is wrapped (`ERR_NON_ERROR_THROWN`), and a value that throws when read — as
 * `instanceof` or a field is — becomes an `ERR_HOSTILE_VALUE` error.
 */
export function taskFailure(
  thrown: unknown,
  task: { readonly name: string; readonly id: string },
): TaskFailure {
  const isError = isErrorSafely(thrown);
  let failure: Error;
  if (isError === true) {
    const data = readErrorData(thrown as Error);
    if (!isUnreadable(data)) return { failure: thrown as Error, data };
    failure = hostileValueError(
      task,
      'threw an Error whose fields throw when read',
      data.readError,
    );
  } else if (isError === false) {
    failure = new SchedulerError(
      SchedulerErrorCode.NON_ERROR_THROWN,
      `Task "${task.name}" threw a non-Error value: ${describeValue(thrown)}`,
      { cause: thrown, taskId: task.id },
    );
  } else {
    failure = hostileValueError(
      task,
      'threw a value whose prototype cannot be read (`instanceof` threw)',
      isError.readError,
    );
  }
  return { failure, data: toErrorData(failure) };
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

/**
 * An error made without capturing a stack trace, given the `stack` that `stackOf` says instead.
 *
 * @remarks Capturing a stack is most of what making an error costs (about 15 µs at the call
 * depth of a lane, a third of a cancel). It is worth skipping for errors that stand for
 * something that happened elsewhere — a lane thread's cancel rebuilt on the main side, whose
 * own stack would show only the message handler — or many times at one call site, as the
 * cancels of a stop (which share that site's stack).
 * @param stackOf - the stack to give it, from the error made (its header needs the message).
 */
export function withoutCapturedStack<T extends Error>(
  make: () => T,
  stackOf: (error: T) => string,
): T {
  const limit = Error.stackTraceLimit;
  // Only around the constructor: whatever runs after keeps the process's own limit.
  Error.stackTraceLimit = 0;
  let error: T;
  try {
    error = make();
  } finally {
    Error.stackTraceLimit = limit;
  }
  error.stack = stackOf(error);
  return error;
}
