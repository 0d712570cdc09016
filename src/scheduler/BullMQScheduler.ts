import { moduleHref } from '../actors/loadTaskModule.js';
import { createIdFactory } from '../ids.js';
import type { Clock } from '../clock.js';
import { createLoopMonitor } from '../metrics/LoopMonitor.js';
import type { SchedulerWarning } from '../metrics/types.js';
import type { AsyncTask } from '../tasks/AsyncTask.js';
import type { RetryBackoff, RetryPolicy } from '../tasks/retryPolicy.js';
import type { SyncTask } from '../tasks/SyncTask.js';
import type { TaskModuleRef } from '../tasks/types.js';
import { GuardedStream, subscriberErrorsTo } from './GuardedStream.js';
import type { LaneStopRequest } from './lane/Lane.js';
import type { RunOptions } from './lane/laneConfig.js';
import { effectiveRetry, runAfterOf } from './lane/policy/runPolicy.js';
import { TaskLedger } from './ledger/TaskLedger.js';
import { BullMQLane } from './placements/bullmq/BullMQLane.js';
import { createBullMQTask, type BullMQTask } from './placements/bullmq/BullMQTask.js';
import {
  resolveBullMQOptions,
  type BullMQSchedulerOptions,
} from './placements/bullmq/bullmqSchedulerOptions.js';
import {
  assertJsonValue,
  PAYLOAD_VERSION,
  type JobBody,
  type JobPayload,
} from './placements/bullmq/jobPayload.js';
import { SchedulerFacade } from './SchedulerFacade.js';
import { resolveSchedulerOptions } from './schedulerOptions.js';
import { assertTask } from './taskQueries.js';

const DEFAULT_EXPORT = 'default';

/** The body a job names: a worker handler, or a module the worker loads. */
function jobBodyOf(task: AsyncTask | SyncTask): JobBody {
  const run: unknown = task.run;
  if (typeof run === 'function') {
    throw new TypeError(
      `Expected AsyncTask "${task.name}" to name its body for a BullMQScheduler ({ handler } registered by runWorker, or a module reference { module, export? }), got a function: its body runs in a worker process, and functions cannot cross to it`,
    );
  }
  if (typeof run === 'object' && run !== null && 'handler' in run) {
    return { handler: (run as { handler: string }).handler };
  }
  const ref = run as TaskModuleRef;
  return { module: moduleHref(ref), export: ref.export ?? DEFAULT_EXPORT };
}

/** The args of a job, checked: JSON values only (they are stored in Redis as JSON). */
function jobArgsOf(task: AsyncTask | SyncTask, args: readonly unknown[]): unknown[] {
  args.forEach((arg, index) => {
    try {
      assertJsonValue(arg, `args[${index}]`);
    } catch (error) {
      throw new TypeError(
        `Task "${task.name}": ${(error as Error).message}; a BullMQScheduler stores args in Redis as JSON`,
      );
    }
  });
  return JSON.parse(JSON.stringify(args)) as unknown[];
}

/** A backoff as JSON carries it: an unbounded `maxDelayMs` (Infinity, which JSON makes null) is left out. */
function jsonBackoff(backoff: RetryBackoff): RetryBackoff {
  const { maxDelayMs, ...rest } = backoff;
  return maxDelayMs === undefined || !Number.isFinite(maxDelayMs) ? rest : { ...rest, maxDelayMs };
}

/** Refuses `retryOn`: attempts end in a worker process, where the function cannot go. */
function assertJobRetry(policy: RetryPolicy | undefined, where: string): void {
  if (policy?.retryOn !== undefined) {
    throw new TypeError(
      `${where}: a BullMQScheduler cannot use \`retry.retryOn\` (its attempts end in worker processes, and a function cannot cross to them); throw UnrecoverableError in the body to fail at once`,
    );
  }
}

/** A task `repeat()` can submit: a body a worker can find, JSON args. */
function assertJobRepeatable(
  task: unknown,
  args: readonly unknown[],
): asserts task is AsyncTask | SyncTask {
  assertTask(task);
  jobBodyOf(task);
  jobArgsOf(task, args);
}

