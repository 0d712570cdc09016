/**
 * The BullMQ lane (issue 15) running no-op tasks with its worker in this process: a
 * `BullMQScheduler` and one `runWorker` on the same queue, side by side with raw BullMQ
 * (bench/bullmq.ts) doing the same jobs with the same Worker concurrency.
 */
import { Redis } from 'ioredis';
import * as root from '../dist/index.js';
import * as bullmqEntry from '../dist/bullmq/index.js';
import { deleteQueueKeys, freshQueueName, REDIS_URL, requireRedis } from './bullmq.js';

/** What the runner takes from a build of the package: this checkout's by default. */
export interface LaneBuild {
  readonly AsyncTask: typeof root.AsyncTask;
  readonly BullMQScheduler: typeof bullmqEntry.BullMQScheduler;
  readonly runWorker: typeof bullmqEntry.runWorker;
}

/** This checkout's build (`dist/`). */
export const LOCAL_BUILD: LaneBuild = {
  AsyncTask: root.AsyncTask,
  BullMQScheduler: bullmqEntry.BullMQScheduler,
  runWorker: bullmqEntry.runWorker,
};

/** A warm setup that runs batches of tasks, reusable across rounds. */
export interface ThroughputRunner {
  /** Submits `count` tasks at once and waits until every one is DONE; tasks per second. */
  run(count: number): Promise<number>;
  /** Stops everything it started and deletes its queue's keys from Redis. */
  close(): Promise<void>;
}

/** The worker's handler name for the no-op body. */
const NOOP_HANDLER = 'noop';

/**
 * A `BullMQScheduler` (default options: it keeps the newest 1,000 completed jobs in Redis) and
 * one in-process `runWorker` at `concurrency`, on a fresh queue; both from `build`.
 *
 * @remarks A run counts as done when `onIdle()` resolves, and fails unless every task of the
 * batch reached DONE on the scheduler side (counted on `transitions$`): the figure is the full
 * round trip a user of the lane waits for, submit to DONE seen here.
 * @throws ScenarioSkipped when Redis does not answer.
 */
export async function createLaneRunner(
  concurrency: number,
  build: LaneBuild = LOCAL_BUILD,
): Promise<ThroughputRunner> {
  const { AsyncTask, BullMQScheduler, runWorker } = build;
  await requireRedis();
  const noop = new AsyncTask<[], null>('noop', { handler: NOOP_HANDLER });
  const queue = freshQueueName('lane');
  const worker = await runWorker({
    connection: REDIS_URL,
    queue,
    concurrency,
    handlers: { [NOOP_HANDLER]: () => null },
  });
  const scheduler = new BullMQScheduler({ name: queue, connection: REDIS_URL, autoStart: true });
  let done = 0;
  scheduler.transitions$.subscribe(({ to }) => {
    if (to === 'DONE') done++;
  });
  return {
    async run(count) {
      const doneBefore = done;
      const startedAt = performance.now();
      for (let i = 0; i < count; i++) scheduler.submitTask(noop);
      await scheduler.onIdle();
      const elapsedMs = performance.now() - startedAt;
      if (done - doneBefore !== count) {
        throw new Error(
          `BullMQ lane: ${String(done - doneBefore)} of ${String(count)} tasks DONE at idle`,
        );
      }
      return (count / elapsedMs) * 1000;
    },
    async close() {
      await scheduler.stop();
      await worker.close();
      const redis = new Redis(REDIS_URL);
      try {
        await deleteQueueKeys(redis, queue);
      } finally {
        redis.disconnect();
      }
    },
  };
}
