/** The two counts a {@link QueueWatchers} watches, read afresh at each change. */
export interface QueueCounts {
  /** Tasks waiting to start (SUBMITTED or SCHEDULED). */
  readonly queuedCount: number;
  /** Tasks STARTED. */
  readonly runningCount: number;
}

/** One pending `onIdle`/`onEmpty`/`onSizeLessThan` promise: what it waits for, and its resolve. */
interface Watcher {
  /** Resolves once fewer than this many tasks are queued. */
  readonly queuedBelow: number;
  /** And, for `onIdle`, once none runs. */
  readonly idle: boolean;
  readonly resolve: () => void;
}

/**
 * The promises of `onIdle()`, `onEmpty()` and `onSizeLessThan(n)` (p-queue's semantics): each
 * resolves at once when its condition holds already, else at the first change of the counts
 * that makes it hold.
 *
 * @remarks Placement-agnostic: fed by a scheduler's {@link TaskLedger}, which every placement's
 * transitions reach on the caller's thread, and which calls {@link QueueWatchers.changed}
 * whenever its queued or running count changes. No polling and no timer: a pending promise never
 * keeps the process alive. Once `stop()` resolves every task is final, both counts are 0, and
 * every watcher has resolved.
 */
export class QueueWatchers {
  readonly #counts: QueueCounts;
  #watchers: Watcher[] = [];

  constructor(counts: QueueCounts) {
    this.#counts = counts;
  }

  /** How many promises wait: the ledger skips {@link QueueWatchers.changed} while none does. */
  get size(): number {
    return this.#watchers.length;
  }

  /** Resolves once nothing is queued and nothing runs. */
  onIdle(): Promise<void> {
    return this.#watch(1, true);
  }

  /** Resolves once nothing is queued (tasks may still run). */
  onEmpty(): Promise<void> {
    return this.#watch(1, false);
  }

  /** Resolves once fewer than `limit` tasks are queued. */
  onSizeLessThan(limit: number): Promise<void> {
    return this.#watch(limit, false);
  }

  /** The counts changed: resolves every watcher whose condition holds now. */
  changed(): void {
    const { queuedCount, runningCount } = this.#counts;
    const waiting: Watcher[] = [];
    for (const watcher of this.#watchers) {
      if (holds(watcher, queuedCount, runningCount)) watcher.resolve();
      else waiting.push(watcher);
    }
    this.#watchers = waiting;
  }

  #watch(queuedBelow: number, idle: boolean): Promise<void> {
    const { queuedCount, runningCount } = this.#counts;
    if (holds({ queuedBelow, idle }, queuedCount, runningCount)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#watchers.push({ queuedBelow, idle, resolve });
    });
  }
}

function holds(
  watcher: Pick<Watcher, 'queuedBelow' | 'idle'>,
  queuedCount: number,
  runningCount: number,
): boolean {
  return queuedCount < watcher.queuedBelow && (!watcher.idle || runningCount === 0);
}
