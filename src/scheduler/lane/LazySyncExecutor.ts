import {
  UNSTARTED_EXECUTOR_HEALTH,
  type ExecutorHealth,
  type PooledExecutor,
  type PooledExecutorEvents,
} from '../../actors/executor.js';

/** What a {@link LazySyncExecutor} works with. */
export interface LazySyncExecutorOptions {
  /** The lane's name, for the error when it has no executor threads. */
  readonly lane: string;
  /** Makes the executor; absent: the lane refuses SyncTasks. */
  readonly create: ((events: PooledExecutorEvents) => PooledExecutor) | undefined;
  /** What the executor, once made, tells the lane. */
  readonly events: PooledExecutorEvents;
}

/**
 * A lane's SyncTask executor, made (and its threads started) on the first SyncTask: a lane that
 * runs only AsyncTasks starts no thread.
 */
export class LazySyncExecutor {
  readonly #options: LazySyncExecutorOptions;
  #executor: PooledExecutor | undefined;

  constructor(options: LazySyncExecutorOptions) {
    this.#options = options;
  }

  /**
   * The executor, made now if it was not yet.
   *
   * @throws TypeError when the lane was built without executor threads.
   */
  get(): PooledExecutor {
    if (this.#executor !== undefined) return this.#executor;
    const { lane, create, events } = this.#options;
    if (create === undefined) throw new TypeError(`Lane "${lane}" has no executor threads`);
    this.#executor = create(events);
    return this.#executor;
  }

  /** How the executor threads have fared (none started yet: healthy, no restarts). */
  health(): ExecutorHealth {
    return this.#executor?.health() ?? UNSTARTED_EXECUTOR_HEALTH;
  }

  /** Ends the executor's threads, if it was made; resolves once none is left running. */
  close(): Promise<void> {
    return this.#executor?.close() ?? Promise.resolve();
  }
}
