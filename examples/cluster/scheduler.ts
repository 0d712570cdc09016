/**
 * `npm run demo:cluster`: the BullMQ lane past one process. A BullMQScheduler in this process
 * sends a web shop's background work to a Redis queue; two worker processes (worker.ts, each
 * calling runWorker) take the jobs and run them. The demo serves the dashboard, prints which
 * worker started each task, kills one worker with SIGKILL mid-run, and ends with a report
 * showing every task in exactly one final state. It stops the workers and deletes its queue's
 * keys from Redis before it exits.
 *
 * Needs a Redis: `--redis URL`, else REDIS_URL, else redis://127.0.0.1:6379 (`redis-server`
 * starts one). Flags: `--keep` goes on submitting a trickle of work until Ctrl-C; `--no-kill`
 * spares the worker; `--short` runs a smaller workload (the demo's test); `--port N` for the
 * dashboard (default 7878, a free port when that is taken); `--queue NAME` for the queue.
 */
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TaskState, type TaskTransition } from 'async-scheduler';
import { BullMQScheduler } from 'async-scheduler/bullmq';
import { DEFAULT_DASHBOARD_PORT, serveDashboardOnPort } from '../demo/serveDashboardOnPort.js';
import { JobPlacements } from './jobPlacements.js';
import { killWhenBusy } from './killWhenBusy.js';
import { DEFAULT_REDIS_URL } from './messages.js';
import { servePartnerEndpoint } from './partnerEndpoint.js';
import { redisProblem } from './redisCheck.js';
import { clusterReport, FinalStateCount } from './report.js';
import { callLegacyApi, chargeCard, exportCsv, WEBHOOK_OUTAGE_CALLS } from './tasks.js';
import { startWorkerProcess } from './workerProcess.js';
import { FULL, SHORT, submitTrickle, submitWorkload } from './workload.js';

/** How long Redis has to answer the first PING. */
const REDIS_CHECK_MS = 2_000;
/** The scripted workload ends well before this; what is still running then is canceled. */
const DRAIN_LIMIT_MS = 60_000;
/** How long this side waits for a worker's word on a timed-out or canceled task (a dead worker says nothing). */
const LOST_WORKER_MS = 5_000;
const SHORT_ID_LENGTH = 12;
/** The tasks whose outcome the demo shows (and its test checks): they end before the kill. */
const SHOWN_OUTCOMES = new Set([chargeCard.name, callLegacyApi.name, exportCsv.name]);

const { values: flags } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    'no-kill': { type: 'boolean', default: false },
    short: { type: 'boolean', default: false },
    port: { type: 'string', default: String(DEFAULT_DASHBOARD_PORT) },
    queue: { type: 'string', default: `cluster-demo-${process.pid}` },
    redis: { type: 'string', default: process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL },
  },
});
const redisUrl = flags.redis;
/** The URL as it may be printed: a password in it is masked. */
const shownUrl = redisUrl.replace(/^(\w+:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
const queue = flags.queue;
const size = flags.short ? SHORT : FULL;

const problem = await redisProblem(redisUrl, REDIS_CHECK_MS);
if (problem !== undefined) {
  console.error(
    `No Redis answered at ${shownUrl} within ${REDIS_CHECK_MS / 1000} s (${problem}).\n` +
      'The cluster demo needs one: start it with `redis-server` (or `docker run -p 6379:6379 redis`),\n' +
      'or point REDIS_URL at yours: REDIS_URL=redis://host:6379 npm run demo:cluster',
  );
  process.exit(1);
}

// Ctrl-C or SIGTERM: stop submitting, cancel what is left, clean up, exit 0.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: canceling what is left…`);
    interrupt.abort(signal);
  });
}
let startedAt = performance.now();
const elapsedMs = (): number => performance.now() - startedAt;
const log = (line: string): void => {
  console.log(`${(elapsedMs() / 1000).toFixed(2).padStart(6)}s  ${line}`);
};
const shortId = (id: string): string => `…${id.slice(-SHORT_ID_LENGTH)}`;

console.log(`async-scheduler cluster demo: queue "${queue}" on ${shownUrl}`);
const partner = await servePartnerEndpoint(WEBHOOK_OUTAGE_CALLS);
const workers = await Promise.all(
  ['worker-1', 'worker-2'].map((name) => startWorkerProcess(name, queue, redisUrl)),
);
for (const worker of workers) {
  console.log(`${worker.name} (pid ${worker.pid}) takes ${worker.concurrency} jobs at a time`);
}

