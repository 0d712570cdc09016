/**
 * `stop({ cancel: true })` of many STARTED tasks (issue #16): how long until the promise
 * resolves, and the longest the caller's event loop went without a turn meanwhile. Measured on
 * an AsyncScheduler (the lane is the caller's loop) and on a SchedulerThread (the lane is its
 * own thread; the caller's loop applies the thread's transitions).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, SchedulerThread } from '../dist/index.js';

const UNTIL_ABORTED_MODULE = new URL('./fixtures/untilAborted.mjs', import.meta.url);

/** Rounds per figure: the best one is kept, as in the throughput scenarios. */
const ROUNDS = 3;
/** How often the sentinel timer asks for a turn of the caller's loop. */
const SENTINEL_MS = 1;

/** Where the tasks run. */
export type StopPlacement = 'loop' | 'thread';

/** One stop's figures. */
export interface StopCancelFigures {
  /** From the `stop()` call to its promise resolving. */
  readonly stopMs: number;
  /** The longest gap between two turns of the caller's loop during the stop. */
  readonly longestBlockMs: number;
}

/** A body that settles (rejects) when its signal aborts, as a well-behaved long request would. */
export function untilAbortedBody({ signal }: { signal: AbortSignal }): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/** {@link untilAbortedBody}: on the loop as a function, on a thread by module. */
function untilAborted(placement: StopPlacement): AsyncTask {
  if (placement === 'thread') {
    return new AsyncTask('until-aborted', { module: UNTIL_ABORTED_MODULE });
  }
  return new AsyncTask('until-aborted', untilAbortedBody);
}

async function stopOnce(count: number, placement: StopPlacement): Promise<StopCancelFigures> {
  const scheduler =
    placement === 'thread' ? new SchedulerThread('bench') : new AsyncScheduler({ name: 'bench' });
  scheduler.start();
  const task = untilAborted(placement);
  for (let i = 0; i < count; i++) scheduler.submitTask(task);
  // Every task STARTED (a thread reports it a batch at a time).
  while (scheduler.runningCount < count) await sleep(5);
  (globalThis as { gc?: () => void }).gc?.();
  let longestBlockMs = 0;
  let lastTurnAt = performance.now();
  const sentinel = setInterval(() => {
    const now = performance.now();
    longestBlockMs = Math.max(longestBlockMs, now - lastTurnAt);
    lastTurnAt = now;
  }, SENTINEL_MS);
  const startedAt = performance.now();
  lastTurnAt = startedAt;
  await scheduler.stop({ cancel: true });
  const stopMs = performance.now() - startedAt;
  // The gap up to the promise's resolution counts too.
  longestBlockMs = Math.max(longestBlockMs, performance.now() - lastTurnAt);
  clearInterval(sentinel);
  return { stopMs, longestBlockMs };
}

/** The best of {@link ROUNDS} stops (by stop time), and the worst loop block seen in any. */
export async function stopCancelStarted(
  count: number,
  placement: StopPlacement,
): Promise<StopCancelFigures> {
  let stopMs = Infinity;
  let longestBlockMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const figures = await stopOnce(count, placement);
    stopMs = Math.min(stopMs, figures.stopMs);
    longestBlockMs = Math.max(longestBlockMs, figures.longestBlockMs);
  }
  return { stopMs, longestBlockMs };
}

/** 10k's stop time over 1k's, in one process (≈10 when the stop is linear in the tasks). */
export async function stopCancelRatio(placement: StopPlacement): Promise<number> {
  const small = await stopCancelStarted(1_000, placement);
  const large = await stopCancelStarted(10_000, placement);
  return large.stopMs / small.stopMs;
}
