import type { RetryPolicy } from '../../../tasks/retryPolicy.js';
import type { RunOptions, TaskDefinition } from '../../lane/laneConfig.js';
import { effectiveRetry, runAfterOf } from '../../lane/policy/runPolicy.js';
import type { ThreadRunPolicy } from './ThreadTask.js';

/**
 * Refuses a retry policy with `retryOn` for a SchedulerThread: its tasks' attempts end on the
 * lane thread, and a function cannot cross to it.
 *
 * @param where - where the policy was given, for the message.
 * @throws TypeError when the policy has `retryOn`.
 */
export function assertCrossableRetry(policy: RetryPolicy | undefined, where: string): void {
  if (policy?.retryOn !== undefined) {
    throw new TypeError(
      `${where}: a SchedulerThread cannot use \`retry.retryOn\` (a function cannot cross to its lane thread); use UnrecoverableError in the body to fail at once, or an AsyncScheduler`,
    );
  }
}

/**
 * A SchedulerThread run's delay and retry policy, resolved on the main side at submit: the
 * submit's own, else the task's, else the scheduler's retry; the delay as an absolute time
 * (`runAfter`) on the main side's clock, so a thread that reads the message late, or a
 * restarted one, keeps the same due time.
 *
 * @throws TypeError when the retry policy that applies has `retryOn`.
 */
export function threadRunPolicy(
  task: TaskDefinition,
  run: RunOptions | undefined,
  schedulerRetry: RetryPolicy | undefined,
  submittedAt: number,
): ThreadRunPolicy {
  const policy = run?.retry ?? task.options.retry ?? schedulerRetry;
  assertCrossableRetry(policy, `Task "${task.name}"`);
  return {
    runAfter: runAfterOf(run, task.options.delayMs, () => submittedAt),
    retry: effectiveRetry(policy),
  };
}
