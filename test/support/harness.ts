import { filter, firstValueFrom } from 'rxjs';
import {
  AsyncScheduler,
  AsyncTask,
  type AsyncSchedulerOptions,
  type SchedulerError,
  type TaskContext,
  type TaskOptions,
  type TaskState,
  type TaskTransition,
} from '../../src/index.js';
import { deferred, type Deferred } from './deferred.js';
import { ManualClock } from './ManualClock.js';
import { stopAfterTest } from './stopAfterTest.js';

/** The time a {@link ManualClock} starts at: 2026-01-01T00:00:00.000Z. */
export const T0 = Date.UTC(2026, 0, 1);

/** A scheduler on a manual clock, with everything it reported recorded. */
export interface Harness {
  readonly clock: ManualClock;
  readonly scheduler: AsyncScheduler;
  /** Every transition, in the order `transitions$` delivered them. */
  readonly transitions: TaskTransition[];
  /** Everything `errors$` delivered. */
  readonly errors: SchedulerError[];
  /** The `from→to` steps of one task, e.g. `['NEW→SUBMITTED', …]`. */
  readonly steps: (id: string) => string[];
}

/**
 * Creates a scheduler on a {@link ManualClock} and records its two streams. The scheduler is
 * stopped (with cancel) when the test that made it finishes.
 *
 * @param start - call `start()` right away (default true).
 */
export function createHarness(
  options: Omit<AsyncSchedulerOptions, 'clock'> = {},
  { start = true }: { start?: boolean } = {},
): Harness {
  const clock = new ManualClock(T0);
  const scheduler = stopAfterTest(new AsyncScheduler({ ...options, clock }));
  const transitions: TaskTransition[] = [];
  const errors: SchedulerError[] = [];
  scheduler.transitions$.subscribe((t) => transitions.push(t));
  scheduler.errors$.subscribe((e) => errors.push(e));
  if (start) scheduler.start();
  return {
    clock,
    scheduler,
    transitions,
    errors,
    steps: (id) => transitions.filter((t) => t.id === id).map((t) => `${t.from}→${t.to}`),
  };
}

/** Resolves when task `id` enters `state` (on `transitions$`); subscribe before it can happen. */
export function nextTransition(
  scheduler: AsyncScheduler,
  id: string,
  state: TaskState,
): Promise<TaskTransition> {
  return firstValueFrom(scheduler.transitions$.pipe(filter((t) => t.id === id && t.to === state)));
}

/** One run of a {@link Gate}'s body, which the test settles by hand. */
export interface GateRun<TResult> {
  readonly ctx: TaskContext;
  readonly resolve: (value: TResult) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * An AsyncTask whose every run waits until the test settles it: the body returns a promise
 * whose resolve/reject the test holds. It ignores its signal unless the test reads it.
 */
export class Gate<TResult = unknown> {
  readonly task: AsyncTask<unknown[], TResult>;
  /** Ids of the runs whose body was called, in call order. */
  readonly order: string[] = [];
  readonly #runs = new Map<string, Deferred<GateRun<TResult>>>();

  constructor(name = 'gated', options?: TaskOptions) {
    this.task = new AsyncTask<unknown[], TResult>(
      name,
      (ctx) => {
        const settle = deferred<TResult>();
        this.order.push(ctx.id);
        this.#slot(ctx.id).resolve({ ctx, resolve: settle.resolve, reject: settle.reject });
        return settle.promise;
      },
      options,
    );
  }

  /** Whether run `id`'s body has been called. */
  has(id: string): boolean {
    return this.order.includes(id);
  }

  /** Resolves with run `id` once its body has been called. */
  started(id: string): Promise<GateRun<TResult>> {
    return this.#slot(id).promise;
  }

  /** Resolves run `id`'s body with `value` (once it has started). */
  async resolve(id: string, value: TResult): Promise<void> {
    (await this.started(id)).resolve(value);
  }

  /** Rejects run `id`'s body with `reason` (once it has started). */
  async reject(id: string, reason: unknown): Promise<void> {
    (await this.started(id)).reject(reason);
  }

  #slot(id: string): Deferred<GateRun<TResult>> {
    let slot = this.#runs.get(id);
    if (slot === undefined) {
      slot = deferred<GateRun<TResult>>();
      this.#runs.set(id, slot);
    }
    return slot;
  }
}

/** A task whose body never settles and ignores its signal. */
export function hangingTask(name = 'hang', options?: TaskOptions): AsyncTask {
  return new AsyncTask(name, () => new Promise<never>(() => undefined), options);
}

/** A task that returns its first argument at once. */
export function echoTask(name = 'echo', options?: TaskOptions): AsyncTask {
  return new AsyncTask(name, ({ args }) => args[0], options);
}
