import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import {
  UNSTARTED_EXECUTOR_HEALTH,
  type ExecutionSink,
  type ExecutorHealth,
  type PooledExecutor,
  type PooledExecutorEvents,
  type TaskExecutor,
} from '../actors/executor.js';
import type { Clock, TimerHandle } from '../clock.js';
import {
  SchedulerError,
  SchedulerErrorCode,
  SchedulerStoppedError,
  TaskCanceledError,
  TaskTimeoutError,
} from '../errors.js';
import { createIdFactory } from '../ids.js';
import { createLaneMachine, TASK_ACTOR_ID, type LaneMachine } from '../machines/laneMachine.js';
import {
  cancelEvent,
  failEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
  timeoutEvent,
  doneEvent,
} from '../machines/taskEvents.js';
import { taskMachine } from '../machines/taskMachine.js';
import { describeValue } from '../validate.js';
import { LaneCounters } from '../metrics/LaneCounters.js';
import type { LaneKind } from '../metrics/types.js';
import { LaneLoopWatch } from './LaneLoopWatch.js';
import { guardInspection } from './guardInspection.js';
import { isFinished, TaskState } from '../taskState.js';
import type { TaskCallbacks, TaskFn, TaskInfo, TaskModuleRef, TaskType } from '../tasks/types.js';
import { PriorityQueue } from './queue/PriorityQueue.js';
import type { RetentionLimits } from './retention/FinishedStore.js';
import { toErrorData } from '../errorData.js';
import { buildTaskInfo } from './taskInfo.js';
import { stateOf, type LiveTask } from './LiveTask.js';
import { LoopTurnBudget } from './LoopTurnBudget.js';
import { TaskActorChannel } from './TaskActorChannel.js';
import { TaskRegistry } from './TaskRegistry.js';
import { TransitionReporter } from './TransitionReporter.js';

/** Everything a lane is built from, validated by the facade. */
export interface LaneConfig {
  readonly lane: string;
  readonly concurrency: number;
  readonly retention: RetentionLimits;
  readonly clock: Clock;
  /** Runs AsyncTask bodies; at most `concurrency` at once. */
  readonly executor: TaskExecutor;
  /** Creates SyncTask's executor on the first SyncTask; absent: SyncTasks are refused. */
  readonly createSyncExecutor?: ((events: PooledExecutorEvents) => PooledExecutor) | undefined;
  readonly callbacks: TaskCallbacks;
  /** A body that keeps the loop busy this long is reported on `warnings$`, ms; 0: never. */
  readonly slowTaskMs: number;
  /** Whose loop the lane runs on: the caller's, or a SchedulerThread's own thread. */
  readonly kind: LaneKind;
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
}

/** What the engine needs of a submitted task definition. */
export interface TaskDefinition {
  readonly name: string;
  readonly type: TaskType;
  readonly run: TaskFn<never> | TaskModuleRef;
  readonly options: Readonly<TaskCallbacks & { timeoutMs?: number; priority?: number }>;
}

/** The args of every task submitted with no args: one frozen array, not one per task. */
const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** Default reason of `cancelTask()` without one. */
export const DEFAULT_CANCEL_REASON = 'canceled by caller';

/**
 * The private engine behind a lane: its supervisor actor, its queue, its running tasks,
 * their timeouts and cancels, and the registry of every task it was given.
 *
 * @remarks One instance per lane. The supervisor actor ({@link createLaneMachine}) owns the
 * lane's lifecycle and receives every submit and every child's completion; this class carries
 * out what it decides. Task actors are created with the supervisor as parent and stop
 * themselves when final, so finished tasks hold no actor: only a frozen record in retention.
 */
