import type { Queue } from 'bullmq';

/** The worker processes of a queue, as Redis last listed them. */
export interface WorkersSample {
  readonly count: number;
  readonly names: readonly string[];
}

/** What BullMQ puts before a named worker's name in its connection's client name. */
const NAMED_WORKER = ':w:';

/**
 * The worker processes taking a queue's jobs, for `metrics$` and the dashboard: read from
 * Redis's client list (BullMQ's `getWorkers`), at most once per `refreshMs`, in the background
 * (a read answers with the last list at once).
 */
export class WorkerRoster {
  readonly #queue: Queue;
  readonly #refreshMs: number;
  #sample: WorkersSample | undefined;
  #readAt = -Infinity;
  #reading = false;

  constructor(queue: Queue, refreshMs: number) {
    this.#queue = queue;
    this.#refreshMs = refreshMs;
  }

  /** The last list (undefined before the first), and a refresh if it is due. */
  current(): WorkersSample | undefined {
    const now = Date.now();
    if (!this.#reading && now - this.#readAt >= this.#refreshMs) {
      this.#reading = true;
      this.#readAt = now;
      this.#queue.getWorkers().then(
        (clients) => {
          this.#reading = false;
          const names = new Set<string>();
          for (const client of clients) {
            const raw = client['rawname'] ?? '';
            const at = raw.indexOf(NAMED_WORKER);
            names.add(at < 0 ? '(unnamed)' : raw.slice(at + NAMED_WORKER.length));
          }
          this.#sample = Object.freeze({
            count: names.size,
            names: Object.freeze([...names].sort()),
          });
        },
        () => {
          // Redis is away: the lane reports that; the list stays as last read.
          this.#reading = false;
        },
      );
    }
    return this.#sample;
  }
}
