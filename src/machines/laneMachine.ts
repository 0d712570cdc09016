import { assign, setup } from 'xstate';

/** A child task actor reached a final state (sent by XState itself). */
export type TaskDoneEvent = { type: typeof TASK_DONE_EVENT };

/**
 * The actor id every task actor gets (its task id is its `systemId`).
 *
 * @remarks XState memoizes a state node's transition candidates per event type, forever. A
 * per-task id would make every task's done event (`xstate.done.actor.<id>`) a new type and
 * leak one cache entry per task in the supervisor (~330 bytes: a million tasks, 330 MB).
 */
export const TASK_ACTOR_ID = 'task';
/** The event a supervisor receives when one of its task actors reaches a final state. */
export const TASK_DONE_EVENT = `xstate.done.actor.${TASK_ACTOR_ID}` as const;

/** The events a lane supervisor understands. */
export type LaneEvent =
  | { type: 'lane.start' }
  | { type: 'lane.stop'; cancel: boolean; reason: string }
  | { type: 'lane.drained' }
  /** The lane's concurrency was set at run time: shown in the snapshot, for the inspector. */
  | { type: 'lane.concurrency'; concurrency: number }
  | TaskDoneEvent;

/** What the lane supervisor shows in its snapshot (kept small: the inspector serializes it). */
export interface LaneMachineContext {
  lane: string;
  concurrency: number;
}

/**
 * The work a lane supervisor delegates: the machine decides *when*, these decide *how*.
 *
 * @remarks The queue and the running set live in the engine, not in the machine's context:
 * context is copied on every change and serialized for the inspector, which a queue of 100k
 * tasks must not be.
 */
export interface LaneHooks {
  /** Schedules every held task, in submit order. */
  scheduleHeldTasks(): void;
  /** Cancels every task not yet final. */
  cancelAll(reason: string): void;
  /** True once no task of the lane is left unfinished. */
  isDrained(): boolean;
  /** The lane has stopped: every task is final. */
  stopped(): void;
}

/**
 * The supervisor of one lane: `idle → running → stopping → stopped`.
 *
 * @remarks In `idle`, submitted tasks wait SUBMITTED; entering `running` schedules them;
 * `stopping` accepts nothing new, drains (or cancels) what is left and becomes `stopped` once
 * every task is final (checked on entry, and on `lane.drained`, which the engine sends when
 * the last task ends).
 *
 * When an `inspect` observer watches the lane, its task actors are created with this actor as
 * their parent, so they join its actor system (and the inspector) without entering its
 * snapshot; each stops itself on reaching a final state, and the supervisor hears of it as
 * `xstate.done.actor.task`, which the inspector shows (the engine has freed the slot already).
 * Unwatched, their parent is a do-nothing actor of the lane instead: the relay to this machine
 * would cost a macrostep per task that nobody sees.
 *
 * A submit is not an event of this machine: the engine reads the supervisor's state and
 * queues the task directly. A supervisor event is a macrostep (about 2.5 µs), a tenth of a
 * whole task's budget, and the submit path is the hottest one.
 */
export function createLaneMachine(hooks: LaneHooks) {
  return setup({
    types: {
      context: {} as LaneMachineContext,
      events: {} as LaneEvent,
      input: {} as LaneMachineContext,
    },
    actions: {
      scheduleHeldTasks: () => {
        hooks.scheduleHeldTasks();
      },
      applyStop: (_, params: { cancel: boolean; reason: string }) => {
        if (params.cancel) hooks.cancelAll(params.reason);
      },
      stopped: () => {
        hooks.stopped();
      },
    },
    guards: {
      isDrained: () => hooks.isDrained(),
    },
  }).createMachine({
    id: 'lane',
    context: ({ input }) => input,
    initial: 'idle',
    on: {
      'lane.concurrency': {
        actions: assign({ concurrency: ({ event }) => event.concurrency }),
      },
    },
    states: {
      idle: {
        on: {
          'lane.start': 'running',
          'lane.stop': {
            target: 'stopping',
            actions: {
              type: 'applyStop',
              params: ({ event }) => ({ cancel: event.cancel, reason: event.reason }),
            },
          },
        },
      },
      running: {
        entry: 'scheduleHeldTasks',
        on: {
          'lane.stop': {
            target: 'stopping',
            actions: {
              type: 'applyStop',
              params: ({ event }) => ({ cancel: event.cancel, reason: event.reason }),
            },
          },
        },
      },
      stopping: {
        // Held tasks drain too (or were just canceled by applyStop).
        entry: 'scheduleHeldTasks',
        always: { guard: 'isDrained', target: 'stopped' },
        on: {
          'lane.drained': { guard: 'isDrained', target: 'stopped' },
          'lane.stop': {
            actions: {
              type: 'applyStop',
              params: ({ event }) => ({ cancel: event.cancel, reason: event.reason }),
            },
          },
        },
      },
      stopped: { type: 'final', entry: 'stopped' },
    },
  });
}

/** The lane machine's type. */
export type LaneMachine = ReturnType<typeof createLaneMachine>;
