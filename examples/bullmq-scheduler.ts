// examples/bullmq-scheduler.ts
import { AsyncTask, formatTasks, SyncTask } from 'async-scheduler';
import { BullMQScheduler } from 'async-scheduler/bullmq';

// A task names its body by a handler the workers registered (examples/bullmq-worker.ts).
const send = new AsyncTask<[to: string, subject: string], { messageId: string }>(
  'send',
  { handler: 'send' },
  {
    timeoutMs: 10_000, // per attempt, from STARTED; the worker aborts the body's signal
    retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 500, maxDelayMs: 5_000 } },
  },
);
const digest = new SyncTask<[text: string, rounds: number], string>('digest', {
  handler: 'digest',
});

const emails = new BullMQScheduler({
  name: 'emails', // the lane's name, and the queue's
  connection: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  autoStart: true,
});
emails.errors$.subscribe((error) => {
  console.warn(error.code, error.message); // ERR_REDIS_UNAVAILABLE while Redis is away
});

const welcome = emails.submit(send, { args: ['ada@example.com', 'Welcome'], priority: 5 });
const reminder = emails.submit(send, { args: ['alan@example.com', 'Reminder'], delayMs: 500 });
const typo = emails.submit(send, { args: ['grace.example.com', 'Hello'] });
const hashed = emails.submit(digest, { args: ['some input', 100_000] });
console.log('Waiting for a worker (npx tsx bullmq-worker.ts)…');

console.log(await welcome.result()); // { to, subject, messageId }: JSON, from whichever worker
console.log(await hashed.result()); // computed on a worker's executor thread
console.log((await typo.wait()).error?.message); // not an address: … (failed once, not retried)
console.log((await reminder.wait()).state); // DONE, half a second after its submit at the earliest
console.log(formatTasks(emails.dumpTask()));
await emails.stop(); // workers and the jobs' records in Redis stay
