import type { RetryPolicy } from '../../../tasks/retryPolicy.js';
import type { RunOptions } from '../laneConfig.js';

/**
 * The retry policy a run retries with, from the one that applies to it (the submit's, else the
 * task's, else the scheduler's): undefined when it allows a single attempt, so a lane tells a
 * task that may retry from one that may not by this alone.
 */
export function effectiveRetry(policy: RetryPolicy | undefined): RetryPolicy | undefined {
  return policy === undefined || policy.attempts <= 1 ? undefined : policy;
}

/**
 * When a run may start, epoch ms: the submit's `runAt`, else its submit time plus the submit's
 * `delayMs` (or the task's); undefined when it may start at once.
 *
 * @param submittedAt - asked only when a delay applies (the submit path stays free of it).
 */
export function runAfterOf(
  run: RunOptions | undefined,
  taskDelayMs: number | undefined,
  submittedAt: () => number,
): number | undefined {
  const runAt = run?.runAt;
  if (runAt !== undefined) return runAt;
  const delayMs = run?.delayMs ?? taskDelayMs;
  return delayMs !== undefined && delayMs > 0 ? submittedAt() + delayMs : undefined;
}
