/** Quickstart: define a task, run it on a scheduler, watch its transitions, read its result. */
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, type TaskContext } from '../src/index.js';

const greet = new AsyncTask('greet', async ({ args: [who], signal }: TaskContext<[string]>) => {
  await sleep(100, undefined, { signal }); // pass `signal` on, so a timeout or cancel stops the work
  return `Hello, ${who}!`;
});

const scheduler = new AsyncScheduler({ concurrency: 4 });
scheduler.transitions$.subscribe((t) => {
  console.log(`${t.name}: ${t.from} -> ${t.to}`);
});
scheduler.start();

const id = scheduler.submitTask(greet, 'Ada');
console.log(await scheduler.result(id)); // Hello, Ada!
await scheduler.stop();
