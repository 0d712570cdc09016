/**
 * What the issue-14 scenarios share, so that the scheduler and BullMQ run the same delayed and
 * retried jobs: the delays (one seeded sequence), the failures, the retry policy.
 */
import { quantile } from './coldImport.js';

/** Delays are spread uniformly over this window. */
export const DELAY_SPREAD_MS = 10_000;

/**
 * Added to every delay, so that all submits are done before the first task is due: a task due
 * while the submitting loop is still busy would measure the submit loop, not the timer. Checked
 * by each scenario (it fails when the submits overran it).
 */
export const SUBMIT_HEADROOM_MS = 5_000;

/** Failed attempts before the one that succeeds. */
export const FAILURES_BEFORE_SUCCESS = 2;

/** Attempts in all: every failure retried, at once (0 ms backoff, no jitter). */
export const RETRY_ATTEMPTS = FAILURES_BEFORE_SUCCESS + 1;

const DELAY_SEED = 14;

/**
 * `count` delays, whole ms (BullMQ keeps whole ms): `SUBMIT_HEADROOM_MS` plus a uniform share
 * of `DELAY_SPREAD_MS`, from a fixed seed (mulberry32), so every run and both peers get the
 * same ones.
 */
export function seededDelaysMs(count: number): number[] {
  let state = DELAY_SEED;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () =>
    Math.round(SUBMIT_HEADROOM_MS + next() * DELAY_SPREAD_MS),
  );
}

/**
 * Throws when the submits ended after the first task was due (`startedAt` + the headroom): the
 * lateness figures would then include the submit loop.
 */
export function assertSubmittedWithinHeadroom(startedAt: number, peer: string): void {
  const submitMs = performance.now() - startedAt;
  if (submitMs >= SUBMIT_HEADROOM_MS) {
    throw new Error(
      `${peer}: the submits took ${submitMs.toFixed(0)} ms, past the ${String(SUBMIT_HEADROOM_MS)} ms headroom before the first due time; rerun on a quieter host or raise SUBMIT_HEADROOM_MS`,
    );
  }
}

/** Lateness quantiles, ms. */
export interface Lateness {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /**
   * The process's CPU time while the tasks fell due, over that wall time: below what the work
   * needs, the host did not give the loop its core, and lateness is a backlog.
   */
  readonly coreShare?: number;
}

/** p50, p99 and max of lateness samples, ms. */
export function summarizeLateness(samples: readonly number[]): Lateness {
  return {
    p50Ms: quantile(samples, 0.5),
    p99Ms: quantile(samples, 0.99),
    maxMs: quantile(samples, 1),
  };
}
