import { Worker, type ResourceLimits } from 'node:worker_threads';
import { describeThrown } from '../validate.js';
import type { Clock, TimerHandle } from '../clock.js';
import { SchedulerError, SchedulerErrorCode, WorkerCrashedError } from '../errors.js';
import type { TaskModuleRef } from '../tasks/types.js';
import type {
  Execution,
  ExecutorHealth,
  ExecutionJob,
  ExecutionSink,
  PooledExecutorEvents,
  TaskExecutor,
} from './executor.js';
import { moduleHref } from './loadTaskModule.js';
import { RestartTracker, type RestartPolicy } from './restartPolicy.js';
import { RecentModules } from './RecentModules.js';
import { executorCrash, reportRunOutcome } from './runOutcome.js';
import { ThreadBusyTime } from './ThreadBusyTime.js';
import { workerEntry } from './workerEntry.js';
import { workerExecArgv } from './workerExecArgv.js';
import type { FromThreadMessage, RunMessage, ToThreadMessage } from './threadMessages.js';

const DEFAULT_EXPORT = 'default';

/** The exit code Node gives a worker that could not run its entry; also used for one refused. */
const EXIT_CODE_NOT_STARTED = 1;

/** How many recently run task modules a fresh thread loads before its first task. */
const PRELOADED_MODULES = 16;

/** What the pool tells its lane. */
export interface WorkerPoolEvents {
  /** A thread became free (ready after start, or done with a run): the lane may dispatch. */
  slotFree(): void;
  /** A thread died unexpectedly; it is being restarted. */
  crashed(error: WorkerCrashedError): void;
  /** Crashes passed the restart limit: the pool fails every run until a restart succeeds. */
  degraded(error: SchedulerError): void;
  /** A restart succeeded after the pool was degraded. */
  recovered(): void;
}

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  readonly size: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly restart: RestartPolicy;
  readonly clock: Clock;
  readonly events: WorkerPoolEvents;
}

interface Run {
  readonly runId: number;
  readonly job: ExecutionJob;
  readonly sink: ExecutionSink;
}

interface Slot {
  worker: Worker | undefined;
  state: 'starting' | 'idle' | 'busy' | 'waiting-restart' | 'closed';
  run: Run | undefined;
  /** The last uncaught error of the current worker, reported with its exit. */
  lastError: Error | undefined;
  restartTimer: TimerHandle | undefined;
}

function createSlot(): Slot {
  return {
    worker: undefined,
    state: 'starting',
    run: undefined,
    lastError: undefined,
    restartTimer: undefined,
  };
}

/**
 * SyncTask's executor: a fixed set of worker threads, one run per thread at a time, started
 * on first use and supervised, plus one warm spare.
 *
 * @remarks Aborting a run (timeout, cancel) terminates its thread, which really stops the
 * work, and starts a replacement at once. A thread that dies on its own (`process.exit`, an
 * uncaught error, out of memory under `resourceLimits`, a failed start) fails its run with
 * {@link WorkerCrashedError} and is restarted after an exponential, jittered delay. Past the
 * restart limit the pool is degraded: every run fails at once with a clear error instead of
 * waiting forever, until a restart succeeds.
 */
