import type { Clock } from '../../clock.js';
import { toErrorData } from '../../errorData.js';
import {
  isFinished,
  stampKey,
  TASK_LIFECYCLE,
  type FinalTaskState,
  type StampedTaskState,
} from '../../machines/taskLifecycle.js';
import { LaneCounters } from '../../metrics/LaneCounters.js';
import { TaskState } from '../../taskState.js';
import type {
  TaskAttempt,
  TaskCallbacks,
  TaskErrorData,
  TaskInfo,
  TaskTimestamps,
} from '../../tasks/types.js';
import { ReportedTransition } from './ReportedTransition.js';
import type { RetentionLimits } from './retention/FinishedStore.js';
import { buildTaskInfo, NO_ATTEMPTS, type TaskIdentity } from './taskInfo.js';
import { QueueWatchers } from './QueueWatchers.js';
import { TaskRegistry, type LiveRecord, type Waiter } from './TaskRegistry.js';
import { TransitionReporter } from './TransitionReporter.js';

/**
 * What a ledger keeps of a task that is not final: its identity, its state, the stamps and
 * outcome its lane reported, and who waits for it.
 *
 * @remarks A lane's own working record (a queue entry, an execution) may extend it: the local
 * lane files one object per task, not two.
 */
export interface LedgerRecord extends TaskIdentity, LiveRecord {
  /** Higher starts first; `setPriority` changes it while the task waits to start. */
  priority: number;
  readonly callbacks: TaskCallbacks;
  /** The state last entered. */
  state: TaskState;
  /** Each state's entry time, set once, when the task entered it. */
  readonly ts: { -readonly [K in keyof TaskTimestamps]: TaskTimestamps[K] };
  /** What the body returned, once DONE. */
  result: unknown;
  /** Why it ended, once FAILED, TIMED_OUT or CANCELED. */
  error: TaskErrorData | undefined;
  /** Why it was canceled or timed out. */
  reason: string | undefined;
  /** What `result()` rejects with once the task ends other than DONE. */
  failure: Error | undefined;
  waiters: Waiter[] | undefined;
  /** The current attempt, 1-based (absent: 1). */
  attempt?: number | undefined;
  /** The attempts retried so far, a new frozen array at each retry (absent: none). */
  attempts?: readonly TaskAttempt[] | undefined;
  /**
   * Epoch ms before which it does not start (a delay or a retry's backoff). Read only while
   * the task waits: a started task keeps the one it waited for.
   */
  runAfter?: number | undefined;
  /** The first attempt's start, once a retry dropped it from `ts` (for `waitMs`). */
  firstStart?: number | undefined;
  /**
   * True when the task may be retried: its transitions' infos are then built when reported,
   * not on first read, since a retry rewrites the stamps a lazily built info would read.
   */
  mayRetry?: boolean | undefined;
}

/** What a lane reports when an attempt failed or timed out and the task will run again. */
export interface RetryEntry {
  /** When the attempt ended (and the task re-entered SCHEDULED). */
  readonly at: number;
  /** How the attempt ended. */
  readonly outcome: 'FAILED' | 'TIMED_OUT';
  readonly error: TaskErrorData;
  /** Epoch ms before which the next attempt does not start. */
  readonly runAfter: number;
}

/**
 * One task event a lane reports: the task entered a state at `at`, with the outcome a final
 * state brings. A task machine's own events have this shape.
 */
export interface LedgerEntry {
  readonly at: number;
  readonly result?: unknown;
  readonly error?: TaskErrorData;
  readonly reason?: string;
}

/** The fields a {@link LedgerRecord} starts with, before its lane reports anything. */
export function newLedgerFields(): Pick<
  LedgerRecord,
  'state' | 'ts' | 'result' | 'error' | 'reason' | 'failure' | 'waiters'
> {
  return {
    state: TaskState.NEW,
    ts: {},
    result: undefined,
    error: undefined,
    reason: undefined,
    failure: undefined,
    waiters: undefined,
  };
}

