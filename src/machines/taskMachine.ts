import { assign, setup } from 'xstate';
import { FINISHED_TAG, RUNNING_TAG } from '../taskState.js';
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
 * The lifecycle of one task: `NEW → SUBMITTED → SCHEDULED → STARTED → DONE | FAILED |
 * TIMED_OUT | CANCELED`, with CANCELED reachable from every non-final state.
 *
 * @remarks The machine is pure bookkeeping: it never runs a body or a timer. Its lane
 * supervisor sends it events stamped with the time they happened (`at`), so each timestamp is
 * set exactly once, when its state is entered. Events that a state does not accept are ignored.
 * STARTED carries the tag `RUNNING`; the four final states carry `FINISHED`.
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
  states: {
    NEW: {
      on: {
        'task.submit': {
          target: 'SUBMITTED',
          actions: { type: 'stamp', params: { key: 'submit' } },
        },
        'task.cancel': {
          target: 'CANCELED',
          actions: { type: 'recordFailure', params: { key: 'cancel' } },
        },
      },
    },
    SUBMITTED: {
      on: {
        'task.schedule': {
          target: 'SCHEDULED',
          actions: { type: 'stamp', params: { key: 'schedule' } },
        },
        'task.cancel': {
          target: 'CANCELED',
          actions: { type: 'recordFailure', params: { key: 'cancel' } },
        },
      },
    },
    SCHEDULED: {
      on: {
        'task.start': { target: 'STARTED', actions: { type: 'stamp', params: { key: 'start' } } },
        'task.cancel': {
          target: 'CANCELED',
          actions: { type: 'recordFailure', params: { key: 'cancel' } },
        },
      },
    },
    STARTED: {
      tags: [RUNNING_TAG],
      on: {
        'task.done': { target: 'DONE', actions: 'recordResult' },
        'task.fail': {
          target: 'FAILED',
          actions: { type: 'recordFailure', params: { key: 'error' } },
        },
        'task.timeout': {
          target: 'TIMED_OUT',
          actions: { type: 'recordFailure', params: { key: 'timeout' } },
        },
        'task.cancel': {
          target: 'CANCELED',
          actions: { type: 'recordFailure', params: { key: 'cancel' } },
        },
      },
    },
    DONE: { type: 'final', tags: [FINISHED_TAG] },
    FAILED: { type: 'final', tags: [FINISHED_TAG] },
    TIMED_OUT: { type: 'final', tags: [FINISHED_TAG] },
    CANCELED: { type: 'final', tags: [FINISHED_TAG] },
  },
});

/** The task machine's type, for typing actors of it. */
export type TaskMachine = typeof taskMachine;
