import { systemClock } from '../clock.js';
import type { SchedulerError, WorkerCrashedError } from '../errors.js';
import type {
  Execution,
  ExecutionJob,
  ExecutionSink,
  ExecutorHealth,
  PooledExecutor,
  PooledExecutorEvents,
} from './executor.js';
import { WorkerPool } from './fromWorkerPool.js';
import { DEFAULT_RESTART_POLICY } from './restartPolicy.js';

/**
 * The process's one shared executor pool, with the lanes that use it; undefined while none
 * does. Module state on purpose: sharing across every AsyncScheduler of the process is the
 * contract. (Two copies of the library in one process have one pool each.)
 */
let shared: SharedWorkerPool | undefined;

/**
 * One {@link WorkerPool} used by many lanes: each lane holds a {@link PoolLease}, and the pool
 * lives from the first lease to the return of the last.
 *
 * @remarks Every lane hears of every free thread (the first to dispatch takes it). A thread that
 * crashes under a run is reported to the lane that owns the run; a crash of an idle thread, and
 * a degraded pool, to every lane.
 */
class SharedWorkerPool {
  readonly pool: WorkerPool;
  readonly #leases = new Set<PoolLease>();

  constructor(size: number) {
    this.pool = new WorkerPool({
      size,
      resourceLimits: undefined,
      restart: DEFAULT_RESTART_POLICY,
      clock: systemClock,
      events: {
        slotFree: () => {
          for (const lease of this.#leases) lease.events.slotFree();
        },
        crashed: (error) => {
          this.#crashed(error);
        },
        degraded: (error) => {
          this.#reportToAll(error);
        },
        recovered: () => undefined,
      },
    });
  }

  lease(events: PooledExecutorEvents): PoolLease {
    const lease = new PoolLease(this, events);
    this.#leases.add(lease);
    return lease;
  }

  /** A lane gave its lease back; the last one closes the pool (its threads exit). */
  release(lease: PoolLease): Promise<void> {
    if (!this.#leases.delete(lease) || this.#leases.size > 0) return Promise.resolve();
    if (shared === this) shared = undefined;
    return this.pool.close();
  }

  #crashed(error: WorkerCrashedError): void {
    const taskId = error.taskId;
    const owner =
      taskId === undefined ? undefined : [...this.#leases].find((lease) => lease.owns(taskId));
    if (owner === undefined) this.#reportToAll(error);
    else owner.events.report(error);
  }

  #reportToAll(error: SchedulerError): void {
    for (const lease of this.#leases) lease.events.report(error);
  }
}

/**
 * One lane's use of the shared pool: the lane's SyncTask executor, as an own pool would be,
 * except that `close()` only gives the lease back.
 */
class PoolLease implements PooledExecutor {
  readonly events: PooledExecutorEvents;
  readonly #shared: SharedWorkerPool;
  /** Ids of this lane's runs on the pool now, so a crash under one is reported to this lane. */
  readonly #running = new Set<string>();
  #closed = false;

  constructor(sharedPool: SharedWorkerPool, events: PooledExecutorEvents) {
    this.#shared = sharedPool;
    this.events = events;
  }

  get freeSlots(): number {
    return this.#closed ? 0 : this.#shared.pool.freeSlots;
  }

  owns(taskId: string): boolean {
    return this.#running.has(taskId);
  }

  execute<TJob extends ExecutionJob>(job: TJob, sink: ExecutionSink<TJob>): Execution {
    const running = this.#running;
    running.add(job.id);
    const execution = this.#shared.pool.execute(job, {
      succeed: (done, value) => {
        running.delete(done.id);
        sink.succeed(done, value);
      },
      fail: (failed, error) => {
        running.delete(failed.id);
        sink.fail(failed, error);
      },
    });
    return {
      abort: (reason) => {
        running.delete(job.id);
        execution.abort(reason);
      },
    };
  }

  /** The whole shared pool's figures: its threads serve every lane that holds a lease. */
  health(): ExecutorHealth {
    return this.#shared.pool.health();
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return this.#shared.release(this);
  }
}

/**
 * A lane's SyncTask executor factory on the process's shared executor pool: calling it (on the
 * lane's first SyncTask) takes a lease, creating the pool with `size` threads if no lane holds
 * one; the executor's `close()` gives the lease back, and the last one closes the pool.
 *
 * @remarks The pool uses the default restart policy, no resource limits and the system clock: a
 * scheduler that wants its own of any of them gets its own pool.
 */
export function fromSharedWorkerPool(
  size: number,
): (events: PooledExecutorEvents) => PooledExecutor {
  return (events) => {
    shared ??= new SharedWorkerPool(size);
    return shared.lease(events);
  };
}
