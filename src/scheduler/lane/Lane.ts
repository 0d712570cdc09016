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
 * events sent over the wire in one message per turn), and later a BullMQ lane (jobs in Redis,
 * events from its QueueEvents). Queueing policy (priority today; delay, retry backoff, rate
 * limit and pause with issue 14's `setPriority`/`pause`/`resume`) belongs to the lane.
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
}
