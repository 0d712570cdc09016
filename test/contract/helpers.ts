// Shared helpers for the contract tests: written from DESIGN.md and the README alone.
import type { Observable } from 'rxjs';
import { AsyncScheduler, TaskState } from '../../src/index.js';

export type Scheduler = AsyncScheduler;
export type Info = ReturnType<AsyncScheduler['taskInfo']>;
export type Transition = AsyncScheduler['transitions$'] extends Observable<infer T> ? T : never;
export type State = ReturnType<AsyncScheduler['taskState']>;

export const FINAL_STATES: readonly string[] = [
  TaskState.DONE,
  TaskState.FAILED,
  TaskState.TIMED_OUT,
  TaskState.CANCELED,
];

/** Which `ts` key is set when a state is entered. */
export const TS_KEY: Readonly<Record<string, string>> = {
  SUBMITTED: 'submit',
  SCHEDULED: 'schedule',
  STARTED: 'start',
  DONE: 'done',
  FAILED: 'error',
  TIMED_OUT: 'timeout',
  CANCELED: 'cancel',
};

/** The machine's edges, as DESIGN.md and the README draw them. */
export const EDGES: ReadonlySet<string> = new Set([
  'NEW>SUBMITTED',
  'SUBMITTED>SCHEDULED',
  'SUBMITTED>CANCELED',
  'SCHEDULED>STARTED',
  'SCHEDULED>CANCELED',
  'STARTED>DONE',
  'STARTED>FAILED',
  'STARTED>TIMED_OUT',
  'STARTED>CANCELED',
]);

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls until `check` returns true, or fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 1_500, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Captures what a promise rejects with (fails if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Captures what a function throws (fails if it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

export const contractFixture = (file: string): URL =>
  new URL(`./fixtures/${file}`, import.meta.url);

/** Records every transition of a scheduler, per task. */
export function recordTransitions(s: { transitions$: AsyncScheduler['transitions$'] }) {
  const all: Transition[] = [];
  const subscription = s.transitions$.subscribe((t) => {
    all.push(t);
  });
  return {
    all,
    of: (id: string) => all.filter((t) => t.id === id),
    unsubscribe: () => {
      subscription.unsubscribe();
    },
  };
}
