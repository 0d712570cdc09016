/**
 * How long a task waits in SCHEDULED before its next attempt.
 *
 * @remarks `fixed` waits `delayMs` every time; `exponential` waits `delayMs * 2^(n-1)` before
 * attempt `n + 1`, capped at `maxDelayMs`. With `jitter` (the default) the wait is drawn at
 * random from 0 to that value ("full jitter"), so tasks that failed together do not all come
 * back at once.
 */
export interface RetryBackoff {
  /** @default 'fixed' */
  readonly type?: 'fixed' | 'exponential';
  /** The base wait, ms: a finite number >= 0. */
  readonly delayMs: number;
  /** The longest wait, ms (exponential backoff grows up to it). @default Infinity */
  readonly maxDelayMs?: number;
  /** Draw the wait at random from 0 to the computed value. @default true */
  readonly jitter?: boolean;
}

/**
 * When and how a failed or timed-out attempt is tried again: on a task (`TaskOptions.retry`),
 * on one submit (`SubmitOptions.retry`, which replaces the task's), or on a scheduler (the
 * default for its tasks).
 *
 * @remarks An attempt that fails (the body threw or rejected) or times out, with attempts left
 * and `retryOn` agreeing, takes the edge STARTED → SCHEDULED (the transition's `reason` is
 * `'retry'`, and `onRetry` is called), waits out its backoff there, and runs again. Only the
 * last attempt ends FAILED or TIMED_OUT. A cancel is never retried, and cancels a task waiting
 * out its backoff. A body that throws an `UnrecoverableError` fails at once.
 * @example
 * ```ts
 * import { AsyncScheduler, AsyncTask } from 'async-scheduler';
 *
 * const flaky = new AsyncTask('flaky', async () => {
 *   if (Math.random() < 0.5) throw new Error('try again');
 *   return 'ok';
 * });
 * const scheduler = new AsyncScheduler({ autoStart: true });
 * const handle = scheduler.submit(flaky, {
 *   retry: { attempts: 5, backoff: { type: 'exponential', delayMs: 10, maxDelayMs: 200 } },
 * });
 * await handle.wait();
 * console.log(handle.info().attempt); // 1 to 5
 * await scheduler.stop();
 * ```
 */
export interface RetryPolicy {
  /** Attempts in all, the first included: an integer >= 1. 1 means no retry. */
  readonly attempts: number;
  /** The wait before each retry. Absent: none (the task is ready again at once). */
  readonly backoff?: RetryBackoff;
  /**
   * Whether the error of attempt `attempt` (1-based) is worth another one; absent: every error
   * is. A TIMED_OUT attempt's error is its `TaskTimeoutError`.
   *
   * @remarks A function cannot cross to a `SchedulerThread`'s thread: there a retry policy
   * with `retryOn` is refused with a TypeError.
   */
  readonly retryOn?: (error: unknown, attempt: number) => boolean;
}
