/**
 * BullMQ 6 on the local Redis: the peer for the planned distributed lane (docs/contract.md). The same
 * no-op jobs as scheduler-10k, added in bulk, run by one in-process Worker at concurrency 64:
 * what a job costs when its queue and every state change live in Redis.
 */
import { Queue, Worker, type JobsOptions, type Processor } from 'bullmq';
import { Redis } from 'ioredis';
import { ScenarioSkipped } from './measure.js';

/** Where Redis is: `REDIS_URL`, or the local default. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Resolves once Redis answers PING.
 *
 * @throws Error naming the URL and how to start Redis, when it does not answer within 2 s.
 */
export async function assertRedisUp(): Promise<void> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis reports the cause on 'error' (and logs it when nobody listens); the rejection
  // itself only says the connection closed.
  let cause: unknown;
  probe.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (rejection) {
    const error = cause ?? rejection;
    throw new Error(
      `The BullMQ scenario needs Redis at ${REDIS_URL} (set REDIS_URL, or start one: redis-server --daemonize yes --port 6379 --save ""): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    probe.disconnect();
  }
}

/**
 * Resolves once Redis answers PING; the scenario is skipped otherwise.
 *
 * @throws ScenarioSkipped with {@link assertRedisUp}'s message when Redis does not answer.
 */
export async function requireRedis(): Promise<void> {
  try {
    await assertRedisUp();
  } catch (error) {
    throw new ScenarioSkipped((error as Error).message, { cause: error });
  }
}

/** BullMQ's key prefix, the default of BullMQ and of the BullMQ lane. */
export const BULLMQ_PREFIX = 'bull';

/** Distinguishes the queues one process makes. */
let queuesMade = 0;

/**
 * A queue name no other run uses (the Redis is shared: by other runs, by tests), so that a run
 * sees only its own jobs and events and can delete its own keys afterwards.
 */
export function freshQueueName(purpose: string): string {
  queuesMade++;
  return `async-scheduler-bench-${purpose}-${String(process.pid)}-${String(Date.now())}-${String(queuesMade)}`;
}

/** Keys deleted per DEL. */
const DELETE_BATCH = 500;

/**
 * Deletes every key of `queue` (`<prefix>:<queue>:*`) with SCAN and DEL: the queue's jobs,
 * lists, event stream and meta, and nothing of any other queue. Returns how many it deleted.
 */
export async function deleteQueueKeys(
  redis: Redis,
  queue: string,
  prefix = BULLMQ_PREFIX,
): Promise<number> {
  // SCAN's MATCH is a glob: escape what a name could hold that a glob reads.
  const pattern = `${`${prefix}:${queue}:`.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', DELETE_BATCH);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * Adds `count` jobs at once, each with `options` (`delay`, `attempts`, …), and waits until the
 * Worker has completed all. Jobs per second.
 */
export async function runJobs(
  queue: Queue,
  worker: Worker,
  count: number,
  options: JobsOptions = {},
): Promise<number> {
  return runBulk(queue, worker, count, () =>
    Array.from({ length: count }, (_, i) => ({ name: 'noop', data: { i }, opts: options })),
  );
}

/** What `queue.addBulk` takes. */
export type BulkJobs = Parameters<Queue['addBulk']>[0];

/**
 * Adds the `count` jobs `makeJobs` makes (on the clock: making them is part of submitting) at
 * once, and waits until the Worker has completed all. Jobs per second.
 */
export async function runBulk(
  queue: Queue,
  worker: Worker,
  count: number,
  makeJobs: () => BulkJobs,
): Promise<number> {
  let completed = 0;
  const allCompleted = new Promise<void>((resolve) => {
    const onCompleted = (): void => {
      if (++completed < count) return;
      worker.off('completed', onCompleted);
      resolve();
    };
    worker.on('completed', onCompleted);
  });
  const startedAt = performance.now();
  await queue.addBulk(makeJobs());
  await allCompleted;
  return (count / (performance.now() - startedAt)) * 1000;
}

/** Redis's own CPU time so far (user + system, for every client's commands), ms. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/** A fresh BullMQ queue, its Worker, and the queue's own Redis connection (for probes). */
export interface BullMQBench {
  readonly queue: Queue;
  readonly worker: Worker;
  readonly connection: Redis;
}

/**
 * Runs `measure` with a fresh queue and one Worker of the given concurrency in this process,
 * running `processor`; then closes both and removes the queue from Redis.
 *
 * @throws ScenarioSkipped when Redis does not answer (see {@link requireRedis}).
 */
export async function withBullMQ<TResult>(
  processor: Processor,
  concurrency: number,
  measure: (bench: BullMQBench) => Promise<TResult>,
): Promise<TResult> {
  await requireRedis();
  // One connection for the queue; the Worker makes its own blocking one from it.
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const name = `async-scheduler-bench-${process.pid}`;
  const defaultJobOptions = { removeOnComplete: true, removeOnFail: true };
  const queue = new Queue(name, { connection, defaultJobOptions });
  const worker = new Worker(name, processor, { connection, concurrency });
  try {
    await worker.waitUntilReady();
    return await measure({ queue, worker, connection });
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
}

/**
 * `count` no-op jobs through a fresh BullMQ queue (after a warm-up of `warmup` jobs), with one
 * Worker of the given concurrency in this process. The queue is removed afterwards.
 */
export async function bullmqThroughput(
  count: number,
  concurrency: number,
  warmup: number,
): Promise<number> {
  return withBullMQ(
    () => Promise.resolve(undefined),
    concurrency,
    async ({ queue, worker }) => {
      await runJobs(queue, worker, warmup);
      return runJobs(queue, worker, count);
    },
  );
}
