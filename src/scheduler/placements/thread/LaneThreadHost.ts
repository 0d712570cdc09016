import type { InspectionEvent } from 'xstate';
import type { Clock } from '../../../clock.js';
import { SchedulerError, SchedulerErrorCode, SchedulerStoppedError } from '../../../errors.js';
import type { Lane, LaneStopRequest } from '../../lane/Lane.js';
import { TaskState } from '../../../taskState.js';
import { isFinished } from '../../../machines/taskLifecycle.js';
import type { InspectionObserver } from '../../schedulerOptions.js';
import type {
  FromLaneThreadMessage,
  LaneErrorMessage,
  LaneThreadInit,
  ToLaneThreadMessage,
  TransitionMessage,
} from './laneThreadMessages.js';
import { LaneThread } from './LaneThread.js';
import type { ThreadObservation } from './ThreadObservation.js';
import type { TaskLedger } from '../../ledger/TaskLedger.js';
import { applyThreadTransition, type ThreadTask } from './ThreadTask.js';
import { LANE_WATCHDOG_GRACE_MS, LaneWatchdog, type Overdue } from './LaneWatchdog.js';
import { LaneThreadRestarts } from './LaneThreadRestarts.js';
import { OrphanedTaskEnder } from './OrphanedTaskEnder.js';
import { PendingCancels } from './PendingCancels.js';
import { ThreadFlowControl } from './ThreadFlowControl.js';
import { rebuildError } from '../../ledger/remoteFailure.js';
import { guardInspection } from '../../guardInspection.js';
import { fromWireInspectionEvent } from './fromWireInspectionEvent.js';

/** Options of {@link LaneThreadHost}. */
export interface LaneThreadHostOptions {
  readonly init: LaneThreadInit;
  readonly clock: Clock;
  readonly ledger: TaskLedger<ThreadTask>;
  readonly inspect: InspectionObserver | undefined;
  /** What the main side watches in the thread (warnings, loop figures, restarts). */
  readonly observation: ThreadObservation;
}

interface StopRequest {
  readonly requestId: number;
  cancel: boolean;
  /**
   * The cancels asked before the stop turned into a cancel have a smaller request id than this
   * (Infinity while it drains): if the main side must end the tasks itself, they still win.
   */
  cancelsAskedBefore: number;
  /** When the drain's time is up, on the main side's clock (Infinity: no bound). */
  deadline: number;
  /** The caller's `timeoutMs` that set the deadline: the cancel's reason names it. */
  limitMs: number;
}

/**
 * Runs and supervises one lane thread for a SchedulerThread: starts it, talks to it only in
 * the messages of `laneThreadMessages.ts`, and restarts it when it dies.
 *
 * @remarks When the thread dies unasked (`process.exit` in a body, an uncaught error), the task
 * actors in it die too, so the main side ends their records itself: a STARTED task ends FAILED
 * with `WorkerCrashedError`; a task waiting on a cancel ends CANCELED. Tasks that had not
 * started are kept, and resubmitted intact (same id, first timestamps kept) to the replacement
 * thread, which starts after the executors' restart policy (exponential, jittered delay; past
 * the limit an `ERR_EXECUTOR_DEGRADED` error on `errors$` and a retry every `maxDelayMs`). A
 * thread that exits before it is ready is paced the same, but past the limit the queued tasks
 * end FAILED with `ERR_THREAD_START_FAILED` instead of waiting for a start that may never come.
 * The thread keeps the process alive only while it has work: live tasks or a pending request.
 * One thread at a time is a {@link LaneThread}; the restart pacing ({@link LaneThreadRestarts}),
 * the cancels awaiting answers ({@link PendingCancels}) and the ending of tasks no thread can
 * end ({@link OrphanedTaskEnder}) live in their own modules: this class decides when each acts.
 */
export class LaneThreadHost implements Lane<ThreadTask> {
  readonly #options: LaneThreadHostOptions;
  readonly #restarts: LaneThreadRestarts;
  /** The main side's `inspect` observer, guarded: what it throws goes to `errors$`. */
  readonly #inspect: ((event: InspectionEvent) => void) | undefined;
  /** How many lane threads were started: names each one's inspection sessions. */
  #generation = 0;
  readonly #cancels: PendingCancels;
  readonly #orphans: OrphanedTaskEnder;
  /** The current lane thread; none while a restart is due, or once the lane has stopped. */
  #thread: LaneThread | undefined;
  #started = false;
  /** Pause, concurrency and priorities: forwarded, and re-applied to every new thread. */
  readonly #flow: ThreadFlowControl;
  #stop: StopRequest | undefined;
  #stopped: Promise<void> | undefined;
  #resolveStopped: (() => void) | undefined;
  #closing = false;
  #nextRequestId = 1;
  /**
   * True while a crash is being handled: callbacks and `errors$` subscribers run then, and one
   * that calls stop() must not start a thread of its own (the crash handling decides).
   */
  #handlingExit = false;
  readonly #watchdog: LaneWatchdog;

