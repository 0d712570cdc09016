import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { EventEmitter } from 'node:events';
import { createActor, fromTransition, type AnyActorRef } from 'xstate';
import type { Clock } from '../../../clock.js';
import { toErrorData } from '../../../errorData.js';
import {
  SchedulerError,
  SchedulerErrorCode,
  SchedulerStoppedError,
  TaskCanceledError,
} from '../../../errors.js';
import { createLaneMachine, TASK_ACTOR_ID, type LaneEvent } from '../../../machines/laneMachine.js';
import { cancelEvent, submitEvent, type TaskEvent } from '../../../machines/taskEvents.js';
import { taskMachine, unobservedTaskMachine } from '../../../machines/taskMachine.js';
import { persistedWaitingSnapshot } from '../../../machines/taskPassivation.js';
import type { TaskActor } from '../../lane/LiveTask.js';
import { TaskState } from '../../../taskState.js';
import { isFinished, type WaitingTaskState } from '../../../machines/taskLifecycle.js';
import { guardInspection } from '../../guardInspection.js';
import type { InspectionObserver } from '../../schedulerOptions.js';
import type { Lane, LaneStopRequest } from '../../lane/Lane.js';
import { LaneShutdown } from '../../lane/LaneShutdown.js';
import type { RateLimit } from '../../lane/policy/StartRateLimit.js';
import type { TaskLedger } from '../../ledger/TaskLedger.js';
import { createBullMQTask, moveTask, type BullMQTask } from './BullMQTask.js';
import type { RedisConnectionOptions } from './connection.js';
import { JobEventFeed } from './JobEventFeed.js';
import { JobEventStream, recentStreamId } from './JobEventStream.js';
import {
  assertBullMQPriority,
  bullmqPriority,
  taskJobOptions,
  type KeptJobs,
} from './jobOptions.js';
import { cancelStreamKey, publishCancel } from './cancelStream.js';
import { isJobPayload } from './jobPayload.js';
import { RedisHealth } from './RedisHealth.js';
import { WorkerRoster, type WorkersSample } from './WorkerRoster.js';

/** How long closing the lane's connections may take before they are cut, ms. */
const CLOSE_GRACE_MS = 2_000;

/** What a {@link BullMQLane} is built from, validated by its facade. */
export interface BullMQLaneOptions {
  readonly lane: string;
  /** The BullMQ queue's name. */
  readonly queue: string;
  /** BullMQ's key prefix. */
  readonly prefix: string;
  readonly redis: RedisConnectionOptions;
  readonly ledger: TaskLedger<BullMQTask>;
  readonly clock: Clock;
  readonly inspect: InspectionObserver | undefined;
  /** The queue's global concurrency, when the user gave one. */
  readonly concurrency: number | undefined;
  readonly rateLimit: RateLimit | undefined;
  readonly keep: KeptJobs;
  /** The longest the queue's event stream grows, events. */
  readonly eventsMaxLen: number;
  /** How long past a STARTED task's limit (or a cancel) this side waits for a worker's word, ms. */
  readonly lostWorkerMs: number;
  /** How often the list of workers is read again, at most, ms. */
  readonly workersRefreshMs: number;
  /** Whose tasks this side follows: its own, or every task of the queue. */
  readonly follow: 'own' | 'all';
}

/**
 * The BullMQ placement of the lane port: jobs in Redis, run by `runWorker` processes anywhere,
 * followed here through the queue's event stream.
 *
 * @remarks Queueing policy is BullMQ's own: priority, delay, attempts with the task's backoff
 * (computed by the worker), the queue's global concurrency and rate limit, and pause. This side
 * keeps a supervisor actor and one task actor per task, fed by the queue's events, so that the
 * ledger (records, stamps, streams) and the inspector see the remote lane as they see every lane.
 */
