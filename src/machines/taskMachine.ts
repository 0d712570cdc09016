import { assign, setup } from 'xstate';
import type { TaskState } from '../taskState.js';
import type { TaskErrorData, TaskTimestamps } from '../tasks/types.js';
import type { TaskEvent } from './taskEvents.js';
import { isFinished, stampKey, TASK_LIFECYCLE, type StampedTaskState } from './taskLifecycle.js';

/**
 * A task actor's context: its timestamps and its outcome.
 *
 * Public as the context of {@link taskMachine}'s snapshots: what an `inspect` observer reads
 * from a task actor's snapshot, and what an actor of the machine you run yourself holds. A
 * scheduler's users read the same facts from `TaskInfo`.
 *
 * @remarks The task's identity (name, args, priority) is not copied here: the actor's id is the
 * task id, and its lane keeps the rest. An initial context computed from input costs one more
 * assign per actor, a quarter of the machine's whole budget.
 */
export interface TaskMachineContext {
  /**
   * Its stamps. A retry sets `schedule` anew and drops `start`: they are the latest attempt's.
   */
  ts: TaskTimestamps;
  /** The current attempt, once a retry made it more than 1. */
  attempt?: number;
  result?: unknown;
  error?: TaskErrorData;
  reason?: string;
}

/**
 * A state's node: its tags and whether it is final, as {@link TASK_LIFECYCLE} says.
 */
function node(state: TaskState) {
  const { final, tags } = TASK_LIFECYCLE[state];
  return { ...(final ? { type: 'final' as const } : {}), tags: [...tags] as string[] };
}

/**
 * The task machine's states and edges, each edge built by `edge(target)` (and the retry edge,
 * STARTED → SCHEDULED, given as `retry`): one graph for both machines below. What entering a
 * state records is the lifecycle table's business.
 */
function taskStates<Edge, RetryEdge>(edge: (target: TaskState) => Edge, retry: RetryEdge) {
  const cancel = edge('CANCELED');
  return {
    NEW: { ...node('NEW'), on: { 'task.submit': edge('SUBMITTED'), 'task.cancel': cancel } },
    SUBMITTED: {
      ...node('SUBMITTED'),
      on: { 'task.schedule': edge('SCHEDULED'), 'task.cancel': cancel },
    },
    SCHEDULED: {
      ...node('SCHEDULED'),
      on: { 'task.start': edge('STARTED'), 'task.cancel': cancel },
    },
    STARTED: {
      ...node('STARTED'),
      on: {
        'task.retry': retry,
        'task.done': edge('DONE'),
        'task.fail': edge('FAILED'),
        'task.timeout': edge('TIMED_OUT'),
        'task.cancel': cancel,
      },
    },
    DONE: node('DONE'),
    FAILED: node('FAILED'),
    TIMED_OUT: node('TIMED_OUT'),
    CANCELED: node('CANCELED'),
  } as const;
}

type StampKey = keyof TaskTimestamps;

/** The action that records entering `target`: its stamp, and the outcome a final state brings. */
function recordingAction(target: StampedTaskState) {
  const key = stampKey(target);
  if (!isFinished(target)) return { type: 'stamp', params: { key } } as const;
  if (target === 'DONE') return { type: 'recordResult' } as const;
  return { type: 'recordFailure', params: { key } } as const;
}

/**
 * The lifecycle of one task: `NEW → SUBMITTED → SCHEDULED → STARTED → DONE | FAILED |
 * TIMED_OUT | CANCELED`, with CANCELED reachable from every non-final state, and the retry edge
 * STARTED → SCHEDULED (`task.retry`) for an attempt that failed or timed out with attempts left.
 *
 * @remarks The machine is pure bookkeeping: it never runs a body or a timer. Its lane
 * supervisor sends it events stamped with the time they happened (`at`), so each timestamp is
 * set exactly once, when its state is entered. Events that a state does not accept are ignored.
 * STARTED carries the tag `RUNNING`; the four final states carry `FINISHED`. This is the
 * machine of every task an `inspect` observer watches.
 */
export const taskMachine = setup({
  types: {
    context: {} as TaskMachineContext,
    events: {} as TaskEvent,
  },
  actions: {
    stamp: assign(({ context, event }, params: { key: StampKey }) => ({
      ts: { ...context.ts, [params.key]: event.at },
    })),
    recordResult: assign(({ context, event }) => ({
      ts: { ...context.ts, done: event.at },
      result: event.type === 'task.done' ? event.result : undefined,
    })),
    recordRetry: assign(({ context, event }) => {
      // The latest attempt's stamps: a new schedule, and no start until it starts again.
      const ts: { -readonly [K in keyof TaskTimestamps]: TaskTimestamps[K] } = {
        ...context.ts,
        schedule: event.at,
      };
      delete ts.start;
      return { ts, attempt: (context.attempt ?? 1) + 1 };
    }),
    recordFailure: assign(({ context, event }, params: { key: StampKey }) => {
      const ended = {
        ts: { ...context.ts, [params.key]: event.at },
      } as Partial<TaskMachineContext>;
      if ('error' in event) ended.error = event.error;
      if ('reason' in event) ended.reason = event.reason;
      return ended;
    }),
  },
}).createMachine({
  id: 'task',
  context: { ts: {} },
  initial: 'NEW',
  states: taskStates(
    (target) => ({
      target,
      actions: recordingAction(target as StampedTaskState),
    }),
    { target: 'SCHEDULED', actions: { type: 'recordRetry' } } as const,
  ),
});

/**
 * The type of {@link taskMachine}: public for typing actors and snapshots of it, with xstate's
 * helpers.
 *
 * @example
 * ```ts
 * import type { ActorRefFrom, SnapshotFrom } from 'xstate';
 * import type { TaskMachine } from 'async-scheduler';
 *
 * type TaskActor = ActorRefFrom<TaskMachine>;
 * const stateOf = (snapshot: SnapshotFrom<TaskMachine>) => snapshot.value; // a TaskState
 * ```
 */
export type TaskMachine = typeof taskMachine;

/**
 * {@link taskMachine}'s states and edges without its context: the machine of the tasks of a
 * lane that no `inspect` observer watches.
 *
 * @remarks Nobody can read such an actor's context, and its lane records each stamp and outcome
 * from the very event it sends; copying them into the context as well (an `assign` per
 * transition) was a fifth of a task's whole cost.
 */
export const unobservedTaskMachine = setup({
  types: { events: {} as TaskEvent },
}).createMachine({
  id: 'task',
  initial: 'NEW',
  states: taskStates((target) => target, 'SCHEDULED' as const),
});