/**
 * The one record of a scheduler's tasks, on the caller's thread, fed only by the events its
 * lane reports: records and stamps, retention of finished tasks, waiters (`waitTask`,
 * `result`), the queries (`taskInfo`, `dumpTask`, `slowest`), totals, and delivery to
 * `transitions$`, `errors$` and the `on*` callbacks.
 *
 * @remarks Every placement feeds it the same way: a local lane as its task actors move, a
 * thread lane's main side as the thread's events arrive. {@link TaskLedger.enter} takes a task
 * only forward (by the lifecycle table's rank) and sets each stamp once, so an event reported
 * twice (a queued task resubmitted to a restarted thread) is recorded once.
 *
 * @typeParam TRecord - the lane's record of a task.
 */
export class TaskLedger<TRecord extends LedgerRecord = LedgerRecord> {
  readonly registry: TaskRegistry<TRecord>;
  readonly reporter: TransitionReporter;
  /** Totals since creation: submitted, and per final state. */
  readonly counters = new LaneCounters();
  /** Every STARTED task: `slowest({ running })` reads these without touching the queue. */
  readonly started = new Set<TRecord>();
  /** `onIdle()`, `onEmpty()` and `onSizeLessThan()`: told whenever the counts change. */
  readonly watchers = new QueueWatchers(this);
  readonly #clock: Clock;
  #queued = 0;

  constructor(retention: RetentionLimits, clock: Clock, callbacks: TaskCallbacks) {
    this.registry = new TaskRegistry<TRecord>(retention, clock);
    this.reporter = new TransitionReporter(callbacks);
    this.#clock = clock;
  }

  /** How many tasks are STARTED. */
  get runningCount(): number {
    return this.started.size;
  }

  /** How many tasks wait to start (SUBMITTED or SCHEDULED). */
  get queuedCount(): number {
    return this.#queued;
  }

  /** How many SCHEDULED tasks wait for a `runAfter` still after `now` (a full pass). */
  delayedCount(now: number): number {
    let delayed = 0;
    for (const record of this.registry.liveRecords()) {
      const { runAfter } = record;
      if (record.state === TaskState.SCHEDULED && runAfter !== undefined && runAfter > now) {
        delayed++;
      }
    }
    return delayed;
  }

  /** Files a new task, NEW. */
  add(record: TRecord): void {
    this.registry.addLive(record);
    this.counters.taskSubmitted();
  }

  /**
   * Records that the task entered `to` as `entry` says, and reports it; a final state files it
   * with its outcome and settles its waiters.
   *
   * @returns false, changing nothing, when `to` is not past the task's state.
   */
  enter(record: TRecord, to: TaskState, entry: LedgerEntry): boolean {
    const from = record.state;
    if (TASK_LIFECYCLE[to].rank <= TASK_LIFECYCLE[from].rank) return false;
    record.state = to;
    const key = stampKey(to as StampedTaskState);
    const at = (record.ts[key] ??= entry.at);
    if (to === TaskState.DONE) record.result = entry.result;
    if (entry.error !== undefined) record.error = entry.error;
    if (entry.reason !== undefined) record.reason = entry.reason;
    if (from === TaskState.STARTED) this.started.delete(record);
    else if (isQueued(from)) this.#queued--;
    if (to === TaskState.STARTED) this.started.add(record);
    else if (isQueued(to)) this.#queued++;
    // Resolving only queues the awaiting code: it runs once this transition is reported.
    if (this.watchers.size > 0) this.watchers.changed();
    if (isFinished(to)) {
      this.counters.taskFinished(to);
      // What metrics$ times, without building the info: as buildTaskInfo's runMs.
      const runMs =
        from === TaskState.STARTED ? Math.max(0, at - (record.ts.start ?? at)) : undefined;
      const info = buildTaskInfo(record, to, record, at);
      this.registry.finish(record, info, to === TaskState.DONE ? undefined : record.failure, at);
      this.reporter.report(
        ReportedTransition.withInfo(record, from, to, at, info, runMs),
        record.callbacks,
      );
      return true;
    }
    // Built on first read, maybe after the task moved on: it reads only what `to` had. A task
    // that may retry gets its info now: a retry rewrites the stamps such a read would see.
    const waitMs =
      to === TaskState.STARTED && record.firstStart === undefined
        ? at - (record.ts.submit ?? at)
        : undefined;
    this.reporter.report(
      record.mayRetry === true
        ? ReportedTransition.withInfo(
            record,
            from,
            to,
            at,
            buildTaskInfo(record, to, record, at),
            waitMs,
          )
        : ReportedTransition.fromRecord(record, from, to, at, waitMs),
      record.callbacks,
    );
    return true;
  }