export class WorkerPool implements TaskExecutor {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Slot[] = [];
  /**
   * A started thread held in reserve: when a thread is terminated (timeout, cancel), the spare
   * takes its place at once instead of the lane waiting for a new thread to boot (50–200 ms).
   */
  readonly #spare: Slot = createSlot();
  /** Which slot each live thread belongs to (a spare's thread moves to the slot it replaces). */
  readonly #owner = new Map<Worker, Slot>();
  /** Threads being terminated; close() waits for them too. */
  readonly #terminating = new Set<Promise<number>>();
  readonly #restarts: RestartTracker;
  #nextRunId = 1;
  #degraded: SchedulerError | undefined;
  /** Runs being failed at once because the pool is degraded (each holds a slot meanwhile). */
  #failing = 0;
  /** Threads that died unexpectedly (each is restarted). */
  #crashes = 0;
  /** How busy the working threads (not the spare) have been. */
  readonly #busyTime = new ThreadBusyTime();
  /** What a fresh thread loads before its first task. */
  readonly #recentModules = new RecentModules(PRELOADED_MODULES);
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.#restarts = new RestartTracker(options.restart);
  }

  /** True once threads were started (on the first SyncTask). */
  get started(): boolean {
    return this.#slots.length > 0;
  }

  /** The error every run fails with while degraded, or undefined when healthy. */
  get degraded(): SchedulerError | undefined {
    return this.#degraded;
  }

  /** Threads restarted after a crash so far, and whether the pool is degraded now. */
  health(): ExecutorHealth {
    return {
      restarts: this.#crashes,
      degraded: this.#degraded !== undefined,
      ...this.#busyTime.total(),
    };
  }

  /**
   * How many runs it can take now: idle threads, or while degraded, as many as there are
   * threads (each run fails at once, and the lane never counts more running than threads).
   * Starts the threads on first call.
   */
  get freeSlots(): number {
    if (this.#closed) return 0;
    if (this.#degraded !== undefined) return Math.max(0, this.#options.size - this.#failing);
    this.#ensureStarted();
    let free = 0;
    for (const slot of this.#slots) if (slot.state === 'idle') free++;
    return free;
  }

  execute<TJob extends ExecutionJob>(job: TJob, sink: ExecutionSink<TJob>): Execution {
    const degraded = this.#degraded;
    const slot = this.#slots.find((candidate) => candidate.state === 'idle');
    if (degraded !== undefined || slot?.worker === undefined) {
      const error =
        degraded ??
        new SchedulerError(SchedulerErrorCode.WORKER_CRASHED, 'No executor thread is free', {
          taskId: job.id,
        });
      this.#failing++;
      queueMicrotask(() => {
        this.#failing--;
        sink.fail(job, error);
        this.#options.events.slotFree();
      });
      return { abort: () => undefined };
    }
    const run: Run = {
      runId: this.#nextRunId++,
      job,
      sink: sink,
    };
    slot.state = 'busy';
    slot.run = run;
    const body = job.body as TaskModuleRef;
    const message: RunMessage = {
      type: 'run',
      runId: run.runId,
      taskId: job.id,
      name: job.name,
      lane: job.lane,
      moduleHref: moduleHref(body),
      exportName: body.export ?? DEFAULT_EXPORT,
      args: job.args,
    };
    try {
      slot.worker.postMessage(message);
    } catch (error) {
      // The args were cloned at submit, so this is not expected; but a run that cannot be sent
      // must end FAILED, not escape into the lane. The slot stays busy until then: the lane
      // counts the task as running until its final state.
      this.#failUnsent(slot, run, error);
      return { abort: () => undefined };
    }
    // The spare takes over when this run is stopped: it should not start it cold.
    if (this.#recentModules.note(message.moduleHref)) {
      this.#preload(this.#spare, [message.moduleHref]);
    }
    return {
      abort: () => {
        if (slot.run === run) this.#replace(slot);
      },
    };
  }

  #failUnsent(slot: Slot, run: Run, error: unknown): void {
    const failure = new TypeError(
      `The task's args could not be sent to an executor thread (structured clone failed): ${describeThrown(error)}`,
      { cause: error },
    );
    queueMicrotask(() => {
      if (slot.run !== run) return;
      slot.run = undefined;
      slot.state = 'idle';
      run.sink.fail(run.job, failure);
      this.#options.events.slotFree();
    });
  }

  /** Terminates every thread; resolves once all have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    const exits: Promise<number>[] = [];
    for (const slot of [...this.#slots, this.#spare]) {
      if (slot.restartTimer !== undefined) this.#options.clock.clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      slot.state = 'closed';
      slot.run = undefined;
      if (slot.worker !== undefined) {
        this.#busyTime.retire(slot.worker);
        exits.push(slot.worker.terminate());
      }
      slot.worker = undefined;
    }
    await Promise.all([...exits, ...this.#terminating]);
  }

  #ensureStarted(): void {
    if (this.#slots.length > 0) return;
    for (let i = 0; i < this.#options.size; i++) {
      const slot = createSlot();
      this.#slots.push(slot);
      this.#spawn(slot);
    }
    this.#spawn(this.#spare);
  }

  #spawn(slot: Slot): void {
    slot.state = 'starting';
    slot.lastError = undefined;
    let worker: Worker;
    try {
      worker = this.#createWorker();
    } catch (error) {
      this.#refused(slot, error);
      return;
    }
    slot.worker = worker;
    this.#owner.set(worker, slot);
    if (slot !== this.#spare) this.#busyTime.join(worker);
    worker.on('message', (message: FromThreadMessage) => {
      const owner = this.#owner.get(worker);
      if (owner !== undefined) this.#onMessage(owner, message);
    });
    worker.on('error', (error: Error) => {
      const owner = this.#owner.get(worker);
      if (owner !== undefined) owner.lastError = error;
    });
    worker.on('exit', (exitCode: number) => {
      const owner = this.#owner.get(worker);
      this.#owner.delete(worker);
      if (owner?.worker === worker) this.#onExit(owner, exitCode);
    });
  }

  #createWorker(): Worker {
    const limits = this.#options.resourceLimits;
    return new Worker(workerEntry('executorWorker', 'SyncTask'), {
      execArgv: workerExecArgv(),
      ...(limits === undefined ? {} : { resourceLimits: limits }),
    });
  }

  /**
   * Node refused to create the thread (a flag it will not give a worker, say): a failed start
   * like one whose entry does not load, so it is counted and restarted by the same policy, on a
   * later turn rather than inside the lane's dispatch that asked for it.
   */
  #refused(slot: Slot, error: unknown): void {
    slot.worker = undefined;
    slot.lastError = error instanceof Error ? error : new Error(String(error));
    queueMicrotask(() => {
      if (!this.#closed && slot.worker === undefined && slot.state === 'starting') {
        this.#onExit(slot, EXIT_CODE_NOT_STARTED);
      }
    });
  }

  #onMessage(slot: Slot, message: FromThreadMessage): void {
    if (message.type === 'ready') {
      slot.state = 'idle';
      this.#preload(slot, this.#recentModules.list());
      if (this.#degraded !== undefined) {
        this.#degraded = undefined;
        this.#options.events.recovered();
      }
      // A ready spare is held back; only the lane's own threads take work.
      if (slot !== this.#spare) this.#options.events.slotFree();
      return;
    }
    const run = slot.run;
    if (run === undefined || run.runId !== message.runId) return;
    slot.run = undefined;
    slot.state = 'idle';
    // The outcome is recorded before the thread gets its next task: the lane counts a SyncTask
    // as running until its final state, and never has more running than threads.
    reportRunOutcome(run.sink, run.job, message);
    this.#options.events.slotFree();
  }

  /**
   * Aborted run: the thread is terminated (the work stops) and the ready spare takes its place
   * at once; a new spare boots once the old thread is gone, so the two do not compete for CPU
   * while the busy one is being stopped. Without a ready spare, a new thread boots in place.
   */
  #replace(slot: Slot): void {
    const worker = slot.worker;
    slot.run = undefined;
    slot.worker = undefined;
    if (worker !== undefined) this.#busyTime.retire(worker);
    const terminated = worker === undefined ? Promise.resolve(0) : worker.terminate();
    if (worker !== undefined) {
      this.#owner.delete(worker);
      this.#terminating.add(terminated);
      void terminated.finally(() => this.#terminating.delete(terminated));
    }
    if (this.#closed) return;
    const spare = this.#spare;
    const spareWorker = spare.worker;
    if (spare.state !== 'idle' || spareWorker === undefined) {
      this.#spawn(slot);
      return;
    }
    slot.worker = spareWorker;
    slot.state = 'idle';
    slot.lastError = undefined;
    this.#owner.set(spareWorker, slot);
    this.#busyTime.join(spareWorker);
    spare.worker = undefined;
    spare.state = 'starting';
    void terminated.then(() => {
      if (!this.#closed && spare.worker === undefined && spare.restartTimer === undefined) {
        this.#spawn(spare);
      }
    });
    // Not from inside the caller's cancel: the lane dispatches on its next step.
    queueMicrotask(() => {
      this.#options.events.slotFree();
    });
  }

  #preload(slot: Slot, moduleHrefs: string[]): void {
    if (moduleHrefs.length === 0 || slot.worker === undefined) return;
    const message: ToThreadMessage = { type: 'preload', moduleHrefs };
    slot.worker.postMessage(message);
  }

  #onExit(slot: Slot, exitCode: number): void {
    if (slot.worker !== undefined) this.#busyTime.retire(slot.worker);
    slot.worker = undefined;
    if (this.#closed) return;
    const run = slot.run;
    slot.run = undefined;
    const crash = executorCrash(exitCode, run?.job, slot.lastError);
    this.#crashes++;
    const { delayMs, overLimit } = this.#restarts.recordCrash(this.#options.clock.now());
    const becameDegraded = overLimit && this.#degraded === undefined;
    if (becameDegraded) {
      this.#degraded = degradedError(this.#options.restart, crash, {
        // Never ready: its entry did not load (or threw, or exited): no task is to blame.
        startError: slot.state === 'starting' ? (slot.lastError ?? crash) : undefined,
      });
    }
    slot.state = 'waiting-restart';
    // Referenced on purpose: a program awaiting a SyncTask queued behind the crash must not
    // exit before the thread is back. (Live threads keep the process up until stop() anyway.)
    slot.restartTimer = this.#options.clock.setTimeout(
      () => {
        slot.restartTimer = undefined;
        if (!this.#closed) this.#spawn(slot);
      },
      this.#degraded === undefined ? delayMs : this.#options.restart.maxDelayMs,
    );
    if (run !== undefined) run.sink.fail(run.job, crash);
    this.#options.events.crashed(crash);
    if (this.#degraded !== undefined && becameDegraded) {
      this.#options.events.degraded(this.#degraded);
      // Queued SyncTasks must not wait for a restart that may never come: let the lane
      // dispatch them now, each to fail at once.
      this.#options.events.slotFree();
    }
  }
}

