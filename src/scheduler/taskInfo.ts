import { isFinished, TaskState } from '../taskState.js';
import type { TaskErrorData, TaskInfo, TaskTimestamps, TaskType } from '../tasks/types.js';
import { FINAL_TIMESTAMP_KEY } from '../tasks/types.js';

/** The fixed facts of a task, known at submit. */
export interface TaskIdentity {
  readonly id: string;
  readonly name: string;
  readonly type: TaskType;
  readonly lane: string;
  readonly args: readonly unknown[];
  readonly priority: number;
  readonly timeoutMs: number | undefined;
}

/** A task's stamps and outcome, as its lane recorded them: what {@link buildTaskInfo} reads. */
export interface TaskOutcome {
  readonly ts: TaskTimestamps;
  readonly result?: unknown;
  readonly error?: TaskErrorData | undefined;
  readonly reason?: string | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every timestamp key, in the order a task can set them. */
const STAMP_KEYS = [
  'submit',
  'schedule',
  'start',
  'timeout',
  'error',
  'done',
  'cancel',
] as const satisfies readonly (keyof TaskTimestamps)[];

/**
 * A frozen copy of the stamps that are set.
 *
 * @remarks Copied key by key, not spread: once optimized, V8 gave the frozen spread of a lane
 * record's stamps a hidden class of its own each time (~190 bytes more per retained record).
 */
function frozenStamps(ts: TaskTimestamps): TaskTimestamps {
  const copy: Mutable<TaskTimestamps> = {};
  for (const key of STAMP_KEYS) {
    const at = ts[key];
    if (at !== undefined) copy[key] = at;
  }
  return Object.freeze(copy);
}

/**
 * A frozen {@link TaskInfo} from a task's identity, its state and its outcome so far.
 *
 * @param now - the time `runMs` is measured to while the task is still running.
 */
export function buildTaskInfo(
  identity: TaskIdentity,
  state: TaskState,
  outcome: TaskOutcome,
  now: number,
): TaskInfo {
  const ts = frozenStamps(outcome.ts);
  const info: Mutable<TaskInfo> = {
    id: identity.id,
    name: identity.name,
    type: identity.type,
    lane: identity.lane,
    state,
    args: identity.args,
    priority: identity.priority,
    ts,
  };
  if (identity.timeoutMs !== undefined) info.timeoutMs = identity.timeoutMs;
  const { start, submit } = ts;
  if (start !== undefined) {
    if (submit !== undefined) info.waitMs = start - submit;
    const end = isFinished(state) ? ts[FINAL_TIMESTAMP_KEY[state]] : undefined;
    info.runMs = Math.max(0, (end ?? now) - start);
  }
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
