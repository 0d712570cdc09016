/**
 * BullMQ 6 on the local Redis running the issue-14 jobs the scheduler runs in
 * bench/delayedTasks.ts and bench/retriedTasks.ts: the same seeded delays (`delay`), the same
 * failures retried at once (`attempts` with a fixed 0 ms `backoff`), one in-process Worker.
 */
import type { Job } from 'bullmq';
import { runJobs, withBullMQ } from './bullmq.js';
import {
  assertSubmittedWithinHeadroom,
  FAILURES_BEFORE_SUCCESS,
  RETRY_ATTEMPTS,
  seededDelaysMs,
  summarizeLateness,
  type Lateness,
} from './jobFeatures.js';

/**
 * `count` no-op jobs added at once with the seeded delays; each job's lateness is the moment a
 * worker took it (`processedOn`, stamped by BullMQ when it moves the job to active) minus its
 * due time (`timestamp + opts.delay`: `job.delay` is 0 once BullMQ has promoted it). Resolves
 * once all have completed.
 */
export async function bullmqDelayedLateness(count: number, concurrency: number): Promise<Lateness> {
  const samples: number[] = [];
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const processor = (job: Job): Promise<undefined> => {
    samples.push((job.processedOn ?? NaN) - (job.timestamp + (job.opts.delay ?? NaN)));
    if (samples.length === count) allDone();
    return Promise.resolve(undefined);
  };
  return withBullMQ(processor, concurrency, async ({ queue }) => {
    const delays = seededDelaysMs(count);
    const startedAt = performance.now();
    await queue.addBulk(
      delays.map((delay, i) => ({ name: 'delayed', data: { i }, opts: { delay } })),
    );
    assertSubmittedWithinHeadroom(startedAt, 'BullMQ');
    await done;
    if (samples.some(Number.isNaN)) {
      throw new Error('BullMQ: a job came without processedOn or opts.delay');
    }
    return summarizeLateness(samples);
  });
}

/** Redis's `used_memory`, bytes. */
async function redisUsedMemory(connection: {
  info(section: 'memory'): Promise<string>;
}): Promise<number> {
  const match = /^used_memory:(\d+)/m.exec(await connection.info('memory'));
  if (match?.[1] === undefined) throw new Error('Redis INFO memory has no used_memory');
  return Number(match[1]);
}

/**
 * Redis memory per delayed job: `used_memory` before and after adding `count` jobs with the
 * seeded delays (the Worker idle meanwhile: none is due before the headroom has passed).
 */
export async function bullmqRedisBytesPerDelayedJob(count: number): Promise<number> {
  const delays = seededDelaysMs(count);
  return withBullMQ(
    () => Promise.resolve(undefined),
    1,
    async ({ queue, connection }) => {
      const before = await redisUsedMemory(connection);
      const startedAt = performance.now();
      await queue.addBulk(
        delays.map((delay, i) => ({ name: 'delayed', data: { i }, opts: { delay } })),
      );
      const after = await redisUsedMemory(connection);
      assertSubmittedWithinHeadroom(startedAt, 'BullMQ');
      const delayed = await queue.getDelayedCount();
      if (delayed !== count)
        throw new Error(`BullMQ: ${String(delayed)} of ${String(count)} delayed`);
      return (after - before) / count;
    },
  );
}

/**
 * `count` jobs that fail `FAILURES_BEFORE_SUCCESS` times and then succeed, with
 * `attempts: RETRY_ATTEMPTS` and a fixed 0 ms backoff, added at once (after a warm-up of
 * `warmup` such jobs). Jobs per second, each job counted once.
 */
export async function bullmqRetriedThroughput(
  count: number,
  concurrency: number,
  warmup: number,
): Promise<number> {
  let failures = 0;
  const processor = (job: Job): Promise<undefined> => {
    if (job.attemptsMade < FAILURES_BEFORE_SUCCESS) {
      failures++;
      return Promise.reject(new Error(`attempt ${String(job.attemptsMade + 1)} fails`));
    }
    return Promise.resolve(undefined);
  };
  const options = { attempts: RETRY_ATTEMPTS, backoff: { type: 'fixed', delay: 0 } };
  return withBullMQ(processor, concurrency, async ({ queue, worker }) => {
    await runJobs(queue, worker, warmup, options);
    failures = 0;
    const jobsPerSecond = await runJobs(queue, worker, count, options);
    if (failures !== count * FAILURES_BEFORE_SUCCESS) {
      throw new Error(
        `BullMQ: ${String(failures)} failed attempts, expected ${String(count * FAILURES_BEFORE_SUCCESS)}`,
      );
    }
    return jobsPerSecond;
  });
}
