/**
 * The states of a task, in lifecycle order; the string value of each equals its key.
 *
 * @remarks `NEW → SUBMITTED → SCHEDULED → STARTED → DONE | FAILED | TIMED_OUT | CANCELED`;
 * CANCELED is also reachable from every non-final state. The last four are final.
 */
export const TaskState = {
  NEW: 'NEW',
  SUBMITTED: 'SUBMITTED',
  SCHEDULED: 'SCHEDULED',
  STARTED: 'STARTED',
  TIMED_OUT: 'TIMED_OUT',
  FAILED: 'FAILED',
  DONE: 'DONE',
  CANCELED: 'CANCELED',
} as const;

/** One of the {@link TaskState} values. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** The final states: a task enters exactly one of them, once. */
export type FinalTaskState = 'DONE' | 'FAILED' | 'TIMED_OUT' | 'CANCELED';

/** Machine tag of the STARTED state (the original's RUNNING). */
export const RUNNING_TAG = 'RUNNING';
/** Machine tag of the four final states (the original's FINISHED). */
export const FINISHED_TAG = 'FINISHED';

/** True for STARTED: the task's body is running. */
export function isRunning(state: TaskState): state is 'STARTED' {
  return state === TaskState.STARTED;
}

/** True for DONE, FAILED, TIMED_OUT and CANCELED: the task will never change again. */
export function isFinished(state: TaskState): state is FinalTaskState {
  return (
    state === TaskState.DONE ||
    state === TaskState.FAILED ||
    state === TaskState.TIMED_OUT ||
    state === TaskState.CANCELED
  );
}
