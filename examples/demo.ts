/**
 * The `npm start` demo: a small web backend's work on three lanes, watched live.
 *
 * - 'main', an AsyncScheduler on this process's loop: fast I/O calls, failing payments, a legacy
 *   API that times out, exports a user cancels mid-run, background jobs, urgent alerts that jump
 *   the queue, a webhook delivery that succeeds on its third attempt (retry with backoff),
 *   CPU-bound reports as SyncTasks on executor threads (a runaway one is stopped by its timeout:
 *   its thread is terminated), a health check that `repeat()` submits every half second, and one
 *   task that blocks the loop on purpose, so the blocked-loop warning shows.
 * - 'normal', a SchedulerThread running CPU-bound reports back to back on its own loop.
 * - 'urgent', a SchedulerThread answering pings, undisturbed by either.
 *
 * A live view draws each lane from its `metrics$`; the run ends with a report.
 * `npm start -- --dashboard` also serves the live web page, on port 7878 (`--port N` picks
 * another; a free one when that is taken), and keeps serving it after the report until Ctrl-C.
 * Ctrl-C (SIGINT) or SIGTERM at any point stops the lanes, closes the page, and exits 0.
 */
import { parseArgs } from 'node:util';
import { delay, filter } from 'rxjs';
import {
  AsyncScheduler,
  SchedulerThread,
  TaskState,
  formatTasks,
  type LoopBlockedWarning,
  type TaskInfo,
} from 'async-scheduler';
import type { Dashboard } from 'async-scheduler/dashboard';
import { LiveView } from './demo/liveView.js';
import {
  attemptLines,
  formatTimestamps,
  laneTable,
  slowestOfAll,
  warningSummary,
} from './demo/report.js';
import { DEFAULT_DASHBOARD_PORT, serveDashboardOnPort } from './demo/serveDashboardOnPort.js';
import {
  deliverWebhook,
  exportCsv,
  MAIN_LOOP_BLOCK_MS,
  ping,
  WEBHOOK_OUTAGE_CALLS,
} from './demo/tasks.js';
import { HEALTH_CHECK_EVERY_MS, submitWorkload, type DemoLanes } from './demo/workload.js';

const CONCURRENCY = 32;
/** One executor thread: with 'normal' burning a core on purpose, more would oversubscribe 2 cores. */
const THREADS = 1;
const METRICS_INTERVAL_MS = 250;
const CANCEL_AFTER_MS = 200;
/** The latest occurrences of the repeating health check the report lists. */
const REPEAT_ROWS = 3;

const { values: flags } = parseArgs({
  options: {
    dashboard: { type: 'boolean', default: false },
    port: { type: 'string', default: String(DEFAULT_DASHBOARD_PORT) },
  },
});

