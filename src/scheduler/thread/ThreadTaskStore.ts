import type { Clock } from '../../clock.js';
import { toErrorData } from '../../errorData.js';
import { TaskState } from '../../taskState.js';
import {
  isFinished,
  stampKey,
  TASK_LIFECYCLE,
  TIMESTAMP_KEYS_IN_ORDER,
  type FinalTaskState,
} from '../../machines/taskLifecycle.js';
import type { TaskCallbacks, TaskInfo, TaskTimestamps } from '../../tasks/types.js';
import { LaneCounters } from '../../metrics/LaneCounters.js';
import type { RetentionLimits } from '../retention/FinishedStore.js';
import { buildTaskInfo, type TaskIdentity } from '../taskInfo.js';
import { TaskRegistry, type LiveRecord, type Waiter } from '../TaskRegistry.js';
import { ReportedTransition } from '../ReportedTransition.js';
import { TransitionReporter } from '../TransitionReporter.js';
import type { TransitionMessage, WireModuleRef } from './laneThreadMessages.js';
import { failureOf } from './wireErrors.js';

/** The main side's record of a task that lives in a lane thread. */
export interface ThreadTask extends TaskIdentity, LiveRecord {
  readonly callbacks: TaskCallbacks;
  readonly body: WireModuleRef;
  state: TaskState;
  /**
   * When `submitTask` was called, on the main side's clock: its `ts.submit`, and the time the
   * lane thread's actor stamps too (the thread reads the message later, or again after a restart).
   */
  readonly submittedAt: number;
  /** The task as last reported (or as created, while NEW). */
  info: TaskInfo;
  waiters: Waiter[] | undefined;
}

/**
 * The main side's copy of a lane thread's tasks, kept current by the thread's transitions:
 * it answers `taskState`/`taskInfo`/`dumpTask`/`slowest` synchronously, settles waiters, and
 * delivers `transitions$`, `errors$` and the `on*` callbacks on the main thread.
 *
 * @remarks A transition is applied only if it moves a task forward, and a timestamp the main
 * side already holds is kept: so a queued task resubmitted to a restarted lane thread (which
 * reports SUBMITTED and SCHEDULED again) keeps its first timestamps and is reported once per
 * state. {@link ThreadTaskStore.end} ends a task here without its thread — the only way left
 * when the thread died with the task's actor in it.
 */
export class ThreadTaskStore {
  readonly registry: TaskRegistry<ThreadTask>;
  readonly reporter: TransitionReporter;
  readonly #clock: Clock;
  #queued = 0;

  constructor(retention: RetentionLimits, clock: Clock, callbacks: TaskCallbacks) {
    this.registry = new TaskRegistry<ThreadTask>(retention, clock);
    this.reporter = new TransitionReporter(callbacks);
    this.#clock = clock;
  }

  /** Totals since creation: submitted, and per final state. */
  readonly counters = new LaneCounters();
  /** Every STARTED task: `slowest({ running })` reads these without touching the queue. */
  readonly #started = new Set<ThreadTask>();

  /** How many tasks are STARTED, as last reported. */
  get runningCount(): number {
    return this.#started.size;
  }

  /** How many tasks wait to start (SUBMITTED or SCHEDULED), as last reported. */
  get queuedCount(): number {
    return this.#queued;
  }

  /** Creates the record of a task handed to the thread (NEW; see {@link ThreadTaskStore.submitted}). */
  add(identity: TaskIdentity, body: WireModuleRef, callbacks: TaskCallbacks): ThreadTask {
    const now = this.#clock.now();
    const record: ThreadTask = {
      ...identity,
      body,
      callbacks,
      state: TaskState.NEW,
      submittedAt: now,
      info: buildTaskInfo(identity, TaskState.NEW, { ts: {} }, now),
      waiters: undefined,
    };
    this.registry.addLive(record);
    return record;
  }

