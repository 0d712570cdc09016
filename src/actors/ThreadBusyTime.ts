import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';

/** Busy and idle time of a pool's working threads, ms, since the pool started. */
export interface BusyTime {
  readonly activeMs: number;
  readonly idleMs: number;
}

/**
 * Sums the event-loop busy and idle time of the threads that do a pool's work, read from the
 * main side with `worker.performance.eventLoopUtilization()`.
 *
 * @remarks A thread counts from when it joins the working set (a warm spare's idle wait before
 * it takes over does not count), and a thread that leaves keeps its share in the sums. A thread
 * that crashed can no longer be read: its share since the last reading is lost, so a consumer
 * must treat a sum that goes down as no time passed.
 */
export class ThreadBusyTime {
  readonly #joinedAt = new Map<Worker, EventLoopUtilization>();
  #retiredActiveMs = 0;
  #retiredIdleMs = 0;

  /** `worker` starts doing the pool's work now. */
  join(worker: Worker): void {
    this.#joinedAt.set(worker, worker.performance.eventLoopUtilization());
  }

  /** `worker` stops doing the pool's work (before it is terminated, while it can be read). */
  retire(worker: Worker): void {
    const since = this.#joinedAt.get(worker);
    if (since === undefined) return;
    this.#joinedAt.delete(worker);
    const { active, idle } = worker.performance.eventLoopUtilization(since);
    // An exited thread reads idle -1: nothing of it can be counted any more.
    if (idle < 0) return;
    this.#retiredActiveMs += active;
    this.#retiredIdleMs += idle;
  }

  /** The sums now: retired threads plus the working ones since they joined. */
  total(): BusyTime {
    let activeMs = this.#retiredActiveMs;
    let idleMs = this.#retiredIdleMs;
    for (const [worker, since] of this.#joinedAt) {
      const { active, idle } = worker.performance.eventLoopUtilization(since);
      if (idle < 0) continue;
      activeMs += active;
      idleMs += idle;
    }
    return { activeMs, idleMs };
  }
}
