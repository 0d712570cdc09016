/**
 * Where the cluster demo's tasks ran: at each STARTED, the worker that took the job, as BullMQ
 * records it on the job (`processedBy`, the worker's name). A task's id is its job's id.
 */
import type { Queue } from 'bullmq';
import { TaskState, type TaskTransition } from 'async-scheduler';
import type { BullMQScheduler } from 'async-scheduler/bullmq';

/** The workers that started each attempt of each task, in order. */
export class JobPlacements {
  readonly #scheduler: BullMQScheduler;
  readonly #jobs: Queue;
  readonly #attempts = new Map<string, string[]>();
  readonly #lookups = new Set<Promise<void>>();

  /**
   * Follows `scheduler`'s starts; `started` hears of each once its worker is known.
   *
   * @param jobs - a BullMQ Queue on the scheduler's queue, to read the jobs with.
   */
  constructor(
    scheduler: BullMQScheduler,
    jobs: Queue,
    started: (transition: TaskTransition, worker: string) => void,
  ) {
    this.#scheduler = scheduler;
    this.#jobs = jobs;
    scheduler.transitions$.subscribe((transition) => {
      if (transition.to !== TaskState.STARTED) return;
      const lookup = this.#workerOf(transition.id).then((worker) => {
        this.#lookups.delete(lookup);
        const attempts = this.#attempts.get(transition.id) ?? [];
        attempts.push(worker);
        this.#attempts.set(transition.id, attempts);
        started(transition, worker);
      });
      this.#lookups.add(lookup);
    });
  }

  async #workerOf(id: string): Promise<string> {
    try {
      return (await this.#jobs.getJob(id))?.processedBy ?? 'a worker (job gone)';
    } catch {
      return 'a worker (Redis did not say)';
    }
  }

  /** Resolves once every start seen so far has its worker. */
  async settled(): Promise<void> {
    await Promise.all(this.#lookups);
  }

  /** The workers that started the task's attempts, in order. */
  attemptsOf(id: string): readonly string[] {
    return this.#attempts.get(id) ?? [];
  }

  /** The tasks STARTED now whose latest attempt `worker` took. */
  runningOn(worker: string): string[] {
    return [...this.#attempts]
      .filter(([id, workers]) => workers.at(-1) === worker && this.#isRunning(id))
      .map(([id]) => id);
  }

  /** How many attempts `worker` started. */
  startsBy(worker: string): number {
    let starts = 0;
    for (const workers of this.#attempts.values()) {
      starts += workers.filter((name) => name === worker).length;
    }
    return starts;
  }

  #isRunning(id: string): boolean {
    try {
      return this.#scheduler.taskState(id) === TaskState.STARTED;
    } catch {
      return false; // evicted: long final
    }
  }
}
