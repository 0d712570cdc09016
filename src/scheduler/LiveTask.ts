import type { Actor } from 'xstate';
import type { Execution, ExecutionJob } from '../actors/executor.js';
import type { TimerHandle } from '../clock.js';
import type { TaskMachine } from '../machines/taskMachine.js';
import type { TaskState } from '../taskState.js';
import type { TaskCallbacks } from '../tasks/types.js';
import { FINAL_TIMESTAMP_KEY } from '../tasks/types.js';
import type { QueueEntry } from './queue/PriorityQueue.js';
import type { TaskIdentity } from './taskInfo.js';
import type { LiveRecord, Waiter } from './TaskRegistry.js';

/** A task that is not final yet: its lane's working record of it. */
export interface LiveTask extends TaskIdentity, QueueEntry, ExecutionJob, LiveRecord {
  readonly callbacks: TaskCallbacks;
  readonly actor: Actor<TaskMachine>;
  /** The actor's state as last reported. */
  state: TaskState;
  execution: Execution | undefined;
  timer: TimerHandle | undefined;
  /**
   * `performance.now()` when it STARTED, kept only while blocked-loop detection runs: blocks are
   * measured in real time, and the lane's clock may be simulated.
   */
  startedAtReal: number | undefined;
  /** What `result()` rejects with once the task ends other than DONE. */
  failure: Error | undefined;
  waiters: Waiter[] | undefined;
}

/** Each state → the key of the timestamp its entry sets. */
export const ENTRY_TIMESTAMP_KEY = {
  SUBMITTED: 'submit',
  SCHEDULED: 'schedule',
  STARTED: 'start',
  ...FINAL_TIMESTAMP_KEY,
} as const;

/** A record's state, read afresh: sending an event to its actor may have changed it. */
export function stateOf(record: LiveTask): TaskState {
  return record.state;
}
