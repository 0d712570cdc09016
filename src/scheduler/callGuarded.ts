/** How a user's function failed: it threw, or the promise it returned rejected. */
export type GuardedFailure = 'threw' | 'rejected';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Calls a user's function (a callback, a subscriber, an inspect observer) so that its failure is
 * reported, never thrown: what it throws, and the rejection of a promise it returns (an `async`
 * function), both go to `report`.
 *
 * @remarks The scheduler never awaits user functions, so nobody else would catch such a
 * rejection, and an unhandled rejection ends a Node process. The arguments are passed apart
 * (no closure per call): this runs for every transition of every task.
 *
 * @param fn - the user's function, called as `fn.call(thisArg, value)`.
 * @param report - called at most once per call, with the value the function was called with;
 * it must not throw.
 */
export function callGuarded<T>(
  fn: (this: unknown, value: T) => unknown,
  thisArg: unknown,
  value: T,
  report: (error: unknown, how: GuardedFailure, value: T) => void,
): void {
  let returned: unknown;
  try {
    returned = fn.call(thisArg, value);
  } catch (error) {
    report(error, 'threw', value);
    return;
  }
  try {
    // Inside the try: reading `then` of what it returned may throw too (a getter, a Proxy).
    if (!isThenable(returned)) return;
    returned.then(undefined, (error: unknown) => {
      report(error, 'rejected', value);
    });
  } catch (error) {
    // A thenable whose `then` throws, or whose `then` cannot be read.
    report(error, 'threw', value);
  }
}
