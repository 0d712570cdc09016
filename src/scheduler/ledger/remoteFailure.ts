import {
  SchedulerError,
  SchedulerErrorCode,
  TaskCanceledError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../errors.js';
import { errorFromData, withoutCapturedStack } from '../../errorData.js';
import type { TaskState } from '../../taskState.js';
import type { TaskErrorData } from '../../tasks/types.js';
import type { TaskIdentity } from './taskInfo.js';

const SCHEDULER_CODES = new Set<string>(Object.values(SchedulerErrorCode));

function isSchedulerCode(code: string | undefined): code is SchedulerErrorCode {
  return code !== undefined && SCHEDULER_CODES.has(code);
}

/**
 * An error rebuilt on the scheduler's side from the data of a task that ended elsewhere: in a
 * lane thread, or in a BullMQ worker process.
 *
 * @remarks The scheduler's own errors come back as their classes (`WorkerCrashedError`,
 * `SchedulerError` with its code), so `instanceof` and `code` work as with AsyncScheduler. A
 * body's own error is rebuilt by {@link errorFromData}: a built-in class as itself, every other as
 * an `Error` with the same name, message, stack and `code`.
 */
export function rebuildError(
  data: TaskErrorData,
  extra: { taskId?: string | undefined; exitCode?: number | undefined } = {},
): Error {
  let error: Error;
  const { taskId, exitCode } = extra;
  const options = taskId === undefined ? {} : { taskId };
  if (data.name === 'WorkerCrashedError') {
    error = new WorkerCrashedError(data.message, {
      ...options,
      ...(exitCode === undefined ? {} : { exitCode }),
    });
  } else if (isSchedulerCode(data.code)) {
    error = new SchedulerError(data.code, data.message, options);
  } else {
    return errorFromData(data);
  }
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

/**
 * What `result()` rejects with for a task that entered `state` elsewhere (a lane thread, a
 * worker process), from the error and reason that came with it; undefined for a state that is
 * not a failure.
 */
export function failureOf(
  task: Pick<TaskIdentity, 'id' | 'name' | 'timeoutMs'>,
  state: TaskState,
  error: TaskErrorData | undefined,
  reason: string | undefined,
): Error | undefined {
  // Made where the task ran: its stack there is the one worth keeping, and capturing one here (the
  // message handler's) cost most of applying a stop's 10k cancels on the main side.
  const threadStack = (made: Error): string => error?.stack ?? `${made.name}: ${made.message}`;
  switch (state) {
    case 'TIMED_OUT':
      return withoutCapturedStack(
        () => new TaskTimeoutError(task.id, task.timeoutMs ?? 0, task.name),
        threadStack,
      );
    case 'CANCELED':
      return withoutCapturedStack(
        () => new TaskCanceledError(task.id, reason ?? 'canceled'),
        threadStack,
      );
    case 'FAILED':
      return error === undefined
        ? new SchedulerError(SchedulerErrorCode.WORKER_CRASHED, 'Task failed', {
            taskId: task.id,
          })
        : rebuildError(error, { taskId: task.id });
    default:
      return undefined;
  }
}
