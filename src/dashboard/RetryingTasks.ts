import { UnknownTaskError } from '../errors.js';
import { TaskState } from '../taskState.js';
import type { TaskInfo, TaskTransition } from '../tasks/types.js';
import { toTaskRow } from './taskRow.js';
import type { DashboardLane, TaskRow } from './types.js';

/** How many retrying tasks a flush looks up, at most, to pick the soonest from. */
export const RETRYING_LOOKUPS = 64;

/**
 * The tasks of one lane that wait out a retry's backoff now: a task joins on its `'retry'`
 * transition (STARTED → SCHEDULED) and leaves on its next one.
 *
 * @remarks O(1) per transition and no `TaskInfo` built there: only the transition's plain
 * `reason` and `to` are read. The rows (`runAfter`, attempts) are looked up per flush, for at
 * most {@link RETRYING_LOOKUPS} tasks.
 */
export class RetryingTasks {
  readonly #ids = new Set<string>();

  /** Applies one transition. */
  record(transition: TaskTransition): void {
    if (transition.reason === 'retry') this.#ids.add(transition.id);
    else this.#ids.delete(transition.id);
  }

  /** Seeds with what a lane already had: retried tasks waiting in SCHEDULED. */
  seed(infos: readonly TaskInfo[]): void {
    for (const info of infos) {
      if (info.state === TaskState.SCHEDULED && info.attempts.length > 0) this.#ids.add(info.id);
    }
  }

  /** The `count` retrying tasks that run soonest, as table rows. */
  rows(lane: DashboardLane, count: number): TaskRow[] {
    const infos: TaskInfo[] = [];
    for (const id of this.#ids) {
      if (infos.length === RETRYING_LOOKUPS) break;
      const info = lookUp(lane, id);
      if (info?.state === TaskState.SCHEDULED) infos.push(info);
      else this.#ids.delete(id);
    }
    infos.sort((a, b) => (a.runAfter ?? 0) - (b.runAfter ?? 0));
    return infos.slice(0, count).map(toTaskRow);
  }
}

/** A task's info; undefined once the lane no longer knows it. */
function lookUp(lane: DashboardLane, id: string): TaskInfo | undefined {
  try {
    return lane.taskInfo(id);
  } catch (error) {
    if (error instanceof UnknownTaskError) return undefined;
    throw error;
  }
}
