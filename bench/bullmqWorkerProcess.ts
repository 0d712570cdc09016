/**
 * A worker process of the scale-out scenario (bench/bullmqWorkerProcesses.ts), spawned by the
 * bench process with an IPC channel:
 *
 * ```sh
 * node --import tsx bench/bullmqWorkerProcess.ts <lane|raw> <queue> <concurrency>
 * ```
 *
 * It runs CPU jobs that each spin for `ms` milliseconds on this process's loop: `lane` with
 * `runWorker` (the handler `spin`, args `[ms]`), `raw` with a BullMQ Worker (job data `{ ms }`).
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { runWorker } from '../dist/bullmq/index.js';
import { REDIS_URL } from './bullmq.js';
import { processCpuMs } from './measure.js';
import {
  SPIN_HANDLER,
  type FromWorkerProcess,
  type ToWorkerProcess,
  type WorkerKind,
} from './workerProcessMessages.js';

/** Holds this process's core for `ms` of wall time (no sleep), as bench/fixtures/spin.mjs. */
function spin(ms: number): number {
  const until = performance.now() + ms;
  let turns = 0;
  while (performance.now() < until) turns++;
  return turns;
}

function say(message: FromWorkerProcess): void {
  process.send?.(message);
}

/** Starts the kind of worker asked for; resolves to its close. */
async function startWorker(
  kind: WorkerKind,
  queue: string,
  concurrency: number,
): Promise<() => Promise<void>> {
  if (kind === 'lane') {
    const worker = await runWorker({
      connection: REDIS_URL,
      queue,
      concurrency,
      handlers: { [SPIN_HANDLER]: ({ args }) => spin(Number((args as readonly unknown[])[0])) },
    });
    return () => worker.close();
  }
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queue,
    (job: Job<{ ms: number }>) => Promise.resolve(spin(job.data.ms)),
    { connection, concurrency },
  );
  await worker.waitUntilReady();
  return async () => {
    await worker.close();
    connection.disconnect();
  };
}

const [kind, queue, concurrency] = process.argv.slice(2);
if ((kind !== 'lane' && kind !== 'raw') || queue === undefined || concurrency === undefined) {
  console.error('usage: bullmqWorkerProcess.ts <lane|raw> <queue> <concurrency>');
  process.exit(2);
}
if (process.send === undefined) {
  console.error('bullmqWorkerProcess.ts is spawned by the bench with an IPC channel');
  process.exit(2);
}
const close = await startWorker(kind, queue, Number(concurrency));
process.on('message', (message: ToWorkerProcess) => {
  if (message.type === 'cpu') {
    say({ type: 'cpu', cpuMs: processCpuMs() });
    return;
  }
  void close().then(() => {
    say({ type: 'closed' });
    process.disconnect();
  });
});
say({ type: 'ready' });
