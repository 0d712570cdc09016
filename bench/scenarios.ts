/**
 * One benchmark scenario per call, run in a fresh process by bench/run.ts so that no scenario
 * inherits another's heap or JIT state. Prints one JSON line: { scenario, value, unit }, or
 * { scenario, skipped } with the reason when it cannot run here (no Redis, say).
 */
import { AsyncScheduler, AsyncTask, SchedulerThread, SyncTask } from '../dist/index.js';
import { piscinaAbortLatency, syncTaskAbortLatency } from './abortLatency.js';
import { bullmqLaneScenarios } from './bullmqLaneScenarios.js';
import { coldImportSamples, quantile } from './coldImport.js';
import { createPiscinaCpuRunner, createSyncTaskCpuRunner } from './cpuTasks.js';
import { executorPoolThroughput } from './executorPool.js';
import { gc } from './gc.js';
import { jobFeatureScenarios } from './jobFeatureScenarios.js';
import {
  alternatedRatio,
  best,
  CONCURRENCY,
  ScenarioSkipped,
  WARMUP_TASKS,
  type Scenario,
} from './measure.js';
import { singleLoopIsolation, threadIsolation } from './isolation.js';
import { stopCancelRatio, stopCancelStarted } from './stopCancel.js';
import {
  bareXStateLifecycles,
  INCREMENT_MODULE,
  piscinaThroughput,
  pQueueThroughput,
  xstateTaskFloor,
} from './peers.js';

const MIB = 1024 * 1024;
const ABORT_ROUNDS = 40;
/** 1 ms CPU tasks per measured run: about a second of work on 2 threads. */
const CPU_TASKS = 2_000;

const noop = new AsyncTask('noop', () => undefined);

/** How often the metered scenario samples: ten times as often as the default, to show the cost. */
const METRICS_INTERVAL_MS = 100;

/**
 * Submits `count` no-op tasks at once to a started scheduler and waits for all.
 *
 * @param metered - with an active `metrics$` subscriber (which also turns on blocked-loop
 * detection, so every body's synchronous run is timed).
 */
async function schedulerThroughput(count: number, metered = false): Promise<number> {
  const scheduler = new AsyncScheduler({
    concurrency: CONCURRENCY,
    metricsIntervalMs: METRICS_INTERVAL_MS,
  });
  let transitions = 0;
  scheduler.transitions$.subscribe(() => {
    transitions++;
  });
  let samples = 0;
  if (metered) {
    scheduler.metrics$.subscribe(() => {
      samples++;
    });
  }
  scheduler.start();
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) scheduler.submitTask(noop);
  await scheduler.stop();
  const elapsedMs = performance.now() - startedAt;
  // 4 per task: NEW→SUBMITTED→SCHEDULED→STARTED→DONE.
  if (transitions !== count * 4) throw new Error(`lost transitions: ${transitions}`);
  // stop() completes metrics$ after a last sample.
  if (metered && samples === 0) throw new Error('metrics$ never emitted');
  return (count / elapsedMs) * 1000;
}

/** The tiny task of the thread-lane scenario: a module body, so a SchedulerThread can load it. */
const tinyModuleTask = new AsyncTask<[number]>('tiny', {
  module: new URL('./fixtures/isolation.mjs', import.meta.url),
  export: 'tinyTask',
});

/** Tiny AsyncTasks per run of the thread-lane scenario. */
const THREAD_LANE_TASKS = 10_000;

/**
 * Submits `count` tiny module tasks at once to `lane` (started, warm) and waits for the last:
 * tasks per second through the whole round trip, submit to final state seen by the caller.
 */
async function laneThroughput(
  lane: AsyncScheduler | SchedulerThread,
  count: number,
): Promise<number> {
  const startedAt = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(lane.submitTask(tinyModuleTask, i));
  await Promise.all(ids.map((id) => lane.waitTask(id)));
  return (count / (performance.now() - startedAt)) * 1000;
}

async function warmScheduler(): Promise<void> {
  await schedulerThroughput(WARMUP_TASKS);
  gc();
}

