/**
 * Retried tasks (issue 14): the throughput of tasks that fail a few times before they succeed,
 * retried at once, against the same tasks succeeding at the first attempt.
 */
import { AsyncScheduler, AsyncTask, type RetryPolicy, type TaskContext } from '../dist/index.js';
import { RETRY_ATTEMPTS } from './jobFeatures.js';

/** How many more times a task's body fails: one per task, counted down by the body. */
interface FailureBudget {
  failuresLeft: number;
}

/** Every failure retried at once: 0 ms backoff (jitter of 0 ms is 0 ms). */
const RETRY_AT_ONCE: RetryPolicy = { attempts: RETRY_ATTEMPTS, backoff: { delayMs: 0 } };

const flaky = new AsyncTask('flaky', ({ args: [budget] }: TaskContext<[FailureBudget]>) => {
  if (budget.failuresLeft > 0) {
    budget.failuresLeft--;
    throw new Error(`fails, ${String(budget.failuresLeft)} more to go`);
  }
  return undefined;
});

/**
 * Submits `count` tasks at once to a started scheduler, each failing `failures` times and then
 * succeeding, all with the same retry policy (`RETRY_AT_ONCE`), and waits for all. Tasks per
 * second, each task counted once however many attempts it took.
 *
 * @throws Error when the transitions seen are not the expected ones (4 per task, 2 more per
 * retry) or a task ended other than DONE.
 */
export async function retriedThroughput(
  count: number,
  concurrency: number,
  failures: number,
): Promise<number> {
  const scheduler = new AsyncScheduler({ concurrency }).start();
  let transitions = 0;
  let retries = 0;
  let done = 0;
  scheduler.transitions$.subscribe((transition) => {
    transitions++;
    if (transition.reason === 'retry') retries++;
    if (transition.to === 'DONE') done++;
  });
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    scheduler.submit(flaky, { args: [{ failuresLeft: failures }], retry: RETRY_AT_ONCE });
  }
  await scheduler.stop();
  const elapsedMs = performance.now() - startedAt;
  // NEW→SUBMITTED→SCHEDULED→STARTED→DONE, and STARTED→SCHEDULED→STARTED per retry.
  const expected = count * (4 + 2 * failures);
  if (transitions !== expected || retries !== count * failures || done !== count) {
    throw new Error(
      `${String(transitions)} transitions (expected ${String(expected)}), ${String(retries)} retries, ${String(done)} of ${String(count)} DONE`,
    );
  }
  return (count / elapsedMs) * 1000;
}