/**
 * A scheduler whose tasks are BullMQ jobs in Redis, run by worker processes on any machine that
 * reaches that Redis (`runWorker`), and followed here as on any other lane: one XState actor per
 * task, the same eight states and stamps, `transitions$`, `metrics$`, retention,
 * `waitTask`/`result`, cancels and the dashboard.
 *
 * @remarks
 * - A task names its body: `{ handler }` (a function a worker registered) or a module reference
 *   (a module the worker loads). Args and results are JSON values (a TypeError at submit
 *   otherwise; a body that returns nothing gives null).
 * - States: SUBMITTED at `submitTask`, SCHEDULED once Redis has the job (waiting or delayed);
 *   STARTED when a worker takes it; DONE, FAILED, TIMED_OUT (the worker aborts `ctx.signal`
 *   at `timeoutMs` and fails the attempt) or CANCELED (a waiting job is removed, an active one
 *   aborted where it runs, never retried). Stamps after SUBMITTED are Redis's clock.
 * - Priority, delay, retries (BullMQ attempts, with the task's backoff), the queue's global
 *   concurrency and rate limit, and pause are BullMQ's own, so they hold for every worker and
 *   every scheduler of the queue: `pause()` pauses the queue.
 * - A worker killed mid-job loses nothing: BullMQ's stalled-job check hands the job back, and
 *   the task retries (STARTED → SCHEDULED) or, with its attempts spent, ends FAILED with
 *   `WorkerCrashedError`. A lost Redis is reported once on `errors$`; on its return every task
 *   is read again from Redis.
 * - Several schedulers may share a queue: each follows the tasks it submitted.
 * @example
 * ```ts
 * import { AsyncTask } from 'async-scheduler';
 * import { BullMQScheduler } from 'async-scheduler/bullmq';
 *
 * const emails = new BullMQScheduler({ name: 'emails', connection: 'redis://127.0.0.1:6379' });
 * emails.start();
 * const send = new AsyncTask<[to: string], string>('send', { handler: 'send' }, { timeoutMs: 5_000 });
 * console.log(await emails.result(emails.submitTask(send, 'ada@example.com')));
 * await emails.stop();
 * ```
 */
export class BullMQScheduler extends SchedulerFacade<BullMQTask> {
  readonly #name: string;
  readonly #lane: BullMQLane;
  readonly #warnings: GuardedStream<SchedulerWarning>;
  readonly #createTaskId = createIdFactory();
  readonly #clock: Clock;
  readonly #retry: RetryPolicy | undefined;

  /**
   * Connects to the queue (the connection is made in the background: a Redis that does not
   * answer is reported on `errors$`, and submits wait for it).
   *
   * @param options - AsyncScheduler's options (`threads`, `resourceLimits` and `restart` belong
   * to `runWorker`), with the lane's `name` and the Redis `connection` required.
   * @throws TypeError for a missing name or connection, a worker's option, or a bad value;
   * RangeError for an out-of-range one.
   */
  constructor(options: BullMQSchedulerOptions) {
    const bullmq = resolveBullMQOptions(options);
    const resolved = resolveSchedulerOptions(bullmq.schedulerOptions, bullmq.schedulerOptions.name);
    assertJobRetry(resolved.retry, `BullMQScheduler "${resolved.name}"`);
    const ledger = new TaskLedger<BullMQTask>(
      resolved.retention,
      resolved.clock,
      resolved.callbacks,
    );
    const warnings = new GuardedStream<SchedulerWarning>(
      subscriberErrorsTo('warnings$', (error) => {
        ledger.reporter.reportError(error);
      }),
    );
    const lane = new BullMQLane({
      lane: resolved.name,
      queue: bullmq.queue,
      prefix: bullmq.prefix,
      redis: bullmq.redis,
      ledger,
      clock: resolved.clock,
      inspect: resolved.inspect,
      concurrency: bullmq.concurrency,
      rateLimit: resolved.rateLimit,
      keep: bullmq.keep,
      eventsMaxLen: bullmq.eventsMaxLen,
      lostWorkerMs: bullmq.lostWorkerMs,
      workersRefreshMs: resolved.metricsIntervalMs,
      follow: bullmq.follow,
    });
    super({
      options: resolved,
      ledger,
      lane,
      queuedCount: () => ledger.queuedCount,
      delayedCount: () => ledger.delayedCount(resolved.clock.now()),
      warnings$: warnings.observable,
      warn: (warning) => {
        warnings.next(warning);
      },
      checkRepeatable: assertJobRepeatable,
      metrics: {
        kind: 'bullmq',
        threads: () => ({
          executorRestarts: 0,
          laneRestarts: 0,
          degraded: false,
          executorActiveMs: 0,
          executorIdleMs: 0,
        }),
        workers: () => lane.workers(),
        loop: createLoopMonitor(),
      },
    });
    this.#name = resolved.name;
    this.#clock = resolved.clock;
    this.#retry = resolved.retry;
    this.#warnings = warnings;
    this.#lane = lane;
    if (resolved.autoStart) this.start();
  }

