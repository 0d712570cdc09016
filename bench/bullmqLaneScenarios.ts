/**
 * The scenarios of issue 15 (the BullMQ lane), each beside raw BullMQ doing the same jobs on the
 * same Redis, in the same process where it can be. Merged into bench/scenarios.ts; their goals
 * are checked in bench/run.ts. BullMQ and ioredis are loaded by these scenarios only (they add
 * ~7 MiB to a heap).
 */
import type { Redis } from 'ioredis';
import type { ScaleOutRound } from './bullmqWorkerProcesses.js';
import type { StartLatency } from './bullmqLatency.js';
import { quantile } from './coldImport.js';
import {
  alternatedRatio,
  CONCURRENCY,
  processCpuMs,
  type Figure,
  type Scenario,
} from './measure.js';

/** Tasks per measured throughput run, as in bullmq-10k. */
const THROUGHPUT_TASKS = 10_000;
/** Unmeasured tasks first, as in bullmq-10k (JIT, connections, Lua scripts loaded). */
const THROUGHPUT_WARMUP = 1_000;
/** Rounds of the alternated lane / raw ratio (about 13 s a round on this host). */
const THROUGHPUT_ROUNDS = 3;
/** Rounds of the alternated lane-shaped / plain raw BullMQ ratio (about 8 s a round). */
const JOB_SHAPE_ROUNDS = 5;
/** Submit → start samples on each peer, one task at a time. */
const LATENCY_SAMPLES = 500;
/** Unmeasured samples first. */
const LATENCY_WARMUP = 50;
/** Milliseconds of CPU work per measured scale-out batch: about 2 s of one worker's work. */
const SCALE_OUT_WORK_MS = 1_500;
/** Unmeasured CPU tasks per round, once its worker processes are up. */
const SCALE_OUT_WARMUP = 200;
/** Rounds of the alternated two / one process ratio. */
const SCALE_OUT_ROUNDS = 3;

const bullmq = (): Promise<typeof import('./bullmq.js')> => import('./bullmq.js');
const lane = (): Promise<typeof import('./bullmqLaneThroughput.js')> =>
  import('./bullmqLaneThroughput.js');
const jobShape = (): Promise<typeof import('./bullmqJobShape.js')> => import('./bullmqJobShape.js');
const latency = (): Promise<typeof import('./bullmqLatency.js')> => import('./bullmqLatency.js');
const scaleOut = (): Promise<typeof import('./bullmqWorkerProcesses.js')> =>
  import('./bullmqWorkerProcesses.js');

const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A throughput run's figure and the CPU it took, ms a task: this process's and Redis's. */
interface MeteredRun {
  readonly perSecond: number;
  readonly processMs: number;
  readonly redisMs: number;
}

/** Runs `run` (of `count` tasks) and reads this process's and Redis's CPU time around it. */
async function metered(
  redis: Redis,
  count: number,
  run: () => Promise<number>,
): Promise<MeteredRun> {
  const { redisCpuMs } = await bullmq();
  const [processBefore, redisBefore] = [processCpuMs(), await redisCpuMs(redis)];
  const perSecond = await run();
  const [processAfter, redisAfter] = [processCpuMs(), await redisCpuMs(redis)];
  return {
    perSecond,
    processMs: (processAfter - processBefore) / count,
    redisMs: (redisAfter - redisBefore) / count,
  };
}

/** The medians of metered runs, for a figure's detail. */
function describeRuns(what: string, runs: readonly MeteredRun[], unit: string): string {
  const pick = (key: keyof MeteredRun): number => median(runs.map((run) => run[key]));
  return `${what} ${pick('perSecond').toFixed(0)} ${unit}, CPU ms a task: this process ${pick('processMs').toFixed(3)}, Redis ${pick('redisMs').toFixed(3)}`;
}

/**
 * Two throughputs alternated in one process: the median of the per-round ratios `a / b`, with
 * both sides' medians and their CPU a task beside it.
 */
async function meteredRatio(
  redis: Redis,
  rounds: number,
  a: { name: string; run: () => Promise<number> },
  b: { name: string; run: () => Promise<number> },
  count: number,
  unit: string,
): Promise<Figure> {
  const runsA: MeteredRun[] = [];
  const runsB: MeteredRun[] = [];
  const side = (runs: MeteredRun[], run: () => Promise<number>) => async (): Promise<number> => {
    const measured = await metered(redis, count, run);
    runs.push(measured);
    return measured.perSecond;
  };
  const ratio = await alternatedRatio(rounds, side(runsA, a.run), side(runsB, b.run));
  return {
    value: ratio,
    unit: 'x',
    detail: `median of ${String(rounds)} rounds; medians: ${describeRuns(a.name, runsA, unit)}; ${describeRuns(b.name, runsB, unit)}`,
  };
}

/** A latency figure, with the peer's beside it. */
function latencyFigure(value: number, detail: string): Figure {
  return { value, unit: 'ms', detail };
}

const describeLatency = ({ p50Ms, p99Ms, maxMs }: StartLatency): string =>
  `p50 ${p50Ms.toFixed(2)}, p99 ${p99Ms.toFixed(2)}, max ${maxMs.toFixed(1)} ms`;

/** The medians of scale-out rounds: throughput and CPU ms a task by process. */
function describeRounds(processes: number, rounds: readonly ScaleOutRound[]): string {
  const cpu = (pick: (round: ScaleOutRound) => number): string =>
    median(rounds.map(pick)).toFixed(2);
  return `${String(processes)} worker process${processes === 1 ? '' : 'es'} ${median(rounds.map((r) => r.tasksPerSecond)).toFixed(0)} tasks/s, CPU ms a task: bench ${cpu((r) => r.cpuPerTask.benchMs)}, workers ${cpu((r) => r.cpuPerTask.workersMs)}, Redis ${cpu((r) => r.cpuPerTask.redisMs)}`;
}

