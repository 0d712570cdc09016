// examples/bullmq-worker.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, type TaskContext } from 'async-scheduler';
import { runWorker } from 'async-scheduler/bullmq';

// Start one on every machine that should take the queue's jobs: they share it through Redis.
const worker = await runWorker({
  connection: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  queue: 'emails', // the BullMQScheduler's queue (its name, unless it gives `queue`)
  concurrency: 8, // jobs this process runs at once
  threads: 1, // executor threads for SyncTask bodies
  handlers: {
    // The bodies tasks name with { handler: 'send' }: they live here, not in the scheduler.
    send: async ({ args: [to, subject], signal }: TaskContext<[to: string, subject: string]>) => {
      if (!to.includes('@')) throw new UnrecoverableError(`not an address: ${to}`); // no retry
      await sleep(100, undefined, { signal }); // stands for the mail server's answer
      return { to, subject, messageId: `<${Date.now()}@mail.example.com>` };
    },
    // A module reference: a SyncTask naming it runs on this worker's executor threads.
    digest: { module: new URL('./tasks/hash.mjs', import.meta.url) },
  },
});
console.log(`${worker.name} takes the jobs of queue "${worker.queue}"`);

// Ctrl-C or SIGTERM (a deploy, a scale-down): take no new job, finish the running ones, exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void worker.close());
}