// Ctrl-C or SIGTERM: stop submitting, cancel what is left, close the dashboard, exit 0.
const interrupt = new AbortController();
const interrupted = new Promise<void>((resolve) => {
  interrupt.signal.addEventListener(
    'abort',
    () => {
      resolve();
    },
    { once: true },
  );
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the lanes…`);
    interrupt.abort(signal);
  });
}

const lanes: DemoLanes = {
  main: new AsyncScheduler({
    name: 'main',
    concurrency: CONCURRENCY,
    threads: THREADS,
    metricsIntervalMs: METRICS_INTERVAL_MS,
  }),
  urgent: new SchedulerThread('urgent', { metricsIntervalMs: METRICS_INTERVAL_MS }),
  normal: new SchedulerThread('normal', { concurrency: 1, metricsIntervalMs: METRICS_INTERVAL_MS }),
};
const all = [lanes.main, lanes.urgent, lanes.normal] as const;

// Each export is canceled a moment after it starts, as if its user closed the dialog.
lanes.main.transitions$
  .pipe(
    filter((t) => t.to === TaskState.STARTED && t.name === exportCsv.name),
    delay(CANCEL_AFTER_MS),
  )
  .subscribe((t) => {
    void lanes.main.cancelTask(t.id, 'user closed the export dialog');
  });

const warnings: LoopBlockedWarning[] = [];
let schedulerErrors = 0;
let worstMainLoopDelayMs = 0;
let mainRetries = 0;
for (const lane of all) {
  lane.warnings$.subscribe((warning) => {
    if (warning.type === 'loop.blocked') warnings.push(warning);
  });
  lane.errors$.subscribe(() => (schedulerErrors += 1));
}
lanes.main.metrics$.subscribe((metrics) => {
  worstMainLoopDelayMs = Math.max(worstMainLoopDelayMs, metrics.eventLoop.delayMs.max);
  mainRetries = metrics.retried;
});

console.log(
  `async-scheduler demo: three lanes — 'main' (this loop, ${CONCURRENCY} at a time, CPU work on ${THREADS} threads),\n` +
    `'normal' (its own thread, CPU-bound reports) and 'urgent' (its own thread, pings).\n`,
);

let dashboard: Dashboard | undefined;
if (flags.dashboard) {
  dashboard = await serveDashboardOnPort(all, Number(flags.port));
  console.log(`Dashboard: ${dashboard.url}\n`);
}

// A lane thread takes 50–400 ms to boot: let both come up before the work (and the clock) starts.
for (const lane of all) lane.start();
await Promise.all(
  [lanes.urgent, lanes.normal].map((lane) => lane.result(lane.submitTask(ping, 10))),
);

const view = new LiveView(all);
view.start();
const startedAt = performance.now();
const ids = await submitWorkload(lanes, interrupt.signal);
const everyTaskFinal = Promise.all(
  all.map((lane) => Promise.all((ids.get(lane.name) ?? []).map((id) => lane.waitTask(id)))),
);
await Promise.race([everyTaskFinal, interrupted]);
// Stopping emits each lane's last metrics$ sample, so the view's last frame is the final count.
await Promise.all(all.map((lane) => lane.stop({ cancel: interrupt.signal.aborted })));
view.stop();
if (!interrupt.signal.aborted) printReport();
if (dashboard !== undefined) {
  if (!interrupt.signal.aborted) {
    console.log(`\nStill serving ${dashboard.url} — Ctrl-C to stop.`);
    await interrupted;
  }
  await dashboard.close();
}
console.log('Stopped.');

/** What happened: per lane, the warnings, the isolation of 'urgent', the slowest, one task. */
function printReport(): void {
  // Every task of the run, the boot pings included (retention keeps the last 10,000 per lane).
  const infosByLane = new Map<string, TaskInfo[]>(all.map((lane) => [lane.name, lane.dumpTask()]));

  const total = [...infosByLane.values()].reduce((sum, infos) => sum + infos.length, 0);
  const elapsedS = ((performance.now() - startedAt) / 1000).toFixed(2);
  console.log(`\nAll ${total} tasks finished in ${elapsedS} s.\n`);
  console.log(laneTable(infosByLane));

  console.log(`\nWarnings: event loops blocked longer than slowTaskMs (100 ms):`);
  console.log(warningSummary(warnings));
  if (warnings.some((warning) => warning.task === undefined)) {
    console.log(
      "  (a block 'not attributed to a task' was seen only by the late-timer sentinel: a body after\n" +
        '   an `await`, a callback, code outside the scheduler — or, on a busy machine, the OS pausing\n' +
        '   this thread mid-callback; its `suspects` are the tasks that were running, not culprits)',
    );
  }
  console.log(
    `  (parse-config-sync blocked the main loop ${MAIN_LOOP_BLOCK_MS} ms on purpose; the 'normal' lane's reports block only their own thread)`,
  );
  // The workload's pings only: the boot ping waited for the thread to start.
  const pingIds = new Set(ids.get('urgent'));
  const urgentWaits = (infosByLane.get('urgent') ?? [])
    .filter((info) => pingIds.has(info.id))
    .map((info) => info.waitMs ?? 0);
  console.log(
    `\nIsolation: 'urgent' pings waited at most ${Math.max(0, ...urgentWaits).toFixed(1)} ms for a start while 'normal' was busy;` +
      ` the main loop's worst delay was ${worstMainLoopDelayMs.toFixed(0)} ms (the deliberate block included).`,
  );

  const checks = (infosByLane.get('main') ?? []).filter((info) => info.repeatId !== undefined);
  if (checks.length > 0) {
    console.log(
      `\nRepeating: ${checks.length} health checks, one every ${HEALTH_CHECK_EVERY_MS} ms, each a task of its own` +
        ` (repeatId ${checks[0]?.repeatId ?? ''}): ${checks.filter((info) => info.state === TaskState.DONE).length} DONE.`,
    );
    console.log(formatTasks(checks.slice(-REPEAT_ROWS)));
  }

  console.log('\nThe 6 slowest tasks of all lanes:');
  console.log(
    slowestOfAll(
      all.map((lane) => lane.slowest(6)),
      6,
    ),
  );

  const mainInfos = infosByLane.get('main') ?? [];
  console.log(
    `\nRetries: ${deliverWebhook.name} met an endpoint down for its first ${WEBHOOK_OUTAGE_CALLS} calls;` +
      ` its retry policy (3 attempts, exponential backoff from 50 ms) got it through.` +
      ` 'main' counted ${mainRetries} retries in all.`,
  );
  const deliveries = mainInfos.filter((info) => info.name === deliverWebhook.name);
  console.log(formatTasks(deliveries));
  for (const delivery of deliveries) console.log(attemptLines(delivery));

  // One task up close: the timed-out call that waited longest in the queue. Its timeout clock
  // started at STARTED, so the time it spent queued did not count against it.
  const timedOut = (infosByLane.get('main') ?? [])
    .filter((info) => info.state === TaskState.TIMED_OUT && info.name === 'call-legacy-api')
    .sort((a, b) => (b.waitMs ?? 0) - (a.waitMs ?? 0))[0];
  if (timedOut !== undefined) {
    console.log(
      `\nOne task up close: ${timedOut.name} ${timedOut.id}, timeoutMs ${timedOut.timeoutMs ?? 0}`,
    );
    console.log(formatTimestamps(timedOut));
  }
  if (schedulerErrors > 0)
    console.log(`\n${schedulerErrors} events on errors$ (callbacks, subscribers, crashes)`);
}
