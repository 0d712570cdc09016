import type { ExecutionSink } from '../../../actors/executor.js';
import type { TaskSettler } from '../TaskSettler.js';
import type { LiveTask } from '../LiveTask.js';

/**
 * The sink of one attempt of a task that may be retried: it passes on what the attempt's
 * execution reports only while that attempt is the task's current one.
 *
 * @remarks A timed-out attempt is aborted and the task retried at once; a main-loop body that
 * ignores its signal may still settle later, while the next attempt runs. Without this, its
 * late result would end the next attempt. Tasks without a retry policy report to the lane's
 * sink directly (nothing to tell apart, and nothing to allocate).
 */
export class AttemptSink implements ExecutionSink<LiveTask> {
  readonly #sink: TaskSettler;
  readonly #attempt: number;

  /**
   * @param sink - the lane's sink.
   * @param attempt - the attempt this execution runs.
   */
  constructor(sink: TaskSettler, attempt: number) {
    this.#sink = sink;
    this.#attempt = attempt;
  }

  get blockedThresholdMs(): number {
    return this.#sink.blockedThresholdMs;
  }

  succeed(job: LiveTask, value: unknown): void {
    if (job.attempt === this.#attempt) this.#sink.succeed(job, value);
  }

  fail(job: LiveTask, error: unknown): void {
    if (job.attempt === this.#attempt) this.#sink.fail(job, error);
  }

  blocked(job: LiveTask, blockedMs: number): void {
    this.#sink.blocked(job, blockedMs);
  }
}
