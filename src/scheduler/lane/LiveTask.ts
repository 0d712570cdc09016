import type { AsyncResource } from 'node:async_hooks';
import type { Execution, ExecutionJob } from '../../actors/executor.js';
import type { TimerHandle } from '../../clock.js';
import type { TaskEvent } from '../../machines/taskEvents.js';
import type { TaskState } from '../../taskState.js';
import type { RetryPolicy } from '../../tasks/retryPolicy.js';
import type { QueueEntry } from './queue/PriorityQueue.js';
import type { LedgerRecord } from '../ledger/TaskLedger.js';

/** What a lane needs of a task actor, of either task machine (started already). */
export interface TaskActor {
  send(event: TaskEvent): void;
  getSnapshot(): { readonly value: TaskState };
}

/**
 * A task that is not final yet: its lane's working record of it, which is also the ledger's.
 *
 * @remarks Its stamps and outcome are recorded by the lane's ledger from the events
 * the lane sends its actor, as each one moves the actor to a new state: the record, not the
 * actor's context, is what TaskInfos are built from.
 */
export interface LiveTask extends LedgerRecord, QueueEntry, ExecutionJob {
  /**
   * The task's actor; undefined while it is passivated (a lane nobody watches keeps a waiting
   * task's actor as its persisted snapshot, and restores it when the task starts or ends).
   */
  actor: TaskActor | undefined;
  execution: Execution | undefined;
  timer: TimerHandle | undefined;
  /**
   * `performance.now()` when it STARTED, kept only while blocked-loop detection runs: blocks are
   * measured in real time, and the lane's clock may be simulated.
   */
  startedAtReal: number | undefined;
  /**
   * The async context of the `submitTask` call (its AsyncLocalStorage stores), for a body that
   * runs on the caller's loop; undefined where none is kept (a lane thread, a SyncTask).
   */
  context: AsyncResource | undefined;
  /** Its retry policy, when it may be retried (more than one attempt); else undefined. */
  retry: RetryPolicy | undefined;
}

/** A record's state, read afresh: sending an event to its actor may have changed it. */
export function stateOf(record: LiveTask): TaskState {
  return record.state;
}
