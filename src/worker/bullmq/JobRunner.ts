import type { AsyncScheduler } from '../../scheduler/AsyncScheduler.js';
import { toErrorData } from '../../errorData.js';
import { SchedulerError, SchedulerErrorCode, WorkerCrashedError } from '../../errors.js';
import { AsyncTask } from '../../tasks/AsyncTask.js';
import { SyncTask } from '../../tasks/SyncTask.js';
import { TaskState } from '../../taskState.js';
import type { TaskErrorData, TaskInfo } from '../../tasks/types.js';
import {
  assertJsonValue,
  type AttemptReport,
  type JobPayload,
} from '../../scheduler/placements/bullmq/jobPayload.js';
import type { ResolvedWorkerOptions } from './runWorkerOptions.js';

/** A URL's scheme: what tells an href from a package specifier. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** What a job is, as far as running it goes. */
export interface RunnableJob {
  readonly id: string;
  readonly name: string;
  readonly payload: JobPayload;
  /** 1-based: how many times a worker took this job, this time included. */
  readonly attempt: number;
}

/** How an attempt ended: a value to complete the job with, or a failure to fail it with. */
export type AttemptOutcome =
  | { readonly done: true; readonly value: unknown }
  | { readonly done: false; readonly report: AttemptReport; readonly final: boolean };

/**
 * Runs jobs' tasks on the worker's own AsyncScheduler: AsyncTask bodies on this loop, SyncTask
 * bodies on its executor threads, each with its attempt's `timeoutMs` (the signal aborts, then
 * the attempt ends TIMED_OUT) and a cancel that aborts it.
 */
export class JobRunner {
  readonly #local: AsyncScheduler;
  readonly #options: ResolvedWorkerOptions;
  /** One task definition per distinct body (a definition can be submitted any number of times). */
  readonly #tasks = new Map<string, AsyncTask | SyncTask>();

  constructor(local: AsyncScheduler, options: ResolvedWorkerOptions) {
    this.#local = local;
    this.#options = options;
  }

  /**
   * Runs one attempt of `job`; `signal` (BullMQ's job cancellation) cancels it.
   *
   * @returns how it ended; never rejects.
   */
  async run(job: RunnableJob, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    const { payload, attempt } = job;
    if (attempt > payload.attempts) {
      // The attempts were spent by workers that died under it (each take counts).
      const crash = new WorkerCrashedError(
        `Task ${job.id}: its worker stopped while running attempt ${payload.attempts} of ${payload.attempts}, and no attempt is left`,
        { taskId: job.id },
      );
      return this.#failure(job, 'FAILED', toErrorData(crash), true);
    }
    let task: AsyncTask | SyncTask;
    try {
      task = this.#taskOf(job);
    } catch (error) {
      return this.#failure(job, 'FAILED', toErrorData(error), true);
    }
    const handle = this.#local.submit(task, {
      args: payload.args as unknown[],
      ...(payload.timeoutMs === undefined ? {} : { timeoutMs: payload.timeoutMs }),
    });
    const abort = (): void => {
      void handle.cancel(reasonOf(signal));
    };
    if (signal?.aborted === true) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    let info: TaskInfo;
    try {
      info = await handle.wait();
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    return this.#outcome(job, info);
  }

  #outcome(job: RunnableJob, info: TaskInfo): AttemptOutcome {
    const last = job.attempt >= job.payload.attempts;
    switch (info.state) {
      case TaskState.DONE: {
        const value = info.result === undefined ? null : info.result;
        try {
          assertJsonValue(value, 'the result');
        } catch (error) {
          const refused = new TypeError(
            `Task "${job.name}" (${job.id}): ${(error as Error).message}; a BullMQ task's result is stored in Redis as JSON`,
          );
          return this.#failure(job, 'FAILED', toErrorData(refused), true);
        }
        return { done: true, value };
      }
      case TaskState.CANCELED:
        return this.#failure(job, 'CANCELED', errorOf(info), true, info.reason);
      case TaskState.TIMED_OUT:
        return this.#failure(job, 'TIMED_OUT', errorOf(info), last, info.reason);
      default: {
        const error = errorOf(info);
        return this.#failure(
          job,
          'FAILED',
          error,
          last || error.code === SchedulerErrorCode.UNRECOVERABLE,
        );
      }
    }
  }

  #failure(
    job: RunnableJob,
    outcome: AttemptReport['outcome'],
    error: TaskErrorData,
    final: boolean,
    reason?: string,
  ): AttemptOutcome {
    return {
      done: false,
      final,
      report: {
        jobId: job.id,
        attempt: job.attempt,
        outcome,
        error,
        ...(reason === undefined ? {} : { reason }),
      },
    };
  }

  /** The task definition of a job's body: its handler, or its module if allowed here. */
  #taskOf(job: RunnableJob): AsyncTask | SyncTask {
    const { body, type } = job.payload;
    const key = `${type} ${'handler' in body ? `handler:${body.handler}` : `${body.module}#${body.export}`}`;
    const known = this.#tasks.get(key);
    if (known !== undefined) return known;
    let task: AsyncTask | SyncTask;
    if ('handler' in body) {
      const handler = this.#options.handlers.get(body.handler);
      if (handler === undefined) {
        throw new SchedulerError(
          SchedulerErrorCode.UNRECOVERABLE,
          `Worker "${this.#options.name}" has no handler "${body.handler}" (task "${job.name}"); it has: ${[...this.#options.handlers.keys()].join(', ') || 'none'}`,
          { taskId: job.id },
        );
      }
      if (type === 'sync') {
        if (typeof handler === 'function') {
          throw new SchedulerError(
            SchedulerErrorCode.UNRECOVERABLE,
            `Task "${job.name}" is a SyncTask, but worker handler "${body.handler}" is a function: a SyncTask's body runs on an executor thread, so register it as a module reference { module, export? }`,
            { taskId: job.id },
          );
        }
        task = new SyncTask(job.name, handler);
      } else {
        task = new AsyncTask(job.name, handler as never);
      }
    } else {
      const { modules } = this.#options;
      if (modules !== undefined && !modules.has(body.module)) {
        throw new SchedulerError(
          SchedulerErrorCode.UNRECOVERABLE,
          `Worker "${this.#options.name}" may not load module ${body.module} (task "${job.name}"): list it in runWorker({ modules })`,
          { taskId: job.id },
        );
      }
      // An href (file:, data:, …) as a URL; a package specifier as it is.
      const module = URL_SCHEME.test(body.module) ? new URL(body.module) : body.module;
      const ref = { module, export: body.export };
      task = type === 'sync' ? new SyncTask(job.name, ref) : new AsyncTask(job.name, ref);
    }
    this.#tasks.set(key, task);
    return task;
  }
}

/** The error a final TaskInfo carries (a cancel or a timeout has one too). */
function errorOf(info: TaskInfo): TaskErrorData {
  return info.error ?? { name: 'Error', message: `ended ${info.state}` };
}

/** Why BullMQ's signal aborted: the reason a scheduler's cancel sent. */
function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error && reason.message !== '') return reason.message;
  return 'canceled';
}
