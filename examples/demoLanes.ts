/**
 * Part two of the `npm start` demo: two SchedulerThreads side by side. CPU-bound reports block
 * the 'normal' lane's own event loop while the 'urgent' lane keeps starting its tasks at once,
 * and the caller's loop (this one) stays responsive: each lane has its own thread.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncTask, SchedulerThread, formatTasks } from '../src/index.js';

const CPU_MODULE = new URL('./tasks/cpu.mjs', import.meta.url);
const REPORT_LIMIT = 2_500_000; // ~200–400 ms of CPU per report on this kind of machine
const REPORTS = 4;
const PINGS = 20;
const PING_EVERY_MS = 40;
const NS_PER_MS = 1e6;

// Bodies of a SchedulerThread run in its thread, so they are module references.
const report = new AsyncTask('cpu-report', { module: CPU_MODULE, export: 'countPrimes' });
const ping = new AsyncTask('ping', { module: CPU_MODULE, export: 'countPrimes' }, { priority: 1 });

/** Runs the two-lane part of the demo and prints what each lane and the main loop saw. */
export async function runLanesDemo(): Promise<void> {
  console.log(`\nTwo lanes, each on its own thread: 'normal' runs ${REPORTS} CPU-bound reports`);
  console.log(
    `back to back (each blocks that lane's loop), 'urgent' gets a ping every ${PING_EVERY_MS} ms.\n`,
  );
  const normal = new SchedulerThread('normal', { concurrency: 1 }).start();
  const urgent = new SchedulerThread('urgent').start();
  // A lane thread takes 50–400 ms to boot: let both come up before measuring what they do.
  await Promise.all([normal, urgent].map((lane) => lane.result(lane.submitTask(ping, 10))));
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();

  const reports = Array.from({ length: REPORTS }, () => normal.submitTask(report, REPORT_LIMIT));
  const pings: string[] = [];
  for (let i = 0; i < PINGS; i++) {
    pings.push(urgent.submitTask(ping, 1_000));
    await sleep(PING_EVERY_MS);
  }
  const pingInfos = await Promise.all(pings.map((id) => urgent.waitTask(id)));
  const reportInfos = await Promise.all(reports.map((id) => normal.waitTask(id)));
  loopDelay.disable();
  await Promise.all([normal.stop(), urgent.stop()]);

  const waits = pingInfos.map((info) => info.waitMs ?? 0).sort((a, b) => a - b);
  const worstWait = waits.at(-1) ?? 0;
  const longestReport = Math.max(...reportInfos.map((info) => info.runMs ?? 0));
  console.log(
    `  normal: ${reportInfos.length} reports, the longest ran ${longestReport.toFixed(0)} ms`,
  );
  console.log(
    `  urgent: ${pingInfos.length} pings, submit→start median ${waits[waits.length >> 1]?.toFixed(2)} ms, worst ${worstWait.toFixed(2)} ms`,
  );
  console.log(
    `  main loop: worst delay ${(loopDelay.max / NS_PER_MS).toFixed(1)} ms while all this ran`,
  );
  console.log(
    `  (on a single loop, each ping could have waited up to ${longestReport.toFixed(0)} ms behind a report)\n`,
  );
  console.log(formatTasks(normal.slowest(2)));
}
