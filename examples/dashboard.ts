/**
 * A live dashboard over three lanes: the main loop ('main', an AsyncScheduler) and two
 * SchedulerThreads ('urgent' for short I/O-like jobs, 'normal' for CPU-bound reports that
 * block their own thread's loop and so raise warnings). Open the printed URL; cancel a running
 * task from the page; scrape `/metrics`.
 *
 *   npx tsx examples/dashboard.ts            # until Ctrl-C, on http://127.0.0.1:7878/
 *   npx tsx examples/dashboard.ts --port 0   # any free port
 *   npx tsx examples/dashboard.ts --once     # a few seconds, then stops (for CI and smoke tests)
 *
 * SchedulerThreads run the built library in their threads: `npm run build` first.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AsyncScheduler, AsyncTask, SchedulerThread, type TaskModuleRef } from 'async-scheduler';
import { DEFAULT_DASHBOARD_PORT, serveDashboardOnPort } from './demo/serveDashboardOnPort.js';

const ONCE_MS = 5_000;
const TICK_MS = 80;

/**
 * The lane threads' task bodies, as one module in a `data:` URL (a module reference must be
 * loadable in the thread; this one needs no file beside the example).
 */
const BODIES = `data:text/javascript,${encodeURIComponent(`
const wait = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});
/** I/O-like: waits, gives way to a cancel. */
export const fetchQuote = ({ args: [ms], signal }) => wait(ms, signal);
/** CPU-bound: keeps its thread's loop busy for ms. */
export function buildReport({ args: [ms] }) {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) n++;
  return n;
}
/** Fails one time in four. */
export async function syncAccount({ args: [ms], signal }) {
  await wait(ms, signal);
  if (Math.random() < 0.25) throw new Error('account locked');
  return 'synced';
}
`)}`;

const ref = (name: string): TaskModuleRef => ({ module: BODIES, export: name });
const fetchQuote = new AsyncTask('fetch-quote', ref('fetchQuote'), { priority: 1 });
const syncAccount = new AsyncTask('sync-account', ref('syncAccount'), { timeoutMs: 900 });
const buildReport = new AsyncTask('build-report', ref('buildReport'));

/** A main-loop job: waits, sometimes past its timeout. */
const resizeImage = new AsyncTask(
  'resize-image',
  ({ args: [ms], signal }: { args: [number]; signal: AbortSignal }) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(resolve, ms, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    }),
  { timeoutMs: 1_500 },
);

/** The three lanes of the demo. */
export interface DemoLanes {
  readonly main: AsyncScheduler;
  readonly urgent: SchedulerThread;
  readonly normal: SchedulerThread;
}

/** Creates and starts the demo's lanes. */
export function createDemoLanes(): DemoLanes {
  return {
    main: new AsyncScheduler({ concurrency: 6 }).start(),
    urgent: new SchedulerThread('urgent', { concurrency: 4 }).start(),
    normal: new SchedulerThread('normal', { concurrency: 1, slowTaskMs: 150 }).start(),
  };
}

const between = (min: number, max: number): number => min + Math.random() * (max - min);

/**
 * Feeds the lanes a steady, varied load: quick quotes, image resizes (some time out), account
 * syncs (some fail) and CPU-bound reports. Returns a function that stops submitting.
 */
export function startDemoWorkload({ main, urgent, normal }: DemoLanes): () => void {
  const timer = setInterval(() => {
    for (let i = 0; i < 3; i++) urgent.submitTask(fetchQuote, between(20, 400));
    if (Math.random() < 0.5) urgent.submitTask(syncAccount, between(100, 1_200));
    main.submitTask(resizeImage, Math.random() < 0.1 ? 3_000 : between(100, 1_200));
    if (Math.random() < 0.15) normal.submitTask(buildReport, between(80, 400));
  }, TICK_MS);
  return () => {
    clearInterval(timer);
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, once: { type: 'boolean', default: false } },
  });
  const port = values.port === undefined ? DEFAULT_DASHBOARD_PORT : Number(values.port);
  const lanes = createDemoLanes();
  const schedulers = [lanes.main, lanes.urgent, lanes.normal];
  const dashboard = await serveDashboardOnPort(schedulers, port);
  const stopWorkload = startDemoWorkload(lanes);
  console.log(`Dashboard: ${dashboard.url}  (metrics: ${dashboard.url}metrics)`);

  const shutdown = async (): Promise<void> => {
    stopWorkload();
    await dashboard.close();
    await Promise.all(schedulers.map((s) => s.stop({ cancel: true })));
    console.log('stopped');
  };
  if (values.once) {
    setTimeout(() => void shutdown(), ONCE_MS);
  } else {
    console.log('Ctrl-C to stop.');
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => void shutdown());
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
