/**
 * The states of a task, in lifecycle order; the string value of each equals its key.
 *
 * @remarks `NEW → SUBMITTED → SCHEDULED → STARTED → DONE | FAILED | TIMED_OUT | CANCELED`;
 * CANCELED is also reachable from every non-final state. What each state means (its stamp,
 * whether it is final) is said once, in `machines/taskLifecycle.ts`.
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
