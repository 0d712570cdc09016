import { SchedulerError, SchedulerErrorCode } from '../../errors.js';
import { describeThrown } from '../../validate.js';
import { TASK_LIFECYCLE } from '../../machines/taskLifecycle.js';
import type { TaskCallbacks, TaskInfo, TaskTransition } from '../../tasks/types.js';
import type { ReportedTransition } from './ReportedTransition.js';
import { GuardedStream, subscriberErrorsTo, warnOfErrorsSubscriber } from '../GuardedStream.js';
import { callGuarded, type GuardedFailure } from '../callGuarded.js';

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
  /** Transitions waiting to be delivered, and beside each (same index) its task's callbacks. */
  readonly #queue: ReportedTransition[] = [];
  readonly #queuedCallbacks: TaskCallbacks[] = [];
  #delivering = false;
  /** Set once both streams completed (the lane stopped). */
  #completed = false;

  constructor(schedulerCallbacks: TaskCallbacks) {
    this.#callbacks = schedulerCallbacks;
    this.#errors = new GuardedStream<SchedulerError>(warnOfErrorsSubscriber);
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

  /**
   * Queues a transition for delivery and delivers, unless a delivery is already under way.
   *
   * @param callbacks - the task's own callbacks.
   */
  report(transition: ReportedTransition, callbacks: TaskCallbacks): void {
    this.#queue.push(transition);
    this.#queuedCallbacks.push(callbacks);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      // Index walk, not Array#shift: a burst of nested transitions stays linear.
      for (let i = 0; i < this.#queue.length; i++) {
        this.#deliver(
          this.#queue[i] as ReportedTransition,
          this.#queuedCallbacks[i] as TaskCallbacks,
        );
      }
    } finally {
      this.#queue.length = 0;
      this.#queuedCallbacks.length = 0;
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

  #deliver(transition: ReportedTransition, callbacks: TaskCallbacks): void {
    // A retry re-enters SCHEDULED: it calls onRetry, not onSchedule a second time.
    const retry = transition.reason === 'retry';
    const name = retry ? 'onRetry' : TASK_LIFECYCLE[transition.to].callback;
    const own = name === undefined ? undefined : callbacks[name];
    const shared = name === undefined ? undefined : this.#callbacks[name];
    if (this.#transitions.observed) this.#transitions.next(transition);
    if (name === undefined) return;
    // One failure handler for every call (no closure per callback): the info names the task,
    // and its state the callback.
    const failed = retry ? this.#retryCallbackFailed : this.#callbackFailed;
    if (own !== undefined) callGuarded(own, undefined, transition.info, failed);
    if (shared !== undefined) callGuarded(shared, undefined, transition.info, failed);
  }

  readonly #callbackFailed = (error: unknown, how: GuardedFailure, info: TaskInfo): void => {
    this.#reportCallbackFailure(
      TASK_LIFECYCLE[info.state].callback ?? 'callback',
      error,
      how,
      info,
    );
  };

  readonly #retryCallbackFailed = (error: unknown, how: GuardedFailure, info: TaskInfo): void => {
    this.#reportCallbackFailure('onRetry', error, how, info);
  };

  #reportCallbackFailure(name: string, error: unknown, how: GuardedFailure, info: TaskInfo): void {
    this.reportError(
      new SchedulerError(
        SchedulerErrorCode.CALLBACK_FAILED,
        `Callback ${name} of task "${info.name}" ${how}: ${describeThrown(error)}`,
        { cause: error, taskId: info.id },
      ),
    );
  }
}
