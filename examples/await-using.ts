// examples/await-using.ts
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, type TaskContext } from 'async-scheduler';

const request = new AsyncLocalStorage<{ requestId: string }>();
const audit = new AsyncTask('audit', async ({ args: [what], signal }: TaskContext<[string]>) => {
  await sleep(50, undefined, { signal });
  return `${what} by request ${request.getStore()?.requestId}`; // its submit's context
});

{
  await using s = new AsyncScheduler({ autoStart: true, concurrency: 1 });
  const first = request.run({ requestId: 'r-1' }, () => s.submit(audit, { args: ['login'] }));
  request.run({ requestId: 'r-2' }, () => s.submit(audit, { args: ['logout'] })); // still queued…
  console.log(await first.result()); // login by request r-1
} // …here: leaving the scope is stop({ cancel: true }); every task is final, no thread left
