/**
 * Isolation (issue #3): a 'normal' lane runs 200 ms CPU bursts back to back while an 'urgent'
 * lane gets a tiny task every 10 ms and a 1 ms timer ticks on the main loop. Measured with two
 * SchedulerThreads (each lane on its own thread and loop) and, beside it, with the same
 * workload on one AsyncScheduler (everything on the caller's loop).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, SchedulerThread, type TaskInfo } from '../dist/index.js';

const ISOLATION_MODULE = new URL('./fixtures/isolation.mjs', import.meta.url);

/** How long the workload runs. */
const DURATION_MS = 3_000;
/** Each normal task's synchronous busy loop. */
const BURST_MS = 200;
/** Normal tasks kept submitted and not finished, so the bursts run back to back. */
const NORMAL_OUTSTANDING = 3;
/** One urgent task per this many ms. */
const URGENT_EVERY_MS = 10;
/** The main-loop timer whose lateness is measured. */
const TICK_MS = 1;

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
}

/** The same busy loop as fixtures/isolation.mjs, for the main-loop tasks. */
function burn(ms: number): number {
  const until = performance.now() + ms;
  let spins = 0;
  while (performance.now() < until) spins++;
  return spins;
}

const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * The lateness samples of a repeating timer that fired `intervalMs` after its previous run, for a
 * period of `periodMs`: this run's lateness, plus one sample for every run that should have
 * happened in between and could not (each late by the rest of the gap). Without them a loop
 * blocked for 3 s gives one bad sample among many good ones (coordinated omission).
 */
function latenessSamples(intervalMs: number, periodMs: number, into: number[]): void {
  for (let missed = intervalMs - periodMs; missed > 0; missed -= periodMs) into.push(missed);
  if (intervalMs <= periodMs) into.push(0);
}

export interface IsolationFigures {
  /** p99 of `ts.start - ts.submit` of the urgent tasks (the lane's own timestamps). */
  urgentStartP99Ms: number;
  /**
   * p99 from when each urgent task was due (every 10 ms from the start, whether or not the
   * caller's loop could submit it then) to its `ts.start`.
   */
  urgentDueStartP99Ms: number;
  /** p99 from the caller's `submitTask` call to `ts.start` (includes the hop to a thread). */
  urgentCallerStartP99Ms: number;
  /** p99 lateness of a repeating 1 ms timer on the main loop, missed runs counted (see above). */
  mainLatenessP99Ms: number;
  /** p99 of the timer's runs alone (interval - 1 ms), and the longest interval. */
  mainLatenessRawP99Ms: number;
  mainLongestIntervalMs: number;
  urgentTasks: number;
  normalTasks: number;
  ticks: number;
}

/** What both setups offer: a SchedulerThread and an AsyncScheduler answer the same calls. */
interface Lane {
  submitTask(task: AsyncTask<[number]>, arg: number): string;
  waitTask(id: string): Promise<TaskInfo>;
}

/**
 * Runs the workload for DURATION_MS on the given lanes (they may be one and the same) and
 * measures it. The lanes must be started and warm.
 */
