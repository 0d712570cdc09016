import type { LedgerRecord } from '../ledger/TaskLedger.js';

/** What `stop()` asks of a lane. */
export interface LaneStopRequest {
  /** Cancel queued and running tasks instead of draining them. */
  readonly cancel: boolean;
  /** Longest the drain may take, ms, then the rest is canceled; 0: no limit. */
  readonly timeoutMs: number;
}

/**
 * The lane port: where a facade's tasks run. Requests go in (submit, cancel, stop); task events
 * come out, into the facade's {@link TaskLedger} (`enter`, `end`, `reporter.reportError`),
 * which is the only place they are recorded.
 *
 * @remarks Placements implement it: the local lane (`LaneEngine`: a supervisor and task actors
 * on this loop), the thread lane (`LaneThreadHost`: the same LaneEngine inside a worker, its
 * events sent over the wire in one message per turn), and the BullMQ lane (`BullMQLane`: jobs in
 * Redis run by worker processes, its events read from the queue's event stream). Queueing
 * policy (priority, delay, retry backoff, rate limit, pause, run-time concurrency and
 * `setPriority`) belongs to the lane: the BullMQ lane maps it onto BullMQ's own.
 *
 * @typeParam TRecord - the ledger record the placement's tasks are filed as.
 */
export interface Lane<TRecord extends LedgerRecord> {
  /** Starts running tasks: those submitted before wait until then. Idempotent. */
  start(): void;
  /**
   * Files `record` (NEW) in the ledger and takes the task, to run when its turn comes.
   *
   * @throws SchedulerStoppedError once a stop was asked for; the record is then not filed.
   */
  submit(record: TRecord): void;
  /** Cancels a task not yet final: true iff that moved it to CANCELED. */
  cancel(id: string, reason: string): boolean | Promise<boolean>;
  /**
   * Stops taking tasks and drains (or cancels) the rest; resolves once every task is final.
   *
   * @remarks A later call tightens an earlier one: `cancel` escalates a drain, and the earliest
   * deadline of all the calls applies.
   */
  stop(request: LaneStopRequest): Promise<void>;
  /** Most AsyncTasks STARTED at once, as last set. */
  readonly concurrency: number;
  /**
   * Sets the most AsyncTasks STARTED at once: raised, queued tasks start at once; lowered, the
   * running ones finish (none is stopped) and no new one starts until fewer run.
   */
  setConcurrency(concurrency: number): void;
  /** True between `pause()` and `resume()` (or a stop, which resumes). */
  readonly isPaused: boolean;
  /** Starts nothing new until `resume()`; running tasks go on, submits queue. Idempotent. */
  pause(): void;
  /** Lets tasks start again (at once, as slots allow). Idempotent. */
  resume(): void;
  /**
   * Gives a task waiting to start (SUBMITTED or SCHEDULED) a new priority, which decides its
   * place in the queue from now on.
   *
   * @returns false for a task that started, is final, or is unknown.
   */
  setPriority(id: string, priority: number): boolean;
}
