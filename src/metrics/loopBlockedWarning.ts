import type { BlockingTask, LoopBlockedWarning } from './types.js';

/** What a block report knows. */
export interface LoopBlock {
  readonly lane: string;
  readonly at: number;
  readonly blockedMs: number;
  readonly task?: BlockingTask | undefined;
  readonly suspects?: readonly BlockingTask[];
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function hintFor(block: LoopBlock, suspects: readonly BlockingTask[]): string {
  const culprit = block.task ?? (suspects.length === 1 ? suspects[0] : undefined);
  if (culprit !== undefined) {
    return (
      `Task "${culprit.name}" ran ${roundMs(block.blockedMs)} ms without yielding: make it a ` +
      'SyncTask (it then runs on an executor thread) or submit it to a SchedulerThread, or ' +
      'split its work with `await` between chunks.'
    );
  }
  if (suspects.length > 0) {
    return (
      'One of the running tasks (or a callback) did not yield: move CPU-bound work to a ' +
      'SyncTask or a SchedulerThread.'
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
