import type { AsyncScheduler } from '../../scheduler/AsyncScheduler.js';
import { toErrorData } from '../../errorData.js';
import {
  SchedulerError,
  SchedulerErrorCode,
  TaskCanceledError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../errors.js';
import { fromLoop } from '../../actors/fromLoop.js';
import { SyncTask } from '../../tasks/SyncTask.js';
import { TaskState } from '../../taskState.js';
import type { TaskErrorData, TaskFn, TaskInfo, TaskModuleRef } from '../../tasks/types.js';
import { runLoopAttempt, type LoopAttemptResult } from './loopAttempt.js';
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
 * Runs one attempt of a job's task: an AsyncTask body directly on this loop, a SyncTask body on
 * the worker's own AsyncScheduler (which queues it for a free executor thread); each with its
 * attempt's `timeoutMs` (the signal aborts, or the thread is terminated, and the attempt ends
 * TIMED_OUT) and a cancel that aborts it.
 */
export class JobRunner {
  readonly #local: AsyncScheduler;
  readonly #options: ResolvedWorkerOptions;
  /** Runs AsyncTask bodies on this loop. */
  readonly #loop = fromLoop();
  readonly #syncTasks = new Map<string, SyncTask>();

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
    let body: TaskFn<readonly unknown[]> | TaskModuleRef;
    try {
      body = this.#bodyOf(job);
    } catch (error) {
      return this.#failure(job, 'FAILED', toErrorData(error), true);
    }
    if (payload.type === 'async') {
      const result = await runLoopAttempt(
        this.#loop,
        { id: job.id, name: job.name, lane: payload.lane, args: payload.args, body },
        payload.timeoutMs,
        signal,
        () => reasonOf(signal),
      );
      return this.#outcome(job, result);
    }
    return this.#outcome(job, await this.#runSync(job, body as TaskModuleRef, signal));
  }

  /** A SyncTask body: on the local lane, which queues it for a free executor thread. */
  async #runSync(
    job: RunnableJob,
    ref: TaskModuleRef,
    signal: AbortSignal | undefined,
  ): Promise<LoopAttemptResult> {
    const { payload } = job;
    const handle = this.#local.submit(this.#syncTaskOf(job.name, ref), {
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
    const error = info.error ?? { name: 'Error', message: `ended ${info.state}` };
    switch (info.state) {
      case TaskState.DONE:
        return { state: 'DONE', value: info.result };
      // Made anew: the local lane's errors name its own task id, not the job's.
      case TaskState.TIMED_OUT: {
        const timeout = new TaskTimeoutError(job.id, payload.timeoutMs ?? 0, job.name);
        return { state: 'TIMED_OUT', error: toErrorData(timeout), reason: timeout.message };
      }
      case TaskState.CANCELED: {
        const reason = info.reason ?? 'canceled';
        const cancel = new TaskCanceledError(job.id, reason);
        return { state: 'CANCELED', error: toErrorData(cancel), reason };
      }
      default:
        return { state: 'FAILED', error };
    }
  }

  #outcome(job: RunnableJob, result: LoopAttemptResult): AttemptOutcome {
    const last = job.attempt >= job.payload.attempts;
    switch (result.state) {
      case 'DONE': {
        const value = result.value === undefined ? null : result.value;
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
      case 'CANCELED':
        return this.#failure(job, 'CANCELED', result.error, true, result.reason);
      case 'TIMED_OUT':
        return this.#failure(job, 'TIMED_OUT', result.error, last, result.reason);
      default: {
        const { error } = result;
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

  /** The body a job names: its handler, or its module if this worker may load it. */
  #bodyOf(job: RunnableJob): TaskFn<readonly unknown[]> | TaskModuleRef {
    const { body, type } = job.payload;
    if ('handler' in body) {
      const handler = this.#options.handlers.get(body.handler);
      if (handler === undefined) {
        throw new SchedulerError(
          SchedulerErrorCode.UNRECOVERABLE,
          `Worker "${this.#options.name}" has no handler "${body.handler}" (task "${job.name}"); it has: ${[...this.#options.handlers.keys()].join(', ') || 'none'}`,
          { taskId: job.id },
        );
      }
      if (type === 'sync' && typeof handler === 'function') {
        throw new SchedulerError(
          SchedulerErrorCode.UNRECOVERABLE,
          `Task "${job.name}" is a SyncTask, but worker handler "${body.handler}" is a function: a SyncTask's body runs on an executor thread, so register it as a module reference { module, export? }`,
          { taskId: job.id },
        );
      }
      return handler as TaskFn<readonly unknown[]> | TaskModuleRef;
    }
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
    return { module, export: body.export };
  }

  /** One SyncTask definition per name and module (a definition is submitted any number of times). */
  #syncTaskOf(name: string, ref: TaskModuleRef): SyncTask {
    const key = `${name} ${String(ref.module)}#${ref.export ?? 'default'}`;
    let task = this.#syncTasks.get(key);
    if (task === undefined) {
      task = new SyncTask(name, ref);
      this.#syncTasks.set(key, task);
    }
    return task;
  }
}

/** Why BullMQ's signal aborted: the reason a scheduler's cancel sent. */
function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error && reason.message !== '') return reason.message;
  return 'canceled';
}
