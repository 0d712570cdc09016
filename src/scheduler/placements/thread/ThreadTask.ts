import type { RetryPolicy } from '../../../tasks/retryPolicy.js';
import type { TaskCallbacks } from '../../../tasks/types.js';
import type { TaskIdentity } from '../../ledger/taskInfo.js';
import {
  latestStamp,
  newLedgerFields,
  type LedgerRecord,
  type TaskLedger,
} from '../../ledger/TaskLedger.js';
import type { TransitionMessage, WireModuleRef } from './laneThreadMessages.js';
import { failureOf } from '../../ledger/remoteFailure.js';
import { errorFromWire } from './wireTransitions.js';

/** The ledger's record of a task that lives in a lane thread: what it needs to be (re)sent. */
export interface ThreadTask extends LedgerRecord {
  readonly body: WireModuleRef;
  /**
   * When `submitTask` was called, on the main side's clock: its `ts.submit`, and the time the
   * lane thread's actor stamps too (the thread reads the message later, or again after a restart).
   */
  readonly submittedAt: number;
  /** Its retry policy, when it may be retried (sent with it; never with `retryOn`). */
  readonly retry: RetryPolicy | undefined;
}

/** When and how a SchedulerThread's task runs: its delay and its retry policy. */
export interface ThreadRunPolicy {
  /** Not started before this epoch ms; undefined: as soon as its turn comes. */
  readonly runAfter: number | undefined;
  /** Its retry policy; undefined: a single attempt. */
  readonly retry: RetryPolicy | undefined;
}

/** A run with no delay and a single attempt. */
const SINGLE_RUN: ThreadRunPolicy = Object.freeze({ runAfter: undefined, retry: undefined });

/** A new task's record for the ledger of a SchedulerThread, NEW. */
export function createThreadTask(
  identity: TaskIdentity,
  body: WireModuleRef,
  callbacks: TaskCallbacks,
  submittedAt: number,
  { runAfter, retry }: ThreadRunPolicy = SINGLE_RUN,
): ThreadTask {
  return {
    ...identity,
    body,
    callbacks,
    submittedAt,
    ...newLedgerFields(),
    retry,
    runAfter,
    attempt: 1,
    mayRetry: retry !== undefined,
  };
}

/**
 * Feeds one transition the lane thread reported to the ledger.
 *
 * @remarks The main side stamps SUBMITTED with its clock, the lane thread the rest with its
 * own, and a worker's `performance.timeOrigin` can differ from the main thread's by a few
 * milliseconds: a thread stamp earlier than one the task has is raised to it (invariant 2:
 * submit ≤ schedule ≤ start ≤ end), so `waitMs` is never negative. The ledger takes the task
 * only forward and keeps the stamps it has: a queued task resubmitted to a restarted lane
 * thread (which reports SUBMITTED and SCHEDULED again) is recorded once per state.
 */
export function applyThreadTransition(
  ledger: TaskLedger<ThreadTask>,
  message: TransitionMessage,
): void {
  const record = ledger.registry.live(message.id);
  if (record === undefined) return;
  const { to, result, reason, retry } = message;
  const at = Math.max(message.at, latestStamp(record.ts));
  const error = message.error === undefined ? undefined : errorFromWire(message.error);
  if (retry !== undefined && error !== undefined) {
    ledger.retry(record, { at, outcome: retry.outcome, error, runAfter: retry.runAfter });
    return;
  }
  const failure = failureOf(record, to, error, reason);
  if (failure !== undefined) record.failure = failure;
  ledger.enter(record, to, {
    at,
    ...(result === undefined ? {} : { result }),
    ...(error === undefined ? {} : { error }),
    ...(reason === undefined ? {} : { reason }),
  });
}
