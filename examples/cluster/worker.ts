/**
 * One worker process of the cluster demo: takes the demo queue's jobs from Redis and runs them
 * with the demo's handlers. `npm run demo:cluster` starts two of these; more can join from
 * another terminal, or another machine that reaches the same Redis:
 *
 *   npx tsx examples/cluster/worker.ts --queue <the queue the demo printed> [--redis URL] [--name N]
 *
 * Started by the demo (with an IPC channel), it says when it is ready, closes when told to, and
 * leaves if the demo goes away; on its own, Ctrl-C (SIGINT) or SIGTERM closes it.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { runWorker } from 'async-scheduler/bullmq';
import { handlers } from './handlers.js';
import { DEFAULT_REDIS_URL, type ParentMessage, type WorkerMessage } from './messages.js';

/** Jobs this process runs at once. */
const CONCURRENCY = 3;
/** Executor threads for the SyncTask bodies (render-report): one, two cores are shared. */
const THREADS = 1;
/**
 * Short locks, so that a killed worker's jobs are handed back within seconds, not the 30 s a
 * production worker would wait (a loop blocked this long would also lose its jobs).
 */
const LOCK_DURATION_MS = 2_000;
const STALLED_INTERVAL_MS = 1_000;

const { values: flags } = parseArgs({
  options: {
    queue: { type: 'string' },
    redis: { type: 'string', default: process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL },
    name: { type: 'string', default: `${hostname()}:${process.pid}` },
  },
});
if (flags.queue === undefined) {
  console.error('Usage: worker.ts --queue <queue name> [--redis redis://host:port] [--name N]');
  process.exit(2);
}

const worker = await runWorker({
  connection: flags.redis,
  queue: flags.queue,
  name: flags.name,
  concurrency: CONCURRENCY,
  threads: THREADS,
  handlers,
  lockDurationMs: LOCK_DURATION_MS,
  stalledIntervalMs: STALLED_INTERVAL_MS,
});
worker.errors$.subscribe((error) => {
  console.error(`${worker.name}: ${error.message}`);
});

const send = (message: WorkerMessage): void => {
  process.send?.(message);
};
let closing: Promise<void> | undefined;
const close = (force: boolean): Promise<void> => {
  closing ??= worker.close({ force }).then(() => {
    send({ type: 'closed' });
    if (process.connected) process.disconnect();
  });
  return closing;
};

if (process.send === undefined) {
  // On its own: Ctrl-C or SIGTERM finishes the running jobs, then exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void close(false));
  console.log(`${worker.name} takes jobs of queue "${worker.queue}" from ${flags.redis}`);
} else {
  // Under the demo: it decides when to close (a terminal's Ctrl-C reaches every process of the
  // group, the demo included); without it, nothing is left to report to.
  process.on('SIGINT', () => undefined);
  process.once('SIGTERM', () => void close(false));
  process.on('message', (_message: ParentMessage) => void close(false));
  process.once('disconnect', () => void close(true));
  send({ type: 'ready', name: worker.name, pid: process.pid, concurrency: CONCURRENCY });
}
