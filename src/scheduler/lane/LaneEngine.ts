import { createActor, fromTransition, type Actor, type AnyActorRef } from 'xstate';
import type { Execution, ExecutorHealth, TaskExecutor } from '../../actors/executor.js';
import { SchedulerStoppedError } from '../../errors.js';
import { createIdFactory } from '../../ids.js';
import {
  createLaneMachine,
  TASK_ACTOR_ID,
  type LaneEvent,
  type LaneMachine,
} from '../../machines/laneMachine.js';
import { scheduleEvent, startEvent, submitEvent } from '../../machines/taskEvents.js';
import { taskMachine, unobservedTaskMachine } from '../../machines/taskMachine.js';
import type { WaitingTaskState } from '../../machines/taskLifecycle.js';
import { persistedWaitingSnapshot } from '../../machines/taskPassivation.js';
import { LaneLoopWatch } from './LaneLoopWatch.js';
import { guardInspection } from '../guardInspection.js';
import { TaskState } from '../../taskState.js';
import type { TaskFn, TaskModuleRef, TaskType } from '../../tasks/types.js';
import type { SchedulerWarning } from '../../metrics/types.js';
import { PriorityQueue } from './queue/PriorityQueue.js';
import type { LaneConfig, RunOptions, TaskDefinition } from './laneConfig.js';
import { LaneMailbox } from './LaneMailbox.js';
import { LaneShutdown } from './LaneShutdown.js';
import { LazySyncExecutor } from './LazySyncExecutor.js';
import { stateOf, type LiveTask, type TaskActor } from './LiveTask.js';
import { LoopTurnBudget } from './LoopTurnBudget.js';
import { TaskActorChannel } from './TaskActorChannel.js';
import type { Lane } from './Lane.js';
import type { TaskLedger } from '../ledger/TaskLedger.js';
import { TaskSettler } from './TaskSettler.js';
import { AttemptSink } from './policy/AttemptSink.js';
import { DelayedTasks } from './policy/DelayedTasks.js';
import { LaneAlarm } from './policy/LaneAlarm.js';
import { StartRateLimit } from './policy/StartRateLimit.js';
import { effectiveRetry, runAfterOf } from './policy/runPolicy.js';

/** The args of every task submitted with no args: one frozen array, not one per task. */
const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** `executor.execute(job, sink)`, as a plain function to run in a task's async context. */
function execute(
  executor: TaskExecutor,
  job: LiveTask,
  sink: TaskSettler | AttemptSink,
): Execution {
  return executor.execute(job, sink);
}

/** Default reason of `cancelTask()` without one. */
export const DEFAULT_CANCEL_REASON = 'canceled by caller';

/**
 * The private engine behind a lane: its supervisor actor, its queues, its running tasks and
 * the registry of every task it was given.
 *
 * @remarks One instance per lane. The supervisor actor ({@link createLaneMachine}) owns the
 * lane's lifecycle and receives every submit and every child's completion; this class carries
 * out what it decides. Task actors stop themselves when final, so finished tasks hold no
 * actor: only a frozen record in retention. Watched, they are created at submit with the
 * supervisor as parent; unwatched, a waiting task's actor is passivated and restored (under a
 * do-nothing parent) when the task starts or ends.
 * How tasks end (outcomes, timeouts, cancels) is the {@link TaskSettler}'s job; a stop, from
 * the first call to closed threads and streams, the {@link LaneShutdown}'s.
 *
 * What user code asks of the lane while the lane is calling it (a callback that submits or
 * stops, a subscriber that cancels) reaches the lane after its current step, through its
 * {@link LaneMailbox}: the lane never acts on a request in the middle of another one.
 */
