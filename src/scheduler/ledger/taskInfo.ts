import { TaskState } from '../../taskState.js';
import {
  isFinished,
  isWaiting as isWaitingState,
  stampKey,
  TASK_LIFECYCLE,
  TIMESTAMP_KEYS_IN_ORDER,
} from '../../machines/taskLifecycle.js';
import type {
  TaskAttempt,
  TaskErrorData,
  TaskInfo,
  TaskTimestamps,
  TaskType,
} from '../../tasks/types.js';

/** The fixed facts of a task, known at submit. */
export interface TaskIdentity {
  readonly id: string;
  readonly name: string;
  readonly type: TaskType;
  readonly lane: string;
  readonly args: readonly unknown[];
  readonly priority: number;
  readonly timeoutMs: number | undefined;
  /** The idempotency key it was submitted with, if any. */
  readonly key?: string | undefined;
  /** The `repeat()` schedule it is an occurrence of, if any. */
  readonly repeatId?: string | undefined;
}

/** A task's stamps and outcome, as its lane recorded them: what {@link buildTaskInfo} reads. */
export interface TaskOutcome {
  readonly ts: TaskTimestamps;
  readonly result?: unknown;
  readonly error?: TaskErrorData | undefined;
  readonly reason?: string | undefined;
  /** The current (or last) attempt, 1-based; absent: the first. */
  readonly attempt?: number | undefined;
  /** The attempts retried so far (a new frozen array at each retry); absent: none. */
  readonly attempts?: readonly TaskAttempt[] | undefined;
  /** Epoch ms before which it will not start, while it waits out a delay or a backoff. */
  readonly runAfter?: number | undefined;
  /** The first attempt's start, once a retry dropped it from `ts`. */
  readonly firstStart?: number | undefined;
}

/** The attempts of a task never retried: one frozen empty array for all. */
export const NO_ATTEMPTS: readonly TaskAttempt[] = Object.freeze([]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A frozen copy of the stamps a task has in `state`.
 *
 * @remarks Only those of `state` and before: a lane's record of a task keeps growing, and a
 * transition's info may be built from it long after (on first read). Copied key by key, not
 * spread: once optimized, V8 gave the frozen spread of a lane record's stamps a hidden class of
 * its own each time (~190 bytes more per retained record).
 */
function frozenStamps(ts: TaskTimestamps, state: TaskState): TaskTimestamps {
  const copy: Mutable<TaskTimestamps> = {};
  // A state of rank r has the stamps of the r states before it and its own; a final state
  // has whichever are set.
  const { rank, final } = TASK_LIFECYCLE[state];
  const count = final ? TIMESTAMP_KEYS_IN_ORDER.length : rank;
  for (let i = 0; i < count; i++) {
    const key = TIMESTAMP_KEYS_IN_ORDER[i] as keyof TaskTimestamps;
    const at = ts[key];
    if (at !== undefined) copy[key] = at;
  }
  return Object.freeze(copy);
}

/**
 * A frozen {@link TaskInfo} from a task's identity, its state and its outcome so far.
 *
 * @param outcome - what the lane recorded, read as it stood when the task entered `state`: the
 * stamps up to that state, and the result, error and reason only for a final state.
 * @param now - the time `runMs` is measured to while the task is still running.
 */
export function buildTaskInfo(
  identity: TaskIdentity,
  state: TaskState,
  outcome: TaskOutcome,
  now: number,
): TaskInfo {
  const ts = frozenStamps(outcome.ts, state);
  const info: Mutable<TaskInfo> = {
    id: identity.id,
    name: identity.name,
    type: identity.type,
    lane: identity.lane,
    state,
    args: identity.args,
    priority: identity.priority,
    ts,
    attempt: outcome.attempt ?? 1,
    attempts: outcome.attempts ?? NO_ATTEMPTS,
  };
  if (identity.timeoutMs !== undefined) info.timeoutMs = identity.timeoutMs;
  if (identity.key !== undefined) info.key = identity.key;
  if (identity.repeatId !== undefined) info.repeatId = identity.repeatId;
  if (outcome.runAfter !== undefined && isWaitingState(state)) info.runAfter = outcome.runAfter;
  const { start, submit } = ts;
  const firstStart = outcome.firstStart ?? start;
  if (firstStart !== undefined && submit !== undefined) info.waitMs = firstStart - submit;
  if (start !== undefined) {
    const end = isFinished(state) ? ts[stampKey(state)] : undefined;
    info.runMs = Math.max(0, (end ?? now) - start);
  }
  if (!isFinished(state)) return Object.freeze(info);
  if (state === TaskState.DONE) info.result = outcome.result;
  // Frozen too: it may come from across a thread boundary, and a clone is never frozen.
  if (outcome.error !== undefined) {
    info.error = Object.isFrozen(outcome.error)
      ? outcome.error
      : Object.freeze({ ...outcome.error });
  }
  if (outcome.reason !== undefined) info.reason = outcome.reason;
  return Object.freeze(info);
}