/** Fresh processes per cold-import figure. */
const COLD_IMPORT_PROCESSES = 21;

/** A cold import of `specifier`: the median over fresh processes, the p90 as detail. */
function coldImport(specifier: string): Scenario {
  return () => {
    const samples = coldImportSamples([specifier], COLD_IMPORT_PROCESSES).get(specifier) ?? [];
    const p90 = quantile(samples, 0.9).toFixed(1);
    return Promise.resolve({
      value: quantile(samples, 0.5),
      unit: 'ms',
      detail: `median; p90 ${p90} ms; ${String(samples.length)} processes`,
    });
  };
}

const scenarios: Record<string, Scenario> = {
  'cold-import-root': coldImport('async-scheduler'),
  'cold-import-dashboard': coldImport('async-scheduler/dashboard'),
  'cold-import-p-queue': coldImport('p-queue'),
  'cold-import-piscina': coldImport('piscina'),
  'cold-import-root-over-p-queue-alternated': () => {
    const samples = coldImportSamples(['async-scheduler', 'p-queue'], COLD_IMPORT_PROCESSES);
    const median = (specifier: string) => quantile(samples.get(specifier) ?? [], 0.5);
    return Promise.resolve({ value: median('async-scheduler') / median('p-queue'), unit: 'x' });
  },
  'xstate-bare': async () => {
    bareXStateLifecycles(20_000);
    return { value: await best(3, () => bareXStateLifecycles(50_000)), unit: 'lifecycles/s' };
  },
  'xstate-task-floor-10k': async () => {
    await xstateTaskFloor(WARMUP_TASKS, CONCURRENCY);
    return { value: await best(3, () => xstateTaskFloor(10_000, CONCURRENCY)), unit: 'tasks/s' };
  },
  'scheduler-10k': async () => {
    await warmScheduler();
    return { value: await best(3, () => schedulerThroughput(10_000)), unit: 'tasks/s' };
  },
  'scheduler-10k-metrics': async () => {
    await warmScheduler();
    await schedulerThroughput(WARMUP_TASKS, true);
    return { value: await best(3, () => schedulerThroughput(10_000, true)), unit: 'tasks/s' };
  },
  'metrics-overhead-ratio': async () => {
    await warmScheduler();
    await schedulerThroughput(WARMUP_TASKS, true);
    const ratio = await alternatedRatio(
      8,
      () => schedulerThroughput(10_000, true),
      () => schedulerThroughput(10_000),
    );
    return { value: ratio, unit: 'x' };
  },
  'scheduler-over-bare-alternated': async () => {
    await warmScheduler();
    bareXStateLifecycles(20_000);
    const ratio = await alternatedRatio(
      8,
      () => schedulerThroughput(10_000),
      () => bareXStateLifecycles(50_000),
    );
    return { value: ratio, unit: 'x' };
  },
  'scheduler-100k-over-10k-alternated': async () => {
    await warmScheduler();
    const ratio = await alternatedRatio(
      4,
      async () => {
        gc();
        return schedulerThroughput(100_000);
      },
      async () => {
        gc();
        return schedulerThroughput(10_000);
      },
    );
    return { value: ratio, unit: 'x' };
  },
  'scheduler-100k': async () => {
    await warmScheduler();
    return { value: await best(3, () => schedulerThroughput(100_000)), unit: 'tasks/s' };
  },
  'thread-lane-over-local-alternated': async () => {
    const thread = new SchedulerThread('bench', { concurrency: CONCURRENCY }).start();
    const local = new AsyncScheduler({ concurrency: CONCURRENCY }).start();
    try {
      await laneThroughput(thread, WARMUP_TASKS);
      await laneThroughput(local, WARMUP_TASKS);
      const ratio = await alternatedRatio(
        8,
        () => laneThroughput(thread, THREAD_LANE_TASKS),
        () => laneThroughput(local, THREAD_LANE_TASKS),
      );
      return { value: ratio, unit: 'x' };
    } finally {
      await Promise.all([thread.stop(), local.stop()]);
    }
  },
  'thread-lane-10k': async () => {
    const thread = new SchedulerThread('bench', { concurrency: CONCURRENCY }).start();
    try {
      await laneThroughput(thread, WARMUP_TASKS);
      return {
        value: await best(3, () => laneThroughput(thread, THREAD_LANE_TASKS)),
        unit: 'tasks/s',
      };
    } finally {
      await thread.stop();
    }
  },
  'p-queue-10k': async () => {
    await pQueueThroughput(WARMUP_TASKS, CONCURRENCY);
    return { value: await best(3, () => pQueueThroughput(10_000, CONCURRENCY)), unit: 'jobs/s' };
  },
  'p-queue-100k': async () => {
    await pQueueThroughput(WARMUP_TASKS, CONCURRENCY);
    return { value: await best(2, () => pQueueThroughput(100_000, CONCURRENCY)), unit: 'jobs/s' };
  },
  'bullmq-10k': async () => {
    // Loaded here only: BullMQ and ioredis add ~7 MiB to every scenario's heap otherwise,
    // heap-after-1m-tasks included.
    const { bullmqThroughput } = await import('./bullmq.js');
    return {
      value: await bullmqThroughput(10_000, CONCURRENCY, WARMUP_TASKS / 5),
      unit: 'jobs/s',
    };
  },
  'piscina-20k-2-threads': async () => {
    return { value: await best(2, () => piscinaThroughput(20_000, 2)), unit: 'tasks/s' };
  },
  'executor-pool-20k-2-threads': async () => {
    return { value: await best(2, () => executorPoolThroughput(20_000, 2)), unit: 'tasks/s' };
  },
  'synctask-20k-2-threads': async () => {
    const increment = new SyncTask('increment', { module: INCREMENT_MODULE, export: 'syncTask' });
    const measure = async (): Promise<number> => {
      const scheduler = new AsyncScheduler({ threads: 2 });
      scheduler.start();
      // Start the threads (and load the module) before the clock does.
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => scheduler.result(scheduler.submitTask(increment, i))),
      );
      const startedAt = performance.now();
      for (let i = 0; i < 20_000; i++) scheduler.submitTask(increment, i);
      await scheduler.stop();
      return (20_000 / (performance.now() - startedAt)) * 1000;
    };
    return { value: await best(2, measure), unit: 'tasks/s' };
  },
  'piscina-cpu-1ms-2-threads': async () => {
    const piscina = await createPiscinaCpuRunner(2);
    const value = await best(2, () => piscina.run(CPU_TASKS));
    await piscina.close();
    return { value, unit: 'tasks/s' };
  },
  'synctask-cpu-1ms-2-threads': async () => {
    const syncTasks = await createSyncTaskCpuRunner(2);
    const value = await best(2, () => syncTasks.run(CPU_TASKS));
    await syncTasks.close();
    return { value, unit: 'tasks/s' };
  },
  'synctask-over-piscina-cpu-1ms-alternated': async () => {
    const piscina = await createPiscinaCpuRunner(2);
    const syncTasks = await createSyncTaskCpuRunner(2);
    const ratio = await alternatedRatio(
      8,
      () => syncTasks.run(CPU_TASKS),
      () => piscina.run(CPU_TASKS),
    );
    await Promise.all([piscina.close(), syncTasks.close()]);
    return { value: ratio, unit: 'x' };
  },
  'synctask-cancel-stop-p99': async () => ({
    value: (await syncTaskAbortLatency(ABORT_ROUNDS)).stopP99Ms,
    unit: 'ms',
  }),
  'synctask-cancel-next-task-p99': async () => ({
    value: (await syncTaskAbortLatency(ABORT_ROUNDS)).nextTaskP99Ms,
    unit: 'ms',
  }),
  'piscina-abort-stop-p99': async () => ({
    value: (await piscinaAbortLatency(ABORT_ROUNDS)).stopP99Ms,
    unit: 'ms',
  }),
  'piscina-abort-next-task-p99': async () => ({
    value: (await piscinaAbortLatency(ABORT_ROUNDS)).nextTaskP99Ms,
    unit: 'ms',
  }),
  'isolation-urgent-start-p99': async () => ({
    value: (await threadIsolation()).urgentStartP99Ms,
    unit: 'ms',
  }),
  'isolation-main-lateness-p99': async () => ({
    value: (await threadIsolation()).mainLatenessP99Ms,
    unit: 'ms',
  }),
  'isolation-urgent-due-start-p99': async () => ({
    value: (await threadIsolation()).urgentDueStartP99Ms,
    unit: 'ms',
  }),
  'single-loop-urgent-start-p99': async () => ({
    value: (await singleLoopIsolation()).urgentStartP99Ms,
    unit: 'ms',
  }),
  'single-loop-main-lateness-p99': async () => ({
    value: (await singleLoopIsolation()).mainLatenessP99Ms,
    unit: 'ms',
  }),
  'single-loop-urgent-due-start-p99': async () => ({
    value: (await singleLoopIsolation()).urgentDueStartP99Ms,
    unit: 'ms',
  }),
  'stop-cancel-1k-started': async () => ({
    value: (await stopCancelStarted(1_000, 'loop')).stopMs,
    unit: 'ms',
  }),
  'stop-cancel-10k-started': async () => ({
    value: (await stopCancelStarted(10_000, 'loop')).stopMs,
    unit: 'ms',
  }),
  'stop-cancel-10k-loop-block': async () => ({
    value: (await stopCancelStarted(10_000, 'loop')).longestBlockMs,
    unit: 'ms',
  }),
  'stop-cancel-10k-over-1k': async () => ({ value: await stopCancelRatio('loop'), unit: 'x' }),
  'thread-stop-cancel-1k-started': async () => ({
    value: (await stopCancelStarted(1_000, 'thread')).stopMs,
    unit: 'ms',
  }),
  'thread-stop-cancel-10k-started': async () => ({
    value: (await stopCancelStarted(10_000, 'thread')).stopMs,
    unit: 'ms',
  }),
  'thread-stop-cancel-10k-loop-block': async () => ({
    value: (await stopCancelStarted(10_000, 'thread')).longestBlockMs,
    unit: 'ms',
  }),
  'thread-stop-cancel-10k-over-1k': async () => ({
    value: await stopCancelRatio('thread'),
    unit: 'x',
  }),
  'heap-per-queued-task': async () => {
    const count = 100_000;
    const scheduler = new AsyncScheduler({ concurrency: CONCURRENCY });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) scheduler.submitTask(noop);
    gc();
    const perTask = (process.memoryUsage().heapUsed - before) / count;
    await scheduler.stop({ cancel: true });
    return { value: perTask, unit: 'bytes' };
  },
  'heap-per-finished-record': async () => {
    const count = 100_000;
    const scheduler = new AsyncScheduler({
      concurrency: CONCURRENCY,
      retention: { maxFinished: count },
    });
    scheduler.start();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) scheduler.submitTask(noop);
    await scheduler.stop();
    gc();
    return { value: (process.memoryUsage().heapUsed - before) / count, unit: 'bytes' };
  },
  'heap-after-1m-tasks': async () => {
    const total = 1_000_000;
    const batch = 10_000;
    const scheduler = new AsyncScheduler({ concurrency: CONCURRENCY });
    scheduler.start();
    for (let done = 0; done < total; done += batch) {
      let last = '';
      for (let i = 0; i < batch; i++) last = scheduler.submitTask(noop);
      await scheduler.waitTask(last);
    }
    await scheduler.stop();
    gc();
    return { value: process.memoryUsage().heapUsed / MIB, unit: 'MiB' };
  },
  ...jobFeatureScenarios,
  ...bullmqLaneScenarios,
};

const name = process.argv[2] ?? '';
const scenario = scenarios[name];
if (scenario === undefined) {
  console.error(`Unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify({ scenario: name, ...(await scenario()) }));
} catch (error) {
  if (!(error instanceof ScenarioSkipped)) throw error;
  console.log(JSON.stringify({ scenario: name, skipped: error.message }));
}
