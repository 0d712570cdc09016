/**
 * The cluster demo's crash: a worker process killed with SIGKILL while it runs jobs, as a
 * machine that loses power would be. Nothing tells the scheduler; BullMQ's stalled-job check,
 * run by the surviving worker, finds the jobs whose lock was not renewed and hands them back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobPlacements } from './jobPlacements.js';
import type { WorkerProcess } from './workerProcess.js';

/** How often to look whether the victim runs a job yet. */
const POLL_MS = 50;

/** A kill that happened: which worker, when, and the tasks it was running. */
export interface Kill {
  readonly worker: { readonly name: string; readonly pid: number };
  readonly atMs: number;
  readonly held: readonly string[];
}

/**
 * Kills `victim` once `now()` has reached `atMs`, `ready()` holds and it runs at least one job;
 * gives up (undefined) when `giveUp` aborts first (the work is over, or the demo is interrupted).
 *
 * @param ready - whether the moment has come besides the time: the demo waits for the tasks
 * that show an outcome (a timeout, a cancel, a declined card) to have shown it, so that a slow
 * machine does not turn one of them into a crash.
 */
export async function killWhenBusy(
  victim: WorkerProcess,
  placements: JobPlacements,
  atMs: number,
  ready: () => boolean,
  giveUp: AbortSignal,
  now: () => number,
): Promise<Kill | undefined> {
  await sleep(Math.max(0, atMs - now()), undefined, { signal: giveUp }).catch(() => undefined);
  while (!giveUp.aborted) {
    const held = ready() ? placements.runningOn(victim.name) : [];
    if (held.length > 0) {
      await victim.kill();
      return { worker: { name: victim.name, pid: victim.pid }, atMs: now(), held };
    }
    await sleep(POLL_MS);
  }
  return undefined;
}
