/**
 * The demo's tasks: what a small web backend runs. Every AsyncTask awaits its work with
 * `signal`, so a timeout or cancel stops it; CPU-bound work is a SyncTask (main lane) or runs
 * in a SchedulerThread of its own ('normal'), never on the loop the I/O shares.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncTask, SyncTask } from 'async-scheduler';

const CPU_MODULE = new URL('../tasks/cpu.mjs', import.meta.url);
const CARD_LIMIT_CENTS = 100_000;
/** The call-legacy-api timeout: its body always takes longer. */
export const LEGACY_TIMEOUT_MS = 250;
/** The runaway-parser timeout: its thread is terminated at the limit. */
export const RUNAWAY_TIMEOUT_MS = 300;
/** How long parse-config-sync blocks the main loop on purpose. */
export const MAIN_LOOP_BLOCK_MS = 220;

const between = (minMs: number, maxMs: number): number => minMs + Math.random() * (maxMs - minMs);

// ── main lane: I/O on the caller's loop ──

export const fetchProfile = new AsyncTask('fetch-profile', async ({ args: [userId], signal }) => {
  await sleep(between(5, 40), undefined, { signal });
  return { userId, plan: 'pro' };
});

export const chargeCard = new AsyncTask<[orderId: string, cents: number]>(
  'charge-card',
  async ({ args: [orderId, cents], signal }) => {
    await sleep(between(20, 80), undefined, { signal });
    if (cents > CARD_LIMIT_CENTS)
      throw new Error(`card declined: ${cents} cents is over the limit`);
    return { orderId, charged: cents };
  },
  { priority: 1 },
);

export const resizeImage = new AsyncTask(
  'resize-image',
  async ({ signal }) => {
    await sleep(between(800, 2000), undefined, { signal });
    return 'thumbnail.webp';
  },
  { priority: -1 }, // background work: runs when nothing more urgent waits
);

export const callLegacyApi = new AsyncTask(
  'call-legacy-api',
  async ({ signal }) => {
    await sleep(2000, undefined, { signal }); // always slower than its timeout
  },
  { timeoutMs: LEGACY_TIMEOUT_MS },
);

export const exportCsv = new AsyncTask('export-csv', async ({ signal }) => {
  await sleep(3000, undefined, { signal }); // the user gives up long before this
});

/** The health check `repeat()` submits every so often; each run is a task of its own. */
export const healthCheck = new AsyncTask('health-check', async ({ signal }) => {
  await sleep(between(2, 10), undefined, { signal });
  return 'ok';
});

export const sendAlert = new AsyncTask(
  'send-alert',
  async ({ signal }) => {
    await sleep(between(5, 15), undefined, { signal });
  },
  { priority: 10 },
);

/** How many times in a row the webhook endpoint answers 503 to a delivery. */
export const WEBHOOK_OUTAGE_CALLS = 2;
/** Calls made so far per delivery (task id): the same id comes back for each attempt. */
const webhookCalls = new Map<string, number>();

/**
 * A delivery to an endpoint that is down for its first two calls: the task's retry policy
 * tries it again after a short backoff, and the third attempt gets through.
 */
export const deliverWebhook = new AsyncTask<[event: string]>(
  'deliver-webhook',
  async ({ id, args: [event], signal }) => {
    const call = (webhookCalls.get(id) ?? 0) + 1;
    webhookCalls.set(id, call);
    await sleep(between(10, 30), undefined, { signal });
    if (call <= WEBHOOK_OUTAGE_CALLS)
      throw new Error(`webhook endpoint answered 503 (call ${call})`);
    webhookCalls.delete(id);
    return { event, delivered: true };
  },
  { retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 50, jitter: false } } },
);

/** The mistake the blocked-loop warning exists for: CPU work written as an AsyncTask. */
export const parseConfigSync = new AsyncTask('parse-config-sync', () => {
  const until = performance.now() + MAIN_LOOP_BLOCK_MS;
  let lines = 0;
  while (performance.now() < until) lines++;
  return { lines };
});

// CPU-bound work on the main lane's executor threads.
export const renderReport = new SyncTask('render-report', {
  module: CPU_MODULE,
  export: 'countPrimes',
});
export const runawayParser = new SyncTask(
  'runaway-parser',
  { module: CPU_MODULE, export: 'runaway' },
  { timeoutMs: RUNAWAY_TIMEOUT_MS }, // its thread is terminated at the limit: the loop really stops
);

// ── SchedulerThread lanes: bodies run in the lane's own thread, so they are module references ──

/** A CPU-bound report that blocks the 'normal' lane's own loop for a few hundred ms. */
export const cpuReport = new AsyncTask('cpu-report', { module: CPU_MODULE, export: 'countPrimes' });
/** A quick health check on the 'urgent' lane. */
export const ping = new AsyncTask(
  'ping',
  { module: CPU_MODULE, export: 'countPrimes' },
  { priority: 1 },
);
