import { TRANSITION_DURATION_MS } from '../../metrics/transitionDuration.js';
import type { TaskState } from '../../taskState.js';
import type { TaskInfo, TaskTransition } from '../../tasks/types.js';
import { buildTaskInfo, type TaskIdentity, type TaskOutcome } from './taskInfo.js';

/** A lane's record of a task, from which a transition's info can be built later. */
export type TransitionSource = TaskIdentity & TaskOutcome;

/**
 * A transition as a lane reports it and `transitions$` delivers it: plain fields, and `info`
 * built on first read, since most subscribers (counters, metrics) never read it.
 *
 * @remarks One object per transition, reported as it is: a lane makes one for every
 * transition of every task, so it holds what it needs itself instead of a closure and a second
 * object. A lazily built info reads the lane's record as it stood in `to` (the record keeps
 * growing; see `buildTaskInfo`), and the record is let go once the info is built.
 */
export class ReportedTransition implements TaskTransition {
  readonly id: string;
  readonly name: string;
  readonly lane: string;
  readonly from: TaskState;
  readonly to: TaskState;
  readonly at: number;
  #info: TaskInfo | undefined;
  #source: TransitionSource | undefined;
  readonly #durationMs: number | undefined;

  protected constructor(
    task: Pick<TaskIdentity, 'id' | 'name' | 'lane'>,
    from: TaskState,
    to: TaskState,
    at: number,
    info: TaskInfo | undefined,
    source: TransitionSource | undefined,
    durationMs: number | undefined,
  ) {
    this.id = task.id;
    this.name = task.name;
    this.lane = task.lane;
    this.from = from;
    this.to = to;
    this.at = at;
    this.#info = info;
    this.#source = source;
    this.#durationMs = durationMs;
  }

  /** A transition whose info is known already (a final one, or one reported across a thread). */
  static withInfo(
    task: Pick<TaskIdentity, 'id' | 'name' | 'lane'>,
    from: TaskState,
    to: TaskState,
    at: number,
    info: TaskInfo,
    durationMs?: number,
  ): ReportedTransition {
    return new ReportedTransition(task, from, to, at, info, undefined, durationMs);
  }

  /**
   * The retry edge STARTED → SCHEDULED (`reason: 'retry'`): an attempt failed or timed out and
   * the task waits for its next one. Its info is known already.
   */
  static retry(
    task: Pick<TaskIdentity, 'id' | 'name' | 'lane'>,
    at: number,
    info: TaskInfo,
  ): ReportedTransition {
    return new RetryTransition(task, 'STARTED', 'SCHEDULED', at, info, undefined, undefined);
  }

  /** `'retry'` on the retry edge; absent otherwise (see {@link TaskTransition.reason}). */
  get reason(): 'retry' | undefined {
    return undefined;
  }

  /** A transition whose info is built from the lane's record on first read. */
  static fromRecord(
    record: TransitionSource,
    from: TaskState,
    to: TaskState,
    at: number,
    durationMs?: number,
  ): ReportedTransition {
    return new ReportedTransition(record, from, to, at, undefined, record, durationMs);
  }

  /**
   * For this package's `metrics$` (`transitionDurationMs`): the wait (to STARTED) or run time
   * (from STARTED to a final state) the lane knew, ms. Not part of TaskTransition.
   */
  get [TRANSITION_DURATION_MS](): number | undefined {
    return this.#durationMs;
  }

  get info(): TaskInfo {
    if (this.#info === undefined) {
      const source = this.#source as TransitionSource;
      this.#info = buildTaskInfo(source, this.to, source, this.at);
      this.#source = undefined;
    }
    return this.#info;
  }

  /** A plain copy, `info` included (for JSON and structured clone). */
  toJSON(): Omit<TaskTransition, 'info'> & { info: TaskInfo } {
    const { id, name, lane, from, to, at, info, reason } = this;
    return reason === undefined
      ? { id, name, lane, from, to, at, info }
      : { id, name, lane, from, to, at, info, reason };
  }
}

/** The retry edge's transition: {@link ReportedTransition.retry}. */
class RetryTransition extends ReportedTransition {
  override get reason(): 'retry' {
    return 'retry';
  }
}
