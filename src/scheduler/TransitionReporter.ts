import { SchedulerError, SchedulerErrorCode } from '../errors.js';
import type { TaskState } from '../taskState.js';
import type { TaskCallbackName, TaskCallbacks, TaskInfo, TaskTransition } from '../tasks/types.js';
import { TRANSITION_DURATION_MS } from '../metrics/transitionDuration.js';
import { GuardedStream, subscriberErrorsTo } from './GuardedStream.js';
import { callGuarded, type GuardedFailure } from './callGuarded.js';

/** The callback each state's entry calls. */
const CALLBACK_FOR_STATE: Partial<Record<TaskState, TaskCallbackName>> = {
  SUBMITTED: 'onSubmit',
  SCHEDULED: 'onSchedule',
  STARTED: 'onStart',
  DONE: 'onDone',
  FAILED: 'onError',
  TIMED_OUT: 'onTimeout',
  CANCELED: 'onCancel',
};

/** One transition waiting to be reported. */
export interface PendingTransition {
  readonly id: string;
  readonly name: string;
  readonly lane: string;
  readonly from: TaskState;
  readonly to: TaskState;
  readonly at: number;
  /** Builds the info as it was right after the transition; called at most once. */
  readonly buildInfo: () => TaskInfo;
  /** The task's own callbacks. */
  readonly callbacks: TaskCallbacks;
  /** The wait (to STARTED) or run time (from STARTED to a final state), when the reporter knows it. */
  readonly durationMs?: number | undefined;
}

/**
 * A transition as delivered: plain fields, and `info` built on first read, since most
 * subscribers (counters, metrics) never read it.
 */
class Transition implements TaskTransition {
  readonly id: string;
  readonly name: string;
  readonly lane: string;
  readonly from: TaskState;
  readonly to: TaskState;
  readonly at: number;
  #info: TaskInfo | undefined;
  readonly #buildInfo: () => TaskInfo;
  readonly #durationMs: number | undefined;

  constructor(pending: PendingTransition) {
    this.id = pending.id;
    this.name = pending.name;
    this.lane = pending.lane;
    this.from = pending.from;
    this.to = pending.to;
    this.at = pending.at;
    this.#buildInfo = pending.buildInfo;
    this.#durationMs = pending.durationMs;
  }

  /** For this package's `metrics$` (`transitionDurationMs`); not part of TaskTransition. */
  get [TRANSITION_DURATION_MS](): number | undefined {
    return this.#durationMs;
  }

  get info(): TaskInfo {
    this.#info ??= this.#buildInfo();
    return this.#info;
  }

  /** A plain copy, `info` included (for JSON and structured clone). */
  toJSON(): Omit<TaskTransition, 'info'> & { info: TaskInfo } {
    const { id, name, lane, from, to, at, info } = this;
    return { id, name, lane, from, to, at, info };
  }
}

/**
 * Delivers transitions to `transitions$` and to the `on*` callbacks, and failures to `errors$`.
 *
 * @remarks Delivery is serialized: a transition caused from inside a callback or subscriber
 * (a callback that submits or cancels) is queued and delivered after the current one has
 * reached everyone, so every listener sees every task's transitions in the order they happened.
 * Nothing a listener throws reaches the caller or changes a task.
 */
export class TransitionReporter {
  readonly #transitions: GuardedStream<TaskTransition>;
  readonly #errors: GuardedStream<SchedulerError>;
  readonly #callbacks: TaskCallbacks;
  readonly #queue: PendingTransition[] = [];
  #delivering = false;
  /** Set once both streams completed (the lane stopped). */
  #completed = false;

  constructor(schedulerCallbacks: TaskCallbacks) {
    this.#callbacks = schedulerCallbacks;
    this.#errors = new GuardedStream<SchedulerError>((error) => {
      process.emitWarning(
        `An errors$ subscriber threw: ${error instanceof Error ? error.message : String(error)}`,
        { code: SchedulerErrorCode.SUBSCRIBER_FAILED },
      );
    });
    this.#transitions = new GuardedStream<TaskTransition>(
      subscriberErrorsTo(
        'transitions$',
        (error) => {
          this.reportError(error);
        },
        (transition) => (transition as TaskTransition).id,
      ),
    );
  }

  /** Every transition of every task, in order. */
  get transitions$(): GuardedStream<TaskTransition>['observable'] {
    return this.#transitions.observable;
  }

  /** Callback and subscriber failures. */
  get errors$(): GuardedStream<SchedulerError>['observable'] {
    return this.#errors.observable;
  }

  /** Reports a failure on `errors$`; once that has completed (the lane stopped), as a process warning. */
  reportError(error: SchedulerError): void {
    if (!this.#completed) {
      this.#errors.next(error);
      return;
    }
    // After stop() resolved (an async callback that rejects late): errors$ has completed, and
    // a failure must still be seen, never dropped.
    process.emitWarning(error.message, { code: error.code });
  }

  /** Queues a transition for delivery and delivers, unless a delivery is already under way. */
  report(pending: PendingTransition): void {
    this.#queue.push(pending);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      // Index walk, not Array#shift: a burst of nested transitions stays linear.
      for (let i = 0; i < this.#queue.length; i++)
        this.#deliver(this.#queue[i] as PendingTransition);
    } finally {
      this.#queue.length = 0;
      this.#delivering = false;
    }
  }

  /** Completes both streams. */
  complete(): void {
    this.#transitions.complete();
    // errors$ is still open while transitions$ subscribers complete: their failures go there.
    this.#completed = true;
    this.#errors.complete();
  }

  #deliver(pending: PendingTransition): void {
    const name = CALLBACK_FOR_STATE[pending.to];
    const own = name === undefined ? undefined : pending.callbacks[name];
    const shared = name === undefined ? undefined : this.#callbacks[name];
    const observed = this.#transitions.observed;
    // Per transition of every task: build nothing when nobody listens.
    if (!observed && own === undefined && shared === undefined) return;
    const transition = new Transition(pending);
    if (observed) this.#transitions.next(transition);
    if (name === undefined) return;
    // One failure handler for every call (no closure per callback): the info names the task,
    // and its state the callback.
    if (own !== undefined) callGuarded(own, undefined, transition.info, this.#callbackFailed);
    if (shared !== undefined) callGuarded(shared, undefined, transition.info, this.#callbackFailed);
  }

  readonly #callbackFailed = (error: unknown, how: GuardedFailure, info: TaskInfo): void => {
    const name = CALLBACK_FOR_STATE[info.state] ?? 'callback';
    this.reportError(
      new SchedulerError(
        SchedulerErrorCode.CALLBACK_FAILED,
        `Callback ${name} of task "${info.name}" ${how}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, taskId: info.id },
      ),
    );
  };
}
