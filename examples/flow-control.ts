/**
 * Flow control: a producer that never lets more than 5 tasks wait (`maxQueued` and
 * `onSizeLessThan`), a pause while nothing new may start, a queued task moved ahead with
 * `setPriority`, more slots at run time, and `onIdle()` to know the work is done.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AsyncScheduler,
  AsyncTask,
  QueueFullError,
  TaskState,
  type TaskContext,
} from 'async-scheduler';

const MAX_QUEUED = 5;

const resize = new AsyncTask('resize', async ({ args: [n], signal }: TaskContext<[number]>) => {
  await sleep(10, undefined, { signal });
  return n * 2;
});

const s = new AsyncScheduler({ concurrency: 2, maxQueued: MAX_QUEUED, autoStart: true });
const started: number[] = [];
s.transitions$.subscribe(({ to, info }) => {
  if (to === TaskState.STARTED) started.push(info.args[0] as number);
});

// Backpressure: wait for room instead of being refused.
for (let n = 1; n <= 12; n++) {
  await s.onSizeLessThan(MAX_QUEUED);
  s.submitTask(resize, n);
}
try {
  for (;;) s.submitTask(resize, 0); // fill the queue: the next submit is refused
} catch (error) {
  if (!(error instanceof QueueFullError)) throw error;
  console.log(`refused: ${error.code}, ${s.queuedCount} waiting`);
}
await s.onEmpty();

// Paused: the running tasks finish, the queued ones wait.
s.pause();
const late = s.submitTask(resize, 100);
const urgent = s.submitTask(resize, 200);
s.setPriority(urgent, 10); // true: it still waits, and now goes first
await sleep(30);
console.log(`paused: ${s.runningCount} running, ${s.queuedCount} waiting`);

s.concurrency = 4; // more slots from now on
s.resume();
await s.onIdle();
console.log(`late ${await s.result(late)}, urgent ${await s.result(urgent)}`);
console.log(`urgent started before late: ${started.indexOf(200) < started.indexOf(100)}`);
await s.stop();
