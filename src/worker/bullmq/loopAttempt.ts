import type { ExecutionJob, TaskExecutor } from '../../actors/executor.js';
import { taskFailure, toErrorData } from '../../errorData.js';
import { TaskCanceledError, TaskTimeoutError } from '../../errors.js';
import type { TaskErrorData } from '../../tasks/types.js';

/** How one attempt of a body on the worker's loop ended. */
export type LoopAttemptResult =
  | { readonly state: 'DONE'; readonly value: unknown }
  | { readonly state: 'FAILED'; readonly error: TaskErrorData }
  | {
      readonly state: 'TIMED_OUT' | 'CANCELED';
      readonly error: TaskErrorData;
      readonly reason: string;
    };

/**
 * Runs an AsyncTask body once on this loop, through the project's loop executor (the same one
 * an AsyncScheduler runs bodies with: `ctx.args`, `ctx.signal`, module bodies loaded once), with
 * the attempt's limit and a cancel: at `timeoutMs` the body's signal aborts with a
 * `TaskTimeoutError` and the attempt ends TIMED_OUT; when `cancel` aborts, the signal aborts
 * with a `TaskCanceledError` and it ends CANCELED. What the body does after that is ignored.
 *
 * @remarks A worker runs one job per attempt: a lane (queue, actors, records) around each would
 * repeat what BullMQ and the scheduler side already keep.
 * @returns how the attempt ended; never rejects.
 */
export function runLoopAttempt(
  executor: TaskExecutor,
  job: ExecutionJob,
  timeoutMs: number | undefined,
  cancel: AbortSignal | undefined,
  cancelReason: () => string,
): Promise<LoopAttemptResult> {
  return new Promise<LoopAttemptResult>((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (result: LoopAttemptResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
      resolve(result);
    };
    const execution = executor.execute(job, {
      succeed: (_job, value) => {
        settle({ state: 'DONE', value });
      },
      fail: (_job, thrown) => {
        settle({ state: 'FAILED', error: taskFailure(thrown, job).data });
      },
    });
    const end = (state: 'TIMED_OUT' | 'CANCELED', error: Error, reason: string): void => {
      if (settled) return;
      execution.abort(error);
      settle({ state, error: toErrorData(error), reason });
    };
    function onCancel(): void {
      const reason = cancelReason();
      end('CANCELED', new TaskCanceledError(job.id, reason), reason);
    }
    if (cancel?.aborted === true) onCancel();
    else cancel?.addEventListener('abort', onCancel, { once: true });
    // Not when canceled already: that settled it.
    if (timeoutMs !== undefined && cancel?.aborted !== true) {
      timer = setTimeout(() => {
        const error = new TaskTimeoutError(job.id, timeoutMs, job.name);
        end('TIMED_OUT', error, error.message);
      }, timeoutMs);
    }
  });
}
