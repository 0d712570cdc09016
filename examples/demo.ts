/**
 * The `npm start` demo: a few hundred tasks of a small web backend on one AsyncScheduler.
 *
 * Fast I/O calls, slow background jobs, failing payments, a legacy API that times out, exports
 * a user cancels mid-run, and urgent alerts that jump the queue. A live status line counts
 * tasks by state from `transitions$`; the run ends with a report built from the scheduler's
 * own records (`slowest()`, `taskInfo()`, `formatTasks()`). CPU-bound reports run as SyncTasks on
 * executor threads, and a runaway one is stopped by its timeout: its thread is terminated.
 * Part two (`demoLanes.ts`) runs two SchedulerThreads side by side.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { delay, filter } from 'rxjs';
import {
  AsyncScheduler,
  AsyncTask,
  SyncTask,
  TaskState,
  formatTasks,
  type TaskInfo,
} from '../src/index.js';
import { runLanesDemo } from './demoLanes.js';

const CONCURRENCY = 32;
const THREADS = 2;
const CPU_MODULE = new URL('./tasks/cpu.mjs', import.meta.url);
const RUNAWAY_TIMEOUT_MS = 300;
const CARD_LIMIT_CENTS = 100_000;
const LEGACY_TIMEOUT_MS = 250;
const CANCEL_AFTER_MS = 200;
const ALERTS_AFTER_MS = 250;
const PROGRESS_TTY_MS = 100;
const PROGRESS_PLAIN_MS = 500;
const BAR_WIDTH = 10;

const between = (minMs: number, maxMs: number): number => minMs + Math.random() * (maxMs - minMs);

// ── the tasks: every body awaits its work with `signal`, so a timeout or cancel stops it ──

const fetchProfile = new AsyncTask('fetch-profile', async ({ args: [userId], signal }) => {
  await sleep(between(5, 40), undefined, { signal });
  return { userId, plan: 'pro' };
});

const chargeCard = new AsyncTask<[orderId: string, cents: number]>(
  'charge-card',
  async ({ args: [orderId, cents], signal }) => {
    await sleep(between(20, 80), undefined, { signal });
    if (cents > CARD_LIMIT_CENTS)
      throw new Error(`card declined: ${cents} cents is over the limit`);
    return { orderId, charged: cents };
  },
  { priority: 1 },
);

const resizeImage = new AsyncTask(
  'resize-image',
  async ({ signal }) => {
    await sleep(between(800, 2000), undefined, { signal });
    return 'thumbnail.webp';
  },
  { priority: -1 }, // background work: runs when nothing more urgent waits
);

const callLegacyApi = new AsyncTask(
  'call-legacy-api',
  async ({ signal }) => {
    await sleep(2000, undefined, { signal }); // always slower than its timeout
  },
  { timeoutMs: LEGACY_TIMEOUT_MS },
);

const exportCsv = new AsyncTask('export-csv', async ({ signal }) => {
  await sleep(3000, undefined, { signal }); // the user gives up long before this
});

// CPU-bound work would block the loop every AsyncTask shares: it runs on executor threads.
const renderReport = new SyncTask('render-report', { module: CPU_MODULE, export: 'countPrimes' });
const runawayParser = new SyncTask(
  'runaway-parser',
  { module: CPU_MODULE, export: 'runaway' },
  { timeoutMs: RUNAWAY_TIMEOUT_MS }, // its thread is terminated at the limit: the loop really stops
);

const sendAlert = new AsyncTask(
  'send-alert',
  async ({ signal }) => {
    await sleep(between(5, 15), undefined, { signal });
  },
  { priority: 10 },
);

// ── the scheduler, and what we watch on it ──

const s = new AsyncScheduler({ concurrency: CONCURRENCY, threads: THREADS });

/** How many tasks are in each state right now (NEW is not counted: tasks arrive SUBMITTED). */
type StateCounts = Record<TaskState, number>;
const inState = Object.fromEntries(Object.values(TaskState).map((st) => [st, 0])) as StateCounts;
s.transitions$.subscribe(({ from, to }) => {
  if (from !== TaskState.NEW) inState[from] -= 1;
  inState[to] += 1;
});

// Each export is canceled a moment after it starts, as if its user closed the dialog.
s.transitions$
  .pipe(
    filter((t) => t.to === TaskState.STARTED && t.name === exportCsv.name),
    delay(CANCEL_AFTER_MS),
  )
  .subscribe((t) => {
    void s.cancelTask(t.id, 'user closed the export dialog');
  });

let schedulerErrors = 0;
s.errors$.subscribe(() => (schedulerErrors += 1));

// ── progress: one line redrawn in place on a terminal, a plain line every 500 ms otherwise ──

const startedAt = performance.now();
const ids: string[] = [];
const isTty = process.stdout.isTTY;

function statusLine(): string {
  const finished = inState.DONE + inState.FAILED + inState.TIMED_OUT + inState.CANCELED;
  const total = ids.length;
  const filled = total === 0 ? 0 : Math.round((finished / total) * BAR_WIDTH);
  const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  return (
    `${seconds.padStart(4)}s [${bar}] ${String(finished).padStart(3)}/${total}` +
    ` | queued ${String(inState.SCHEDULED).padStart(3)} running ${String(inState.STARTED).padStart(2)}` +
    ` | done ${inState.DONE} failed ${inState.FAILED} timeout ${inState.TIMED_OUT} canceled ${inState.CANCELED}`
  );
}

function drawProgress(): void {
  if (isTty) {
    const columns = process.stdout.columns > 0 ? process.stdout.columns : Infinity;
    const line = statusLine().slice(0, columns - 1); // a wrapped line could not be redrawn
    process.stdout.write(`\r${line}\x1b[K`);
  } else {
    console.log(statusLine());
  }
}

