// examples/sync-task.ts
import { AsyncScheduler, SyncTask } from 'async-scheduler';

// The body is a module reference: executor threads load it (examples/tasks/hash.mjs).
const hash = new SyncTask<[text: string, rounds: number], string>(
  'hash',
  { module: new URL('./tasks/hash.mjs', import.meta.url) },
  { timeoutMs: 2_000 },
);
const s = new AsyncScheduler({ threads: 2 }).start();
const digest: string = await s.submit(hash, { args: ['some input', 100_000] }).result();
console.log(digest); // computed on an executor thread: this loop stayed free meanwhile
await s.stop(); // terminates the threads too
