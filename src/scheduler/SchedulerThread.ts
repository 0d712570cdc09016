import { moduleHref } from '../actors/loadTaskModule.js';
import { TaskCanceledError } from '../errors.js';
import { createIdFactory } from '../ids.js';
import { TaskState } from '../taskState.js';
import type { Clock } from '../clock.js';
import type { TaskModuleRef } from '../tasks/types.js';
import { resolveSchedulerOptions, type AsyncSchedulerOptions } from './schedulerOptions.js';
import { cloneArgs, assertInProcessTask, assertTask, type InProcessTask } from './taskQueries.js';
import { LaneThreadHost } from './placements/thread/LaneThreadHost.js';
import { TaskLedger } from './ledger/TaskLedger.js';
import { createThreadTask, type ThreadTask } from './placements/thread/ThreadTask.js';
import { ThreadObservation } from './placements/thread/ThreadObservation.js';
import type { RunOptions } from './lane/laneConfig.js';
import { SchedulerFacade } from './SchedulerFacade.js';
import type { RetryPolicy } from '../tasks/retryPolicy.js';
import { assertCrossableRetry, threadRunPolicy } from './placements/thread/threadRunPolicy.js';
import { threadOptionsOf, type SchedulerThreadOptions } from './schedulerThreadOptions.js';

const DEFAULT_EXPORT = 'default';

/** A task for a lane thread: its body must be a module reference, its args must clone. */
function assertThreadTask(task: unknown): asserts task is InProcessTask {
  assertTask(task);
  assertInProcessTask(task, 'SchedulerThread');
  if (typeof task.run === 'function') {
    throw new TypeError(
      `Expected AsyncTask "${task.name}" to have a module reference body { module, export? } for a SchedulerThread, got a function: its body runs in the lane's own thread, and functions cannot cross threads`,
    );
  }
}

/** A task `repeat()` can submit to a lane thread: a module reference body, args that clone. */
function assertThreadRepeatable(
  task: unknown,
  args: readonly unknown[],
): asserts task is InProcessTask {
  assertThreadTask(task);
  cloneArgs(task, args, 'the lane thread');
}

/**
 * A scheduler whose lane (its supervisor actor and every task actor) lives in its own worker
 * thread, with its own event loop: tasks there never block the caller's loop or another
 * SchedulerThread.
 *
 * @remarks Same options and methods as `AsyncScheduler`, called from the main thread; every
 * call crosses by message. `taskState`, `taskInfo`, `dumpTask` and `slowest` answer at once from
 * a main-side record kept current by the thread's transitions; `submitTask` enters SUBMITTED
 * there at once (later states come from the thread). Callbacks, `transitions$`,
 * `errors$` and `inspect` run on the main thread. AsyncTask bodies must be module references
 * (a function cannot cross threads), and arguments must survive a structured clone. If the lane
 * thread dies, its STARTED tasks end FAILED with `WorkerCrashedError`, and a replacement thread
 * takes over the tasks that had not started. The `clock` option drives only the main side
 * (`waitTask` limits, retention ages); the lane thread keeps time with the system clock.
 * @example
 * ```ts
 * import { AsyncTask, SchedulerThread } from 'async-scheduler';
 *
 * const urgent = new SchedulerThread({ name: 'urgent', concurrency: 4, autoStart: true });
 * const ping = AsyncTask.from<typeof import('./ping.js')>('ping', {
 *   module: new URL('./ping.js', import.meta.url),
 * });
 * console.log(await urgent.result(urgent.submitTask(ping, 'host-1')));
 * console.log(await urgent.submit(ping, { args: ['host-2'], priority: 9 }).result());
 * await urgent.stop();
 * ```
 */
export class SchedulerThread extends SchedulerFacade<ThreadTask> {
  readonly #name: string;
  readonly #ledger: TaskLedger<ThreadTask>;
  readonly #host: LaneThreadHost;
  readonly #createTaskId = createIdFactory();
  readonly #clock: Clock;
  /** The scheduler's retry policy, applied on this side at submit (never with `retryOn`). */
  readonly #retry: RetryPolicy | undefined;