  /**
   * The queue's global concurrency: most jobs active at once over every worker (BullMQ's
   * `setGlobalConcurrency`); Infinity (the default) leaves each worker's own `concurrency`.
   *
   * @throws TypeError/RangeError, when set, unless a whole number >= 1 or Infinity.
   */
  override get concurrency(): number {
    return super.concurrency;
  }

  override set concurrency(value: number) {
    super.concurrency = value;
  }

  /**
   * Pauses the queue (BullMQ's pause: no worker takes a new job, whichever scheduler submitted
   * it) until `resume()` resumes it; running jobs go on, submits queue. `stop()` resumes it.
   */
  override pause(): void {
    super.pause();
  }

  protected override submitRun(
    task: AsyncTask | SyncTask,
    args: readonly unknown[],
    run: RunOptions | undefined,
    canceledWith?: string,
  ): string {
    const body = jobBodyOf(task);
    const jobArgs = jobArgsOf(task, args);
    const policy = run?.retry ?? task.options.retry ?? this.#retry;
    assertJobRetry(policy, `Task "${task.name}"`);
    this.assertRoom();
    const submittedAt = this.#clock.now();
    const retry = effectiveRetry(policy);
    const id = this.#createTaskId();
    const priority = run?.priority ?? task.options.priority ?? 0;
    const timeoutMs = run?.timeoutMs ?? task.options.timeoutMs;
    const payload: JobPayload = {
      v: PAYLOAD_VERSION,
      lane: this.#name,
      type: task.type,
      body,
      args: jobArgs,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      attempts: retry?.attempts ?? 1,
      ...(retry?.backoff === undefined ? {} : { backoff: jsonBackoff(retry.backoff) }),
      priority,
      submittedAt,
      ...(run?.repeatId === undefined ? {} : { repeatId: run.repeatId }),
      ...(run?.key === undefined ? {} : { key: run.key }),
    };
    const record = createBullMQTask(id, task.name, payload, {
      callbacks: task.options,
      actor: this.#lane.createActor({ id, name: task.name }),
      runAfter: runAfterOf(run, task.options.delayMs, () => submittedAt),
      own: true,
    });
    if (canceledWith !== undefined) {
      this.#lane.submitCanceled(record, canceledWith);
      return id;
    }
    this.#lane.submit(record);
    this.taskSubmitted();
    return id;
  }

  /**
   * Starts the lane first if `start()` never was: the submits it holds must reach Redis to be
   * drained or canceled. Then completes `warnings$`, which this scheduler feeds itself.
   */
  protected override stopLane(request: LaneStopRequest): Promise<void> {
    this.#lane.start();
    return super.stopLane(request).then(() => {
      this.#warnings.complete();
    });
  }
}
