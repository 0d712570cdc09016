/**
 * CPU tasks of 1 ms each on 2 threads, the SyncTask path beside Piscina: what a user with real
 * CPU work feels, where tiny no-op tasks only show per-task overhead. Both runners spin the same
 * fixture, warmed up the same way, and are measured in one process (alternated rounds), because
 * on this 2-core host two busy threads plus the main loop already oversubscribe the cores and a
 * neighbour's burst swings either side by itself.
 */
import { Piscina } from 'piscina';
import { AsyncScheduler, SyncTask } from '../dist/index.js';

/** The fixture both runners spin: `spin(ms)` holds its thread's core for `ms` of wall time. */
export const SPIN_MODULE = new URL('./fixtures/spin.mjs', import.meta.url);

/** How long each task spins. */
export const CPU_TASK_MS = 1;

/** Runs that boot the threads and load the module before the clock starts. */
const WARMUP_RUNS = 16;

/** One runner of `count` CPU tasks on a fixed number of threads, reusable across rounds. */
export interface CpuTaskRunner {
  /** Runs `count` tasks submitted at once; tasks per second. */
  run(count: number): Promise<number>;
  close(): Promise<void>;
}

/** Piscina 5 with `threads` threads (min = max), already warm. */
export async function createPiscinaCpuRunner(threads: number): Promise<CpuTaskRunner> {
  const pool = new Piscina({
    filename: SPIN_MODULE.href,
    minThreads: threads,
    maxThreads: threads,
  });
  await Promise.all(Array.from({ length: WARMUP_RUNS }, () => pool.run(CPU_TASK_MS)));
  return {
    async run(count) {
      const startedAt = performance.now();
      await Promise.all(Array.from({ length: count }, () => pool.run(CPU_TASK_MS)));
      return (count / (performance.now() - startedAt)) * 1000;
    },
    close: () => pool.destroy(),
  };
}

/** An AsyncScheduler with `threads` executor threads running the same body as a SyncTask. */
export async function createSyncTaskCpuRunner(threads: number): Promise<CpuTaskRunner> {
  const spin = new SyncTask('spin', { module: SPIN_MODULE, export: 'syncTask' });
  const scheduler = new AsyncScheduler({ threads });
  scheduler.start();
  await Promise.all(
    Array.from({ length: WARMUP_RUNS }, () =>
      scheduler.result(scheduler.submitTask(spin, CPU_TASK_MS)),
    ),
  );
  return {
    async run(count) {
      const startedAt = performance.now();
      const ids = Array.from({ length: count }, () => scheduler.submitTask(spin, CPU_TASK_MS));
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      return (count / (performance.now() - startedAt)) * 1000;
    },
    close: () => scheduler.stop(),
  };
}