export class BullMQLane implements Lane<BullMQTask> {
  readonly #options: BullMQLaneOptions;
  readonly #queue: Queue;
  /** The connection of the queue and the cancels (this lane's: it cuts it at close). */
  readonly #client: Redis;
  /** The queue's event stream, read from (a little before) the moment the lane was made. */
  readonly #events: JobEventStream;
  readonly #health: RedisHealth;
  readonly #roster: WorkerRoster;
  readonly #feed: JobEventFeed;
  readonly #supervisor;
  readonly #unwatchedParent: AnyActorRef | undefined;
  /** Submitted tasks whose job is not sent yet (before `start()`, or until the next flush). */
  readonly #held: BullMQTask[] = [];
  #flushQueued = false;
  /** Resolves once the event stream is read from the moment the lane was made. */
  readonly #listening: Promise<void>;
  #concurrency: number;
  #started = false;
  #paused = false;
  #shutdown: LaneShutdown | undefined;
  /** The queue-wide calls asked for so far, in order (see {@link BullMQLane.#run}). */
  #control: Promise<void> = Promise.resolve();
  /** Tasks of other schedulers followed here and not final. */
  #foreignLive = 0;

  constructor(options: BullMQLaneOptions) {
    this.#options = options;
    const { queue, prefix, redis, ledger } = options;
    this.#concurrency = options.concurrency ?? Infinity;
    const reportError = (error: SchedulerError): void => {
      ledger.reporter.reportError(error);
    };
    this.#client = new Redis({ ...redis });
    this.#queue = new Queue(queue, {
      connection: this.#client,
      prefix,
      streams: { events: { maxLen: options.eventsMaxLen } },
    });
    this.#roster = new WorkerRoster(this.#queue, options.workersRefreshMs);
    this.#feed = new JobEventFeed({
      ledger,
      move: (record, event) => this.#move(record, event),
      clock: options.clock,
      lostWorkerMs: options.lostWorkerMs,
      removeJob: (id) => this.#removeJob(id),
      cancelActive: (id, reason) => {
        this.#publishCancel(id, reason);
      },
      settled: (record) => {
        if (!record.own) this.#foreignLive--;
        this.#checkDrained();
      },
      adopt: options.follow === 'all' ? (jobId) => this.#adopt(jobId) : undefined,
    });
    this.#health = new RedisHealth({
      lane: options.lane,
      report: reportError,
      reconnected: () => {
        this.#reconcile();
      },
    });
    for (const emitter of [this.#queue, this.#client] as EventEmitter[]) {
      emitter.on('error', (error: Error) => {
        this.#health.failed(error);
      });
    }
    this.#events = this.#listen();
    // Adds wait for it: their jobs' events must find this side reading.
    this.#listening = this.#events.ready;
    const inspect = guardInspection(options.inspect, (error) => {
      ledger.reporter.reportError(error);
    });
    this.#supervisor = createActor(
      createLaneMachine({
        scheduleHeldTasks: () => {
          this.#queueFlush();
        },
        cancelAll: (reason) => {
          this.#cancelAll(reason);
        },
        isDrained: () => this.#ownLiveCount === 0,
        stopped: () => {
          this.#shutdown?.finish(this.#close());
        },
      }),
      {
        id: `lane:${options.lane}`,
        input: { lane: options.lane, concurrency: this.#concurrency },
        ...(inspect === undefined ? {} : { inspect }),
      },
    ).start();
    this.#unwatchedParent =
      inspect === undefined
        ? createActor(
            fromTransition((state: undefined) => state, undefined),
            {
              id: `tasks:${options.lane}`,
            },
          ).start()
        : undefined;
  }

  /**
   * Reads the event stream from a little before now, so that no event of a job this lane adds
   * is missed (the stream's ids are Redis's clock, which may run behind this machine's); the
   * events of other jobs read on the way are ignored.
   */
  #listen(): JobEventStream {
    const { queue, prefix, redis } = this.#options;
    const events = new JobEventStream({
      redis,
      key: `${prefix}:${queue}:events`,
      after: recentStreamId(),
      event: this.#feed.event,
      failed: (error) => {
        this.#health.failed(error);
      },
      // The stream was trimmed past events not yet read here: the jobs tell how their tasks are.
      missed: () => {
        this.#reconcile();
      },
    });
    this.#health.watch(this.#client);
    this.#health.watch(events.client);
    return events;
  }

  /**
   * Reads again the job of every task followed here (events of theirs may have been missed: an
   * outage, or a stream trimmed before this side read it); a job that is gone is added again if
   * its task had not started.
   */
  #reconcile(): void {
    void this.#feed.reconcile(this.#queue, (record) => {
      this.#held.push(record);
      this.#queueFlush();
    });
  }

  /** The worker processes taking this queue's jobs, as last listed (refreshed in the background). */
  workers(): WorkersSample | undefined {
    return this.#roster.current();
  }

  /**
   * A new task's actor, started, NEW, a child of the supervisor; undefined when nobody inspects
   * the lane (the task is passivated until it starts, see {@link moveTask}).
   */
  createActor(record: { id: string; name: string }): BullMQTask['actor'] {
    if (this.#unwatchedParent !== undefined) return undefined;
    return createActor(taskMachine, {
      id: TASK_ACTOR_ID,
      systemId: record.id,
      parent: this.#supervisor,
      input: { name: record.name },
    }).start();
  }

  /** Restores, started, the passivated actor of a task waiting in `state` (an unwatched lane). */
  readonly #activate = (state: WaitingTaskState): TaskActor =>
    createActor(unobservedTaskMachine, {
      id: TASK_ACTOR_ID,
      ...(this.#unwatchedParent === undefined ? {} : { parent: this.#unwatchedParent }),
      snapshot: persistedWaitingSnapshot(state),
    }).start();

  /** Moves a task by `event` (see {@link moveTask}). */
  readonly #move = (record: BullMQTask, event: TaskEvent): boolean =>
    moveTask(this.#options.ledger, record, event, this.#activate);

  /** Starts the lane, once: a later call would set the queue's concurrency and rate limit again. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#tell({ type: 'lane.start' });
    const { rateLimit } = this.#options;
    if (this.#options.concurrency !== undefined) this.setConcurrency(this.#options.concurrency);
    if (rateLimit !== undefined) {
      this.#run(() => this.#queue.setGlobalRateLimit(rateLimit.max, rateLimit.perMs));
    }
  }

  submit(record: BullMQTask): void {
    const status = this.#supervisor.getSnapshot().value;
    if (status === 'stopping' || status === 'stopped') {
      throw new SchedulerStoppedError(this.#options.lane);
    }
    assertBullMQPriority(record.priority, 'priority');
    this.#options.ledger.add(record);
    this.#move(record, submitEvent(record.submittedAt));
    this.#held.push(record);
    if (status === 'running') this.#queueFlush();
  }

  /** Files a task canceled as it was submitted: it ends here, its job never sent. */
  submitCanceled(record: BullMQTask, reason: string): void {
    this.#options.ledger.add(record);
    this.#move(record, submitEvent(record.submittedAt));
    this.#endCanceled(record, reason);
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // One batch for every submit of this turn: the flush runs once the code that submits returns,
    // before any I/O of the loop (a setImmediate here cost an idle queue's start 0.2-0.4 ms).
    queueMicrotask(() => {
      this.#flushQueued = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#supervisor.getSnapshot().value === 'idle') return;
    // Until the event stream is read, nothing is sent: a cancel meanwhile ends a task here.
    await this.#listening;
    const batch = this.#held
      .splice(0)
      .filter((record) => record.job === 'held' && !isFinished(record.state));
    if (batch.length === 0) return;
    for (const record of batch) record.job = 'adding';
    const now = this.#options.clock.now();
    const { keep } = this.#options;
    const jobs = batch.map((record) => ({
      name: record.name,
      data: { ...record.payload, priority: record.priority },
      opts: taskJobOptions(record.id, record.payload, record.runAfter, now, keep),
    }));
    // Redis has each job from some time after this: the lower bound its SCHEDULED stamp takes
    // (its start, stamped by Redis, comes later still).
    const sentAt = this.#options.clock.now();
    try {
      // A lone job goes as a plain add: addBulk wraps even one job in a MULTI.
      const lone = jobs.length === 1 ? jobs[0] : undefined;
      if (lone === undefined) await this.#queue.addBulk(jobs);
      else await this.#queue.add(lone.name, lone.data, lone.opts);
    } catch (error) {
      const failure = new SchedulerError(
        SchedulerErrorCode.REDIS_UNAVAILABLE,
        `BullMQ lane "${this.#options.lane}" could not add ${batch.length} job(s) to queue "${this.#options.queue}": ${(error as Error).message}`,
        { cause: error },
      );
      this.#options.ledger.reporter.reportError(failure);
      for (const record of batch) this.#options.ledger.end(record, TaskState.FAILED, failure);
      this.#checkDrained();
      return;
    }
    for (const record of batch) {
      record.job = 'added';
      this.#feed.queued(record, sentAt);
      if (record.cancelReason !== undefined) void this.#cancelQueued(record);
    }
  }

  cancel(id: string, reason: string): Promise<boolean> {
    const { ledger } = this.#options;
    const record = ledger.registry.live(id);
    if (record === undefined) return Promise.resolve(false);
    if (record.cancelReason !== undefined) {
      // Another cancel is under way: this one did not move it.
      return ledger.registry.wait(id, {}).then(() => false);
    }
    record.cancelReason = reason;
    if (record.job === 'held') {
      const index = this.#held.indexOf(record);
      if (index >= 0) this.#held.splice(index, 1);
      this.#endCanceled(record, reason);
      this.#checkDrained();
      return Promise.resolve(true);
    }
    if (record.job === 'added') {
      if (record.state === TaskState.STARTED) this.#cancelStarted(record);
      else void this.#cancelQueued(record);
    }
    // 'adding': the flush goes on once Redis has the job.
    return ledger.registry.wait(id, {}).then(
      (info) => info.state === TaskState.CANCELED && info.reason === reason,
      () => false,
    );
  }

  /** Removes a waiting job; one a worker took already is canceled where it runs. */
  async #cancelQueued(record: BullMQTask): Promise<void> {
    const removed = await this.#removeJob(record.id);
    if (record.state === TaskState.STARTED || !removed) {
      if (!removed && record.state !== TaskState.STARTED) {
        // Taken by a worker between our read and the remove: its STARTED is on its way.
        this.#publishCancel(record.id, record.cancelReason ?? 'canceled');
      }
      if (record.state === TaskState.STARTED) this.#cancelStarted(record);
      return;
    }
    this.#endCanceled(record, record.cancelReason ?? 'canceled');
    this.#checkDrained();
  }

  /** Asks the job's worker to abort it (not retried); ends it here if no worker answers in time. */
  #cancelStarted(record: BullMQTask): void {
    const reason = record.cancelReason ?? 'canceled';
    this.#publishCancel(record.id, reason);
    this.#feed.expectCancel(record);
  }

  #endCanceled(record: BullMQTask, reason: string): void {
    const error = toErrorData(new TaskCanceledError(record.id, reason));
    record.failure = new TaskCanceledError(record.id, reason);
    const { clock } = this.#options;
    if (record.state === TaskState.NEW) this.#move(record, submitEvent(record.submittedAt));
    this.#move(record, cancelEvent(clock.now(), reason, error));
  }

  #publishCancel(jobId: string, reason: string): void {
    const { prefix, queue } = this.#options;
    publishCancel(this.#client, cancelStreamKey(prefix, queue), { jobId, reason }).catch(
      (error: unknown) => {
        this.#health.failed(error as Error);
      },
    );
  }

  /** Removes a job that no worker holds: true iff it was removed. */
  async #removeJob(id: string): Promise<boolean> {
    try {
      return (await this.#queue.remove(id)) === 1;
    } catch {
      return false;
    }
  }

  #cancelAll(reason: string): void {
    for (const record of [...this.#options.ledger.registry.liveRecords()]) {
      if (record.own) void this.cancel(record.id, reason);
    }
  }

  get concurrency(): number {
    return this.#concurrency;
  }

  setConcurrency(concurrency: number): void {
    this.#concurrency = concurrency;
    this.#tell({ type: 'lane.concurrency', concurrency });
    this.#run(() =>
      concurrency === Infinity
        ? this.#queue.removeGlobalConcurrency()
        : this.#queue.setGlobalConcurrency(concurrency),
    );
  }

  get isPaused(): boolean {
    return this.#paused;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#run(() => this.#queue.pause());
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#run(() => this.#queue.resume());
  }

  setPriority(id: string, priority: number): boolean {
    const record = this.#options.ledger.waiting(id);
    if (record === undefined) return false;
    assertBullMQPriority(priority, 'priority');
    record.priority = priority;
    if (record.job === 'added') {
      this.#run(async () => {
        const job = await Job.fromId(this.#queue, id);
        await job?.changePriority({ priority: bullmqPriority(priority) });
      });
    }
    return true;
  }

  stop(request: LaneStopRequest): Promise<void> {
    if (this.#paused) this.resume();
    this.#shutdown ??= new LaneShutdown({
      tell: (cancel, reason) => {
        this.#tell({ type: 'lane.stop', cancel, reason });
      },
      clock: this.#options.clock,
      reporter: this.#options.ledger.reporter,
      loopWatch: { close: () => undefined },
    });
    return this.#shutdown.request(request.cancel, request.timeoutMs);
  }

  /** This scheduler's own tasks not yet final (a stop waits for these only). */
  get #ownLiveCount(): number {
    return this.#options.ledger.registry.liveCount - this.#foreignLive;
  }

  #checkDrained(): void {
    if (this.#ownLiveCount === 0) this.#tell({ type: 'lane.drained' });
  }

  /** Files a task of another scheduler from its job, to follow it here (`follow: 'all'`). */
  async #adopt(jobId: string): Promise<BullMQTask | undefined> {
    const job = await Job.fromId(this.#queue, jobId);
    const { ledger } = this.#options;
    if (job?.id === undefined || !isJobPayload(job.data)) return undefined;
    const known = ledger.registry.live(jobId);
    if (known !== undefined || ledger.registry.finished(jobId) !== undefined) return known;
    const record = createBullMQTask(jobId, job.name, job.data, {
      callbacks: {},
      actor: this.createActor({ id: jobId, name: job.name }),
      runAfter: undefined,
      own: false,
    });
    record.job = 'added';
    ledger.add(record);
    this.#foreignLive++;
    this.#move(record, submitEvent(record.submittedAt));
    return record;
  }

  /** Closes the lane's Redis connections (every task is final). */
  async #close(): Promise<void> {
    this.#feed.close();
    this.#health.close();
    this.#unwatchedParent?.stop();
    this.#events.close();
    // The queue-wide calls asked for (a stop's resume) land first, if Redis answers.
    await settledWithin(this.#control, CLOSE_GRACE_MS);
    // A Redis that does not answer would hold a polite close forever: then the connection is cut.
    await settledWithin(
      this.#queue.close().catch(() => undefined),
      CLOSE_GRACE_MS,
    );
    this.#client.disconnect();
  }

  /** Sends the supervisor an event, unless it has stopped (XState warns of a send to a stopped actor). */
  #tell(event: LaneEvent): void {
    if (this.#supervisor.getSnapshot().status === 'active') this.#supervisor.send(event);
  }

  /**
   * Runs a queue-wide Redis call (pause, resume, concurrency, rate limit, priority) after the
   * ones asked for before it, so they land in the order they were asked; a failure is
   * reported, not thrown.
   */
  #run(call: () => Promise<unknown>): void {
    this.#control = this.#control.then(call).then(
      () => undefined,
      (error: unknown) => {
        this.#health.failed(error as Error);
      },
    );
  }
}

/** Waits for `promise` at most `ms`: 'late' if it had not settled by then. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'late'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, ms);
  });
  try {
    return await Promise.race([promise.then(() => 'settled' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
