import type { BlockingTask, LaneKind, LoopBlockedWarning } from './types.js';

/** What a block report knows. */
export interface LoopBlock {
  readonly lane: string;
  /** Where the lane's loop is: the caller's, or a SchedulerThread's own. */
  readonly kind: LaneKind;
  readonly at: number;
  readonly blockedMs: number;
  readonly task?: BlockingTask | undefined;
  readonly suspects?: readonly BlockingTask[];
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Where CPU-bound work should go instead, from a lane of this kind. */
const REMEDY: Record<LaneKind, string> = {
  bullmq:
    "make it a SyncTask (it then runs on the worker's executor threads): this loop follows every task of the queue",
  loop: 'make it a SyncTask (it then runs on an executor thread) or submit it to a SchedulerThread',
  thread:
    "make it a SyncTask (it then runs on this lane's executor threads) or give it a SchedulerThread of its own: every task of this lane waits behind it",
};

function hintFor(block: LoopBlock, suspects: readonly BlockingTask[]): string {
  // Only a timed body is named outright: a suspect was merely running when the loop stalled.
  const culprit = block.task;
  if (culprit !== undefined) {
    return (
      `Task "${culprit.name}" ran ${roundMs(block.blockedMs)} ms without yielding: ` +
      `${REMEDY[block.kind]}, or split its work with \`await\` between chunks.`
    );
  }
  if (suspects.length > 0) {
    return (
      'Something did not yield while these tasks ran: one of them (after an `await`), a ' +
      `callback, or code outside the scheduler. If it is a task, ${REMEDY[block.kind]}.`
    );
  }
  return (
    'No task of this lane was running: code outside the scheduler (or its callbacks) blocked ' +
    'the loop.'
  );
}

/** Builds the frozen warning for one block, with its hint and readable message. */
export function createLoopBlockedWarning(block: LoopBlock): LoopBlockedWarning {
  const suspects = Object.freeze([...(block.suspects ?? [])]);
  const hint = hintFor(block, suspects);
  const where =
    block.task !== undefined
      ? ` by task "${block.task.name}" (${block.task.id})`
      : suspects.length > 0
        ? ` while ${suspects.length} task(s) ran: ${suspects.map((task) => `"${task.name}"`).join(', ')}`
        : '';
  const message = `Lane "${block.lane}": event loop blocked for ${roundMs(block.blockedMs)} ms${where}. ${hint}`;
  return Object.freeze({
    type: 'loop.blocked',
    lane: block.lane,
    at: block.at,
    blockedMs: block.blockedMs,
    ...(block.task === undefined ? {} : { task: Object.freeze({ ...block.task }) }),
    suspects,
    hint,
    message,
  });
}
