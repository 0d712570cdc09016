import { errorFromData } from '../errorData.js';
import { WorkerCrashedError } from '../errors.js';
import type { ExecutionJob, ExecutionSink } from './executor.js';
import type { DoneMessage, FailMessage } from './threadMessages.js';

/**
 * Hands what an executor thread reported about a run to the lane: the value, or the failure
 * rebuilt on this side.
 *
 * @remarks A body's own error crosses as data and is rebuilt ({@link errorFromData}). A thrown
 * non-Error value comes back as itself when it could be cloned, else as its text.
 */
export function reportRunOutcome<TJob extends ExecutionJob>(
  sink: ExecutionSink<TJob>,
  job: TJob,
  message: DoneMessage | FailMessage,
): void {
  if (message.type === 'done') {
    sink.succeed(job, message.value);
    return;
  }
  if (message.nonError) {
    sink.fail(job, 'value' in message ? message.value : message.error.message);
    return;
  }
  const error = errorFromData(message.error);
  if (message.cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: errorFromData(message.cause),
      writable: true,
      configurable: true,
    });
  }
  sink.fail(job, error);
}

/**
 * The error of an executor thread that exited on its own.
 *
 * @param running - the task it was running, if it was running one.
 * @param cause - the thread's last uncaught error, when there was one.
 */
export function executorCrash(
  exitCode: number,
  running: { name: string; id: string } | undefined,
  cause: Error | undefined,
): WorkerCrashedError {
  const during =
    running === undefined ? 'while starting or idle' : `while running task "${running.name}"`;
  return new WorkerCrashedError(
    `Executor thread exited with code ${exitCode} ${during}${cause === undefined ? '' : `: ${cause.message}`}`,
    {
      exitCode,
      ...(cause === undefined ? {} : { cause }),
      ...(running === undefined ? {} : { taskId: running.id }),
    },
  );
}