export class LaneEngine implements ExecutionSink<LiveTask> {
  readonly reporter: TransitionReporter;
  readonly registry: TaskRegistry<LiveTask>;
  /** Totals since creation: submitted, and per final state. */
  readonly counters = new LaneCounters();
  /** `warnings$` and the blocked-loop detector behind it. */
  readonly #loopWatch: LaneLoopWatch;
  /** True when an `inspect` observer watches this lane's actors. */
  readonly #inspected: boolean;
  readonly #config: LaneConfig;
  /** One queue per executor: a SyncTask waiting for a thread never blocks an AsyncTask. */
  readonly #queues: Record<TaskType, PriorityQueue<LiveTask>> = {
    async: new PriorityQueue<LiveTask>(),
    sync: new PriorityQueue<LiveTask>(),
  };
  #syncExecutor: PooledExecutor | undefined;
  /** SUBMITTED tasks waiting for `start()`, in submit order. */
  readonly #held = new Set<LiveTask>();
  readonly #supervisor: Actor<LaneMachine>;
  readonly #createTaskId = createIdFactory();
  /** Every STARTED task: `slowest({ running })` reads these without touching the queue. */
  readonly #started = new Set<LiveTask>();
  /** STARTED AsyncTasks (bounded by concurrency); SyncTasks are bounded by free threads. */
  #running = 0;
  readonly #channel: TaskActorChannel;
  readonly #turnBudget: LoopTurnBudget;
  readonly #resumePump = (): void => {
    this.#pump();
  };
  #seq = 0;
  #stopping: Promise<void> | undefined;
  #resolveStopped: (() => void) | undefined;
  #stopTimer: TimerHandle | undefined;

  constructor(config: LaneConfig) {
    this.#config = config;
    this.#turnBudget = new LoopTurnBudget(config.clock);
    this.reporter = new TransitionReporter(config.callbacks);
    this.registry = new TaskRegistry<LiveTask>(config.retention, config.clock);
    this.#loopWatch = new LaneLoopWatch({
      lane: config.lane,
      kind: config.kind,
      slowTaskMs: config.slowTaskMs,
      clock: config.clock,
      started: this.#started,
      reportError: (error) => {
        this.reporter.reportError(error);
      },
    });
    this.#channel = new TaskActorChannel({
      registry: this.registry,
      reporter: this.reporter,
      clock: config.clock,
      counters: this.counters,
      leftRunning: (record, startedAt) => {
        this.#started.delete(record);
        if (record.type === 'sync') return;
        this.#running--;
        this.#loopWatch.taskEnded(record, startedAt);
      },
    });
    const machine = createLaneMachine({
      scheduleHeldTasks: () => {
        this.#scheduleHeld();
      },
      releaseSlot: () => {
        // XState tells the supervisor while the task's final send is still under way: file
        // and report that task first, so its final transition precedes the next task's start.
        // (A done event the supervisor had to queue arrives after its send was observed.)
        this.#channel.observeSending();
        this.#pump();
      },
      cancelAll: (reason) => {
        this.#cancelAll(reason);
      },
      isDrained: () => this.registry.liveCount === 0,
      stopped: () => {
        this.#onStopped();
      },
    });
    // A throwing observer must not break the lane: XState does not catch what it throws.
    const inspect = guardInspection(config.inspect, (error) => {
      this.reporter.reportError(error);
    });
    this.#inspected = inspect !== undefined;
    this.#supervisor = createActor(machine, {
      id: `lane:${config.lane}`,
      input: { lane: config.lane, concurrency: config.concurrency },
      ...(inspect === undefined ? {} : { inspect }),
    });
    this.#supervisor.start();
  }

  /** The lane's name. */
  get lane(): string {
    return this.#config.lane;
  }

  /** The supervisor's state: `idle`, `running`, `stopping` or `stopped`. */
  get status(): 'idle' | 'running' | 'stopping' | 'stopped' {
    return this.#supervisor.getSnapshot().value;
  }

  /** How many tasks are STARTED now. */
  get runningCount(): number {
    return this.#started.size;
  }

  /** How many tasks wait to start: SUBMITTED before `start()`, or SCHEDULED for a slot. */
  get queuedCount(): number {
    return this.#held.size + this.#queues.async.size + this.#queues.sync.size;
  }

  /**
   * Warnings of this lane's loop (blocked longer than `slowTaskMs`); detection runs only while
   * someone subscribes. Completes when the lane has stopped.
   */
  get warnings$(): LaneLoopWatch['warnings$'] {
    return this.#loopWatch.warnings$;
  }

  /** How the executor threads have fared (none started yet: healthy, no restarts). */
  executorHealth(): ExecutorHealth {
    return this.#syncExecutor?.health() ?? UNSTARTED_EXECUTOR_HEALTH;
  }

  /** Starts running: held tasks are scheduled. Idempotent. */
  start(): void {
    // Only an idle supervisor takes it; a stopped actor would warn about the event.
    if (this.status === 'idle') this.#supervisor.send({ type: 'lane.start' });
  }

  /**
   * Creates a task actor for one run of `task`, enters SUBMITTED and hands it to the supervisor.
   *
   * @param id - the task's id when the caller made it (a SchedulerThread's main side names its
   * tasks before they cross to the lane thread); absent: a new UUID v7.
   * @throws SchedulerStoppedError once `stop()` was called.
   */
  submit(task: TaskDefinition, args: unknown[], id: string = this.#createTaskId()): string {
    const status = this.status;
    // `#stopping` is set before the supervisor hears of the stop: a callback run by stop()
    // itself (an onCancel) sees the supervisor still `running`, and must be refused too.
    if (this.#stopping !== undefined || status === 'stopping' || status === 'stopped') {
      throw new SchedulerStoppedError(this.#config.lane);
    }
    const actorOptions = { id: TASK_ACTOR_ID, systemId: id, parent: this.#supervisor };
    const actor = createActor(
      taskMachine,
      // Only for the inspector: its `xstate.init` event then names the task (filters use it).
      this.#inspected ? { ...actorOptions, input: { name: task.name } } : actorOptions,
    );
    const record: LiveTask = {
      id,
      name: task.name,
      type: task.type,
      lane: this.#config.lane,
      args: args.length === 0 ? NO_ARGS : Object.freeze(args),
      priority: task.options.priority ?? 0,
      timeoutMs: task.options.timeoutMs,
      body: task.run as TaskFn<readonly unknown[]> | TaskModuleRef,
      callbacks: task.options,
      seq: this.#seq++,
      queueIndex: -1,
      actor,
      state: TaskState.NEW,
      execution: undefined,
      timer: undefined,
      startedAtReal: undefined,
      failure: undefined,
      waiters: undefined,
    };
    this.registry.addLive(record);
    this.counters.taskSubmitted();
    actor.start();
    this.#channel.send(record, submitEvent(this.#config.clock.now()));
    // The supervisor's state decides: idle holds, running (or stopping) schedules.
    if (status === 'running') this.#schedule(record);
    else this.#hold(record);
    return id;
  }

  /**
   * Cancels a task that is not final: a queued one never runs, a running one's signal aborts.
   *
   * @returns true iff this call moved the task to CANCELED.
   */
  cancel(id: string, reason: string): boolean {
    const record = this.registry.live(id);
    if (record === undefined) return false;
    return this.#cancel(record, reason);
  }

  /**
   * Stops accepting tasks; drains (or, with `cancel`, cancels) the rest. `timeoutMs` bounds the
   * drain, then cancels what is left. Resolves once every task is final.
   */
  stop({ cancel, timeoutMs }: { cancel: boolean; timeoutMs: number }): Promise<void> {
    if (this.#stopping !== undefined) {
      // Escalate a drain to a cancel; a stopped supervisor takes no more events.
      if (cancel && this.status !== 'stopped') {
        this.#supervisor.send({ type: 'lane.stop', cancel, reason: 'scheduler stopped' });
      }
      return this.#stopping;
    }
    this.#stopping = new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
    });
    if (timeoutMs > 0) {
      this.#stopTimer = this.#config.clock.setTimeout(() => {
        this.#stopTimer = undefined;
        this.#supervisor.send({
          type: 'lane.stop',
          cancel: true,
          reason: `scheduler stop timed out after ${timeoutMs} ms`,
        });
      }, timeoutMs);
    }
    this.#supervisor.send({ type: 'lane.stop', cancel, reason: 'scheduler stopped' });
    return this.#stopping;
  }

  /** The live info of a task not yet final. */
  liveInfo(id: string): TaskInfo | undefined {
    const record = this.registry.live(id);
    if (record === undefined) return undefined;
    const snapshot = record.actor.getSnapshot();
    return buildTaskInfo(record, record.state, snapshot.context, this.#config.clock.now());
  }

  /** Every STARTED task's info, its run time to now. */
  runningInfos(): TaskInfo[] {
    const now = this.#config.clock.now();
    const infos: TaskInfo[] = [];
    for (const record of this.#started) {
      infos.push(buildTaskInfo(record, record.state, record.actor.getSnapshot().context, now));
    }
    return infos;
  }

  /** Every live task's info, in submit order. */
  liveInfos(): TaskInfo[] {
    const now = this.#config.clock.now();
    const infos: TaskInfo[] = [];
    for (const record of this.registry.liveRecords()) {
      infos.push(buildTaskInfo(record, record.state, record.actor.getSnapshot().context, now));
    }
    return infos;
  }

  // ── ExecutionSink: how a run ended ────────────────────────────────────────────

  /** @internal The body returned; ignored when the task already ended (late result). */
  succeed(record: LiveTask, value: unknown): void {
    if (record.state !== TaskState.STARTED) return;
    this.#channel.send(record, doneEvent(this.#config.clock.now(), value));
  }

  /** @internal The body threw or rejected; ignored when the task already ended. */
  fail(record: LiveTask, error: unknown): void {
    if (record.state !== TaskState.STARTED) return;
    const failure =
      error instanceof Error
        ? error
        : new SchedulerError(
            SchedulerErrorCode.NON_ERROR_THROWN,
            `Task "${record.name}" threw a non-Error value: ${describeValue(error)}`,
            { cause: error, taskId: record.id },
          );
    record.failure = failure;
    this.#channel.send(record, failEvent(this.#config.clock.now(), toErrorData(failure)));
  }

  /** @internal Timing a body is worth it only while a blocked loop would be reported. */
  get blockedThresholdMs(): number {
    return this.#loopWatch.blockedThresholdMs;
  }

  /** @internal A body's synchronous run blocked the loop. */
  blocked(record: LiveTask, blockedMs: number): void {
    this.#loopWatch.taskBlocked(record, blockedMs);
  }

  // ── the supervisor's hooks ────────────────────────────────────────────────────

  #hold(record: LiveTask): void {
    if (record.state === TaskState.SUBMITTED) this.#held.add(record);
  }

  #schedule(record: LiveTask): void {
    this.#enqueue(record);
    this.#pump();
  }

  #scheduleHeld(): void {
    const held = [...this.#held];
    this.#held.clear();
    for (const record of held) this.#enqueue(record);
    this.#pump();
  }

  #enqueue(record: LiveTask): void {
    if (record.state !== TaskState.SUBMITTED) return;
    this.#channel.send(record, scheduleEvent(this.#config.clock.now()));
    // A callback may have canceled it already.
    if (stateOf(record) === TaskState.SCHEDULED) this.#queues[record.type].push(record);
  }

  #pump(): void {
    const { concurrency } = this.#config;
    const asyncQueue = this.#queues.async;
    while (this.#running < concurrency && asyncQueue.size > 0) {
      // Quick bodies chain on microtasks: yield to timers and I/O once a turn runs long.
      if (!this.#turnBudget.mayContinue(this.#resumePump)) return;
      this.#start(asyncQueue.shift() as LiveTask, this.#config.executor);
    }
    const syncQueue = this.#queues.sync;
    if (syncQueue.size === 0) return;
    const pool = this.#pool();
    while (syncQueue.size > 0 && pool.freeSlots > 0) {
      this.#start(syncQueue.shift() as LiveTask, pool);
    }
  }

  /** SyncTask's executor, created (and its threads started) on the first SyncTask. */
  #pool(): PooledExecutor {
    if (this.#syncExecutor !== undefined) return this.#syncExecutor;
    const create = this.#config.createSyncExecutor;
    if (create === undefined) throw new TypeError(`Lane "${this.lane}" has no executor threads`);
    this.#syncExecutor = create({
      slotFree: () => {
        this.#pump();
      },
      report: (error) => {
        this.reporter.reportError(error);
      },
    });
    return this.#syncExecutor;
  }

  #start(record: LiveTask, executor: TaskExecutor): void {
    if (record.type === 'async') this.#running++;
    this.#loopWatch.taskStarted(record);
    this.#started.add(record);
    this.#channel.send(record, startEvent(this.#config.clock.now()));
    // An onStart callback may have canceled it: then its slot is already given back.
    if (stateOf(record) !== TaskState.STARTED) return;
    const { timeoutMs } = record;
    if (timeoutMs !== undefined && timeoutMs > 0) this.#armTimeout(record, timeoutMs, timeoutMs);
    record.execution = executor.execute(record, this);
  }

  #armTimeout(record: LiveTask, timeoutMs: number, delayMs: number): void {
    record.timer = this.#config.clock.setTimeout(() => {
      this.#timeOut(record, timeoutMs);
    }, delayMs);
  }

  #timeOut(record: LiveTask, timeoutMs: number): void {
    record.timer = undefined;
    if (record.state !== TaskState.STARTED) return;
    const now = this.#config.clock.now();
    // Node's timers count from the loop's cached time, which can be up to a millisecond older
    // than the STARTED stamp: a timer that fires early is set again for the rest, so runMs of a
    // TIMED_OUT task is never below its timeoutMs.
    const remainingMs = timeoutMs - (now - (record.actor.getSnapshot().context.ts.start ?? now));
    if (remainingMs > 0) {
      this.#armTimeout(record, timeoutMs, remainingMs);
      return;
    }
    const error = new TaskTimeoutError(record.id, timeoutMs);
    record.failure = error;
    // The work stops first (a SyncTask's thread is terminated now, not after the bookkeeping);
    // executors never report synchronously, so what the aborted body does next arrives after
    // the final state below and is discarded.
    record.execution?.abort(error);
    this.#channel.send(record, timeoutEvent(now, error.message, toErrorData(error)));
  }

  #cancel(record: LiveTask, reason: string): boolean {
    if (isFinished(record.state)) return false;
    this.#held.delete(record);
    this.#queues[record.type].remove(record);
    const error = new TaskCanceledError(record.id, reason);
    record.failure = error;
    // Stop the work first, as in #timeOut.
    record.execution?.abort(error);
    this.#channel.send(record, cancelEvent(this.#config.clock.now(), reason, toErrorData(error)));
    return stateOf(record) === TaskState.CANCELED;
  }

  #cancelAll(reason: string): void {
    for (const record of [...this.registry.liveRecords()]) this.#cancel(record, reason);
  }

  #onStopped(): void {
    if (this.#stopTimer !== undefined) this.#config.clock.clearTimeout(this.#stopTimer);
    this.#stopTimer = undefined;
    // Every task is final; the threads go before stop() resolves, so none keeps the process up.
    const closing = this.#syncExecutor?.close() ?? Promise.resolve();
    void closing.then(
      () => {
        this.#closeStreams();
        this.#resolveStopped?.();
      },
      (error: unknown) => {
        this.reporter.reportError(
          new SchedulerError(SchedulerErrorCode.WORKER_CRASHED, 'Closing executor threads failed', {
            cause: error,
          }),
        );
        this.#closeStreams();
        this.#resolveStopped?.();
      },
    );
  }

  #closeStreams(): void {
    this.#loopWatch.close();
    this.reporter.complete();
  }
}
