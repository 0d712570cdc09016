/**
 * Submit → start latency on an idle queue (issue 15): tasks submitted one at a time, each
 * waited for, on the BullMQ lane and on raw BullMQ, the worker in this process in both, so that
 * the submit and the body's first line are read from one clock (`performance.now()`). The two
 * take turns sample by sample, so that both see the same moments of a shared host.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteQueueKeys, freshQueueName, REDIS_URL, requireRedis } from './bullmq.js';
import { LOCAL_BUILD, type LaneBuild } from './bullmqLaneThroughput.js';
import { quantile } from './coldImport.js';

/**
 * The pause after each sample before the next submit: the worker is back in its blocking wait
 * for a job (the queue idle), not still finishing the last one.
 */
const IDLE_GAP_MS = 5;

/** Latency quantiles, ms. */
export interface StartLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** One submit, waited for: ms from the submit to the body's first line (and to STARTED seen). */
interface Sample {
  readonly toBodyMs: number;
  /** The lane only: to the STARTED transition seen on the scheduler's `transitions$`. */
  readonly toSeenMs?: number;
}

/** Takes samples one at a time on an idle queue; `close` deletes the queue's keys. */
interface Probe {
  sample(): Promise<Sample>;
  close(): Promise<void>;
}

function summarize(samples: readonly number[]): StartLatency {
  if (samples.some((sample) => !Number.isFinite(sample))) {
    throw new Error('a sample has no start time: its body never ran');
  }
  return {
    p50Ms: quantile(samples, 0.5),
    p99Ms: quantile(samples, 0.99),
    maxMs: quantile(samples, 1),
  };
}

async function deleteKeys(queue: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await deleteQueueKeys(redis, queue);
  } finally {
    redis.disconnect();
  }
}

const PROBE_HANDLER = 'probe';

/**
 * The lane of `build`: a `BullMQScheduler` and an in-process `runWorker`. A sample submits one
 * task with `submitTask` and waits until it is DONE on the scheduler side.
 */
async function createLaneProbe(concurrency: number, build: LaneBuild): Promise<Probe> {
  const { AsyncTask, BullMQScheduler, runWorker } = build;
  const queue = freshQueueName('lane-latency');
  let bodyStartedAt = NaN;
  const worker = await runWorker({
    connection: REDIS_URL,
    queue,
    concurrency,
    handlers: {
      [PROBE_HANDLER]: () => {
        bodyStartedAt = performance.now();
        return null;
      },
    },
  });
  const scheduler = new BullMQScheduler({ name: queue, connection: REDIS_URL, autoStart: true });
  const probe = new AsyncTask<[], null>('probe', { handler: PROBE_HANDLER });
  let seenStartedAt = NaN;
  scheduler.transitions$.subscribe(({ to }) => {
    if (to === 'STARTED') seenStartedAt = performance.now();
  });
  return {
    async sample() {
      bodyStartedAt = NaN;
      seenStartedAt = NaN;
      const submittedAt = performance.now();
      const info = await scheduler.waitTask(scheduler.submitTask(probe));
      if (info.state !== 'DONE') throw new Error(`BullMQ lane: a probe ended ${info.state}`);
      return { toBodyMs: bodyStartedAt - submittedAt, toSeenMs: seenStartedAt - submittedAt };
    },
    async close() {
      await scheduler.stop();
      await worker.close();
      await deleteKeys(queue);
    },
  };
}

/**
 * Raw BullMQ: a Queue and a Worker in this process. A sample adds one job with `queue.add` and
 * waits for the Worker's 'completed' event.
 */
async function createRawProbe(concurrency: number): Promise<Probe> {
  const queue = freshQueueName('raw-latency');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const jobs = new Queue(queue, {
    connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  let processorStartedAt = NaN;
  const worker = new Worker(
    queue,
    () => {
      processorStartedAt = performance.now();
      return Promise.resolve(null);
    },
    { connection, concurrency },
  );
  await worker.waitUntilReady();
  return {
    async sample() {
      processorStartedAt = NaN;
      const completed = new Promise<void>((resolve) => {
        worker.once('completed', () => {
          resolve();
        });
      });
      const addedAt = performance.now();
      await jobs.add('probe', null);
      await completed;
      return { toBodyMs: processorStartedAt - addedAt };
    },
    async close() {
      await worker.close();
      await jobs.close();
      connection.disconnect();
      await deleteKeys(queue);
    },
  };
}

/** Both peers' submit → start latency, measured in turns. */
export interface StartLatencies {
  readonly lane: StartLatency;
  /** Submit → STARTED seen on the lane's `transitions$`. */
  readonly laneSeen: StartLatency;
  readonly raw: StartLatency;
}

/**
 * `warmup` then `samples` submits on each peer, taking turns sample by sample (which goes first
 * alternating), each sample `IDLE_GAP_MS` after the last one ended.
 *
 * @throws ScenarioSkipped when Redis does not answer.
 */
export async function startLatencies(
  samples: number,
  warmup: number,
  concurrency: number,
  build: LaneBuild = LOCAL_BUILD,
): Promise<StartLatencies> {
  await requireRedis();
  const lane = await createLaneProbe(concurrency, build);
  const raw = await createRawProbe(concurrency);
  const toBody: number[] = [];
  const toSeen: number[] = [];
  const toProcessor: number[] = [];
  try {
    for (let i = 0; i < warmup + samples; i++) {
      const sampleLane = async (): Promise<void> => {
        const { toBodyMs, toSeenMs = NaN } = await lane.sample();
        if (i < warmup) return;
        toBody.push(toBodyMs);
        toSeen.push(toSeenMs);
      };
      const sampleRaw = async (): Promise<void> => {
        const { toBodyMs } = await raw.sample();
        if (i >= warmup) toProcessor.push(toBodyMs);
      };
      for (const take of i % 2 === 0 ? [sampleLane, sampleRaw] : [sampleRaw, sampleLane]) {
        await take();
        await sleep(IDLE_GAP_MS);
      }
    }
  } finally {
    await Promise.all([lane.close(), raw.close()]);
  }
  return { lane: summarize(toBody), laneSeen: summarize(toSeen), raw: summarize(toProcessor) };
}
