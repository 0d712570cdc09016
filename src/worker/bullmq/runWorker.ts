import {
  QueueEventsProducer,
  UnrecoverableError as BullMQUnrecoverableError,
  Worker,
  type Job,
} from 'bullmq';
import type { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import { moduleHref } from '../../actors/loadTaskModule.js';
import { SchedulerError, SchedulerErrorCode } from '../../errors.js';
import { AsyncScheduler } from '../../scheduler/AsyncScheduler.js';
import { GuardedStream, warnOfErrorsSubscriber } from '../../scheduler/GuardedStream.js';
import { backoffDelay } from '../../scheduler/lane/policy/backoffDelay.js';
import { BACKOFF_TYPE } from '../../scheduler/placements/bullmq/jobOptions.js';
import {
  attemptEventFields,
  isJobPayload,
  PAYLOAD_VERSION,
  type AttemptReport,
} from '../../scheduler/placements/bullmq/jobPayload.js';
import { cancelStreamKey, readCancel } from '../../scheduler/placements/bullmq/cancelStream.js';
import {
  JobEventStream,
  recentStreamId,
} from '../../scheduler/placements/bullmq/JobEventStream.js';
import { RedisHealth } from '../../scheduler/placements/bullmq/RedisHealth.js';
import { EarlyCancels } from './EarlyCancels.js';
import { JobRunner, type AttemptOutcome } from './JobRunner.js';
import { resolveWorkerOptions, type RunWorkerOptions } from './runWorkerOptions.js';

/** A running worker process's hold on a queue, from {@link runWorker}. */
export interface QueueWorker {
  /** Its name, as BullMQ lists it (`queue.getWorkers()`). */
  readonly name: string;
  /** The queue it takes jobs from. */
  readonly queue: string;
  /** How many jobs it runs now. */
  readonly runningCount: number;
  /**
   * A lost Redis connection (once per outage), failed Redis calls, and jobs it failed at once
   * because no BullMQScheduler wrote them (`ERR_UNRECOVERABLE`). How tasks end is not here: that
   * is the scheduler's to report. A subscriber that throws is a process warning, never a crash.
   */
  readonly errors$: Observable<SchedulerError>;
  /**
   * Stops taking jobs. By default it finishes the ones it runs first; `force: true` hands them
   * back instead (their bodies are aborted here, and BullMQ's stalled-job check gives the jobs
   * to another worker, counting the attempt).
   */
  close(options?: { force?: boolean }): Promise<void>;
}

/** BullMQ's stall count before it fails a job itself: never, the task's attempts decide. */
const NO_STALL_LIMIT = 1_000_000;
/** The events stream length when the queue has none set (BullMQ's own default). */
const DEFAULT_EVENTS_MAX_LEN = 10_000;

/**
 * Runs the tasks of a BullMQScheduler's queue in this process. Any number of processes, on any
 * machine that reaches the Redis, may run one each.
 *
 * @remarks
 * - A task names its body: `{ handler }` from `handlers`, or a module reference allowed by
 *   `modules`. An AsyncTask body runs on this loop with `ctx.args` and `ctx.signal`; a SyncTask
 *   body (a module reference) on this worker's own executor threads (`threads`), so a timeout or
 *   a cancel stops CPU-bound work.
 * - At the task's `timeoutMs` the signal aborts and the attempt ends TIMED_OUT (retried while
 *   attempts are left); a cancel from any scheduler reaches the job here through Redis and
 *   aborts it (never retried).
 * - Retries wait out the task's own backoff (BullMQ's custom backoff strategy).
 * @returns once the worker is connected and taking jobs.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { runWorker } from 'async-scheduler/bullmq';
 *
 * const worker = await runWorker({
 *   connection: 'redis://127.0.0.1:6379',
 *   queue: 'emails',
 *   concurrency: 8,
 *   handlers: {
 *     send: async ({ args: [to], signal }) => {
 *       signal.throwIfAborted();
 *       return `sent to ${String(to)}`;
 *     },
 *   },
 * });
 * process.once('SIGTERM', () => void worker.close());
 * ```
 */
export async function runWorker(options: RunWorkerOptions): Promise<QueueWorker> {
  const resolved = resolveWorkerOptions(options, moduleHref);
  const { redis, queue, prefix } = resolved;
  const errors = new GuardedStream<SchedulerError>(warnOfErrorsSubscriber);
  const health = new RedisHealth({
    lane: `worker ${resolved.name}`,
    report: (error) => {
      errors.next(error);
    },
    reconnected: () => undefined,
  });
  const local = new AsyncScheduler({
    name: `${queue}@${resolved.name}`,
    autoStart: true,
    threads: resolved.threads,
    ...(resolved.resourceLimits === undefined ? {} : { resourceLimits: resolved.resourceLimits }),
    retention: { maxFinished: 0 },
  });
  const runner = new JobRunner(local, resolved);
  // The producer's connection is this worker's: close() cuts it, whether Redis answers or not.
  const client = new Redis({ ...redis });
  const producer = new QueueEventsProducer(queue, { connection: client, prefix });
  const early = new EarlyCancels();
  // Cancels published from now on (by any scheduler of the queue) reach the jobs run here.
  const cancels = new JobEventStream({
    redis,
    key: cancelStreamKey(prefix, queue),
    after: recentStreamId(),
    event: (fields) => {
      const cancel = readCancel(fields);
      if (cancel === undefined) return;
      if (!worker.cancelJob(cancel.jobId, cancel.reason)) early.keep(cancel.jobId, cancel.reason);
    },
    failed: (error) => {
      health.failed(error);
    },
  });
  let handingBack = false;
  /** Jobs whose attempt runs here now (AsyncTask bodies run on this loop, not on `local`). */
  let running = 0;
  let maxEvents = DEFAULT_EVENTS_MAX_LEN;

  const publish = async (report: AttemptReport): Promise<void> => {
    await producer.publishEvent(attemptEventFields(report), maxEvents);
  };
  const processJob = async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const payload: unknown = job.data;
    if (!isJobPayload(payload) || job.id === undefined) {
      const message = `Worker "${resolved.name}" failed job ${String(job.id)} ("${job.name}") of queue "${queue}" at once: its data is not a task a BullMQScheduler wrote (version ${PAYLOAD_VERSION}: { v, lane, type, body, args, attempts, ... })`;
      errors.next(
        new SchedulerError(SchedulerErrorCode.UNRECOVERABLE, message, {
          ...(job.id === undefined ? {} : { taskId: job.id }),
        }),
      );
      throw new BullMQUnrecoverableError(message);
    }
    const canceledBefore = early.take(job.id);
    running++;
    let outcome: AttemptOutcome;
    try {
      outcome = await runner.run(
        { id: job.id, name: job.name, payload, attempt: Math.max(1, job.attemptsStarted) },
        canceledBefore === undefined ? signal : AbortSignal.abort(canceledBefore),
      );
    } finally {
      running--;
    }
    if (outcome.done) return outcome.value;
    const { report, final } = outcome;
    // Handing the job back (close({ force })): the stalled-job check retries it, as a crash.
    if (!handingBack) await publish(report);
    const error = final
      ? new BullMQUnrecoverableError(report.error.message)
      : new Error(report.error.message);
    if (report.error.stack !== undefined) error.stack = report.error.stack;
    throw error;
  };
  const worker = new Worker(queue, processJob, {
    connection: { ...redis },
    prefix,
    name: resolved.name,
    concurrency: resolved.concurrency,
    lockDuration: resolved.lockDurationMs,
    stalledInterval: resolved.stalledIntervalMs,
    maxStalledCount: NO_STALL_LIMIT,
    settings: {
      backoffStrategy: (
        attemptsMade: number,
        type?: string,
        _error?: Error,
        job?: { data?: unknown },
      ) => {
        if (type !== BACKOFF_TYPE || !isJobPayload(job?.data)) return 0;
        return Math.round(backoffDelay(job.data.backoff, attemptsMade));
      },
    },
  });
  for (const emitter of [worker, producer, client] as EventEmitter[]) {
    emitter.on('error', (error: Error) => {
      health.failed(error);
    });
  }
  health.watch(client);
  health.watch(cancels.client);
  const configured = await client
    .hget(`${prefix}:${queue}:meta`, 'opts.maxLenEvents')
    .catch(() => null);
  if (configured !== null && Number(configured) > 0) maxEvents = Number(configured);
  await Promise.all([worker.waitUntilReady(), cancels.ready]);

  let closing: Promise<void> | undefined;
  return {
    name: resolved.name,
    queue,
    get runningCount() {
      return running;
    },
    errors$: errors.observable,
    close: ({ force = false } = {}) => {
      closing ??= (async () => {
        handingBack = force;
        const closingWorker = worker.close(force);
        if (force) await local.stop({ cancel: true });
        await closingWorker;
        await local.stop();
        health.close();
        cancels.close();
        await producer.close();
        client.disconnect();
        errors.complete();
      })();
      return closing;
    },
  };
}
