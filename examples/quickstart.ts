// examples/quickstart.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, formatTasks, type TaskContext } from 'async-scheduler';

// A task is a definition: submit it as often as you like, each run gets its own id.
const greet = new AsyncTask(
  'greet',
  async ({ args: [who], signal }: TaskContext<[who: string]>) => {
    await sleep(100, undefined, { signal }); // pass `signal` on: a timeout or cancel stops the work
    return `Hello, ${who}!`;
  },
  { timeoutMs: 5_000, priority: 1 },
); // AsyncTask<[who: string], string>: its types come from the body

const s = new AsyncScheduler({ concurrency: 8 });
s.transitions$.subscribe((t) => {
  console.log(`${t.name} ${t.from} → ${t.to}`);
});
s.start();
const handle = s.submit(greet, { args: ['Ada'] }); // args checked against the body's
const greeting: string = await handle.result(); // or rejects: the body's error, TaskTimeoutError, TaskCanceledError
console.log(greeting); // Hello, Ada!
console.log(formatTasks(s.dumpTask()));
await s.stop();
