import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InspectionEvent } from 'xstate';
import { RestartTracker } from '../../actors/restartPolicy.js';
import type { Clock, TimerHandle } from '../../clock.js';
import {
  SchedulerError,
  SchedulerErrorCode,
  TaskCanceledError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../errors.js';
import { isFinished, TaskState } from '../../taskState.js';
import type { InspectionObserver } from '../schedulerOptions.js';
import type {
  FromLaneThreadMessage,
  LaneErrorMessage,
  LaneThreadInit,
  ToLaneThreadMessage,
} from './laneThreadMessages.js';
import type { ThreadObservation } from './ThreadObservation.js';
import type { ThreadTask, ThreadTaskStore } from './ThreadTaskStore.js';
import { LANE_WATCHDOG_GRACE_MS, LaneWatchdog, type Overdue } from './LaneWatchdog.js';
import { rebuildError } from './wireErrors.js';
import { guardInspection } from '../guardInspection.js';
import { fromWireInspectionEvent } from './fromWireInspectionEvent.js';
import { createLoopBlockedWarning } from '../../metrics/loopBlockedWarning.js';

/**
 * The lane thread's entry: compiled JavaScript in `dist/`. From the TypeScript sources (tests,
 * tsx) it is the built copy: a worker thread does not inherit the main thread's TypeScript
 * loader, and `npm test` builds first.
 */
function laneWorkerEntry(): URL {
  if (!import.meta.url.endsWith('.ts'))
    return new URL('../../worker/laneWorker.js', import.meta.url);
  const built = new URL('../../../dist/worker/laneWorker.js', import.meta.url);
  if (!existsSync(built)) {
    throw new Error(
      `SchedulerThread needs the built lane entry ${fileURLToPath(built)}: run \`npm run build\``,
    );
  }
  return built;
}

/** Options of {@link LaneThreadHost}. */
export interface LaneThreadHostOptions {
  readonly init: LaneThreadInit;
  readonly clock: Clock;
  readonly store: ThreadTaskStore;
  readonly inspect: InspectionObserver | undefined;
  /** What the main side watches in the thread (warnings, loop figures, restarts). */
  readonly observation: ThreadObservation;
}

interface PendingCancel {
  readonly id: string;
  readonly reason: string;
  readonly resolve: (canceled: boolean) => void;
}

interface StopRequest {
  readonly requestId: number;
  cancel: boolean;
  readonly timeoutMs: number;
}

/**
 * Runs and supervises one lane thread for a SchedulerThread: starts it, talks to it only in
 * the messages of `laneThreadMessages.ts`, and restarts it when it dies.
 *
 * @remarks When the thread dies unasked (`process.exit` in a body, an uncaught error), the task
 * actors in it die too, so the main side ends their records itself: a STARTED task ends FAILED
 * with {@link WorkerCrashedError}; a task waiting on a cancel ends CANCELED. Tasks that had not
 * started are kept, and resubmitted intact (same id, first timestamps kept) to the replacement
 * thread, which starts after the executors' restart policy (exponential, jittered delay; past
 * the limit an `ERR_EXECUTOR_DEGRADED` error on `errors$` and a retry every `maxDelayMs`).
 * The thread keeps the process alive only while it has work: live tasks or a pending request.
 */
export class LaneThreadHost {
  readonly #options: LaneThreadHostOptions;
  readonly #restarts: RestartTracker;
  /** The main side's `inspect` observer, guarded: what it throws goes to `errors$`. */
  readonly #inspect: ((event: InspectionEvent) => void) | undefined;
  /** How many lane threads were started: names each one's inspection sessions. */
  #generation = 0;
  readonly #cancels = new Map<number, PendingCancel>();
  #worker: Worker | undefined;
  #lastError: Error | undefined;
  #started = false;
  #stop: StopRequest | undefined;
  #stopped: Promise<void> | undefined;
  #resolveStopped: (() => void) | undefined;
  #closing = false;
  #restartTimer: TimerHandle | undefined;
  #nextRequestId = 1;
  #referenced = true;
  /**
   * True while a crash is being handled: callbacks and `errors$` subscribers run then, and one
   * that calls stop() must not start a thread of its own (the crash handling decides).
   */
  #handlingExit = false;
  readonly #watchdog: LaneWatchdog;
  #restartDelayMs = 0;
  #overLimit = false;

  constructor(options: LaneThreadHostOptions) {
    this.#options = options;
    this.#restarts = new RestartTracker(options.init.restart);
    this.#inspect = guardInspection(options.inspect, (error) => {
      options.store.reporter.reportError(error);
    });
    this.#watchdog = new LaneWatchdog(options.clock, (overdue) => {
      this.#onOverdue(overdue);
    });
    this.#spawn();
  }

  /** Starts running tasks in the thread (now, and in every replacement). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#post({ type: 'start' });
  }

  /** Hands a new task (already in the store, NEW) to the thread. */
  submit(record: ThreadTask): void {
    this.#postSubmit(record);
    this.#updateRef();
  }

  /** Cancels a live task; resolves true iff that moved it to CANCELED. */
  cancel(record: ThreadTask, reason: string): Promise<boolean> {
    if (this.#worker === undefined) {
      // No thread holds it now (one is being restarted): it ends here and is not resubmitted.
      this.#options.store.end(
        record,
        TaskState.CANCELED,
        new TaskCanceledError(record.id, reason),
        reason,
      );
      return Promise.resolve(true);
    }
    const requestId = this.#nextRequestId++;
    return new Promise<boolean>((resolve) => {
      this.#cancels.set(requestId, { id: record.id, reason, resolve });
      this.#post({ type: 'cancel', requestId, id: record.id, reason });
      this.#watchdog.cancelSent(requestId);
      this.#updateRef();
    });
  }

  /** Stops the lane (drain or cancel), then ends the thread. Resolves once nothing is left. */
  stop(cancel: boolean, timeoutMs: number): Promise<void> {
    if (this.#stop !== undefined && this.#stopped !== undefined) {
      if (cancel && !this.#stop.cancel) {
        this.#stop.cancel = true;
        const { requestId } = this.#stop;
        this.#post({ type: 'stop', requestId, cancel, timeoutMs: 0 });
      }
      return this.#stopped;
    }
    this.#stop = { requestId: this.#nextRequestId++, cancel, timeoutMs };
    // The bound holds even if the thread's loop is blocked, or it restarts meanwhile.
    if (timeoutMs > 0) this.#watchdog.stopSent(timeoutMs);
    this.#stopped = new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
    });
    if (this.#handlingExit) {
      // Called back from a crash being handled: it will see the stop and act on it.
    } else if (this.#worker === undefined) {
      // A replacement was due: start it now so the queued tasks can drain.
      this.#clearRestartTimer();
      this.#spawn();
    } else {
      this.#post({ type: 'stop', ...this.#stop });
    }
    this.#updateRef();
    return this.#stopped;
  }

  #spawn(): void {
    const worker = new Worker(laneWorkerEntry(), { workerData: this.#options.init });
    this.#generation++;
    this.#worker = worker;
    this.#lastError = undefined;
    this.#options.observation.attach(worker);
    worker.on('message', (message: FromLaneThreadMessage) => {
      if (this.#worker === worker) this.#onMessage(message);
    });
    worker.on('error', (error: Error) => {
      if (this.#worker === worker) this.#lastError = error;
    });
    worker.on('exit', (exitCode: number) => {
      if (this.#worker === worker) this.#onExit(exitCode);
    });
    this.#referenced = true;
    // A replacement takes over everything not started, in submit order (FIFO holds); a task
    // that was STARTED in a dead thread has been ended already and never runs twice.
    for (const record of this.#options.store.registry.liveRecords()) {
      if (record.state !== TaskState.STARTED) this.#postSubmit(record);
    }
    // A pending stop goes first: with cancel, held tasks end CANCELED without ever starting.
    if (this.#stop !== undefined) this.#post({ type: 'stop', ...this.#stop });
    else if (this.#started) this.#post({ type: 'start' });
    this.#updateRef();
  }

  #post(message: ToLaneThreadMessage): void {
    this.#worker?.postMessage(message);
  }

  #postSubmit(record: ThreadTask): void {
    this.#post({
      type: 'submit',
      id: record.id,
      name: record.name,
      taskType: record.type,
      body: record.body,
      args: record.args,
      priority: record.priority,
      timeoutMs: record.timeoutMs,
    });
  }

  #onMessage(message: FromLaneThreadMessage): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'transition': {
        const { store } = this.#options;
        store.apply(message);
        const timeoutMs = store.registry.live(message.id)?.timeoutMs;
        if (message.to === TaskState.STARTED && timeoutMs !== undefined && timeoutMs > 0) {
          this.#watchdog.taskStarted(message.id, timeoutMs);
        } else if (isFinished(message.to)) {
          this.#watchdog.taskEnded(message.id);
        }
        this.#updateRef();
        return;
      }
      case 'cancelReply': {
        this.#watchdog.cancelAnswered(message.requestId);
        const pending = this.#cancels.get(message.requestId);
        this.#cancels.delete(message.requestId);
        pending?.resolve(message.canceled);
        this.#updateRef();
        return;
      }
      case 'stopped':
        if (message.requestId === this.#stop?.requestId) void this.#finishStop();
        return;
      case 'error':
        this.#options.store.reporter.reportError(toSchedulerError(message));
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

  #onExit(exitCode: number): void {
    this.#worker = undefined;
    if (this.#closing) return;
    this.#options.observation.detach(true);
    this.#handlingExit = true;
    try {
      this.#handleExit(exitCode);
    } finally {
      this.#handlingExit = false;
    }
    this.#afterExit();
  }

  /** Ends what died with the thread, then reports the crash (callbacks may call stop()). */
  #handleExit(exitCode: number): void {
    const { store, init } = this.#options;
    const cause = this.#lastError;
    const why = `Lane thread "${init.lane}" exited with code ${exitCode}${cause === undefined ? '' : `: ${cause.message}`}`;
    const crashOptions = { exitCode, ...(cause === undefined ? {} : { cause }) };
    this.#fileDeadThread(why, crashOptions);
    const { delayMs, overLimit } = this.#restarts.recordCrash(this.#options.clock.now());
    this.#restartDelayMs = overLimit ? init.restart.maxDelayMs : delayMs;
    if (overLimit) {
      const limit = `${init.restart.maxRestarts} times in ${init.restart.windowMs} ms`;
      this.#overLimit = true;
      store.reporter.reportError(
        new SchedulerError(
          SchedulerErrorCode.EXECUTOR_DEGRADED,
          `Lane thread "${init.lane}" crashed more than ${limit}; retrying every ${init.restart.maxDelayMs} ms`,
          { cause: new WorkerCrashedError(why, crashOptions) },
        ),
      );
    }
  }

  /**
   * The books of a thread that is gone: every STARTED task and every unanswered cancel ends
   * here first, so nothing a callback does next can see (or resubmit) a task that died with the
   * thread; then the loss is reported.
   */
  #fileDeadThread(why: string, crashOptions: { exitCode?: number; cause?: Error }): void {
    const { store } = this.#options;
    const started = [...store.registry.liveRecords()].filter(
      (record) => record.state === TaskState.STARTED,
    );
    const cancels = [...this.#cancels.values()];
    this.#cancels.clear();
    this.#watchdog.clearRequests();
    for (const record of started) {
      this.#watchdog.taskEnded(record.id);
      const error = new WorkerCrashedError(`${why} while running task "${record.name}"`, {
        ...crashOptions,
        taskId: record.id,
      });
      store.end(record, TaskState.FAILED, error);
    }
    for (const pending of cancels) {
      // A cancel the dead thread never answered: the task is not resubmitted, it ends here.
      const record = store.registry.live(pending.id);
      if (record !== undefined) {
        this.#watchdog.taskEnded(record.id);
        const error = new TaskCanceledError(record.id, pending.reason);
        store.end(record, TaskState.CANCELED, error, pending.reason);
      }
      pending.resolve(record !== undefined);
    }
    store.reporter.reportError(new WorkerCrashedError(why, crashOptions));
  }

  /**
   * A deadline passed without the thread's answer: its loop is blocked (a CPU-bound body), so
   * the main side ends the overdue work itself and replaces the thread, which really stops it.
   */
  #onOverdue(overdue: Overdue): void {
    if (this.#closing || this.#worker === undefined) return;
    const { store, init } = this.#options;
    if (overdue.kind === 'stop') {
      const reason = `scheduler stop timed out after ${overdue.timeoutMs} ms`;
      this.#endAllLive(reason);
      void this.#finishStop();
      return;
    }
    let culprit: string;
    if (overdue.kind === 'timeout') {
      const record = store.registry.live(overdue.taskId);
      if (record?.state !== TaskState.STARTED) return;
      const error = new TaskTimeoutError(record.id, overdue.timeoutMs);
      const now = this.#options.clock.now();
      this.#options.observation.warn(
        createLoopBlockedWarning({
          lane: init.lane,
          kind: 'thread',
          at: now,
          blockedMs: LANE_WATCHDOG_GRACE_MS,
          task: { id: record.id, name: record.name, runMs: now - (record.info.ts.start ?? now) },
        }),
      );
      store.end(record, TaskState.TIMED_OUT, error, error.message);
      culprit = `task "${record.name}" ran past its timeoutMs of ${overdue.timeoutMs} ms`;
    } else {
      const pending = this.#cancels.get(overdue.requestId);
      if (pending === undefined) return;
      this.#cancels.delete(overdue.requestId);
      const record = store.registry.live(pending.id);
      if (record !== undefined) {
        store.end(
          record,
          TaskState.CANCELED,
          new TaskCanceledError(record.id, pending.reason),
          pending.reason,
        );
      }
      pending.resolve(record !== undefined);
      culprit = 'a cancel got no answer';
    }
    this.#replaceThread(
      `Lane thread "${init.lane}" was replaced: ${culprit}, and its event loop did not answer for ${LANE_WATCHDOG_GRACE_MS} ms more`,
    );
  }

  /** Terminates the thread on purpose (not a crash: no backoff) and starts a fresh one. */
  #replaceThread(why: string): void {
    const worker = this.#worker;
    this.#worker = undefined; // its late messages and its exit are ignored from now on
    if (worker !== undefined) void worker.terminate();
    this.#options.observation.detach(true);
    this.#handlingExit = true;
    try {
      this.#fileDeadThread(why, {});
    } finally {
      this.#handlingExit = false;
    }
    if (this.#closing) return;
    if (this.#stop !== undefined && this.#options.store.registry.liveCount === 0) {
      void this.#finishStop();
      return;
    }
    this.#spawn();
  }

  /** After a crash: finish a pending stop, or restart the thread (at once when stopping). */
  #afterExit(): void {
    if (this.#closing || this.#worker !== undefined) return;
    const { store } = this.#options;
    if (this.#stop !== undefined) {
      if (store.registry.liveCount === 0) {
        void this.#finishStop();
      } else if (this.#overLimit) {
        // Stopping and the thread keeps dying: end what is left here rather than never.
        this.#endAllLive('scheduler stopped: its lane thread keeps crashing');
        void this.#finishStop();
      } else {
        this.#spawn(); // drain (or cancel) what is queued in a fresh thread
      }
      return;
    }
    this.#overLimit = false;
    this.#restartTimer = this.#options.clock.setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#closing && this.#worker === undefined) this.#spawn();
    }, this.#restartDelayMs);
    this.#updateRef();
  }

  #endAllLive(reason: string): void {
    const { store } = this.#options;
    for (const record of [...store.registry.liveRecords()]) {
      store.end(record, TaskState.CANCELED, new TaskCanceledError(record.id, reason), reason);
    }
  }

  async #finishStop(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#clearRestartTimer();
    this.#watchdog.clearAll();
    const worker = this.#worker;
    this.#worker = undefined;
    // Before terminate(): an exiting worker's loop readings are meaningless.
    this.#options.observation.detach(false);
    if (worker !== undefined) await worker.terminate();
    // The thread answered `stopped` after its last transition: nothing should be left.
    this.#endAllLive('scheduler stopped');
    for (const pending of this.#cancels.values()) pending.resolve(false);
    this.#cancels.clear();
    this.#options.observation.complete();
    this.#options.store.reporter.complete();
    this.#resolveStopped?.();
  }

  #clearRestartTimer(): void {
    if (this.#restartTimer !== undefined) this.#options.clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
  }

  /**
   * The thread (or, between threads, the pending restart) keeps the process alive only while it
   * has work or owes an answer.
   */
  #updateRef(): void {
    const busy =
      this.#options.store.registry.liveCount > 0 ||
      this.#cancels.size > 0 ||
      this.#stop !== undefined;
    const worker = this.#worker;
    if (worker === undefined) {
      const timer = this.#restartTimer as { ref?: () => void; unref?: () => void } | undefined;
      if (busy) timer?.ref?.();
      else timer?.unref?.();
      return;
    }
    if (busy === this.#referenced) return;
    this.#referenced = busy;
    if (busy) worker.ref();
    else worker.unref();
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