/**
 * Two worker processes over one, CPU tasks spinning `taskMs` each (as bench/cpuTasks.ts), the
 * same work in all whatever `taskMs`, alternated rounds (fresh processes and queue each): the
 * median ratio, with each side's medians and where the CPU went beside it.
 */
async function scaleOutRatio(kind: 'lane' | 'raw', taskMs: number): Promise<Figure> {
  const { scaleOutRound } = await scaleOut();
  const rounds: Record<1 | 2, ScaleOutRound[]> = { 1: [], 2: [] };
  const measure = async (processes: 1 | 2): Promise<number> => {
    const round = await scaleOutRound({
      kind,
      processes,
      concurrency: CONCURRENCY,
      tasks: Math.round(SCALE_OUT_WORK_MS / taskMs),
      warmupTasks: SCALE_OUT_WARMUP,
      taskMs,
    });
    rounds[processes].push(round);
    return round.tasksPerSecond;
  };
  const ratio = await alternatedRatio(
    SCALE_OUT_ROUNDS,
    () => measure(2),
    () => measure(1),
  );
  return {
    value: ratio,
    unit: 'x',
    detail: `median of ${String(SCALE_OUT_ROUNDS)} rounds; medians: ${describeRounds(1, rounds[1])}; ${describeRounds(2, rounds[2])}`,
  };
}

/** Each scenario by name, as in bench/scenarios.ts. */
export const bullmqLaneScenarios: Record<string, Scenario> = {
  'bullmq-lane-10k': async () => {
    const { REDIS_URL } = await bullmq();
    const { Redis } = await import('ioredis');
    const runner = await (await lane()).createLaneRunner(CONCURRENCY);
    const redis = new Redis(REDIS_URL);
    try {
      await runner.run(THROUGHPUT_WARMUP);
      const run = await metered(redis, THROUGHPUT_TASKS, () => runner.run(THROUGHPUT_TASKS));
      return {
        value: run.perSecond,
        unit: 'tasks/s',
        detail: `CPU ms a task: this process ${run.processMs.toFixed(3)}, Redis ${run.redisMs.toFixed(3)}`,
      };
    } finally {
      redis.disconnect();
      await runner.close();
    }
  },
  'bullmq-lane-over-raw-alternated': async () => {
    const { runJobs, withBullMQ } = await bullmq();
    const runner = await (await lane()).createLaneRunner(CONCURRENCY);
    try {
      return await withBullMQ(
        () => Promise.resolve(undefined),
        CONCURRENCY,
        async ({ queue, worker, connection }) => {
          await runner.run(THROUGHPUT_WARMUP);
          await runJobs(queue, worker, THROUGHPUT_WARMUP);
          return meteredRatio(
            connection,
            THROUGHPUT_ROUNDS,
            { name: 'lane', run: () => runner.run(THROUGHPUT_TASKS) },
            { name: 'BullMQ', run: () => runJobs(queue, worker, THROUGHPUT_TASKS) },
            THROUGHPUT_TASKS,
            'tasks/s',
          );
        },
      );
    } finally {
      await runner.close();
    }
  },
  'bullmq-lane-shaped-over-plain-alternated': async () => {
    const { runBulk, runJobs, withBullMQ } = await bullmq();
    const { laneShapedJobs } = await jobShape();
    return withBullMQ(
      () => Promise.resolve(null),
      CONCURRENCY,
      async ({ queue, worker, connection }) => {
        const shaped = (count: number): Promise<number> =>
          runBulk(queue, worker, count, () => laneShapedJobs(count, queue.name));
        await shaped(THROUGHPUT_WARMUP);
        await runJobs(queue, worker, THROUGHPUT_WARMUP);
        return meteredRatio(
          connection,
          JOB_SHAPE_ROUNDS,
          { name: 'lane-shaped', run: () => shaped(THROUGHPUT_TASKS) },
          { name: 'plain', run: () => runJobs(queue, worker, THROUGHPUT_TASKS) },
          THROUGHPUT_TASKS,
          'jobs/s',
        );
      },
    );
  },
  'bullmq-lane-cpu-1ms-2-over-1-workers': () => scaleOutRatio('lane', 1),
  'bullmq-cpu-1ms-2-over-1-workers': () => scaleOutRatio('raw', 1),
  // Longer tasks: the producer's and Redis's share of the two cores shrinks beside the workers'.
  'bullmq-lane-cpu-4ms-2-over-1-workers': () => scaleOutRatio('lane', 4),
  'bullmq-cpu-4ms-2-over-1-workers': () => scaleOutRatio('raw', 4),
  'bullmq-lane-submit-start-p99': async () => {
    const measured = await (
      await latency()
    ).startLatencies(LATENCY_SAMPLES, LATENCY_WARMUP, CONCURRENCY);
    const turns = `${String(LATENCY_SAMPLES)} samples each, in turns with the other peer`;
    const lane = `lane: ${describeLatency(measured.lane)}`;
    const raw = `BullMQ: ${describeLatency(measured.raw)}`;
    return {
      ...latencyFigure(measured.lane.p99Ms, `${lane}; ${turns}`),
      more: {
        'bullmq-lane-submit-start-p50': latencyFigure(measured.lane.p50Ms, lane),
        'bullmq-lane-submit-seen-started-p99': latencyFigure(
          measured.laneSeen.p99Ms,
          `STARTED on the scheduler's transitions$: ${describeLatency(measured.laneSeen)}`,
        ),
        'bullmq-submit-start-p50': latencyFigure(measured.raw.p50Ms, raw),
        'bullmq-submit-start-p99': latencyFigure(measured.raw.p99Ms, raw),
      },
    };
  },
};
