// examples/sync-task.ts
import { AsyncScheduler, SyncTask } from 'async-scheduler';

// The body is a module reference: executor threads load it (see examples/tasks/hash.mjs).
const hash = new SyncTask<[text: string, rounds: number], string>(
  'hash',
  { module: new URL('./tasks/hash.mjs', import.meta.url) },
  { timeoutMs: 2_000 },
);
const s = new AsyncScheduler({ threads: 2 }).start();
console.log(await s.result(s.submitTask(hash, 'some input', 100_000))); // your loop stays free
await s.stop(); // terminates the threads too