  /**
   * Records that the task's attempt ended as `entry.outcome` and that it went back to
   * SCHEDULED for another (the retry edge), and reports it (`reason: 'retry'`, `onRetry`).
   *
   * @remarks The attempt joins `attempts`; `ts.schedule` is set anew and `ts.start` dropped, so
   * the stamps are the latest attempt's (the first start is kept for `waitMs`).
   * @returns false, changing nothing, unless the task is STARTED.
   */
  retry(record: TRecord, entry: RetryEntry): boolean {
    if (record.state !== TaskState.STARTED) return false;
    const { at, outcome, error, runAfter } = entry;
    const ts = record.ts;
    const start = ts.start ?? at;
    const attempt = record.attempt ?? 1;
    const done: TaskAttempt = Object.freeze({ attempt, start, end: at, state: outcome, error });
    record.attempts = Object.freeze([...(record.attempts ?? NO_ATTEMPTS), done]);
    record.attempt = attempt + 1;
    record.firstStart ??= start;
    record.runAfter = runAfter;
    delete (ts as { start?: number }).start;
    ts.schedule = at;
    record.state = TaskState.SCHEDULED;
    this.started.delete(record);
    this.#queued++;
    this.counters.taskRetried();
    if (this.watchers.size > 0) this.watchers.changed();
    const info = buildTaskInfo(record, TaskState.SCHEDULED, record, at);
    this.reporter.report(ReportedTransition.retry(record, at, info), record.callbacks);
    return true;
  }

  /**
   * Ends a task here, without its lane, at the clock's now (never before a stamp it has): for
   * a task whose lane died with it, or that never reached its lane.
   *
   * @param failure - what `result()` rejects with; its data is the task's `error`.
   */
  end(record: TRecord, to: FinalTaskState, failure: Error, reason?: string): void {
    if (isFinished(record.state)) return;
    record.failure = failure;
    const at = Math.max(this.#clock.now(), latestStamp(record.ts));
    const error = toErrorData(failure);
    this.enter(record, to, reason === undefined ? { at, error } : { at, error, reason });
  }

  /**
   * The record of a task waiting to start (SUBMITTED or SCHEDULED); undefined for one that
   * started, is final, or is unknown.
   */
  waiting(id: string): TRecord | undefined {
    const record = this.registry.live(id);
    return record !== undefined && isQueued(record.state) ? record : undefined;
  }

  /** The state of a task, live or retained; undefined for an unknown or evicted id. */
  stateOf(id: string): TaskState | undefined {
    return this.registry.live(id)?.state ?? this.registry.finished(id)?.info.state;
  }

  /** The info of a live task, its run time measured to now while it runs. */
  liveInfo(id: string): TaskInfo | undefined {
    const record = this.registry.live(id);
    return record === undefined ? undefined : this.#infoNow(record, this.#clock.now());
  }

  /** Every STARTED task's info, its run time to now. */
  runningInfos(): TaskInfo[] {
    return this.#infosNow(this.started);
  }

  /** Every live task's info, in submit order. */
  liveInfos(): TaskInfo[] {
    return this.#infosNow(this.registry.liveRecords());
  }

  #infosNow(records: Iterable<TRecord>): TaskInfo[] {
    const now = this.#clock.now();
    const infos: TaskInfo[] = [];
    for (const record of records) infos.push(this.#infoNow(record, now));
    return infos;
  }

  #infoNow(record: TRecord, now: number): TaskInfo {
    return buildTaskInfo(record, record.state, record, now);
  }
}

/** The latest of a task's stamps; -Infinity while it has none. */
export function latestStamp(ts: TaskTimestamps): number {
  let latest = -Infinity;
  for (const at of Object.values(ts) as (number | undefined)[]) {
    if (at !== undefined && at > latest) latest = at;
  }
  return latest;
}

/** SUBMITTED or SCHEDULED: waiting for a slot, not NEW. */
function isQueued(state: TaskState): boolean {
  const { waiting, rank } = TASK_LIFECYCLE[state];
  return waiting && rank > 0;
}