  /** Enters SUBMITTED on the main side, stamped {@link ThreadTask.submittedAt}. */
  submitted(record: ThreadTask): void {
    if (record.state !== TaskState.NEW) return;
    this.counters.taskSubmitted();
    const at = record.submittedAt;
    this.#enter(
      record,
      TaskState.SUBMITTED,
      buildTaskInfo(record, TaskState.SUBMITTED, { ts: { submit: at } }, at),
    );
  }

  /** Applies a transition the lane thread reported. */
  apply(message: TransitionMessage): void {
    const record = this.registry.live(message.id);
    if (
      record === undefined ||
      TASK_LIFECYCLE[message.to].rank <= TASK_LIFECYCLE[record.state].rank
    )
      return;
    const { info } = message;
    // Timestamps the main side holds were set first: keep them (each is set once).
    const ts = inLifecycleOrder({ ...info.ts, ...record.info.ts });
    const outcome = {
      ts,
      ...(info.result === undefined ? {} : { result: info.result }),
      ...(info.error === undefined ? {} : { error: info.error }),
      ...(info.reason === undefined ? {} : { reason: info.reason }),
    };
    const next = buildTaskInfo(
      record,
      message.to,
      outcome,
      (message.to === TaskState.NEW ? undefined : ts[stampKey(message.to)]) ?? message.at,
    );
    this.#enter(record, message.to, next, failureOf(next));
  }

  /**
   * Ends a task on the main side alone, at the main clock's now: for tasks whose actor died
   * with the lane thread, or that never reached one.
   */
  end(record: ThreadTask, to: FinalTaskState, failure: Error, reason?: string): void {
    if (isFinished(record.state)) return;
    // Never before a timestamp the thread set: its clock and this one may differ slightly.
    const stamps = Object.values(record.info.ts as Record<string, number>);
    const at = Math.max(this.#clock.now(), ...stamps);
    const outcome = {
      ts: { ...record.info.ts, [stampKey(to)]: at },
      error: toErrorData(failure),
      ...(reason === undefined ? {} : { reason }),
    };
    this.#enter(record, to, buildTaskInfo(record, to, outcome, at), failure);
  }

  /** The info of a live task, its run time measured to now while it runs. */
  liveInfo(id: string): TaskInfo | undefined {
    const record = this.registry.live(id);
    return record === undefined ? undefined : this.#current(record);
  }

  /** Every STARTED task's info, its run time to now. */
  runningInfos(): TaskInfo[] {
    return [...this.#started].map((record) => this.#current(record));
  }

  /** Every live task's info, in submit order. */
  liveInfos(): TaskInfo[] {
    return [...this.registry.liveRecords()].map((record) => this.#current(record));
  }

  #current(record: ThreadTask): TaskInfo {
    if (record.state !== TaskState.STARTED) return record.info;
    return buildTaskInfo(record, record.state, record.info, this.#clock.now());
  }

  #enter(record: ThreadTask, to: TaskState, info: TaskInfo, failure?: Error): void {
    const from = record.state;
    if (from === TaskState.STARTED) this.#started.delete(record);
    if (from === TaskState.SUBMITTED || from === TaskState.SCHEDULED) this.#queued--;
    if (to === TaskState.STARTED) this.#started.add(record);
    if (to === TaskState.SUBMITTED || to === TaskState.SCHEDULED) this.#queued++;
    record.state = to;
    record.info = info;
    if (isFinished(to)) {
      this.counters.taskFinished(to);
      this.registry.finish(record, info, to === TaskState.DONE ? undefined : failure);
    }
    const at = info.ts[to === TaskState.NEW ? 'submit' : stampKey(to)] ?? 0;
    this.reporter.report(ReportedTransition.withInfo(record, from, to, at, info), record.callbacks);
  }
}

/**
 * Timestamps that never go back: the main side stamps SUBMITTED with its clock, the lane thread
 * stamps the rest with its own, and a worker's `performance.timeOrigin` can differ from the
 * main thread's by a few milliseconds. A thread stamp earlier than the one before it is raised
 * to it (invariant 2: submit ≤ schedule ≤ start ≤ end), so `waitMs` is never negative.
 */
function inLifecycleOrder(ts: TaskTimestamps): TaskTimestamps {
  const ordered: Record<string, number> = {};
  let floor = -Infinity;
  for (const key of TIMESTAMP_KEYS_IN_ORDER) {
    const at = ts[key];
    if (at === undefined) continue;
    floor = Math.max(floor, at);
    ordered[key] = floor;
  }
  return ordered;
}
