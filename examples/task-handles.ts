// examples/task-handles.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, type TaskContext, type TaskId } from 'async-scheduler';

const fetchPage = new AsyncTask(
  'fetch-page',
  async ({ args: [url], signal }: TaskContext<[url: string]>) => {
    await sleep(200, undefined, { signal }); // stands for `await fetch(url, { signal })`
    return url.length; // stands for the response's status
  },
);
const s = new AsyncScheduler({ concurrency: 1 }).start();

const id: TaskId<number> = s.submitTask(fetchPage, 'https://example.com/a'); // args checked
const controller = new AbortController();
const h = s.submit(fetchPage, {
  args: ['https://example.com/b'],
  priority: 5, // this run only: ahead of anything queued with less
  timeoutMs: 1_000,
  signal: controller.signal, // aborting it cancels the task
  key: 'page-b', // submitting again while it is not final returns this same handle
});
h.transitions$.subscribe((t) => {
  console.log(`b: ${t.to}`); // this task only; completes at its final state
});
console.log(s.submit(fetchPage, { args: ['https://example.com/b'], key: 'page-b' }) === h); // true
const status: number = await s.result(id);
console.log(`a: ${status}, b: ${await h.result()}`);

const c = s.submit(fetchPage, { args: ['https://example.com/c'], signal: controller.signal });
controller.abort('the user left the page');
console.log(`c: ${(await c.wait()).state}`); // CANCELED
await s.stop();
