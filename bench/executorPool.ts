/**
 * The SyncTask executor alone: the lane's WorkerPool fed straight from a loop, with no task
 * actor, record, queue or transition. Beside Piscina and the full SyncTask path in one run it
 * says where a SyncTask's time goes: in the threads and their messages, or on the lane.
 */
import type { ExecutionJob, ExecutionSink } from '../dist/actors/executor.js';
import { WorkerPool } from '../dist/actors/fromWorkerPool.js';
import { DEFAULT_RESTART_POLICY } from '../dist/actors/restartPolicy.js';
import { systemClock } from '../dist/clock.js';
import { INCREMENT_MODULE } from './peers.js';

/** How many runs go through the pool before the clock starts (threads booted, module loaded). */
const WARMUP_RUNS = 8;

/**
 * `count` tiny runs (`x => x + 1`, the SyncTask fixture) on `threads` executor threads, each
 * dispatched the moment a thread is free, as the lane does. Runs per second.
 */
export async function executorPoolThroughput(count: number, threads: number): Promise<number> {
  const body = { module: INCREMENT_MODULE, export: 'syncTask' };
  let dispatched = 0;
  let finished = 0;
  let total = 0;
  let allFinished: () => void = () => undefined;
  const dispatch = (): void => {
    while (dispatched < total && pool.freeSlots > 0) {
      const i = dispatched++;
      const job: ExecutionJob = {
        id: `run-${i}`,
        name: 'increment',
        lane: 'bench',
        args: [i],
        body,
      };
      pool.execute(job, sink);
    }
  };
  const sink: ExecutionSink = {
    succeed: () => {
      if (++finished === total) allFinished();
    },
    fail: (_job, error) => {
      throw error;
    },
  };
  const pool = new WorkerPool({
    size: threads,
    resourceLimits: undefined,
    restart: DEFAULT_RESTART_POLICY,
    clock: systemClock,
    events: {
      slotFree: dispatch,
      crashed: () => undefined,
      degraded: () => undefined,
      recovered: () => undefined,
    },
  });
  const runAll = async (runs: number): Promise<void> => {
    const done = new Promise<void>((resolve) => {
      allFinished = resolve;
    });
    total += runs;
    dispatch();
    await done;
  };
  try {
    await runAll(WARMUP_RUNS);
    const startedAt = performance.now();
    await runAll(count);
    return (count / (performance.now() - startedAt)) * 1000;
  } finally {
    await pool.close();
  }
}
