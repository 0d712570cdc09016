/**
 * The wire protocol between a SchedulerThread's main side and its lane thread. Both sides
 * import only these types; nothing else crosses the boundary (everything here survives a
 * structured clone: no functions, no class instances).
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { RestartPolicy } from '../../../actors/restartPolicy.js';
import type { TaskState } from '../../../taskState.js';
import type { TaskErrorData, TaskType } from '../../../tasks/types.js';
import type { ExecutorHealth } from '../../../actors/executor.js';
import type { LoopBlockedWarning, Percentiles } from '../../../metrics/types.js';
import type { RetryPolicy } from '../../../tasks/retryPolicy.js';
import type { RateLimit } from '../../lane/policy/StartRateLimit.js';

/** What the lane thread is built from (its `workerData`): the options minus every function. */
export interface LaneThreadInit {
  readonly lane: string;
  readonly concurrency: number;
  /** Executor threads of the lane's own SyncTasks. */
  readonly threads: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly restart: RestartPolicy;
  /** Forward inspection events: true iff an `inspect` observer was given on the main side. */
  readonly inspect: boolean;
  /** The lane's `slowTaskMs`: its loop is watched for blocks this long. */
  readonly slowTaskMs: number;
  /** The scheduler's rate limit. */
  readonly rateLimit: RateLimit | undefined;
}

/** A task body as it crosses: a resolved module URL and the export to call. */
export interface WireModuleRef {
  readonly module: string;
  readonly export: string;
}

// ── main → thread ──────────────────────────────────────────────────────────────

/** Start running (the lane's `start()`). */
export interface StartMessage {
  readonly type: 'start';
}

/** Submit one run; the main side made its id. */
export interface SubmitMessage {
  readonly type: 'submit';
  readonly id: string;
  readonly name: string;
  readonly taskType: TaskType;
  readonly body: WireModuleRef;
  readonly args: readonly unknown[];
  readonly priority: number;
  readonly timeoutMs: number | undefined;
  /** The main side's `ts.submit`: the thread's actor enters SUBMITTED stamped with it. */
  readonly submittedAt: number;
  /** Not started before this epoch ms (a delay, or the backoff of a task resent mid-retry). */
  readonly runAt: number | undefined;
  /** This run's retry policy (never with `retryOn`). */
  readonly retry: RetryPolicy | undefined;
  /** Its attempt: more than 1 when a restarted thread gets a task that was retried already. */
  readonly attempt: number;
}

/** Cancel a task; answered by a {@link CancelReplyMessage} with the same `requestId`. */
export interface CancelMessage {
  readonly type: 'cancel';
  readonly requestId: number;
  readonly id: string;
  readonly reason: string;
}

/** Stop the lane; answered by a {@link StoppedMessage} once every task is final. */
export interface StopMessage {
  readonly type: 'stop';
  readonly requestId: number;
  readonly cancel: boolean;
  /** What is left of the drain's bound when the thread gets this, ms; 0: none. */
  readonly timeoutMs: number;
  /** The bound the caller gave (`stop({ timeoutMs })`): what the cancel's reason names. */
  readonly limitMs: number;
}

/**
 * What the main side watches now: sent whenever it changes, and to every new thread. Nothing is
 * measured in the thread while nobody watches.
 */
export interface ObserveMessage {
  readonly type: 'observe';
  /** Detect blocks of the lane's loop and send each as a {@link WarningMessage}. */
  readonly warnings: boolean;
  /** Send a {@link LoopSampleMessage} this often, ms; 0: none. */
  readonly sampleIntervalMs: number;
}

/**
 * Pause (`paused: true`: nothing new starts) or resume the lane; sent again to a restarted
 * thread while the lane is paused.
 */
export interface PauseMessage {
  readonly type: 'pause';
  readonly paused: boolean;
}

/** The lane's new concurrency; sent again to a restarted thread when it changed. */
export interface ConcurrencyMessage {
  readonly type: 'concurrency';
  /** A whole number >= 1, or Infinity (it survives a structured clone). */
  readonly concurrency: number;
}

/**
 * A queued task's new priority. Not answered: the main side answered `setPriority` from its own
 * record already; a task the thread started meanwhile is left as it is.
 */
export interface SetPriorityMessage {
  readonly type: 'setPriority';
  readonly id: string;
  readonly priority: number;
}

/** Everything the main side sends. */
export type ToLaneThreadMessage =
  | StartMessage
  | SubmitMessage
  | CancelMessage
  | StopMessage
  | ObserveMessage
  | PauseMessage
  | ConcurrencyMessage
  | SetPriorityMessage;

