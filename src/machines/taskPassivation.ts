import { transition } from 'xstate';
import type { TaskState } from '../taskState.js';
import type { TaskEvent } from './taskEvents.js';
import { WAITING_STATES, type WaitingTaskState } from './taskLifecycle.js';
import { unobservedTaskMachine } from './taskMachine.js';

/** What an actor of {@link unobservedTaskMachine} persists, and is restored from. */
export type PersistedTaskSnapshot = ReturnType<typeof unobservedTaskMachine.getPersistedSnapshot>;

interface WaitingStateEntry {
  /** The state each event type takes an actor in this state to, as the machine decides. */
  readonly next: Readonly<Partial<Record<TaskEvent['type'], TaskState>>>;
  /** The persisted snapshot of an actor in this state. */
  readonly persisted: PersistedTaskSnapshot;
}

/**
 * Each waiting state's edges and persisted snapshot, asked of {@link unobservedTaskMachine}
 * itself: its actors have no context, guards or actions, so where an event takes one depends
 * on its state and the event's type alone, and every actor in a state persists the same
 * snapshot.
 *
 * @remarks Asked on first use, not on import: xstate's first transitions run unoptimised, and
 * a program that imports the package without submitting a task need not pay for them.
 */
function askWaitingStates(): Readonly<Record<WaitingTaskState, WaitingStateEntry>> {
  const eventTypes = unobservedTaskMachine.root.events as TaskEvent['type'][];
  const entries = WAITING_STATES.map((state): [WaitingTaskState, WaitingStateEntry] => {
    const snapshot = unobservedTaskMachine.resolveState({ value: state, context: {} });
    const next: Partial<Record<TaskEvent['type'], TaskState>> = {};
    for (const type of eventTypes) {
      // The machine reads only the type: it has no actions to read the rest.
      const [after] = transition(unobservedTaskMachine, snapshot, { type, at: 0 } as TaskEvent);
      next[type] = after.value;
    }
    const persisted = unobservedTaskMachine.getPersistedSnapshot(snapshot);
    return [state, Object.freeze({ next: Object.freeze(next), persisted: deepFreeze(persisted) })];
  });
  return Object.fromEntries(entries) as Record<WaitingTaskState, WaitingStateEntry>;
}

let waitingStates: Readonly<Record<WaitingTaskState, WaitingStateEntry>> | undefined;

/** {@link askWaitingStates}, asked once. */
function waiting(): Readonly<Record<WaitingTaskState, WaitingStateEntry>> {
  return (waitingStates ??= askWaitingStates());
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Where `type` takes an actor of {@link unobservedTaskMachine} that waits in `from`: the state
 * the machine itself gave when asked once per state and event type (`from` when it ignores it).
 *
 * @remarks A lane nobody watches passivates the actors of its waiting tasks (actor systems'
 * passivation: an idle actor is kept as its persisted snapshot and restored when it has work).
 * A live actor weighs ~2 KB; 10k queued tasks kept live were a fifth of a task's cost in
 * garbage collection alone.
 */
export function waitingTransition(from: WaitingTaskState, type: TaskEvent['type']): TaskState {
  return waiting()[from].next[type] ?? from;
}

/**
 * The persisted snapshot of an actor of {@link unobservedTaskMachine} waiting in `state`:
 * `createActor(unobservedTaskMachine, { snapshot })` restores it, in that state. Deeply frozen:
 * one object serves every actor restored in that state.
 */
export function persistedWaitingSnapshot(state: WaitingTaskState): PersistedTaskSnapshot {
  return waiting()[state].persisted;
}
