import { TestRunner, onTestFinished } from 'vitest';
import {
  BullMQScheduler,
  runWorker,
  type BullMQSchedulerOptions,
  type QueueWorker,
  type RunWorkerOptions,
} from '../../../src/bullmq/index.js';
import {
  isFinished,
  type TaskInfo,
  type TaskState,
  type TaskTransition,
} from '../../../src/index.js';
import { startScript, type RunningScript } from '../../support/runningScript.js';
import {
  deleteQueueKeys,
  requireRedisUrl,
  startPrivateRedis,
  uniqueQueueName,
  type PrivateRedis,
} from '../../support/redis.js';

export {
  describeWithRedis,
  describeWithRedisServer,
  requireRedisUrl,
  uniqueQueueName,
} from '../../support/redis.js';

/** Scheduler options a test may give: everything but where the queue is. */
export type TestSchedulerOptions = Partial<Omit<BullMQSchedulerOptions, 'connection' | 'queue'>>;
/** Worker options a test may give: everything but where the queue is. */
export type TestWorkerOptions = Partial<Omit<RunWorkerOptions, 'connection' | 'queue'>>;

/** A queue of one test's own, with the schedulers and workers the test made on it. */
export interface QueueUnderTest {
  /** The Redis the queue is in. */
  readonly url: string;
  /** The queue's name (unique to the test). */
  readonly queue: string;
  /**
   * A scheduler on the queue, started (unless `autoStart: false`), stopped with `cancel` after
   * the test. Its name is the queue's unless given.
   */
  scheduler(options?: TestSchedulerOptions): BullMQScheduler;
  /** A worker on the queue (one executor thread unless given), closed after the test. */
  worker(options?: TestWorkerOptions): Promise<QueueWorker>;
}

/** Executor threads a test worker gets unless it asks for more: the host has two cores, shared. */
const TEST_WORKER_THREADS = 1;

/**
 * A fresh queue for the running test: after the test (passed or failed) its schedulers are
 * stopped (canceling what is left, while the workers still run to hear it), then its workers
 * are closed, then every key of the queue is deleted.
 *
 * @param prefix - a readable start of the queue's name.
 * @param url - the Redis to use (a private one: start it before calling this, so that it is
 * stopped after this queue's cleanup). @default the run's shared Redis
 */
export function queueUnderTest(prefix: string, url: string = requireRedisUrl()): QueueUnderTest {
  const queue = uniqueQueueName(prefix);
  const schedulers: BullMQScheduler[] = [];
  const workers: QueueWorker[] = [];
  if (TestRunner.getCurrentTest() === undefined) {
    throw new Error('queueUnderTest() is for use inside a test: it cleans up when the test ends');
  }
  onTestFinished(async () => {
    await Promise.allSettled(schedulers.map((s) => s.stop({ cancel: true })));
    await Promise.allSettled(workers.map((w) => w.close({ force: true })));
    // A test's private Redis goes with its data; the shared one is cleaned.
    if (url === requireRedisUrl()) await deleteQueueKeys(queue, { url });
  });
  return {
    url,
    queue,
    scheduler(options = {}) {
      const scheduler = new BullMQScheduler({
        name: queue,
        autoStart: true,
        ...options,
        connection: url,
        queue,
      });
      schedulers.push(scheduler);
      return scheduler;
    },
    async worker(options = {}) {
      const worker = await runWorker({
        threads: TEST_WORKER_THREADS,
        ...options,
        connection: url,
        queue,
      });
      workers.push(worker);
      return worker;
    },
  };
}

/** Every transition a scheduler reports, kept in order, and read per task. */
export interface TransitionLog {
  readonly all: readonly TaskTransition[];
  /** The task's edges in order, as `FROM→TO`. */
  steps(id: string): string[];
}

/** Starts keeping `scheduler.transitions$` (subscribe before submitting). */
export function logTransitions(scheduler: {
  readonly transitions$: BullMQScheduler['transitions$'];
}): TransitionLog {
  const all: TaskTransition[] = [];
  scheduler.transitions$.subscribe((transition) => all.push(transition));
  return {
    all,
    steps: (id) => all.filter((t) => t.id === id).map((t) => `${t.from}→${t.to}`),
  };
}

