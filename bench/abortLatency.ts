/**
 * How fast a canceled busy loop really stops, and how soon the lane runs the next task:
 * SyncTask (its thread is terminated and replaced) against Piscina's abort (same mechanism).
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { AsyncScheduler, SyncTask } from '../dist/index.js';
import { INCREMENT_MODULE } from './peers.js';

/** Epoch ms, comparable across threads (each thread's timeOrigin + now). */
function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Waits until the busy loop has written its first timestamp. */
async function untilRunning(lastRunAt: Float64Array): Promise<void> {
  while (lastRunAt[0] === 0) await nextTurn();
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
  /** p99 ms from the cancel call to the loop's last pass (as the loop itself recorded it). */
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
    const lastRunAt = new Float64Array(new SharedArrayBuffer(8));
    const id = scheduler.submitTask(busy, lastRunAt.buffer);
    await untilRunning(lastRunAt);
    const canceledAt = wallClockMs();
    await scheduler.cancelTask(id);
    const nextDoneAt = await scheduler
      .result(scheduler.submitTask(tiny, i))
      .then(() => wallClockMs());
    // The thread is gone by now: its last write is when the loop really stopped.
    stops.push((lastRunAt[0] ?? 0) - canceledAt);
    nexts.push(nextDoneAt - canceledAt);
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
    const lastRunAt = new Float64Array(new SharedArrayBuffer(8));
    const controller = new AbortController();
    const running = pool
      .run(lastRunAt.buffer, { name: 'busyLoop', signal: controller.signal })
      .catch(() => undefined);
    await untilRunning(lastRunAt);
    const canceledAt = wallClockMs();
    controller.abort();
    await running;
    const nextDoneAt = await pool.run(i).then(() => wallClockMs());
    stops.push((lastRunAt[0] ?? 0) - canceledAt);
    nexts.push(nextDoneAt - canceledAt);
  }
  await pool.destroy();
  return { stopP99Ms: p99(stops), nextTaskP99Ms: p99(nexts) };
}
