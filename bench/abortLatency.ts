/**
 * How fast a canceled busy loop really stops, and how soon the lane runs the next task:
 * SyncTask (its thread is terminated and replaced) against Piscina's abort (same mechanism).
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { AsyncScheduler, SyncTask } from '../dist/index.js';
import { INCREMENT_MODULE } from './peers.js';

/** Polls a shared counter until it stops moving; resolves with when it last moved. */
async function whenCounterStops(counter: Int32Array): Promise<number> {
  const quietForMs = 2;
  let last = Atomics.load(counter, 0);
  let lastChangeAt = performance.now();
  for (;;) {
    await nextTurn();
    const now = performance.now();
    const value = Atomics.load(counter, 0);
    if (value !== last) {
      last = value;
      lastChangeAt = now;
    } else if (now - lastChangeAt >= quietForMs) {
      return lastChangeAt;
    }
  }
}

async function untilCounting(counter: Int32Array): Promise<void> {
  while (Atomics.load(counter, 0) === 0) await nextTurn();
}

/**
 * Between rounds, time for a replacement thread to boot (50–200 ms here), so every cancel is
 * measured on a pool back at full strength, as a lane sees one cancel among many tasks.
 */
const SETTLE_MS = 300;

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
}

export interface AbortLatency {
  /** p99 ms from the cancel call to the loop's last count. */
  stopP99Ms: number;
  /** p99 ms from the cancel call to the completion of a task submitted right after it. */
  nextTaskP99Ms: number;
}

/** Cancels `rounds` running busy SyncTasks, one at a time, on a 1-thread scheduler. */
export async function syncTaskAbortLatency(rounds: number): Promise<AbortLatency> {
  const busy = new SyncTask('busy', { module: INCREMENT_MODULE, export: 'busyLoopTask' });
  const tiny = new SyncTask('tiny', { module: INCREMENT_MODULE, export: 'syncTask' });
  const scheduler = new AsyncScheduler({ threads: 1 });
  scheduler.start();
  await scheduler.result(scheduler.submitTask(tiny, 0));
  const stops: number[] = [];
  const nexts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await sleep(SETTLE_MS);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const id = scheduler.submitTask(busy, counter.buffer);
    await untilCounting(counter);
    const canceledAt = performance.now();
    const stopped = whenCounterStops(counter);
    await scheduler.cancelTask(id);
    const next = scheduler.result(scheduler.submitTask(tiny, i)).then(() => performance.now());
    stops.push((await stopped) - canceledAt);
    nexts.push((await next) - canceledAt);
  }
  await scheduler.stop();
  return { stopP99Ms: p99(stops), nextTaskP99Ms: p99(nexts) };
}

/** The same with Piscina 5 (1 thread), aborting `run()` through an AbortSignal. */
export async function piscinaAbortLatency(rounds: number): Promise<AbortLatency> {
  const pool = new Piscina({ filename: INCREMENT_MODULE.href, minThreads: 1, maxThreads: 1 });
  await pool.run(0);
  const stops: number[] = [];
  const nexts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await sleep(SETTLE_MS);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    const running = pool
      .run(counter.buffer, { name: 'busyLoop', signal: controller.signal })
      .catch(() => undefined);
    await untilCounting(counter);
    const canceledAt = performance.now();
    const stopped = whenCounterStops(counter);
    controller.abort();
    await running;
    const next = pool.run(i).then(() => performance.now());
    stops.push((await stopped) - canceledAt);
    nexts.push((await next) - canceledAt);
  }
  await pool.destroy();
  return { stopP99Ms: p99(stops), nextTaskP99Ms: p99(nexts) };
}
