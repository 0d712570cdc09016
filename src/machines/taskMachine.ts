import { assign, setup } from 'xstate';
import { FINISHED_TAG, RUNNING_TAG, type TaskState } from '../taskState.js';
import type { TaskErrorData, TaskTimestamps } from '../tasks/types.js';
import type { TaskEvent } from './taskEvents.js';

/**
 * A task actor's context: its timestamps and its outcome.
 *
 * @remarks The task's identity (name, args, priority) is not copied here: the actor's id is the
 * task id, and its lane keeps the rest. An initial context computed from input costs one more
 * assign per actor, a quarter of the machine's whole budget.
 */
export interface TaskMachineContext {
  ts: TaskTimestamps;
  result?: unknown;
  error?: TaskErrorData;
  reason?: string;
}

type StampKey = keyof TaskTimestamps;

/**
 * The task machine's states and edges, each edge built by `edge(target, key)` where `key` names
 * the timestamp that entering `target` sets: one graph for both machines below.
 */
function taskStates<Edge>(edge: (target: TaskState, key: StampKey) => Edge) {
  const cancel = edge('CANCELED', 'cancel');
  return {
    NEW: { on: { 'task.submit': edge('SUBMITTED', 'submit'), 'task.cancel': cancel } },
    SUBMITTED: { on: { 'task.schedule': edge('SCHEDULED', 'schedule'), 'task.cancel': cancel } },
    SCHEDULED: { on: { 'task.start': edge('STARTED', 'start'), 'task.cancel': cancel } },
    STARTED: {
      tags: [RUNNING_TAG],
      on: {
        'task.done': edge('DONE', 'done'),
        'task.fail': edge('FAILED', 'error'),
        'task.timeout': edge('TIMED_OUT', 'timeout'),
        'task.cancel': cancel,
      },
    },
    DONE: { type: 'final', tags: [FINISHED_TAG] },
    FAILED: { type: 'final', tags: [FINISHED_TAG] },
    TIMED_OUT: { type: 'final', tags: [FINISHED_TAG] },
    CANCELED: { type: 'final', tags: [FINISHED_TAG] },
  } as const;
}

/** The action that records entering a state: its stamp, and the outcome a final state brings. */
function recordingAction(key: StampKey) {
  if (key === 'submit' || key === 'schedule' || key === 'start') {
    return { type: 'stamp', params: { key } } as const;
  }
  if (key === 'done') return { type: 'recordResult' } as const;
  return { type: 'recordFailure', params: { key } } as const;
}

/**
 * The lifecycle of one task: `NEW → SUBMITTED → SCHEDULED → STARTED → DONE | FAILED |
 * TIMED_OUT | CANCELED`, with CANCELED reachable from every non-final state.
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
  states: taskStates((target, key) => ({ target, actions: recordingAction(key) })),
});

/** The task machine's type, for typing actors of it. */
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
  states: taskStates((target) => target),
});
