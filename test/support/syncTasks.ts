import { filter, firstValueFrom } from 'rxjs';
import { afterEach, expect } from 'vitest';
import {
  AsyncScheduler,
  SyncTask,
  isFinished,
  type AsyncSchedulerOptions,
  type SchedulerError,
  type SchedulerErrorCode,
  type TaskOptions,
  type TaskState,
  type TaskTransition,
} from '../../src/index.js';
import { stopAfterTest } from './stopAfterTest.js';

/*
 * Helpers for tests that run SyncTasks on real executor threads. These schedulers use the
 * real clock (thread start-up and the bodies take real time); tests wait on events, never on
 * elapsed time.
 */

/** The fixture module the threads load: test/fixtures/sync/work.mjs. */
export const WORK = new URL('../fixtures/sync/work.mjs', import.meta.url);

/** A SyncTask running export `exportName` of {@link WORK}. */
export function workTask<TArgs extends unknown[] = unknown[], TResult = unknown>(
  exportName: string,
  options?: TaskOptions,
): SyncTask<TArgs, TResult> {
  return new SyncTask<TArgs, TResult>(exportName, { module: WORK, export: exportName }, options);
}

/** The default export of {@link WORK}: `x => x + 1`. */
export function addOneTask(options?: TaskOptions): SyncTask<[number], number> {
  return new SyncTask<[number], number>('addOne', { module: WORK }, options);
}

/** A real-clock scheduler running SyncTasks, with everything it reported recorded. */
export interface SyncHarness {
  readonly scheduler: AsyncScheduler;
  /** Every transition, in the order `transitions$` delivered them. */
  readonly transitions: TaskTransition[];
  /** Everything `errors$` delivered. */
  readonly errors: SchedulerError[];
  /** The final transitions of task `id` seen on `transitions$`. */
  readonly finals: (id: string) => TaskTransition[];
  /** The most SyncTasks that were STARTED at once, counted from `transitions$`. */
  readonly maxStarted: () => number;
  /** Resolves with the first error of `errors$` with `code` (subscribe before it can happen). */
  readonly nextError: (code: SchedulerErrorCode) => Promise<SchedulerError>;
  /** True once `stop()` has resolved (`transitions$` completed). */
  readonly stopped: () => boolean;
}

/**
 * Creates a started scheduler on the real clock and records its two streams. The scheduler is
 * stopped (with cancel) when the test that made it finishes.
 */
export function createSyncHarness(options: Omit<AsyncSchedulerOptions, 'clock'> = {}): SyncHarness {
  const scheduler = stopAfterTest(new AsyncScheduler(options));
  const transitions: TaskTransition[] = [];
  const errors: SchedulerError[] = [];
  let started = 0;
  let maxStarted = 0;
  let stopped = false;
  scheduler.transitions$.subscribe({
    next: (t) => {
      transitions.push(t);
      if (t.to === 'STARTED') maxStarted = Math.max(maxStarted, ++started);
      if (t.from === 'STARTED') started--;
    },
    complete: () => {
      stopped = true;
    },
  });
  scheduler.errors$.subscribe((e) => errors.push(e));
  scheduler.start();
  return {
    scheduler,
    transitions,
    errors,
    finals: (id) => transitions.filter((t) => t.id === id && isFinished(t.to)),
    maxStarted: () => maxStarted,
    nextError: (code) => firstValueFrom(scheduler.errors$.pipe(filter((e) => e.code === code))),
    stopped: () => stopped,
  };
}

/**
 * Returns a factory of {@link SyncHarness}es whose schedulers are all stopped (canceling what
 * is left) after each test, so no thread outlives its test. Call it inside a `describe`.
 */
export function useSyncHarness(): (options?: Omit<AsyncSchedulerOptions, 'clock'>) => SyncHarness {
  const made: SyncHarness[] = [];
  afterEach(async () => {
    // A stopped scheduler is left alone: a second stop would only repeat the first.
    const running = made.splice(0).filter((h) => !h.stopped());
    await Promise.all(running.map((h) => h.scheduler.stop({ cancel: true })));
  });
  return (options) => {
    const harness = createSyncHarness(options);
    made.push(harness);
    return harness;
  };
}

/** Expects task `id` to have exactly one final transition, matching its recorded state. */
export function expectOneFinal(harness: SyncHarness, id: string): TaskState {
  const finals = harness.finals(id);
  expect(
    finals.map((t) => t.to),
    `final transitions of ${id}`,
  ).toHaveLength(1);
  const state = harness.scheduler.taskState(id);
  expect(finals[0]?.to).toBe(state);
  return state;
}

// ── Shared-memory signals between the test and a body (see work.mjs) ──────────

/** Slots of a {@link Signals} buffer; work.mjs uses the same numbers. */
export const SIGNAL = { COUNT: 0, STARTED: 1, GO: 2, RETURNING: 3, ACTIVE: 4, MAX_ACTIVE: 5 };
const SIGNAL_SLOTS = 6;
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
 * A SharedArrayBuffer a body and the test both see: passed as an argument, it is shared with
 * the thread, not copied. Bodies count in COUNT, say STARTED, wait for GO, say RETURNING.
 */
export class Signals {
  readonly buffer = new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  readonly #view = new Int32Array(this.buffer);

  /** The body's counter now. */
  get count(): number {
    return Atomics.load(this.#view, SIGNAL.COUNT);
  }

  /** The most `spin` bodies that ran at the same instant. */
  get maxActive(): number {
    return Atomics.load(this.#view, SIGNAL.MAX_ACTIVE);
  }

  /** Resolves once the body has set STARTED (without blocking this loop). */
  async started(): Promise<void> {
    await this.#waitFor(SIGNAL.STARTED);
  }

  /** Lets a `gated` body go on. */
  go(): void {
    Atomics.store(this.#view, SIGNAL.GO, 1);
    Atomics.notify(this.#view, SIGNAL.GO);
  }

  /**
   * Blocks this thread until the `gated` body says it is returning. Nothing else runs here
   * meanwhile, so the body's answer cannot have been handled yet when this returns.
   */
  blockUntilReturning(): void {
    const outcome = Atomics.wait(this.#view, SIGNAL.RETURNING, 0, SIGNAL_LIMIT_MS);
    if (outcome === 'timed-out') throw new Error('the gated body never returned');
  }

  async #waitFor(index: number): Promise<void> {
    const result = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(
      this.#view,
      index,
      0,
      SIGNAL_LIMIT_MS,
    );
    const outcome = result.async ? await result.value : result.value;
    if (outcome === 'timed-out') throw new Error(`signal ${index} was never set`);
  }
}
