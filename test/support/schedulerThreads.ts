import { filter, firstValueFrom } from 'rxjs';
import {
  AsyncTask,
  SchedulerThread,
  SyncTask,
  type AsyncSchedulerOptions,
  type SchedulerError,
  type TaskOptions,
  type TaskState,
  type TaskTransition,
} from '../../src/index.js';
import { stopAfterTest } from './stopAfterTest.js';

/*
 * Helpers for tests of SchedulerThread: real lane threads on the real clock. Tests wait on
 * events (transitions, shared-memory signals), never on elapsed time.
 */

/** The fixture module lane threads load: test/fixtures/thread/bodies.mjs. */
export const BODIES = new URL('../fixtures/thread/bodies.mjs', import.meta.url);

/** An AsyncTask running export `exportName` of {@link BODIES} in the lane thread. */
export function laneTask<TArgs extends unknown[] = unknown[], TResult = unknown>(
  exportName: string,
  options?: TaskOptions,
): AsyncTask<TArgs, TResult> {
  return new AsyncTask<TArgs, TResult>(exportName, { module: BODIES, export: exportName }, options);
}

/** A SyncTask running export `exportName` of {@link BODIES} on the lane's executor threads. */
export function executorTask<TArgs extends unknown[] = unknown[], TResult = unknown>(
  exportName: string,
  options?: TaskOptions,
): SyncTask<TArgs, TResult> {
  return new SyncTask<TArgs, TResult>(exportName, { module: BODIES, export: exportName }, options);
}

/** A SchedulerThread with everything it reported recorded. */
export interface ThreadHarness {
  readonly scheduler: SchedulerThread;
  readonly transitions: TaskTransition[];
  readonly errors: SchedulerError[];
  /** The `from→to` steps of one task, as delivered. */
  readonly steps: (id: string) => string[];
  /** Resolves when task `id` enters `state` (subscribe before it can happen). */
  readonly reaches: (id: string, state: TaskState) => Promise<TaskTransition>;
}

/**
 * Creates a started SchedulerThread (unless `start: false`) and records its two streams. The
 * scheduler is stopped (with cancel) when the test that made it finishes.
 */
export function createThreadHarness(
  name: string,
  options: AsyncSchedulerOptions = {},
  { start = true }: { start?: boolean } = {},
): ThreadHarness {
  const scheduler = stopAfterTest(new SchedulerThread(name, options));
  const transitions: TaskTransition[] = [];
  const errors: SchedulerError[] = [];
  scheduler.transitions$.subscribe((t) => transitions.push(t));
  scheduler.errors$.subscribe((e) => errors.push(e));
  if (start) scheduler.start();
  return {
    scheduler,
    transitions,
    errors,
    steps: (id) => transitions.filter((t) => t.id === id).map((t) => `${t.from}→${t.to}`),
    reaches: (id, state) =>
      firstValueFrom(scheduler.transitions$.pipe(filter((t) => t.id === id && t.to === state))),
  };
}

/**
 * Returns the factory of {@link ThreadHarness}es; each one's scheduler is stopped (canceling what
 * is left) when its test finishes, so no thread outlives its test. Call it inside a `describe`.
 */
export function useThreadHarness(): typeof createThreadHarness {
  return createThreadHarness;
}

// ── Shared-memory signals between a test and a body (see bodies.mjs) ─────────────

const SLOT = { COUNT: 0, STARTED: 1, GO: 2, RETURNING: 3 } as const;
const SLOTS = 4;
/** Longest a test waits for a body's signal before it fails (a safety net, not a measure). */
const SIGNAL_LIMIT_MS = 10_000;

interface AtomicsWithWaitAsync {
  waitAsync(
    view: Int32Array,
    index: number,
    value: number,
    timeoutMs?: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<string> };
}

/**
 * A SharedArrayBuffer a body and the test both see (passed as an argument, it is shared, not
 * copied): `gated` says STARTED and blocks its thread until GO; `busyLoop` counts in COUNT.
 */
export class LaneSignals {
  readonly buffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
  readonly #view = new Int32Array(this.buffer);

  /** The busy loop's counter now. */
  get count(): number {
    return Atomics.load(this.#view, SLOT.COUNT);
  }

  /** True once the gated body has said it is returning. */
  get returning(): boolean {
    return Atomics.load(this.#view, SLOT.RETURNING) === 1;
  }

  /** Resolves once the body has set STARTED (without blocking this loop). */
  async started(): Promise<void> {
    const result = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(
      this.#view,
      SLOT.STARTED,
      0,
      SIGNAL_LIMIT_MS,
    );
    const outcome = result.async ? await result.value : result.value;
    if (outcome === 'timed-out') throw new Error('the body never said STARTED');
  }

  /** Lets a gated body go on. */
  go(): void {
    Atomics.store(this.#view, SLOT.GO, 1);
    Atomics.notify(this.#view, SLOT.GO);
  }
}

/**
 * Resolves once the lane thread has read every message posted to it before this call, and
 * every transition it reported before reading them has reached the main side: a cancel is
 * answered in order, after the thread's earlier transitions.
 */
export async function laneBarrier(scheduler: SchedulerThread): Promise<void> {
  await scheduler.cancelTask(scheduler.submitTask(laneTask('forever')));
}
