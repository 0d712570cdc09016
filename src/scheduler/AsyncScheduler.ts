import { AsyncResource } from 'node:async_hooks';
import { fromLoop } from '../actors/fromLoop.js';
import { fromWorkerPool } from '../actors/fromWorkerPool.js';
import { SyncTask } from '../tasks/SyncTask.js';
import { fromSharedWorkerPool } from '../actors/sharedWorkerPool.js';
import type { AsyncTask } from '../tasks/AsyncTask.js';
import { createLoopMonitor } from '../metrics/LoopMonitor.js';
import { LaneEngine } from './lane/LaneEngine.js';
import type { LiveTask } from './lane/LiveTask.js';
import { TaskLedger } from './ledger/TaskLedger.js';
import { SchedulerFacade } from './SchedulerFacade.js';
import type { RunOptions } from './lane/laneConfig.js';
import {
  DEFAULT_LANE_NAME,
  resolveSchedulerOptions,
  type AsyncSchedulerOptions,
} from './schedulerOptions.js';
import { cloneArgs, assertInProcessTask, assertTask } from './taskQueries.js';

/** The `type` of the async resource that carries a submit's context to its body. */
const TASK_CONTEXT_TYPE = 'AsyncSchedulerTask';

/** A task `repeat()` can submit on the caller's loop: a SyncTask's args must clone to a thread. */
function assertLoopRepeatable(
  task: unknown,
  args: readonly unknown[],
): asserts task is AsyncTask | SyncTask {
  assertTask(task);
  assertInProcessTask(task, 'AsyncScheduler');
  if (task instanceof SyncTask) cloneArgs(task, args, 'a thread');
}

/**
 * A scheduler whose lane is the caller's event loop: AsyncTask bodies run here, up to
 * `concurrency` at once, highest priority first.
 *
 * @remarks Every submitted task is an XState actor supervised by the lane's actor; every
 * transition is on {@link AsyncScheduler.transitions$}. Submitting before {@link start} queues
 * (SUBMITTED); nothing runs until `start()`. Every submitted task ends in exactly one final
 * state, whatever happens.
 * @example
 * ```ts
 * import { AsyncScheduler, AsyncTask } from 'async-scheduler';
 *
 * const hello = new AsyncTask('hello', ({ args: [who] }: { args: [string] }) => `hi ${who}`);
 * const s = new AsyncScheduler({ concurrency: 8 });
 * s.start();
 * const id = s.submitTask(hello, 'Ada'); // TaskId<string>
 * console.log(await s.result(id)); // 'hi Ada'
 * const h = s.submit(hello, { args: ['Grace'], priority: 1, timeoutMs: 1_000 });
 * console.log(await h.result()); // 'hi Grace'
 * await s.stop();
 * ```
 */
export class AsyncScheduler extends SchedulerFacade<LiveTask> {
  readonly #engine: LaneEngine;

  /**
   * @throws TypeError/RangeError for a bad option.
   * @example
   * ```ts
   * import { AsyncScheduler } from 'async-scheduler';
   *
   * await using s = new AsyncScheduler({ autoStart: true }); // stop({ cancel: true }) at scope end
   * ```
   */
  constructor(options?: AsyncSchedulerOptions) {
    const resolved = resolveSchedulerOptions(options, DEFAULT_LANE_NAME);
    const ledger = new TaskLedger<LiveTask>(resolved.retention, resolved.clock, resolved.callbacks);
    const engine = new LaneEngine({
      lane: resolved.name,
      concurrency: resolved.concurrency,
      ledger,
      clock: resolved.clock,
      executor: fromLoop(),
      createSyncExecutor: resolved.sharedPool
        ? fromSharedWorkerPool(resolved.threads)
        : fromWorkerPool({
            size: resolved.threads,
            resourceLimits: resolved.resourceLimits,
            restart: resolved.restart,
            clock: resolved.clock,
          }),
      slowTaskMs: resolved.slowTaskMs,
      kind: 'loop',
      inspect: resolved.inspect,
      retry: resolved.retry,
      rateLimit: resolved.rateLimit,
    });
    super({
      options: resolved,
      ledger,
      lane: engine,
      queuedCount: () => engine.queuedCount,
      delayedCount: () => engine.delayedCount,
      warnings$: engine.warnings$,
      warn: (warning) => {
        engine.warn(warning);
      },
      checkRepeatable: assertLoopRepeatable,
      metrics: {
        kind: 'loop',
        threads: () => {
          const health = engine.executorHealth();
          return {
            executorRestarts: health.restarts,
            laneRestarts: 0,
            degraded: health.degraded,
            executorActiveMs: health.activeMs,
            executorIdleMs: health.idleMs,
          };
        },
        loop: createLoopMonitor(),
      },
    });
    this.#engine = engine;
    if (resolved.autoStart) this.start();
  }

  protected override submitRun(
    task: AsyncTask | SyncTask,
    args: readonly unknown[],
    run: RunOptions | undefined,
    canceledWith?: string,
  ): string {
    assertInProcessTask(task, 'AsyncScheduler');
    this.assertRoom();
    // A SyncTask's args are cloned now: the thread runs it with them as they were at submit.
    const engine = this.#engine;
    const isSync = task instanceof SyncTask;
    const record = engine.createRecord(
      task,
      isSync ? cloneArgs(task, args, 'a thread') : args,
      undefined,
      run,
    );
    // The body runs later, from whatever step frees its slot: it gets this call's async context
    // (AsyncLocalStorage stores) back. A SyncTask's body runs on a thread, where there is none.
    if (!isSync) record.context = new AsyncResource(TASK_CONTEXT_TYPE);
    if (canceledWith === undefined) engine.submit(record);
    else engine.submitCanceled(record, canceledWith);
    this.taskSubmitted();
    return record.id;
  }
}