async function runWorkload(
  normal: Lane,
  urgent: Lane,
  burstTask: AsyncTask<[number]>,
  tinyTask: AsyncTask<[number]>,
): Promise<IsolationFigures> {
  const lateness: number[] = [];
  const rawLateness: number[] = [];
  let longestInterval = 0;
  const startedAt = performance.now();
  const endAt = startedAt + DURATION_MS;

  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    const interval = now - lastTick;
    lastTick = now;
    rawLateness.push(Math.max(0, interval - TICK_MS));
    longestInterval = Math.max(longestInterval, interval);
    latenessSamples(interval, TICK_MS, lateness);
  }, TICK_MS);

  const normalDone: Promise<TaskInfo>[] = [];
  const submitNormal = (): void => {
    if (performance.now() >= endAt) return;
    const done = normal.waitTask(normal.submitTask(burstTask, BURST_MS));
    normalDone.push(done);
    void done.then(submitNormal);
  };
  for (let i = 0; i < NORMAL_OUTSTANDING; i++) submitNormal();

  // One urgent task due every URGENT_EVERY_MS from the start: each timer is set for the next due
  // time (no drift), and a late one submits every task that fell due meanwhile.
  const urgentDone: { dueAt: number; submittedAt: number; info: Promise<TaskInfo> }[] = [];
  const epochStart = performance.timeOrigin + startedAt;
  let due = 1;
  let submitter: NodeJS.Timeout | undefined;
  const submitDue = (): void => {
    const now = performance.now();
    for (; startedAt + due * URGENT_EVERY_MS <= Math.min(now, endAt); due++) {
      const submittedAt = epochNow();
      const info = urgent.waitTask(urgent.submitTask(tinyTask, due));
      urgentDone.push({ dueAt: epochStart + due * URGENT_EVERY_MS, submittedAt, info });
    }
    const nextDueAt = startedAt + due * URGENT_EVERY_MS;
    if (nextDueAt <= endAt) submitter = setTimeout(submitDue, nextDueAt - performance.now());
  };
  submitter = setTimeout(submitDue, URGENT_EVERY_MS);

  await sleep(DURATION_MS);
  clearTimeout(submitter);
  clearInterval(ticker);
  const urgentInfos = await Promise.all(urgentDone.map((u) => u.info));
  // Every normal task submitted, including those submitted while these resolved.
  for (let settled = 0; settled < normalDone.length;) {
    const count = normalDone.length;
    await Promise.all(normalDone.slice(settled, count));
    settled = count;
  }

  const waits: number[] = [];
  const dueWaits: number[] = [];
  const callerWaits: number[] = [];
  urgentInfos.forEach((info, i) => {
    const { submit, start } = info.ts;
    if (info.state !== 'DONE' || submit === undefined || start === undefined) {
      throw new Error(`urgent task ${info.id} ended ${info.state}`);
    }
    const { dueAt, submittedAt } = urgentDone[i]!;
    waits.push(start - submit);
    dueWaits.push(start - dueAt);
    callerWaits.push(start - submittedAt);
  });
  const figures: IsolationFigures = {
    urgentStartP99Ms: p99(waits),
    urgentDueStartP99Ms: p99(dueWaits),
    urgentCallerStartP99Ms: p99(callerWaits),
    mainLatenessP99Ms: p99(lateness),
    mainLatenessRawP99Ms: p99(rawLateness),
    mainLongestIntervalMs: longestInterval,
    urgentTasks: urgentInfos.length,
    normalTasks: normalDone.length,
    ticks: rawLateness.length,
  };
  const round = (n: number): number => Math.round(n * 100) / 100;
  console.error(
    `    ${JSON.stringify(figures, (_key, v: unknown) => (typeof v === 'number' ? round(v) : v))}`,
  );
  return figures;
}

/** Two SchedulerThreads: 'normal' (one burst at a time) and 'urgent'. */
export async function threadIsolation(): Promise<IsolationFigures> {
  const burstTask = new AsyncTask<[number]>('burst', {
    module: ISOLATION_MODULE,
    export: 'burnTask',
  });
  const tinyTask = new AsyncTask<[number]>('tiny', {
    module: ISOLATION_MODULE,
    export: 'tinyTask',
  });
  const normal = new SchedulerThread('normal', { concurrency: 1 }).start();
  const urgent = new SchedulerThread('urgent').start();
  try {
    // Boot both threads and load the module before the clock starts.
    await Promise.all([
      normal.result(normal.submitTask(burstTask, 1)),
      urgent.result(urgent.submitTask(tinyTask, 0)),
    ]);
    for (let i = 0; i < 20; i++) await urgent.result(urgent.submitTask(tinyTask, i));
    return await runWorkload(normal, urgent, burstTask, tinyTask);
  } finally {
    await Promise.all([normal.stop(), urgent.stop()]);
  }
}

/**
 * The same on one AsyncScheduler, all on the caller's loop. Concurrency 1 with the urgent tasks
 * at a higher priority (they go before the queued bursts), as close as one lane gets to two.
 */
export async function singleLoopIsolation(): Promise<IsolationFigures> {
  const burstTask = new AsyncTask<[number]>('burst', ({ args: [ms] }) => burn(ms));
  const tinyTask = new AsyncTask<[number]>('tiny', ({ args: [x] }) => x + 1, { priority: 1 });
  const scheduler = new AsyncScheduler({ concurrency: 1 }).start();
  try {
    await scheduler.result(scheduler.submitTask(burstTask, 1));
    for (let i = 0; i < 20; i++) await scheduler.result(scheduler.submitTask(tinyTask, i));
    return await runWorkload(scheduler, scheduler, burstTask, tinyTask);
  } finally {
    await scheduler.stop();
  }
}
