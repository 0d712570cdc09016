import type { RetryBackoff } from '../../../tasks/retryPolicy.js';

/**
 * How long a task waits before the attempt after attempt `failed` (1-based), ms.
 *
 * @remarks `fixed`: `delayMs`; `exponential`: `delayMs * 2^(failed - 1)`; both capped at
 * `maxDelayMs`. With `jitter` (the default) the wait is drawn from 0 to that value ("full
 * jitter"), so tasks that failed together spread out instead of coming back at once.
 * @param random - a number in [0, 1): `Math.random()` unless a test gives its own.
 */
export function backoffDelay(
  backoff: RetryBackoff | undefined,
  failed: number,
  random: () => number = Math.random,
): number {
  if (backoff === undefined) return 0;
  const { type = 'fixed', delayMs, maxDelayMs = Infinity, jitter = true } = backoff;
  const base = type === 'exponential' ? delayMs * 2 ** (failed - 1) : delayMs;
  const capped = Math.min(base, maxDelayMs);
  return jitter ? random() * capped : capped;
}
