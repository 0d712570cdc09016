import type { TaskLedger } from '../../ledger/TaskLedger.js';
import type { ToLaneThreadMessage } from './laneThreadMessages.js';
import type { ThreadTask } from './ThreadTask.js';

/** What a {@link ThreadFlowControl} works with. */
export interface ThreadFlowControlOptions {
  /** The concurrency the lane thread is built with (its `workerData`). */
  readonly initialConcurrency: number;
  readonly ledger: TaskLedger<ThreadTask>;
  /** Posts to the current lane thread; none between threads (the message is dropped). */
  readonly post: (message: ToLaneThreadMessage) => void;
}

/**
 * A SchedulerThread's flow control on the main side: pause, run-time concurrency and
 * `setPriority`, forwarded to the lane thread, and re-applied to every new one.
 *
 * @remarks The main side keeps what was asked (so `isPaused` and `concurrency` answer at once),
 * and a replacement thread is told before it is given any task: none starts under the settings
 * it was built with. `setPriority` answers from the main side's record of the task.
 */
export class ThreadFlowControl {
  readonly #options: ThreadFlowControlOptions;
  #paused = false;
  #concurrency: number;
  /** Set by a stop: a drain is never held back, so a pause no longer applies. */
  #stopping = false;

  constructor(options: ThreadFlowControlOptions) {
    this.#options = options;
    this.#concurrency = options.initialConcurrency;
  }

  /** Most AsyncTasks STARTED at once in the thread, as last set. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Sets the thread's concurrency (validated by the facade); a new thread gets it too. */
  setConcurrency(concurrency: number): void {
    this.#concurrency = concurrency;
    this.#options.post({ type: 'concurrency', concurrency });
  }

  /** True between `pause()` and `resume()`; a stop resumes. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** Pauses the thread's lane (and any replacement's); nothing once a stop was asked for. */
  pause(): void {
    if (this.#paused || this.#stopping) return;
    this.#paused = true;
    this.#options.post({ type: 'pause', paused: true });
  }

  /** Resumes the thread's lane. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#options.post({ type: 'pause', paused: false });
  }

  /**
   * A stop was asked for: the lane is resumed for good (the thread's lane resumes itself on the
   * stop message; a drain must run what is queued).
   */
  stopping(): void {
    this.#stopping = true;
    this.#paused = false;
  }

  /**
   * Answers from the main side's record, which the task's STARTED has not reached yet: true for
   * a task still SUBMITTED or SCHEDULED here, whose record (its TaskInfo, and what a restarted
   * thread is given) takes the new priority; the thread is told.
   *
   * @remarks A race: a task the thread started before the message reached it keeps running
   * (its info shows the new priority all the same).
   */
  setPriority(id: string, priority: number): boolean {
    const record = this.#options.ledger.waiting(id);
    if (record === undefined) return false;
    record.priority = priority;
    this.#options.post({ type: 'setPriority', id, priority });
    return true;
  }

  /** Tells a new thread what differs from what it was built with: before it gets any task. */
  applyToNewThread(): void {
    const { initialConcurrency, post } = this.#options;
    if (this.#concurrency !== initialConcurrency)
      post({ type: 'concurrency', concurrency: this.#concurrency });
    if (this.#paused) post({ type: 'pause', paused: true });
  }
}