const scheduler = new BullMQScheduler({
  name: 'cluster',
  queue,
  connection: redisUrl,
  // Every task may take three attempts (a worker that dies under one costs one).
  retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 200, maxDelayMs: 2_000 } },
  lostWorkerMs: LOST_WORKER_MS,
  metricsIntervalMs: 500,
});
scheduler.errors$.subscribe((error) => {
  log(`errors$: ${error.code} ${error.message}`);
});
const finals = new FinalStateCount(scheduler.transitions$);
// Its own connection, to read which worker took a job and to delete the queue's keys at the end.
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const jobs = new Queue(queue, { connection: redis });
const placements = new JobPlacements(scheduler, jobs, (t, worker) => {
  log(`${worker} ▶ ${t.name.padEnd(16)} ${shortId(t.id)}  attempt ${t.info.attempt}`);
});
scheduler.transitions$.subscribe(logOutcome);

const dashboard = await serveDashboardOnPort([scheduler], Number(flags.port));
console.log(`Dashboard: ${dashboard.url}`);
console.log(
  `Another worker can join from a second terminal while it runs:\n` +
    `  npx tsx examples/cluster/worker.ts --queue ${queue} --redis ${shownUrl}\n`,
);

scheduler.start();
startedAt = performance.now(); // the log's times count from the first submit
const ids = interrupt.signal.aborted
  ? []
  : await submitWorkload(scheduler, size, partner.url, interrupt.signal);
log(`${ids.length} tasks submitted`);

// The crash, beside the work: once it is time and worker-2 runs a job.
const workOver = new AbortController();
interrupt.signal.addEventListener('abort', () => {
  workOver.abort();
});
const victim = flags['no-kill'] ? undefined : workers[1];
const killing =
  victim === undefined
    ? Promise.resolve(undefined)
    : killWhenBusy(victim, placements, size.killAtMs, outcomesShown, workOver.signal, elapsedMs);
void killing.then((kill) => {
  if (kill === undefined) return;
  log(
    `SIGKILL ${kill.worker.name} (pid ${kill.worker.pid}) while it runs ${kill.held.map(shortId).join(', ')}: ` +
      `its jobs wait for BullMQ's stalled-job check to hand them back`,
  );
});

let drained: Promise<void>;
if (flags.keep) {
  console.log('--keep: a trickle of new work goes on until Ctrl-C.');
  await submitTrickle(scheduler, ids, interrupt.signal);
  drained = scheduler.stop({ cancel: true });
} else {
  drained = scheduler.stop({ timeoutMs: DRAIN_LIMIT_MS });
  interrupt.signal.addEventListener('abort', () => void scheduler.stop({ cancel: true }));
}
await drained;
workOver.abort();
const kill = await killing;
await placements.settled();
await Promise.all(workers.map((worker) => worker.close()));

const report = clusterReport({ scheduler, ids, finals, placements, workers, kill });
console.log(`\n${report}`);
console.log(
  `\nThe partner's endpoint answered ${partner.calls} calls (the first ${WEBHOOK_OUTAGE_CALLS} with 503).`,
);

await jobs.obliterate({ force: true }); // every key BullMQ keeps: jobs, events, meta
// The stream the schedulers send cancels on (BullMQ does not know it; it would expire anyway).
await redis.del(`bull:${queue}:async-scheduler:cancels`);
await jobs.close();
redis.disconnect();
await Promise.all([dashboard.close(), partner.close()]);
console.log(`Deleted queue "${queue}" from Redis. Stopped.`);

/** Whether every task of {@link SHOWN_OUTCOMES} has ended. */
function outcomesShown(): boolean {
  return ids.every((id) => finals.of(id).length > 0 || !SHOWN_OUTCOMES.has(nameOf(id)));
}

/** The task's name; '' once retention let go of it (it ended long ago). */
function nameOf(id: string): string {
  try {
    return scheduler.taskInfo(id).name;
  } catch {
    return '';
  }
}

/** One line for each retry and each end other than DONE: the starts are logged with their worker. */
function logOutcome(t: TaskTransition): void {
  const id = shortId(t.id);
  if (t.reason === 'retry') {
    const failed = t.info.attempts.at(-1);
    const waitMs = Math.max(0, (t.info.runAfter ?? t.at) - t.at);
    log(
      `↻ ${t.name.padEnd(16)} ${id}  attempt ${failed?.attempt ?? '?'} ${failed?.state ?? ''}` +
        ` (${failed?.error?.name ?? ''}: ${failed?.error?.message ?? ''}); next in ${waitMs.toFixed(0)} ms`,
    );
    return;
  }
  if (t.to === TaskState.FAILED || t.to === TaskState.TIMED_OUT || t.to === TaskState.CANCELED) {
    log(`✗ ${t.name.padEnd(16)} ${id}  ${t.to}: ${t.info.error?.message ?? ''}`);
  }
}
