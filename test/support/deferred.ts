import { flushMicrotasks } from './ManualClock.js';

/** A promise with its settle functions held outside, so a test decides when it settles. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (reason: unknown) => void;
}

/** Creates a {@link Deferred}. */
export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Whether `promise` has settled once the microtasks queued so far have run.
 *
 * @remarks For asserting that something has *not* happened yet (a stop still draining): no
 * time passes, only promise callbacks already due run.
 */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await flushMicrotasks();
  return settled;
}

/**
 * What `fn` threw or rejected with; fails when it did neither.
 *
 * @remarks Misuse of an async method may be reported by a synchronous throw or by a rejection;
 * the contract only fixes the error, so tests of it accept either.
 */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw or a rejection, got neither');
}