/** The stamp each final state sets. */
const FINAL_STAMP = {
  DONE: 'done',
  FAILED: 'error',
  TIMED_OUT: 'timeout',
  CANCELED: 'cancel',
} as const;

/**
 * The task's stamps in lifecycle order: submit ≤ schedule ≤ start ≤ its final stamp (those it
 * has), and exactly one final stamp, the one of its state.
 *
 * @returns a list of what is wrong (empty: nothing).
 */
export function stampProblems(info: TaskInfo): string[] {
  if (!isFinished(info.state)) return [`${info.id} is not final: ${info.state}`];
  const finalKey = FINAL_STAMP[info.state];
  const problems: string[] = [];
  const finals = Object.values(FINAL_STAMP).filter((key) => info.ts[key] !== undefined);
  if (finals.length !== 1 || finals[0] !== finalKey) {
    problems.push(`${info.id} (${info.state}) has final stamps ${finals.join(', ') || 'none'}`);
  }
  if (info.ts.submit === undefined) problems.push(`${info.id} has no ts.submit`);
  const ordered: [string, number][] = [];
  for (const key of ['submit', 'schedule', 'start', finalKey] as const) {
    const at = info.ts[key];
    if (at !== undefined) ordered.push([key, at]);
  }
  ordered.forEach(([key, at], i) => {
    const [before, earlier] = ordered[i - 1] ?? [key, at];
    if (at < earlier) problems.push(`${info.id}: ts.${key} ${at} < ts.${before} ${earlier}`);
  });
  return problems;
}

/** The edges of a task that is DONE at its first attempt, in order. */
export const DONE_FIRST_TIME = [
  'NEW→SUBMITTED',
  'SUBMITTED→SCHEDULED',
  'SCHEDULED→STARTED',
  'STARTED→DONE',
] as const;

/** The worker process fixture: `runWorker` with handlers `untilAborted` and `forever`. */
const QUEUE_WORKER_SCRIPT = new URL('../../fixtures/bullmq/queueWorker.ts', import.meta.url);

/**
 * Starts a worker in a process of its own on `lane`'s queue and resolves once it takes jobs;
 * SIGKILLed after the test if it is still running.
 *
 * @param options - runWorker options for it (JSON: concurrency, lockDurationMs, …).
 */
export async function startWorkerProcess(
  lane: Pick<QueueUnderTest, 'url' | 'queue'>,
  options: Readonly<Record<string, unknown>> = {},
): Promise<RunningScript> {
  const child = startScript(QUEUE_WORKER_SCRIPT, [lane.url, lane.queue, JSON.stringify(options)]);
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  await child.waitForOutput(/^ready$/m);
  return child;
}

/**
 * Resolves once task `id` of `scheduler` is in `state` (at once if it is already), with its
 * info then; rejects if the task ends in another final state first.
 */
export function untilState(
  scheduler: Pick<BullMQScheduler, 'transitions$' | 'taskInfo'>,
  id: string,
  state: TaskState,
): Promise<TaskInfo> {
  return new Promise((resolve, reject) => {
    const check = (info: TaskInfo): boolean => {
      if (info.state === state) {
        resolve(info);
        return true;
      }
      if (isFinished(info.state)) {
        reject(new Error(`task ${id} ended ${info.state} before it was ${state}`));
        return true;
      }
      return false;
    };
    const subscription = scheduler.transitions$.subscribe((transition) => {
      if (transition.id === id && check(transition.info)) subscription.unsubscribe();
    });
    if (check(scheduler.taskInfo(id))) subscription.unsubscribe();
  });
}

/**
 * A redis-server of the running test's own (stopped when the test finishes), for tests that
 * restart Redis: call it first in the test, before {@link queueUnderTest}, so the queue's
 * cleanup runs while it is still up. Use inside `describeWithRedisServer`.
 *
 * @throws Error when redis-server is not on PATH.
 */
export async function privateRedisForTest(
  options: { persist?: boolean } = {},
): Promise<PrivateRedis> {
  const redis = await startPrivateRedis(options);
  if (redis === undefined) throw new Error('This test needs redis-server on PATH');
  return redis;
}