export class LaneEngine implements Lane<LiveTask> {
  /** Where the lane's tasks are recorded, and their transitions reported. */
  readonly ledger: TaskLedger<LiveTask>;
  /** `warnings$` and the blocked-loop detector behind it. */
  readonly #loopWatch: LaneLoopWatch;
  readonly #config: LaneConfig;
  /** One queue per executor: a SyncTask waiting for a thread never blocks an AsyncTask. */
  readonly #queues: Record<TaskType, PriorityQueue<LiveTask>> = {
    async: new PriorityQueue<LiveTask>(),
    sync: new PriorityQueue<LiveTask>(),
  };
  /** Runs SyncTask bodies; its threads start with the first SyncTask. */
  readonly #syncExecutor: LazySyncExecutor;
  /** SUBMITTED tasks waiting for `start()`, in submit order. */
  readonly #held = new Set<LiveTask>();
  /** SCHEDULED tasks waiting for their `runAfter` (a delay, a retry's backoff). */
  readonly #delayed = new DelayedTasks<LiveTask>();
  /** The lane's one timer: delayed tasks falling due, and the rate limit's next free start. */
  readonly #alarm: LaneAlarm;
  /** The sliding window of starts, when the lane has a rate limit. */
  readonly #rateLimit: StartRateLimit | undefined;
  readonly #supervisor: Actor<LaneMachine>;
  /**
   * An unwatched lane's options for its task actors (undefined when watched). Their parent is
   * a do-nothing actor: through it they share one actor system (a system of its own costs each
   * queued task ~1.8 KB), and it ignores their done events, which would cost the supervisor a
   * macrostep each; the engine frees slots itself. Such a lane passivates the actors of its
   * waiting tasks: nobody can see them, and 10k live ones queued cost a fifth of the lane's
   * time in garbage collection.
   */
  readonly #unwatchedTasks: { readonly id: string; readonly parent: AnyActorRef } | undefined;
  readonly #createTaskId = createIdFactory();
  /** The lane clock's now, as a function to hand on (made once, not per call). */
  readonly #now = (): number => this.#config.clock.now();
  /** STARTED AsyncTasks (bounded by concurrency); SyncTasks are bounded by free threads. */
  #running = 0;
  readonly #channel: TaskActorChannel;
  /** The sink executors report to; times out and cancels tasks. */
  readonly #settler: TaskSettler;
  readonly #turnBudget: LoopTurnBudget;
  /**
   * What user code run by a step asks of the lane (a callback that submits, a stop's sweep)
   * waits here until the step is over: see {@link LaneMailbox}.
   */
  readonly #mailbox: LaneMailbox<LiveTask>;
  #seq = 0;
  /** Most AsyncTasks STARTED at once: `concurrency` at first, then as last set. */
  #concurrency: number;
  /** Between `pause()` and `resume()` (or a stop): nothing starts. */
  #paused = false;
  /** Made by the first `stop()`: it tightens later calls and closes the lane. */
  #shutdown: LaneShutdown | undefined;

  constructor(config: LaneConfig) {
    this.#config = config;
    this.#concurrency = config.concurrency;
    this.#turnBudget = new LoopTurnBudget(config.clock);
    this.#alarm = new LaneAlarm(config.clock, () => {
      this.#releaseDue();
    });
    this.#rateLimit =
      config.rateLimit === undefined ? undefined : new StartRateLimit(config.rateLimit);
    this.#mailbox = new LaneMailbox<LiveTask>({
      schedule: (record) => {
        this.#enqueue(record);
      },
      startNext: () => this.#startNext(),
    });
    const { wake } = this.#mailbox;
    const ledger = (this.ledger = config.ledger);
    this.#loopWatch = new LaneLoopWatch({
      lane: config.lane,
      kind: config.kind,
      slowTaskMs: config.slowTaskMs,
      clock: config.clock,
      started: ledger.started,
      reportError: (error) => {
        ledger.reporter.reportError(error);
      },
    });
    this.#channel = new TaskActorChannel({
      ledger,
      clock: config.clock,
      leftRunning: (record, startedAt) => {
        if (record.type === 'sync') return;
        this.#running--;
        this.#loopWatch.taskEnded(record, startedAt);
      },
      activate: (state) => this.#activate(state),
      retried: (record) => {
        this.#place(record);
        wake();
      },
      finished: () => {
        wake();
        // Not when a stop from a callback of this very task has stopped the supervisor already.
        if (ledger.registry.liveCount === 0 && this.status === 'stopping') {
          this.#supervisor.send({ type: 'lane.drained' });
        }
      },
    });
    this.#syncExecutor = new LazySyncExecutor({
      lane: config.lane,
      create: config.createSyncExecutor,
      events: {
        slotFree: wake,
        report: (error) => {
          ledger.reporter.reportError(error);
        },
      },
    });
    this.#settler = new TaskSettler({
      channel: this.#channel,
      registry: ledger.registry,
      clock: config.clock,
      loopWatch: this.#loopWatch,
      unqueue: (record) => {
        this.#held.delete(record);
        if (!this.#queues[record.type].remove(record)) this.#delayed.remove(record);
      },
      reportError: (error) => {
        ledger.reporter.reportError(error);
      },
    });
    const machine = createLaneMachine({
      // Both run after the supervisor's macrostep: the callbacks they run see its new state.
      scheduleHeldTasks: () => {
        this.#mailbox.post(this.#scheduleHeld);
      },
      cancelAll: (reason) => {
        // No slot a cancel frees starts a task until the sweep ends (#startNext), which may be
        // some loop turns later: then the lane wakes.
        this.#mailbox.post(() => {
          this.#settler.cancelAll(reason, wake);
        });
      },
      isDrained: () => ledger.registry.liveCount === 0,
      stopped: () => {
        // Every task is final; the threads go before stop() resolves, so none keeps the process up.
        this.#alarm.clear();
        this.#unwatchedTasks?.parent.stop();
        this.#shutdown?.finish(this.#syncExecutor.close());
      },
    });
    // A throwing observer must not break the lane: XState does not catch what it throws.
    const inspect = guardInspection(config.inspect, (error) => {
      ledger.reporter.reportError(error);
    });
    this.#supervisor = createActor(machine, {
      id: `lane:${config.lane}`,
      input: { lane: config.lane, concurrency: config.concurrency },
      ...(inspect === undefined ? {} : { inspect }),
    });
    this.#supervisor.start();
    this.#unwatchedTasks =
      inspect !== undefined
        ? undefined
        : {
            id: TASK_ACTOR_ID,
            parent: createActor(
              fromTransition((state: undefined) => state, undefined),
              {
                id: `tasks:${config.lane}`,
              },
            ).start(),
          };
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
    return this.ledger.runningCount;
  }

  /**
   * How many tasks wait to start: SUBMITTED before `start()`, or SCHEDULED for a slot or for
   * their `runAfter`.
   */
  get queuedCount(): number {
    return this.#held.size + this.#queues.async.size + this.#queues.sync.size + this.#delayed.size;
  }

  /** How many SCHEDULED tasks wait for their `runAfter` (a delay or a retry's backoff). */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  /**
   * Warnings of this lane's loop (blocked longer than `slowTaskMs`); detection runs only while
   * someone subscribes. Completes when the lane has stopped.
   */
  get warnings$(): LaneLoopWatch['warnings$'] {
    return this.#loopWatch.warnings$;
  }

  /** Puts a warning found outside the lane (its scheduler never started) on `warnings$`. */
  warn(warning: SchedulerWarning): void {
    this.#loopWatch.warn(warning);
  }

  /** How the executor threads have fared (none started yet: healthy, no restarts). */
  executorHealth(): ExecutorHealth {
    return this.#syncExecutor.health();
  }

  /** Starts running: held tasks are scheduled. Idempotent. */
  start(): void {
    // Only an idle supervisor takes it; a stopped actor would warn about the event.
    if (this.status === 'idle')
      this.#mailbox.step(this.#tellSupervisor, { type: 'lane.start' }, undefined);
  }

  /**
   * A new record (NEW) of one run of `task`, for {@link LaneEngine.submit}.
   *
   * @param id - the task's id when the caller made it (a SchedulerThread's main side names its
   * tasks before they cross to the lane thread); absent: a new UUID v7.
   * @param run - this run's own priority, timeout, key, delay and retry policy (`submit()`'s
   * options), which replace the task's, and the `repeat()` schedule it is an occurrence of.
   */
  createRecord(
    task: TaskDefinition,
    args: readonly unknown[],
    id: string = this.#createTaskId(),
    run?: RunOptions,
  ): LiveTask {
    const { options } = task;
    const retry = effectiveRetry(run?.retry ?? options.retry ?? this.#config.retry);
    const runAfter = runAfterOf(run, options.delayMs, this.#now);
    return {
      id,
      name: task.name,
      type: task.type,
      lane: this.#config.lane,
      args: args.length === 0 ? NO_ARGS : Object.freeze(args),
      priority: run?.priority ?? task.options.priority ?? 0,
      timeoutMs: run?.timeoutMs ?? task.options.timeoutMs,
      key: run?.key,
      repeatId: run?.repeatId,
      body: task.run as TaskFn<readonly unknown[]> | TaskModuleRef,
      callbacks: task.options,
      seq: this.#seq++,
      queueIndex: -1,
      actor: undefined,
      // The ledger's fields written out, not spread from newLedgerFields(): a spread in the
      // middle of a literal is a runtime call per task on this hot path.
      state: TaskState.NEW,
      ts: {},
      result: undefined,
      error: undefined,
      reason: undefined,
      failure: undefined,
      waiters: undefined,
      execution: undefined,
      timer: undefined,
      startedAtReal: undefined,
      context: undefined,
      attempt: 1,
      attempts: undefined,
      runAfter,
      firstStart: undefined,
      mayRetry: retry !== undefined,
      retry,
    };
  }

  /**
   * Files `record` in the ledger with its actor (passivated when the lane is unwatched), enters
   * SUBMITTED, and holds it or queues it as the supervisor's state says.
   *
   * @param submittedAt - when the caller submitted it, when that was earlier than now (a
   * SchedulerThread's main side): its SUBMITTED stamp, so the actor and the task's record agree.
   * @throws SchedulerStoppedError once `stop()` was called.
   */
  submit(record: LiveTask, submittedAt?: number): void {
    this.#file(record);
    this.#mailbox.step(this.#enterSubmitted, record, submittedAt);
  }

  /**
   * Files `record` as {@link LaneEngine.submit} does, enters SUBMITTED and cancels it in the
   * same step, before it can be scheduled: for a run whose abort signal was aborted before it
   * was submitted. Its body never runs.
   *
   * @throws SchedulerStoppedError once `stop()` was called.
   */
  submitCanceled(record: LiveTask, reason: string): void {
    this.#file(record);
    this.#mailbox.step(this.#enterSubmittedCanceled, record, reason);
  }

  /** Files a new task in the ledger, with its actor (none while the lane is unwatched). */
  #file(record: LiveTask): void {
    const status = this.status;
    // Callbacks run after the supervisor's step (the mailbox): one run by stop() itself (an
    // onCancel) sees it `stopping` already.
    if (status === 'stopping' || status === 'stopped') {
      throw new SchedulerStoppedError(this.#config.lane);
    }
    // Unwatched, the actor stays passivated while the task waits (see #activate).
    const actor =
      this.#unwatchedTasks === undefined
        ? createActor(taskMachine, {
            id: TASK_ACTOR_ID,
            systemId: record.id,
            parent: this.#supervisor,
            // Only for the inspector: its `xstate.init` event then names the task (filters use it).
            input: { name: record.name },
          })
        : undefined;
    record.actor = actor;
    this.ledger.add(record);
    actor?.start();
  }

  /**
   * The step of a submit: SUBMITTED now (its callbacks may submit more), then held before
   * `start()`, or scheduled once the step's mail before it is read.
   */
  readonly #enterSubmitted = (record: LiveTask, submittedAt: number | undefined): void => {
    const now = this.#config.clock.now();
    // Never later than now: two threads' clocks may disagree by a fraction of a millisecond,
    // and the stamps must not go backwards (submit <= schedule).
    const at = submittedAt === undefined ? now : Math.min(submittedAt, now);
    this.#channel.send(record, submitEvent(at));
    // The supervisor hears of start() before any callback runs, so its state tells.
    if (this.status === 'idle') {
      if (record.state === TaskState.SUBMITTED) this.#held.add(record);
    } else {
      this.#mailbox.post(record);
    }
  };

  /** The step of {@link LaneEngine.submitCanceled}. */
  readonly #enterSubmittedCanceled = (record: LiveTask, reason: string): void => {
    this.#channel.send(record, submitEvent(this.#config.clock.now()));
    // Neither held nor posted: nothing is left to schedule (an onSubmit may have ended it).
    this.#settler.cancel(record, reason);
  };

  /** Sends `event` to the supervisor, as a step: the work its hooks post runs once it is taken. */
  readonly #tellSupervisor = (event: LaneEvent): void => {
    // A stopped actor takes no more events (XState would warn about one).
    if (this.#supervisor.getSnapshot().value !== 'stopped') this.#supervisor.send(event);
  };

  /**
   * Cancels a task that is not final: a queued one never runs, a running one's signal aborts.
   *
   * @returns true iff this call moved the task to CANCELED.
   */
  cancel(id: string, reason: string): boolean {
    const record = this.ledger.registry.live(id);
    if (record === undefined) return false;
    return this.#settler.cancel(record, reason);
  }

  /**
   * Stops accepting tasks; drains (or, with `cancel`, cancels) the rest. `timeoutMs` bounds the
   * drain, then cancels what is left. Resolves once every task is final.
   *
   * @remarks A later call can tighten an earlier one: `cancel` escalates a drain, and the
   * earliest deadline of all the calls' `timeoutMs` applies.
   */
  stop({
    cancel,
    timeoutMs,
    limitMs = timeoutMs,
  }: {
    cancel: boolean;
    timeoutMs: number;
    /** The caller's own bound, for the cancel's reason, when `timeoutMs` is what is left of it. */
    limitMs?: number;
  }): Promise<void> {
    // A drain must be able to run what is queued: a stop resumes a paused lane for good.
    this.#paused = false;
    this.#shutdown ??= new LaneShutdown({
      tell: (cancel, reason) => {
        this.#mailbox.step(this.#tellSupervisor, { type: 'lane.stop', cancel, reason }, undefined);
      },
      clock: this.#config.clock,
      reporter: this.ledger.reporter,
      loopWatch: this.#loopWatch,
    });
    return this.#shutdown.request(cancel, timeoutMs, limitMs);
  }

  // ── flow control ──────────────────────────────────────────────────────────────

  /** Most AsyncTasks STARTED at once, as last set. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /**
   * Sets the most AsyncTasks STARTED at once (validated by the facade): raised, queued tasks
   * start at once (after the current step, when called from one); lowered, running tasks
   * finish and no new one starts until fewer run.
   */
  setConcurrency(concurrency: number): void {
    this.#concurrency = concurrency;
    // The engine decides starts; the supervisor only shows the value (to an inspector).
    this.#mailbox.step(this.#tellSupervisor, { type: 'lane.concurrency', concurrency }, undefined);
  }

  /** True between `pause()` and `resume()`; a stop resumes. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /**
   * Starts nothing new until `resume()`: running tasks go on, submits queue (and are
   * scheduled once the lane runs). Does nothing once a stop was asked for: a drain is never
   * held back.
   */
  pause(): void {
    if (this.#shutdown === undefined) this.#paused = true;
  }

  /** Lets tasks start again, at once as far as slots and threads allow. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#mailbox.wake();
  }

  /**
   * Gives a task waiting to start a new priority (validated by the facade); a SCHEDULED task
   * moves to its new place in its queue, O(log n).
   *
   * @returns false for a task that started, is final or is unknown.
   */
  setPriority(id: string, priority: number): boolean {
    const record = this.ledger.waiting(id);
    if (record === undefined) return false;
    // Held (before start()) or still in the mailbox, it is not queued yet: it will be pushed
    // with the new priority.
    this.#queues[record.type].setPriority(record, priority);
    return true;
  }

  // ── the supervisor's hooks ────────────────────────────────────────────────────

  /** Schedules every held task, in submit order (mail: runs after the supervisor's step). */
  readonly #scheduleHeld = (): void => {
    // A stop's cancel sweep still to reach them: scheduling them first would only add a
    // SCHEDULED to their way to CANCELED.
    if (this.#settler.sweeping) return;
    const held = [...this.#held];
    this.#held.clear();
    for (const record of held) this.#enqueue(record);
  };

  #enqueue(record: LiveTask): void {
    if (record.state !== TaskState.SUBMITTED) return;
    this.#channel.send(record, scheduleEvent(this.#config.clock.now()));
    // A callback may have canceled it already.
    if (stateOf(record) === TaskState.SCHEDULED) this.#place(record);
  }

  /**
   * Queues a SCHEDULED task: ready now, or held until its `runAfter` (a delay, a retry's
   * backoff) without holding back the ready tasks behind it.
   */
  #place(record: LiveTask): void {
    const { runAfter } = record;
    if (runAfter === undefined || runAfter <= this.#config.clock.now()) {
      this.#queues[record.type].push(record);
      return;
    }
    this.#delayed.add(record);
    this.#alarm.ringAt(runAfter);
  }

  /** The alarm rang: delayed tasks now due join the ready queues, and the lane wakes. */
  #releaseDue(): void {
    this.#delayed.releaseDue(this.#config.clock.now(), (record) => {
      // It arrives now: among equal priorities, ready tasks start in the order they became
      // ready, so a task due early is not kept behind every task submitted before it.
      record.seq = this.#seq++;
      this.#queues[record.type].push(record);
    });
    const next = this.#delayed.nextDueAt;
    if (next !== undefined) this.#alarm.ringAt(next);
    // The rate limit's wait, if that is what rang, is checked again as tasks start.
    this.#mailbox.wake();
  }

  /**
   * Restores, started, the passivated actor of a task of this unwatched lane that waits in
   * `state`: it joins the lane's task actors (their do-nothing parent) in that very state.
   */
  #activate(state: WaitingTaskState): TaskActor {
    const unwatched = this.#unwatchedTasks;
    if (unwatched === undefined)
      throw new Error(`lane ${this.lane} is watched: no actor is passive`);
    return createActor(unobservedTaskMachine, {
      ...unwatched,
      snapshot: persistedWaitingSnapshot(state),
    }).start();
  }

  /**
   * Starts the next task that may start now: an AsyncTask while a slot is free, else a SyncTask
   * while a thread is.
   *
   * @returns true iff one started; false when none may (or the turn's budget is spent: the lane
   * wakes next turn).
   */
  #startNext(): boolean {
    // The slots a stop's cancels free must not start tasks the sweep is about to cancel.
    if (this.#settler.sweeping || this.#paused) return false;
    const asyncQueue = this.#queues.async;
    if (this.#running < this.#concurrency && asyncQueue.size > 0) {
      // Quick bodies chain on microtasks: yield to timers and I/O once a turn runs long.
      if (!this.#turnBudget.mayContinue(this.#mailbox.wake)) return false;
      if (!this.#mayStartNow()) return false;
      this.#start(asyncQueue.shift() as LiveTask, this.#config.executor);
      return true;
    }
    const syncQueue = this.#queues.sync;
    if (syncQueue.size === 0) return false;
    const pool = this.#syncExecutor.get();
    if (pool.freeSlots === 0) return false;
    if (!this.#mayStartNow()) return false;
    this.#start(syncQueue.shift() as LiveTask, pool);
    return true;
  }

  /**
   * True when the rate limit (if any) lets a task start now; else the alarm is set for when it
   * will, and the lane waits.
   */
  #mayStartNow(): boolean {
    const limit = this.#rateLimit;
    if (limit === undefined) return true;
    const now = this.#config.clock.now();
    const at = limit.nextStartAt(now);
    if (at <= now) return true;
    this.#alarm.ringAt(at);
    return false;
  }

  #start(record: LiveTask, executor: TaskExecutor): void {
    if (record.type === 'async') this.#running++;
    this.#loopWatch.taskStarted(record);
    const now = this.#config.clock.now();
    this.#rateLimit?.started(now);
    this.#channel.send(record, startEvent(now));
    // An onStart callback may have canceled it: then its slot is already given back.
    if (stateOf(record) !== TaskState.STARTED) return;
    const { timeoutMs } = record;
    if (timeoutMs !== undefined && timeoutMs > 0) this.#settler.armTimeout(record, timeoutMs);
    const { context } = record;
    // A task that may be retried reports through its attempt's sink: a late outcome of an
    // attempt that timed out must not end the next one.
    const sink =
      record.retry === undefined
        ? this.#settler
        : new AttemptSink(this.#settler, record.attempt ?? 1);
    record.execution =
      context === undefined
        ? executor.execute(record, sink)
        : context.runInAsyncScope(execute, undefined, executor, record, sink);
  }
}
