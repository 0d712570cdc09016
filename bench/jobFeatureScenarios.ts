/**
 * The scenarios of issue 14 (delays and retries), with BullMQ running the same jobs on the local
 * Redis. Merged into bench/scenarios.ts; their goals are checked in bench/run.ts.
 */
import { delayedLateness, heapPerWaitingTask } from './delayedTasks.js';
import { FAILURES_BEFORE_SUCCESS, type Lateness } from './jobFeatures.js';
import { alternatedRatio, best, CONCURRENCY, WARMUP_TASKS, type Scenario } from './measure.js';
import { retriedThroughput } from './retriedTasks.js';

/** Tasks in the heap scenarios and the lateness goal. */
const DELAYED_TASKS = 100_000;
/** Jobs in the side-by-side runs with BullMQ (about what it completes in a second here). */
const PEER_JOBS = 10_000;
/** Tasks per run in the retry scenarios. */
const RETRIED_TASKS = 10_000;

/** A lateness scenario's figure: the p99, with the median and the worst beside it. */
function latenessFigure(lateness: Lateness): {
  value: number;
  unit: string;
  detail: string;
} {
  return {
    value: lateness.p99Ms,
    unit: 'ms',
    detail: `p99; p50 ${lateness.p50Ms.toFixed(2)} ms, max ${lateness.maxMs.toFixed(1)} ms${
      lateness.coreShare === undefined
        ? ''
        : `; the process had ${lateness.coreShare.toFixed(2)} of a core meanwhile`
    }`,
  };
}

/**
 * Error stacks as a user's process makes them: the scenarios run under tsx, which turns Node's
 * source-map support on, and then every `error.stack` the scheduler (or BullMQ) reads from a
 * failed attempt is mapped back through the source maps — a quarter of the retry scenarios'
 * time in a profile, and no part of running the built package with plain `node`.
 */
function plainErrorStacks(): void {
  process.setSourceMapsEnabled(false);
}

/** BullMQ and ioredis are loaded by the BullMQ scenarios only (they add ~7 MiB to a heap). */
const bullmq = (): Promise<typeof import('./bullmqJobFeatures.js')> =>
  import('./bullmqJobFeatures.js');

/** Each scenario by name, as in bench/scenarios.ts. */
export const jobFeatureScenarios: Record<string, Scenario> = {
  'heap-per-delayed-task': async () => ({
    value: await heapPerWaitingTask(DELAYED_TASKS, CONCURRENCY, 'delayed'),
    unit: 'bytes',
  }),
  'heap-per-queued-task-saturated': async () => ({
    value: await heapPerWaitingTask(DELAYED_TASKS, CONCURRENCY, 'queued'),
    unit: 'bytes',
  }),
  'delayed-100k-lateness-p99': async () =>
    latenessFigure(await delayedLateness(DELAYED_TASKS, CONCURRENCY, WARMUP_TASKS)),
  'delayed-10k-lateness-p99': async () =>
    latenessFigure(await delayedLateness(PEER_JOBS, CONCURRENCY, WARMUP_TASKS)),
  'bullmq-delayed-10k-lateness-p99': async () =>
    latenessFigure(await (await bullmq()).bullmqDelayedLateness(PEER_JOBS, CONCURRENCY)),
  'bullmq-redis-bytes-per-delayed-job': async () => ({
    value: await (await bullmq()).bullmqRedisBytesPerDelayedJob(PEER_JOBS),
    unit: 'bytes',
  }),
  'retried-10k': async () => {
    plainErrorStacks();
    await retriedThroughput(WARMUP_TASKS, CONCURRENCY, FAILURES_BEFORE_SUCCESS);
    return {
      value: await best(3, () =>
        retriedThroughput(RETRIED_TASKS, CONCURRENCY, FAILURES_BEFORE_SUCCESS),
      ),
      unit: 'tasks/s',
    };
  },
  'retried-over-succeeding-alternated': async () => {
    plainErrorStacks();
    await retriedThroughput(WARMUP_TASKS, CONCURRENCY, FAILURES_BEFORE_SUCCESS);
    await retriedThroughput(WARMUP_TASKS, CONCURRENCY, 0);
    const ratio = await alternatedRatio(
      8,
      () => retriedThroughput(RETRIED_TASKS, CONCURRENCY, FAILURES_BEFORE_SUCCESS),
      () => retriedThroughput(RETRIED_TASKS, CONCURRENCY, 0),
    );
    return { value: ratio, unit: 'x' };
  },
  'bullmq-retried-10k': async () => {
    plainErrorStacks();
    return {
      value: await (
        await bullmq()
      ).bullmqRetriedThroughput(PEER_JOBS, CONCURRENCY, WARMUP_TASKS / 5),
      unit: 'jobs/s',
    };
  },
};