const progressTimer = setInterval(drawProgress, isTty ? PROGRESS_TTY_MS : PROGRESS_PLAIN_MS);

// ── the run ──

console.log(
  `async-scheduler demo: a few hundred tasks, ${CONCURRENCY} at a time on the loop, CPU work on ${THREADS} threads\n`,
);
s.start();

// Each entry submits one task and returns its id.
const burst: (() => string)[] = [
  ...Array.from({ length: 180 }, (_, i) => () => s.submitTask(fetchProfile, `user-${i}`)),
  ...Array.from({ length: 42 }, (_, i) => {
    const cents = i % 3 === 0 ? 250_000 : 1_000 + i * 10; // every third order is over the limit
    return () => s.submitTask(chargeCard, `order-${i}`, cents);
  }),
  ...Array.from({ length: 40 }, () => () => s.submitTask(resizeImage)),
  ...Array.from({ length: 20 }, () => () => s.submitTask(callLegacyApi)),
  ...Array.from({ length: 15 }, () => () => s.submitTask(exportCsv)),
  ...Array.from({ length: 12 }, (_, i) => () => s.submitTask(renderReport, 200_000 + i * 10_000)),
  ...Array.from({ length: 2 }, () => () => s.submitTask(runawayParser)),
];
// Requests arrive in no particular order; priorities, not arrival, decide what runs first.
const shuffled = burst.map((submit) => ({ submit, key: Math.random() }));
shuffled.sort((a, b) => a.key - b.key);
for (const { submit } of shuffled) ids.push(submit());

// A moment later, with the queue still long, urgent alerts arrive and go to its front.
await sleep(ALERTS_AFTER_MS);
for (let i = 0; i < 12; i++) ids.push(s.submitTask(sendAlert));

const infos = await Promise.all(ids.map((id) => s.waitTask(id)));
clearInterval(progressTimer);
drawProgress();
if (isTty) process.stdout.write('\n');

// ── the report ──

const elapsedS = ((performance.now() - startedAt) / 1000).toFixed(2);
console.log(`\nAll ${infos.length} tasks finished in ${elapsedS} s.\n`);

console.log('Final states:');
const finalStates = [TaskState.DONE, TaskState.FAILED, TaskState.TIMED_OUT, TaskState.CANCELED];
for (const state of finalStates) {
  const inThisState = infos.filter((info) => info.state === state);
  const example = inThisState[0];
  const outcome = example?.reason ?? example?.error?.message ?? JSON.stringify(example?.result);
  console.log(`  ${state.padEnd(10)} ${String(inThisState.length).padStart(4)}   e.g. ${outcome}`);
}

console.log(`\nCPU work on ${THREADS} executor threads (SyncTask):`);
for (const task of [renderReport, runawayParser]) {
  const runs = infos.filter((info) => info.name === task.name);
  const states = [...new Set(runs.map((info) => info.state))].join(', ');
  const slowestMs = Math.max(...runs.map((info) => info.runMs ?? 0));
  console.log(
    `  ${task.name.padEnd(15)} ${String(runs.length).padStart(3)} × ${states.padEnd(9)} longest run ${slowestMs.toFixed(1)} ms`,
  );
}
console.log(
  '  (a runaway parser is stopped at its timeout: its thread is terminated and replaced)',
);

console.log('\nAverage wait in the queue, by priority:');
const priorities = [...new Set(infos.map((info) => info.priority))].sort((a, b) => b - a);
for (const priority of priorities) {
  const waits = infos.filter((i) => i.priority === priority && i.waitMs !== undefined);
  const avgMs = waits.reduce((sum, i) => sum + (i.waitMs ?? 0), 0) / waits.length;
  const names = [...new Set(waits.map((i) => i.name))].join(', ');
  console.log(`  ${String(priority).padStart(3)}  ${avgMs.toFixed(1).padStart(7)} ms  (${names})`);
}

console.log('\nThe 5 slowest tasks:');
console.log(formatTasks(s.slowest(5)));

// One task up close: the timed-out call that waited longest in the queue. Its timeout clock
// started at STARTED, so the time it spent queued did not count against it.
const timedOut = infos
  .filter((info) => info.state === TaskState.TIMED_OUT)
  .sort((a, b) => (b.waitMs ?? 0) - (a.waitMs ?? 0))[0];
if (timedOut !== undefined) {
  const info = s.taskInfo(timedOut.id);
  console.log(`\nOne task up close: ${info.name} ${info.id}, timeoutMs ${info.timeoutMs ?? 0}`);
  console.log(formatTasks([info]));
  console.log(formatTimestamps(info));
}

if (schedulerErrors > 0) console.log(`\n${schedulerErrors} callback/subscriber errors on errors$`);

await s.stop();

await runLanesDemo();

/** Each timestamp of a task as UTC clock time, with the time since the one before it. */
function formatTimestamps(info: TaskInfo): string {
  const order = ['submit', 'schedule', 'start', 'done', 'error', 'timeout', 'cancel'] as const;
  const lines: string[] = [];
  let previous: number | undefined;
  for (const key of order) {
    const at = info.ts[key];
    if (at === undefined) continue;
    const clock = new Date(at).toISOString().slice(11, 23);
    const since = previous === undefined ? '' : `+${(at - previous).toFixed(3)} ms`.padStart(14);
    lines.push(`  ts.${key.padEnd(9)} ${at.toFixed(3)}  ${clock} UTC${since}`);
    previous = at;
  }
  lines.push(`  waitMs ${info.waitMs?.toFixed(3) ?? '-'}   runMs ${info.runMs?.toFixed(3) ?? '-'}`);
  if (info.reason !== undefined) lines.push(`  reason: ${info.reason}`);
  return lines.join('\n');
}
