import type { TimerHandle } from '../../../clock.js';
import type { TaskEvent } from '../../../machines/taskEvents.js';
import { isFinished, isWaiting, type WaitingTaskState } from '../../../machines/taskLifecycle.js';
import { waitingTransition } from '../../../machines/taskPassivation.js';
import type { TaskState } from '../../../taskState.js';
import type { TaskActor } from '../../lane/LiveTask.js';
import { newLedgerFields, type LedgerRecord, type TaskLedger } from '../../ledger/TaskLedger.js';
import type { AttemptReport, JobPayload } from './jobPayload.js';

/**
 * The scheduler side's record of a task whose job lives in Redis: the ledger's record, its
 * actor, and what the lane needs while the job moves between Redis and the workers.
 */
export interface BullMQTask extends LedgerRecord {
  /** What the job carries (built at submit; its priority is re-read when it is sent). */
  readonly payload: JobPayload;
  /**
   * The task's actor on this side, fed by the queue's events; undefined while the task waits
   * in a lane nobody inspects (passivated: it is restored when the task starts or ends).
   */
  actor: TaskActor | undefined;
  /** When `submitTask` was called, on this side's clock (its `ts.submit`). */
  readonly submittedAt: number;
  /** Where its job is: not sent yet, being added, or in Redis. */
  job: 'held' | 'adding' | 'added';
  /** How the latest attempt ended, as its worker reported it, until the event that follows. */
  report: AttemptReport | undefined;
  /** Why a cancel was asked for, while it is under way (set by the first cancel only). */
  cancelReason: string | undefined;
  /** Ends a STARTED task here when no worker reports in time (a worker that is gone). */
  watch: TimerHandle | undefined;
  /**
   * False for a task another scheduler submitted, followed here (`follow: 'all'`): this side's
   * `stop()` neither waits for it nor cancels it.
   */
  readonly own: boolean;
}

/**
 * A task's record, NEW, from its job's payload: what this scheduler submits, or a job of
 * another scheduler it follows.
 */
export function createBullMQTask(
  id: string,
  name: string,
  payload: JobPayload,
  fields: Pick<BullMQTask, 'callbacks' | 'actor' | 'runAfter' | 'own'>,
): BullMQTask {
  return {
    id,
    name,
    type: payload.type,
    lane: payload.lane,
    args: Object.freeze(payload.args),
    priority: payload.priority,
    timeoutMs: payload.timeoutMs,
    key: payload.key,
    repeatId: payload.repeatId,
    ...newLedgerFields(),
    attempt: 1,
    mayRetry: payload.attempts > 1,
    payload,
    submittedAt: payload.submittedAt,
    job: 'held',
    report: undefined,
    cancelReason: undefined,
    watch: undefined,
    ...fields,
  };
}

/** Restores the started actor of a passivated task waiting in `state`. */
export type ActivateTaskActor = (state: WaitingTaskState) => TaskActor;

/**
 * Sends `event` to the task's actor, then records in the ledger the state it moved the actor
 * to (a retry through `ledger.retry`); an event the machine ignores in the task's state
 * changes nothing.
 *
 * @remarks A passivated task (no actor: it waits in a lane nobody inspects) stays so while the
 * event keeps it waiting, moved by the machine's own answer for its state and the event's type;
 * an event that starts or ends it restores its actor first (`activate`), which then takes it.
 * @returns true iff the task moved.
 */
export function moveTask(
  ledger: TaskLedger<BullMQTask>,
  record: BullMQTask,
  event: TaskEvent,
  activate: ActivateTaskActor,
): boolean {
  const from: TaskState = record.state;
  if (isFinished(from)) return false;
  let actor = record.actor;
  let to: TaskState;
  if (actor === undefined && isWaiting(from) && isWaiting(waitingTransition(from, event.type))) {
    to = waitingTransition(from, event.type);
  } else {
    if (actor === undefined) {
      if (!isWaiting(from)) throw new Error(`task ${record.id} has no actor in ${from}`);
      actor = record.actor = activate(from);
    }
    actor.send(event);
    to = actor.getSnapshot().value;
  }
  if (to === from) return false;
  if (event.type === 'task.retry') return ledger.retry(record, event);
  return ledger.enter(record, to, event);
}
