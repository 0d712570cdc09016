import type { JobPayload } from './jobPayload.js';

/** BullMQ's highest priority value (its lowest priority); 1 is its highest. */
const BULLMQ_MAX_PRIORITY = 2 ** 21;
/** The scheduler priority that maps to BullMQ's 1, its highest. */
export const MAX_BULLMQ_LANE_PRIORITY = 2 ** 20;
/** The scheduler priority that maps to BullMQ's 2^21, its lowest. */
export const MIN_BULLMQ_LANE_PRIORITY = MAX_BULLMQ_LANE_PRIORITY + 1 - BULLMQ_MAX_PRIORITY;

/** The name of the backoff strategy `runWorker` registers: the task's own backoff, computed. */
export const BACKOFF_TYPE = 'async-scheduler';

/**
 * Checks a priority a BullMQ lane can give BullMQ: a whole number from
 * {@link MIN_BULLMQ_LANE_PRIORITY} to {@link MAX_BULLMQ_LANE_PRIORITY} (BullMQ keeps 2^21 levels).
 *
 * @throws RangeError for one it cannot.
 */
export function assertBullMQPriority(priority: number, name: string): void {
  if (
    !Number.isInteger(priority) ||
    priority < MIN_BULLMQ_LANE_PRIORITY ||
    priority > MAX_BULLMQ_LANE_PRIORITY
  ) {
    throw new RangeError(
      `Expected \`${name}\` to be a whole number from ${MIN_BULLMQ_LANE_PRIORITY} to ${MAX_BULLMQ_LANE_PRIORITY} for a BullMQScheduler (BullMQ keeps 2^21 priority levels), got ${String(priority)}`,
    );
  }
}

/**
 * BullMQ's priority for a scheduler priority: higher starts first here, lower there (1 first).
 * Every job gets one, so that every task of the queue is ordered by the same rule (BullMQ
 * starts a job without a priority before any prioritized one).
 */
export function bullmqPriority(priority: number): number {
  return MAX_BULLMQ_LANE_PRIORITY + 1 - priority;
}

/** How long BullMQ keeps finished jobs (a count), so a scheduler that missed events can read them. */
export interface KeptJobs {
  readonly completed: number;
  readonly failed: number;
}

/** The options of the job that carries a task. */
export interface TaskJobOptions {
  readonly jobId: string;
  readonly priority: number;
  readonly delay?: number;
  readonly attempts: number;
  readonly backoff?: { readonly type: string; readonly delay: number };
  readonly removeOnComplete: { readonly count: number };
  readonly removeOnFail: { readonly count: number };
}

/**
 * The BullMQ options of a task's job: its id, priority, delay (from `runAfter`, against `now`)
 * and attempts; retries wait out the task's own backoff, which the worker computes.
 */
export function taskJobOptions(
  id: string,
  payload: JobPayload,
  runAfter: number | undefined,
  now: number,
  kept: KeptJobs,
): TaskJobOptions {
  const delay = runAfter === undefined ? 0 : Math.max(0, Math.ceil(runAfter - now));
  return {
    jobId: id,
    priority: bullmqPriority(payload.priority),
    ...(delay > 0 ? { delay } : {}),
    attempts: payload.attempts,
    ...(payload.attempts > 1 ? { backoff: { type: BACKOFF_TYPE, delay: 0 } } : {}),
    removeOnComplete: { count: kept.completed },
    removeOnFail: { count: kept.failed },
  };
}