// ── thread → main ──────────────────────────────────────────────────────────────

/** The thread has built its lane and takes messages. */
export interface LaneReadyMessage {
  readonly type: 'ready';
}

/**
 * One transition of one task: only what the main side's ledger does not have already. The main
 * side keeps the task's identity, args and earlier stamps, so a transition is its state, its
 * time, and a final state's outcome.
 *
 * @remarks Compact on purpose: a transition used to carry the task's whole info (built for it in
 * the thread, then cloned), four times per task. The error's stack crosses as shared frames
 * ({@link WireErrorData}).
 */
export interface TransitionMessage {
  readonly id: string;
  readonly to: TaskState;
  /** When the task entered `to`, on the lane thread's clock. */
  readonly at: number;
  /** DONE: what the body returned. */
  readonly result?: unknown;
  /** FAILED, TIMED_OUT, CANCELED: why. */
  readonly error?: WireErrorData;
  /** CANCELED, TIMED_OUT: the reason given. */
  readonly reason?: string;
  /**
   * The retry edge (STARTED → SCHEDULED): how the attempt ended and when the next may start
   * (the attempt's error is `error`).
   */
  readonly retry?: { readonly outcome: 'FAILED' | 'TIMED_OUT'; readonly runAfter: number };
}

/**
 * A task's {@link TaskErrorData} as it crosses: its stack split into the `name: message` line,
 * which the main side rebuilds, and the frames after it, an object that every error of one
 * batch with the same frames shares.
 *
 * @remarks A structured clone writes an object it meets twice in one message once, but a string
 * every time: the 10,000 cancels of a stop share one call site's stack (about 1 KB), which
 * crossed 10,000 times.
 */
export interface WireErrorData {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** The stack after its `name: message` line (shared; see above). */
  readonly frames?: WireStackFrames;
  /** A stack that does not begin with its `name: message` line, as it is. */
  readonly stack?: string;
}

/** The frames of a stack (its lines after the first), as an object so a clone shares it. */
export interface WireStackFrames {
  readonly text: string;
}

/**
 * The transitions of one turn of the lane thread, in the order they happened: one message per
 * turn, not one per transition (each costs a clone and a task on the main loop).
 */
export interface TransitionsMessage {
  readonly type: 'transitions';
  readonly transitions: readonly TransitionMessage[];
}

/** The answer to a {@link CancelMessage}: true iff that cancel moved the task to CANCELED. */
export interface CancelReplyMessage {
  readonly type: 'cancelReply';
  readonly requestId: number;
  readonly canceled: boolean;
}

/** The answer to a {@link StopMessage}: every task is final and the executor threads are gone. */
export interface StoppedMessage {
  readonly type: 'stopped';
  readonly requestId: number;
}

/** A SchedulerError of the lane (an executor thread crashed, degraded), as data. */
export interface LaneErrorMessage {
  readonly type: 'error';
  readonly error: TaskErrorData & { readonly taskId?: string; readonly exitCode?: number };
}

/** The lane's loop was blocked (a frozen, plain warning). */
export interface WarningMessage {
  readonly type: 'warning';
  readonly warning: LoopBlockedWarning;
}

/** The lane thread's own figures over the last window. */
export interface LoopSampleMessage {
  readonly type: 'loopSample';
  /** The lane thread's event-loop delay over the window. */
  readonly delayMs: Percentiles;
  /** The lane's executor threads (its SyncTasks). */
  readonly executor: ExecutorHealth;
}

/** A reference to an actor, as data: what a recorded or cross-thread inspection event holds. */
export interface WireActorRef {
  readonly id: string;
  readonly sessionId: string;
  readonly systemId?: string;
}

/**
 * An XState inspection event as plain data: actor references become {@link WireActorRef}s and
 * snapshots keep `status`, `value`, `context` (and `output`/`error` when set).
 */
export interface WireInspectionEvent {
  readonly type: string;
  readonly rootId: string;
  readonly actorRef: WireActorRef;
  readonly sourceRef?: WireActorRef;
  readonly event?: unknown;
  readonly snapshot?: unknown;
  readonly action?: unknown;
}

/** One inspection event of an actor in the lane thread. */
export interface InspectionMessage {
  readonly type: 'inspection';
  readonly event: WireInspectionEvent;
}

/** Everything the lane thread sends. */
export type FromLaneThreadMessage =
  | LaneReadyMessage
  | TransitionsMessage
  | CancelReplyMessage
  | StoppedMessage
  | LaneErrorMessage
  | InspectionMessage
  | WarningMessage
  | LoopSampleMessage;
