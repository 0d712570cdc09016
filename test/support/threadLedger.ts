import { TaskLedger } from '../../src/scheduler/ledger/TaskLedger.js';
import {
  createThreadTask,
  type ThreadTask,
} from '../../src/scheduler/placements/thread/ThreadTask.js';
import { TaskState } from '../../src/taskState.js';
import type { ManualClock } from './ManualClock.js';

/** A SchedulerThread's ledger on `clock`, retaining 10 finished tasks. */
export function threadLedger(clock: ManualClock): TaskLedger<ThreadTask> {
  return new TaskLedger<ThreadTask>({ maxFinished: 10, maxAgeMs: Infinity }, clock, {});
}

/** Files an AsyncTask `id` of `lane` in `ledger`, SUBMITTED now, as SchedulerThread does. */
export function submitThreadTask(
  ledger: TaskLedger<ThreadTask>,
  clock: ManualClock,
  id: string,
  lane: string,
): ThreadTask {
  const identity = { id, name: id, type: 'async' as const, lane, args: [], priority: 0 };
  const body = { module: 'file:///x.mjs', export: 'default' };
  const record = createThreadTask({ ...identity, timeoutMs: undefined }, body, {}, clock.now());
  ledger.add(record);
  ledger.enter(record, TaskState.SUBMITTED, { at: record.submittedAt });
  return record;
}