/**
 * The error every run fails with while the pool is degraded: `ERR_THREAD_START_FAILED` with
 * the start error as `cause` when the crash that passed the limit was a thread that never got
 * ready, else `ERR_EXECUTOR_DEGRADED` with the crash as `cause`.
 */
function degradedError(
  policy: RestartPolicy,
  crash: WorkerCrashedError,
  { startError }: { startError: Error | undefined },
): SchedulerError {
  if (startError === undefined) {
    return new SchedulerError(
      SchedulerErrorCode.EXECUTOR_DEGRADED,
      `Executor threads crashed more than ${policy.maxRestarts} times in ${policy.windowMs} ms; SyncTasks fail until a restart succeeds`,
      { cause: crash },
    );
  }
  return new SchedulerError(
    SchedulerErrorCode.THREAD_START_FAILED,
    `Executor threads could not start (${policy.maxRestarts + 1} tries in ${policy.windowMs} ms): ${startError.message}; SyncTasks fail until a start succeeds, retried every ${policy.maxDelayMs} ms`,
    { cause: startError },
  );
}

/** What {@link fromWorkerPool} needs besides the lane's events. */
export type WorkerPoolSettings = Omit<WorkerPoolOptions, 'events'>;

/**
 * A lane's SyncTask executor factory: a {@link WorkerPool} whose crashes and degraded state go to
 * the lane's `errors$` and whose free threads make the lane dispatch.
 */
export function fromWorkerPool(
  settings: WorkerPoolSettings,
): (events: PooledExecutorEvents) => WorkerPool {
  return (events) =>
    new WorkerPool({
      ...settings,
      events: {
        slotFree: () => {
          events.slotFree();
        },
        crashed: (error) => {
          events.report(error);
        },
        degraded: (error) => {
          events.report(error);
        },
        recovered: () => undefined,
      },
    });
}
