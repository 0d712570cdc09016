// Shared helpers for the contract tests: written from docs/contract.md and the README alone.
import type { Observable } from 'rxjs';
import { afterEach } from 'vitest';
import { AsyncScheduler, AsyncTask, SchedulerThread, TaskState } from '../../src/index.js';
import { deferred as supportDeferred, type Deferred } from '../support/deferred.js';

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
export const TS_KEY: Readonly<Record<string, keyof Info['ts']>> = {
  SUBMITTED: 'submit',
  SCHEDULED: 'schedule',
  STARTED: 'start',
  DONE: 'done',
  FAILED: 'error',
  TIMED_OUT: 'timeout',
  CANCELED: 'cancel',
};

/** The machine's edges, as docs/contract.md and the README draw them. */
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

export type { Deferred } from '../support/deferred.js';

/** The project's test deferred, settled with no value unless typed otherwise. */
export function deferred<T = void>(): Deferred<T> {
  return supportDeferred<T>();
}

/**
 * How long a test waits for something that must come before it calls it hung: a guard that
 * turns a hang into a failure with a message, generous enough for a loaded machine. No
 * assertion is about elapsed time.
 */
export const HANG_GUARD_MS = 10_000;

/** Polls until `check` returns true, or fails after `timeoutMs` ({@link HANG_GUARD_MS}). */
export async function until(check: () => boolean, timeoutMs = HANG_GUARD_MS, what = 'condition') {
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

export type SchedulerOptions = ConstructorParameters<typeof AsyncScheduler>[0];
export type LaneOptions = ConstructorParameters<typeof SchedulerThread>[1];

/**
 * Factories for the schedulers and lanes a test file makes: every one made is stopped (with
 * cancel) after each test. Call it once at the top of a test file.
 */
export function ownSchedulers() {
  const owned: (AsyncScheduler | SchedulerThread)[] = [];
  afterEach(async () => {
    await Promise.all(owned.splice(0).map((s) => s.stop({ cancel: true })));
  });
  return {
    scheduler: (options?: SchedulerOptions): AsyncScheduler => {
      const s = new AsyncScheduler(options);
      owned.push(s);
      return s;
    },
    lane: (name: string, options?: LaneOptions): SchedulerThread => {
      const s = new SchedulerThread(name, options);
      owned.push(s);
      return s;
    },
  };
}

/** The on* callbacks, in machine order, and the state each one is called for. */
export const CALLBACK_STATE = {
  onSubmit: 'SUBMITTED',
  onSchedule: 'SCHEDULED',
  onStart: 'STARTED',
  onDone: 'DONE',
  onError: 'FAILED',
  onTimeout: 'TIMED_OUT',
  onCancel: 'CANCELED',
} as const;
export type CallbackName = keyof typeof CALLBACK_STATE;
export const CALLBACKS = Object.keys(CALLBACK_STATE) as CallbackName[];

/** What a call throws synchronously or rejects with (fails if it succeeds). */
export const failureOf = (fn: () => unknown): Promise<unknown> =>
  rejectionOf(
    new Promise((resolve) => {
      resolve(fn());
    }),
  );

/** How many tasks are STARTED at once at the most, from now on (read it when done). */
export function maxStarted(s: { transitions$: AsyncScheduler['transitions$'] }): () => number {
  let started = 0;
  let max = 0;
  s.transitions$.subscribe((t) => {
    if (t.to === 'STARTED') max = Math.max(max, ++started);
    if (t.from === 'STARTED') started--;
  });
  return () => max;
}

/** A counter the spinning fixtures increment from their thread. */
export function counter() {
  const buffer = new SharedArrayBuffer(4);
  const view = new Int32Array(buffer);
  return { buffer, read: () => Atomics.load(view, 0) };
}

/** True if the counter still moves during `ms`. */
export async function stillCounting(read: () => number, ms = 40): Promise<boolean> {
  const before = read();
  await sleep(ms);
  return read() !== before;
}

/** The AsyncTask bodies of fixtures/thread.mjs, and the SyncTask bodies of fixtures/sync.mjs. */
export const threadBodies = contractFixture('thread.mjs');
export const syncBodies = contractFixture('sync.mjs');
/** fixtures/thread.mjs `delay`: resolves with args[1] after args[0] ms, rejects on abort. */
export const delay = (options?: ConstructorParameters<typeof AsyncTask>[2]) =>
  new AsyncTask('delay', { module: threadBodies, export: 'delay' }, options);
