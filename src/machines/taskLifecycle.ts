import type { TaskState } from '../taskState.js';
import type { TaskCallbackName, TaskTimestamps } from '../tasks/types.js';

/**
 * Machine tag of the STARTED state (the original's `TaskState.RUNNING`).
 *
 * @remarks Public: to ask a snapshot of {@link taskMachine} (yours, or one an `inspect` observer
 * receives) whether the task runs, without listing states. {@link isRunning} asks a
 * `TaskState`.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { RUNNING_TAG, taskMachine } from 'async-scheduler';
 *
 * const actor = createActor(taskMachine).start();
 * for (const type of ['task.submit', 'task.schedule', 'task.start'] as const) {
 *   actor.send({ type, at: Date.now() });
 * }
 * console.log(actor.getSnapshot().hasTag(RUNNING_TAG)); // true
 * ```
 */
export const RUNNING_TAG = 'RUNNING';
/**
 * Machine tag of the four final states (the original's `TaskState.FINISHED`).
 *
 * @remarks Public, like {@link RUNNING_TAG}: `snapshot.hasTag(FINISHED_TAG)` on a snapshot of
 * {@link taskMachine}. {@link isFinished} asks a `TaskState`.
 */
export const FINISHED_TAG = 'FINISHED';

/** One state's facts in {@link TASK_LIFECYCLE}. */
export interface LifecycleEntry {
  /** The timestamp entering the state sets; NEW sets none. */
  readonly stamp: keyof TaskTimestamps | undefined;
  /** How far along the lifecycle the state is: a task only ever moves to a higher rank. */
  readonly rank: number;
  /** The task will never change again. */
  readonly final: boolean;
  /** The task has neither started nor ended (a lane may passivate its actor). */
  readonly waiting: boolean;
  /** The task machine's tags of the state. */
  readonly tags: readonly string[];
  /** The `on*` callback entering the state calls. */
  readonly callback: TaskCallbackName | undefined;
}

/**
 * The facts of a task's lifecycle, once: for each {@link TaskState}, the timestamp its entry
 * sets, its rank, whether it is final or waiting, its machine tags and its callback.
 *
 * @remarks Every module that needs one of these facts reads it here (the task machine's tags
 * and final states, a lane's stamps and passivation, `metrics$`, the dashboard, the thread
 * wire, `isFinished`/`isRunning`), so adding a state (a retry's wait, say) is one row. The
 * rows are in lifecycle order, the four final ones in the order the dashboard lists them.
 */
export const TASK_LIFECYCLE = {
  NEW: { stamp: undefined, rank: 0, final: false, waiting: true, tags: [], callback: undefined },
  SUBMITTED: {
    stamp: 'submit',
    rank: 1,
    final: false,
    waiting: true,
    tags: [],
    callback: 'onSubmit',
  },
  SCHEDULED: {
    stamp: 'schedule',
    rank: 2,
    final: false,
    waiting: true,
    tags: [],
    callback: 'onSchedule',
  },
  STARTED: {
    stamp: 'start',
    rank: 3,
    final: false,
    waiting: false,
    tags: [RUNNING_TAG],
    callback: 'onStart',
  },
  DONE: {
    stamp: 'done',
    rank: 4,
    final: true,
    waiting: false,
    tags: [FINISHED_TAG],
    callback: 'onDone',
  },
  FAILED: {
    stamp: 'error',
    rank: 4,
    final: true,
    waiting: false,
    tags: [FINISHED_TAG],
    callback: 'onError',
  },
  TIMED_OUT: {
    stamp: 'timeout',
    rank: 4,
    final: true,
    waiting: false,
    tags: [FINISHED_TAG],
    callback: 'onTimeout',
  },
  CANCELED: {
    stamp: 'cancel',
    rank: 4,
    final: true,
    waiting: false,
    tags: [FINISHED_TAG],
    callback: 'onCancel',
  },
} as const satisfies Record<TaskState, LifecycleEntry>;

type Lifecycle = typeof TASK_LIFECYCLE;

/** The final states: a task enters exactly one of them, once. */
export type FinalTaskState = 'DONE' | 'FAILED' | 'TIMED_OUT' | 'CANCELED';

/**
 * The states {@link TASK_LIFECYCLE} marks final: a type test checks that {@link FinalTaskState},
 * spelled out for readers of the API, is this union.
 */
export type FinalStateOfLifecycle = {
  [S in TaskState]: Lifecycle[S]['final'] extends true ? S : never;
}[TaskState];

/** The states of a task that waits: not yet submitted, held, or queued for a slot. */
export type WaitingTaskState = {
  [S in TaskState]: Lifecycle[S]['waiting'] extends true ? S : never;
}[TaskState];

/** A state that sets a timestamp → its key in {@link TaskTimestamps}. */
export type StampedTaskState = Exclude<TaskState, 'NEW'>;

const STATES = Object.keys(TASK_LIFECYCLE) as TaskState[];

/** The final states, in lifecycle order. */
export const FINAL_STATES = STATES.filter(
  (state) => TASK_LIFECYCLE[state].final,
) as readonly FinalTaskState[];

/** The waiting states, in lifecycle order. */
export const WAITING_STATES = STATES.filter(
  (state) => TASK_LIFECYCLE[state].waiting,
) as readonly WaitingTaskState[];

/**
 * Every timestamp key in the order a task's states are entered (a task has at most one of the
 * four final ones).
 */
export const TIMESTAMP_KEYS_IN_ORDER = STATES.flatMap((state) => {
  const { stamp } = TASK_LIFECYCLE[state];
  return stamp === undefined ? [] : [stamp];
}) as readonly (keyof TaskTimestamps)[];

/** The key of the timestamp entering `state` sets. */
export function stampKey<S extends StampedTaskState>(state: S): Lifecycle[S]['stamp'] {
  return TASK_LIFECYCLE[state].stamp;
}

/** True for STARTED: the task's body is running. */
export function isRunning(state: TaskState): state is 'STARTED' {
  return (TASK_LIFECYCLE[state].tags as readonly string[]).includes(RUNNING_TAG);
}

/** True for DONE, FAILED, TIMED_OUT and CANCELED: the task will never change again. */
export function isFinished(state: TaskState): state is FinalTaskState {
  return TASK_LIFECYCLE[state].final;
}

/** True for NEW, SUBMITTED and SCHEDULED: the task has neither started nor ended. */
export function isWaiting(state: TaskState): state is WaitingTaskState {
  return TASK_LIFECYCLE[state].waiting;
}
