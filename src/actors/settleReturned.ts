import { hostileValueError } from '../errorData.js';

/** Where {@link settleReturned} reports a body's outcome: one call, never synchronously. */
export interface ReturnedOutcome {
  succeed(value: unknown): void;
  fail(error: unknown): void;
}

/** `Promise.prototype.then`: a native promise calls back on a later microtask by itself. */
const nativeThen: unknown = Reflect.get(Promise.prototype, 'then');

/**
 * Follows what a task body returned to its outcome, reading it as untrusted data: a thenable is
 * awaited through its `then`, anything else is the value.
 *
 * @remarks Reading `then` (a getter, a Proxy trap) and calling it are each guarded: when one
 * throws, the task fails with an `ERR_HOSTILE_VALUE` {@link SchedulerError} saying which, and
 * the throw never reaches the lane (it once escaped from `submitTask()` and left the task
 * STARTED for good). The outcome is always reported on a later microtask, never inside the
 * call: a home-made thenable that calls back at once is deferred like a value.
 * @param task - the task, for the error's message and `taskId`.
 */
export function settleReturned(
  returned: unknown,
  task: { readonly name: string; readonly id: string },
  outcome: ReturnedOutcome,
): void {
  let then: unknown;
  try {
    then = thenOf(returned);
  } catch (readError) {
    const error = hostileValueError(
      task,
      'returned a value whose `then` throws when read',
      readError,
    );
    queueMicrotask(() => {
      outcome.fail(error);
    });
    return;
  }
  if (typeof then !== 'function') {
    queueMicrotask(() => {
      outcome.succeed(returned);
    });
    return;
  }
  // A native promise calls back once, on a later microtask, by itself; a home-made thenable may
  // call back at once, or more than once: its first call counts, deferred.
  const native = then === nativeThen;
  // An object, not a local: TypeScript cannot see the callbacks set it before a `then` throws.
  const calls = { made: false };
  const report = (deliver: () => void): void => {
    if (native) {
      deliver();
      return;
    }
    if (calls.made) return;
    calls.made = true;
    queueMicrotask(deliver);
  };
  try {
    (then as PromiseLike<unknown>['then']).call(
      returned,
      (value) => {
        report(() => {
          outcome.succeed(value);
        });
      },
      (error: unknown) => {
        report(() => {
          outcome.fail(error);
        });
      },
    );
  } catch (thenError) {
    // A `then` that called back before it threw has had its say.
    if (calls.made) return;
    calls.made = true;
    const error = hostileValueError(task, 'returned a thenable whose `then` threw', thenError);
    queueMicrotask(() => {
      outcome.fail(error);
    });
  }
}

/** A value's `then` when it is an object or a function (the read may throw). */
function thenOf(value: unknown): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null)
    return undefined;
  return (value as { then?: unknown }).then;
}