  /**
   * Starts the lane thread (it keeps the process alive only while it has work).
   *
   * @param options - as AsyncScheduler's, with the lane's `name` required; `inspect` and the
   * `on*` callbacks are called on the main thread, `threads`/`resourceLimits`/`restart` apply
   * to the lane's executor threads (which live inside the lane thread: a SchedulerThread never
   * uses the process's shared executor pool) and `restart` also to the lane thread itself.
   * @throws TypeError for a missing name, RangeError for an empty one, TypeError/RangeError for
   * a bad option; Error when the built lane entry (`dist/worker/laneWorker.js`) is missing
   * while running from the TypeScript sources.
   * @example
   * ```ts
   * import { SchedulerThread } from 'async-scheduler';
   *
   * const reports = new SchedulerThread({ name: 'reports', concurrency: 2 });
   * ```
   */
  constructor(options: SchedulerThreadOptions);
  /**
   * Starts the lane thread (it keeps the process alive only while it has work).
   *
   * @param name - the lane's name, in every TaskInfo and in the inspector (it takes the place
   * of the `name` option).
   * @param options - as in the `{ name, ...options }` form.
   * @throws as the `{ name, ...options }` form.
   */
  constructor(name: string, options?: AsyncSchedulerOptions);
  constructor(nameOrOptions: string | SchedulerThreadOptions, options?: AsyncSchedulerOptions) {
    const threadOptions = threadOptionsOf(nameOrOptions, options);
    const resolved = resolveSchedulerOptions(threadOptions, threadOptions.name);
    const ledger = new TaskLedger<ThreadTask>(
      resolved.retention,
      resolved.clock,
      resolved.callbacks,
    );
    assertCrossableRetry(resolved.retry, `SchedulerThread "${resolved.name}"`);
    const observation = new ThreadObservation({
      sampleIntervalMs: resolved.metricsIntervalMs,
      reportError: (error) => {
        ledger.reporter.reportError(error);
      },
    });
    const host = new LaneThreadHost({
      init: {
        lane: resolved.name,
        concurrency: resolved.concurrency,
        threads: resolved.threads,
        resourceLimits: resolved.resourceLimits,
        restart: resolved.restart,
        inspect: resolved.inspect !== undefined,
        slowTaskMs: resolved.slowTaskMs,
        rateLimit: resolved.rateLimit,
      },
      clock: resolved.clock,
      ledger,
      inspect: resolved.inspect,
      observation,
    });
    super({
      options: resolved,
      ledger,
      lane: host,
      queuedCount: () => ledger.queuedCount,
      delayedCount: () => ledger.delayedCount(resolved.clock.now()),
      warnings$: observation.warnings$,
      warn: (warning) => {
        observation.warn(warning);
      },
      checkRepeatable: assertThreadRepeatable,
      metrics: { kind: 'thread', threads: () => observation.threads(), loop: observation.loop },
    });
    this.#name = resolved.name;
    this.#ledger = ledger;
    this.#clock = resolved.clock;
    this.#retry = resolved.retry;
    this.#host = host;
    if (resolved.autoStart) this.start();
  }

  protected override submitRun(
    task: unknown,
    args: readonly unknown[],
    run: RunOptions | undefined,
    canceledWith?: string,
  ): string {
    assertThreadTask(task);
    this.assertRoom();
    // Cloned now: the thread (or a restarted one) gets the args as they were at submit.
    const sent = cloneArgs(task, args, 'the lane thread');
    const ref = task.run as TaskModuleRef;
    const submittedAt = this.#clock.now();
    const record = createThreadTask(
      {
        id: this.#createTaskId(),
        name: task.name,
        type: task.type,
        lane: this.#name,
        args: Object.freeze(sent),
        priority: run?.priority ?? task.options.priority ?? 0,
        timeoutMs: run?.timeoutMs ?? task.options.timeoutMs,
        key: run?.key,
        repeatId: run?.repeatId,
      },
      { module: moduleHref(ref), export: ref.export ?? DEFAULT_EXPORT },
      task.options,
      submittedAt,
      threadRunPolicy(task, run, this.#retry, submittedAt),
    );
    if (canceledWith !== undefined) {
      // Canceled as it is submitted: it ends here, and never reaches the thread.
      this.#host.fileOnly(record);
      this.#ledger.enter(record, TaskState.SUBMITTED, { at: record.submittedAt });
      this.#ledger.end(
        record,
        TaskState.CANCELED,
        new TaskCanceledError(record.id, canceledWith),
        canceledWith,
      );
      return record.id;
    }
    this.#host.submit(record);
    // SUBMITTED on the main side at once, as in AsyncScheduler (the thread's own SUBMITTED,
    // arriving later, is ignored). Posted first, so a cancel from onSubmit follows the submit.
    this.#ledger.enter(record, TaskState.SUBMITTED, { at: record.submittedAt });
    this.taskSubmitted();
    return record.id;
  }
}
