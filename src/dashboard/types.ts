import type { Observable } from 'rxjs';
import type { SchedulerError } from '../errors.js';
import type { LaneKind, LaneMetrics, SchedulerWarning } from '../metrics/types.js';
import type { TaskState } from '../taskState.js';
import type { TaskInfo, TaskTransition } from '../tasks/types.js';

/**
 * What the dashboard needs from a scheduler: exactly the members it uses, so an
 * `AsyncScheduler`, a `SchedulerThread` (or a test double) can be served.
 */
export interface DashboardLane {
  /** The lane's name; the dashboard's key for it (unique among the served lanes). */
  readonly name: string;
  /** Every transition of every task (drives the diagram counts and the timeline). */
  readonly transitions$: Observable<TaskTransition>;
  /** Callback and subscriber failures (listed with the warnings). */
  readonly errors$: Observable<SchedulerError>;
  /** The lane's figures every `metricsIntervalMs` (header figures and `/metrics`). */
  readonly metrics$: Observable<LaneMetrics>;
  /** Loop-blocked warnings (the warnings panel). */
  readonly warnings$: Observable<SchedulerWarning>;
  /** Tasks waiting for a slot now. */
  readonly queuedCount: number;
  /** Tasks STARTED now. */
  readonly runningCount: number;
  /**
   * Tasks waiting out a delay or a retry's backoff now (the `Delayed` figure and
   * `async_scheduler_tasks_delayed`); a lane without it shows neither.
   */
  readonly delayedCount?: number;
  /** Every retained task (read once, when the dashboard starts, to seed its counts). */
  dumpTask(): TaskInfo[];
  /** The slowest tasks (the two "slowest" tables). */
  slowest(n: number, options: { running: boolean }): TaskInfo[];
  /** One task (the cancel route's 404 and its answer). @throws UnknownTaskError */
  taskInfo(id: string): TaskInfo;
  /** Cancels a task (the Cancel button). */
  cancelTask(id: string, reason?: string): Promise<boolean>;
}

/** Options of {@link serveDashboard}. */
export interface DashboardOptions {
  /**
   * The TCP port; 0 picks any free one (read it back from `Dashboard.port`).
   * @default 0
   */
  readonly port?: number;
  /**
   * The interface to listen on. Anything but a loopback address exposes the page, and its
   * Cancel button, to the network.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * How many recent tasks each lane's timeline keeps (the newest win).
   * @default 200
   */
  readonly recentTasks?: number;
}

/** A running dashboard server, from {@link serveDashboard}. */
export interface Dashboard {
  /** The page's address, e.g. `http://127.0.0.1:7878/`. */
  readonly url: string;
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  /** The host it listens on. */
  readonly host: string;
  /** How many pages are connected to the live stream now. */
  readonly clientCount: number;
  /**
   * Ends every live stream, unsubscribes from every lane and closes the server.
   * @remarks Idempotent: later calls return the same promise. The schedulers are not touched.
   */
  close(): Promise<void>;
}

// ── What the server sends the page (JSON) ───────────────────────────────────────

/** One bar of a lane's timeline: submit → start → end. */
export interface TimelineEntry {
  readonly id: string;
  readonly name: string;
  readonly state: TaskState;
  /** Epoch ms; absent when the dashboard first saw the task after its submit. */
  readonly submit?: number;
  readonly start?: number;
  /** When it reached its final state. */
  readonly end?: number;
  /** The attempt it is on (or ended on), when past the first; `start` is that attempt's. */
  readonly attempt?: number;
}

/** One earlier attempt of a retried task, as the page lists it. */
export interface AttemptView {
  /** 1-based. */
  readonly attempt: number;
  readonly state: 'FAILED' | 'TIMED_OUT';
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms. */
  readonly end: number;
  /** Its error's `Name: message`, if it had one. */
  readonly error?: string;
}

/** One row of a "slowest" table. */
export interface TaskRow {
  readonly id: string;
  readonly name: string;
  readonly state: TaskState;
  readonly type: TaskInfo['type'];
  readonly start?: number;
  readonly waitMs?: number;
  /** Run time when the row was taken (running tasks go on growing on the page). */
  readonly runMs?: number;
  /** The error message or the cancel/timeout reason. */
  readonly detail?: string;
  /** The attempt it is on (or ended on), when past the first. */
  readonly attempt?: number;
  /** Its earlier attempts, oldest first, when it was retried. */
  readonly attempts?: readonly AttemptView[];
  /** Epoch ms before which it will not start, while it waits out a backoff or a delay. */
  readonly runAfter?: number;
}

/** One entry of the warnings panel: a scheduler warning or an `errors$` failure. */
export interface WarningView {
  readonly kind: SchedulerWarning['type'] | 'error';
  readonly at: number;
  readonly message: string;
}

/** Everything the page shows of one lane. */
export interface LaneView {
  readonly lane: string;
  readonly kind?: LaneKind;
  /** Tasks in each state now; final states count since the dashboard started (retained ones included). */
  readonly counts: Readonly<Record<TaskState, number>>;
  /** A snapshot: the whole ring, oldest first; an update: the entries that changed. */
  readonly timeline: readonly TimelineEntry[];
  readonly slowestRunning: readonly TaskRow[];
  readonly slowestFinished: readonly TaskRow[];
  /** Tasks waiting out a retry's backoff now, the soonest to run first. */
  readonly retrying: readonly TaskRow[];
  /** Tasks waiting out a delay or a backoff now, when the lane counts them (`delayedCount`). */
  readonly delayed?: number;
  /** A snapshot: the kept warnings, oldest first; an update: the new ones. */
  readonly warnings: readonly WarningView[];
  /** The latest `metrics$` sample, when one has come. */
  readonly metrics?: LaneMetrics;
  /** True once the lane's `transitions$` completed (its scheduler stopped). */
  readonly stopped: boolean;
}

/** A message on `/events` (and the body of `/api/state`, as a snapshot). */
export interface DashboardMessage {
  readonly type: 'snapshot' | 'update';
  /** The server's clock when it was sent, epoch ms (the page grows running bars from it). */
  readonly now: number;
  /** How many tasks a timeline keeps. */
  readonly recentTasks: number;
  readonly lanes: readonly LaneView[];
}