  constructor(options: LaneThreadHostOptions) {
    const { init, clock, ledger, observation } = options;
    this.#options = options;
    this.#flow = new ThreadFlowControl({
      initialConcurrency: init.concurrency,
      ledger,
      post: (message) => {
        this.#post(message);
      },
    });
    this.#restarts = new LaneThreadRestarts({
      lane: init.lane,
      policy: init.restart,
      clock,
      reporter: ledger.reporter,
    });
    this.#inspect = guardInspection(options.inspect, (error) => {
      ledger.reporter.reportError(error);
    });
    this.#watchdog = new LaneWatchdog(clock, (overdue) => {
      this.#onOverdue(overdue);
    });
    this.#cancels = new PendingCancels(ledger, this.#watchdog);
    this.#orphans = new OrphanedTaskEnder({
      lane: init.lane,
      clock,
      ledger,
      watchdog: this.#watchdog,
      cancels: this.#cancels,
      observation,
    });
    this.#spawn();
  }

  /** Starts running tasks in the thread (now, and in every replacement). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#post({ type: 'start' });
  }

  /** Files a new task (NEW) in the ledger and hands it to the thread. */
  submit(record: ThreadTask): void {
    this.fileOnly(record);
    this.#thread?.postSubmit(record);
    this.#updateRef();
  }

  /**
   * Files a new task (NEW) in the ledger without handing it to the thread: for a task that ends
   * on the main side as it is submitted (its abort signal was aborted already).
   *
   * @throws SchedulerStoppedError once `stop()` was called.
   */
  fileOnly(record: ThreadTask): void {
    if (this.#stop !== undefined) throw new SchedulerStoppedError(this.#options.init.lane);
    this.#options.ledger.add(record);
  }

  /** Cancels a live task; resolves true iff that moved it to CANCELED. */
  cancel(id: string, reason: string): Promise<boolean> {
    const record = this.#options.ledger.registry.live(id);
    if (record === undefined) return Promise.resolve(false);
    if (this.#thread === undefined) {
      // No thread holds it now (one is being restarted): it ends here and is not resubmitted.
      this.#orphans.cancel(record, reason);
      return Promise.resolve(true);
    }
    const requestId = this.#nextRequestId++;
    const answered = this.#cancels.wait(requestId, record, reason);
    this.#post({ type: 'cancel', requestId, id: record.id, reason });
    this.#updateRef();
    return answered;
  }

  /** Most AsyncTasks STARTED at once in the thread, as last set. */
  get concurrency(): number {
    return this.#flow.concurrency;
  }

  /** Sets the thread's concurrency (validated by the facade). */
  setConcurrency(concurrency: number): void {
    this.#flow.setConcurrency(concurrency);
  }

  /** True between `pause()` and `resume()`; a stop resumes. */
  get isPaused(): boolean {
    return this.#flow.isPaused;
  }

  /** Pauses the thread's lane (and any replacement's); nothing once a stop was asked for. */
  pause(): void {
    this.#flow.pause();
  }

  /** Resumes the thread's lane. */
  resume(): void {
    this.#flow.resume();
  }

  /** See {@link ThreadFlowControl.setPriority}: answered here, the thread is told. */
  setPriority(id: string, priority: number): boolean {
    return this.#flow.setPriority(id, priority);
  }

  /**
   * Stops the lane (drain or cancel), then ends the thread. Resolves once nothing is left. A
   * later call can tighten the stop: escalate a drain to a cancel, or bring its deadline closer.
   */
  stop({ cancel, timeoutMs }: LaneStopRequest): Promise<void> {
    const deadline = timeoutMs > 0 ? this.#options.clock.now() + timeoutMs : Infinity;
    if (this.#stop !== undefined && this.#stopped !== undefined) {
      // Once the stop is finishing, nothing is left to tighten (and no timer may be set).
      if (!this.#closing) this.#tightenStop(this.#stop, cancel, timeoutMs, deadline);
      return this.#stopped;
    }
    const requestId = this.#nextRequestId++;
    this.#flow.stopping();
    this.#stop = {
      requestId,
      cancel,
      cancelsAskedBefore: cancel ? requestId : Infinity,
      deadline,
      limitMs: timeoutMs,
    };
    // The bound holds even if the thread's loop is blocked, or it restarts meanwhile.
    if (timeoutMs > 0) this.#watchdog.stopSent(timeoutMs);
    this.#stopped = new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
    });
    if (this.#handlingExit) {
      // Called back from a crash being handled: it will see the stop and act on it.
    } else if (this.#thread === undefined) {
      // A replacement was due: start it now so the queued tasks can drain.
      this.#restarts.cancel();
      this.#spawn();
    } else {
      this.#postStop(this.#stop);
    }
    this.#updateRef();
    return this.#stopped;
  }

  #tightenStop(stop: StopRequest, cancel: boolean, timeoutMs: number, deadline: number): void {
    const escalate = cancel && !stop.cancel;
    const sooner = deadline < stop.deadline;
    if (!escalate && !sooner) return;
    if (escalate) {
      stop.cancel = true;
      stop.cancelsAskedBefore = this.#nextRequestId;
    }
    if (sooner) {
      stop.deadline = deadline;
      stop.limitMs = timeoutMs;
      this.#watchdog.stopSent(timeoutMs);
    }
    // The thread answers this one with the same requestId; the first answer ends the stop.
    this.#post({
      type: 'stop',
      requestId: stop.requestId,
      cancel: stop.cancel,
      timeoutMs: sooner ? timeoutMs : 0,
      limitMs: stop.limitMs,
    });
  }

  /**
   * Sends the stop as it stands, bounded by what is left until its deadline (the thread may
   * read it late, or be a replacement); the reason still names the caller's bound.
   */
  #postStop({ requestId, cancel, deadline, limitMs }: StopRequest): void {
    const timeoutMs =
      deadline === Infinity ? 0 : Math.max(1, Math.ceil(deadline - this.#options.clock.now()));
    this.#post({ type: 'stop', requestId, cancel, timeoutMs, limitMs });
  }

  #spawn(): void {
    const thread = new LaneThread(this.#options.init, {
      message: (message) => {
        this.#onMessage(message);
      },
      exit: (exitCode, lastError, ready) => {
        this.#onExit(exitCode, lastError, ready);
      },
    });
    this.#generation++;
    this.#thread = thread;
    this.#watchdog.threadStarting();
    this.#options.observation.attach(thread.worker);
    this.#flow.applyToNewThread();
    // A replacement takes over everything not started, in submit order (FIFO holds); a task
    // that was STARTED in a dead thread has been ended already and never runs twice.
    for (const record of this.#options.ledger.registry.liveRecords()) {
      if (record.state !== TaskState.STARTED) thread.postSubmit(record);
    }
    // A pending stop goes first: with cancel, held tasks end CANCELED without ever starting.
    if (this.#stop !== undefined) this.#postStop(this.#stop);
    else if (this.#started) this.#post({ type: 'start' });
    this.#updateRef();
  }

  #post(message: ToLaneThreadMessage): void {
    this.#thread?.post(message);
  }

  #onTransition(transition: TransitionMessage): void {
    const { ledger } = this.#options;
    // Read before applying: a final transition files the record out of the live ones.
    const timeoutMs = ledger.registry.live(transition.id)?.timeoutMs;
    applyThreadTransition(ledger, transition);
    // Only a task with a timeout ever has a deadline to arm or clear.
    if (timeoutMs === undefined || timeoutMs <= 0) return;
    if (transition.to === TaskState.STARTED) {
      this.#watchdog.taskStarted(transition.id, timeoutMs);
    } else if (isFinished(transition.to) || transition.retry !== undefined) {
      // A retried attempt has ended too: the next one arms its own deadline when it starts.
      this.#watchdog.taskEnded(transition.id);
    }
  }

  #onMessage(message: FromLaneThreadMessage): void {
    switch (message.type) {
      case 'ready':
        this.#watchdog.threadReady();
        this.#restarts.started();
        return;
      case 'transitions':
        for (const transition of message.transitions) this.#onTransition(transition);
        this.#updateRef();
        return;
      case 'cancelReply':
        this.#cancels.answer(message.requestId, message.canceled);
        this.#updateRef();
        return;
      case 'stopped':
        if (message.requestId === this.#stop?.requestId) void this.#finishStop();
        return;
      case 'error':
        this.#options.ledger.reporter.reportError(toSchedulerError(message));
        return;
      case 'inspection':
        // Rebuilt as actor refs an inspector can read; XState numbers sessions per thread, so
        // the lane and thread generation keep them apart from the main thread's and each other's.
        this.#inspect?.(
          fromWireInspectionEvent(message.event, {
            sessionPrefix: `${this.#options.init.lane}#${this.#generation}/`,
          }),
        );
        return;
      case 'warning':
      case 'loopSample':
        this.#options.observation.receive(message);
        return;
    }
  }

  #onExit(exitCode: number, cause: Error | undefined, ready: boolean): void {
    this.#thread = undefined;
    if (this.#closing) return;
    this.#options.observation.detach(true);
    this.#handlingExit = true;
    try {
      this.#handleExit(exitCode, cause, ready);
    } finally {
      this.#handlingExit = false;
    }
    this.#afterExit();
  }

  /**
   * Ends what died with the thread, then reports the crash (callbacks may call stop()). A
   * thread that was never ready failed to start: past the restart limit, the queued tasks end.
   */
  #handleExit(exitCode: number, cause: Error | undefined, ready: boolean): void {
    const why = `Lane thread "${this.#options.init.lane}" ${ready ? '' : 'failed to start: it '}exited with code ${exitCode}${cause === undefined ? '' : `: ${cause.message}`}`;
    const details = { exitCode, ...(cause === undefined ? {} : { cause }) };
    this.#orphans.endWithDeadThread(why, details);
    if (ready) {
      this.#restarts.recordCrash(why, details);
      return;
    }
    const failed = this.#restarts.recordStartFailure(why, details);
    if (failed !== undefined) this.#orphans.failAll(failed);
  }

  /**
   * A deadline passed without the thread's answer: its loop is blocked (a CPU-bound body), so
   * the main side ends the overdue work itself and replaces the thread, which really stops it.
   */
  #onOverdue(overdue: Overdue): void {
    if (this.#closing || this.#thread === undefined) return;
    if (overdue.kind === 'stop') {
      const stop = this.#stop;
      // A cancelling stop ends them as the thread would have; a drain, as its bound does.
      if (stop?.cancel === true)
        this.#orphans.cancelAll('scheduler stopped', stop.cancelsAskedBefore);
      else this.#orphans.cancelAll(`scheduler stop timed out after ${overdue.timeoutMs} ms`);
      void this.#finishStop();
      return;
    }
    const culprit = this.#orphans.endOverdue(overdue);
    if (culprit === undefined) return;
    this.#replaceThread(
      `Lane thread "${this.#options.init.lane}" was replaced: ${culprit}, and its event loop did not answer for ${LANE_WATCHDOG_GRACE_MS} ms more`,
    );
  }

  /** Terminates the thread on purpose (not a crash: no backoff) and starts a fresh one. */
  #replaceThread(why: string): void {
    const thread = this.#thread;
    this.#thread = undefined;
    void thread?.terminate(); // its late messages and its exit are ignored from now on
    this.#options.observation.detach(true);
    this.#handlingExit = true;
    try {
      this.#orphans.endWithDeadThread(why, {});
    } finally {
      this.#handlingExit = false;
    }
    if (this.#closing) return;
    if (this.#stop !== undefined && this.#options.ledger.registry.liveCount === 0) {
      void this.#finishStop();
      return;
    }
    this.#spawn();
  }

  /** After a crash: finish a pending stop, or restart the thread (at once when stopping). */
  #afterExit(): void {
    if (this.#closing || this.#thread !== undefined) return;
    const { ledger } = this.#options;
    if (this.#stop !== undefined) {
      if (ledger.registry.liveCount === 0) {
        void this.#finishStop();
      } else if (this.#restarts.overLimit) {
        // Stopping and the thread keeps dying: end what is left here rather than never.
        this.#orphans.cancelAll(
          'scheduler stopped: its lane thread keeps crashing',
          this.#stop.cancelsAskedBefore,
        );
        void this.#finishStop();
      } else {
        this.#spawn(); // drain (or cancel) what is queued in a fresh thread
      }
      return;
    }
    this.#restarts.schedule(() => {
      if (!this.#closing && this.#thread === undefined) this.#spawn();
    });
    this.#updateRef();
  }

  async #finishStop(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#restarts.cancel();
    this.#watchdog.clearAll();
    const thread = this.#thread;
    this.#thread = undefined;
    // Before terminate(): an exiting worker's loop readings are meaningless.
    this.#options.observation.detach(false);
    if (thread !== undefined) await thread.terminate();
    // The thread answered `stopped` after its last transition: nothing should be left.
    this.#orphans.cancelAll('scheduler stopped', this.#stop?.cancelsAskedBefore);
    this.#cancels.dropAll();
    this.#options.observation.complete();
    this.#options.ledger.reporter.complete();
    this.#resolveStopped?.();
  }

  /**
   * The thread (or, between threads, the pending restart) keeps the process alive only while it
   * has work or owes an answer.
   */
  #updateRef(): void {
    const busy =
      this.#options.ledger.registry.liveCount > 0 ||
      this.#cancels.size > 0 ||
      this.#stop !== undefined;
    if (this.#thread === undefined) this.#restarts.keepAlive(busy);
    else this.#thread.keepAlive(busy);
  }
}

function toSchedulerError(message: LaneErrorMessage): SchedulerError {
  const { taskId, exitCode } = message.error;
  const error = rebuildError(message.error, { taskId, exitCode });
  if (error instanceof SchedulerError) return error;
  return new SchedulerError(SchedulerErrorCode.WORKER_CRASHED, error.message, {
    cause: error,
    ...(taskId === undefined ? {} : { taskId }),
  });
}
