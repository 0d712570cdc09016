/**
 * Priorities: with one slot, the highest priority runs next and equal priorities run in the
 * order they were submitted. A late urgent task goes to the front of the queue but does not
 * interrupt the task already running.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, TaskState, type TaskContext } from 'async-scheduler';

const STEP_MS = 50;

/** One step of work; its argument only numbers the submissions of a task. */
async function step({ signal }: TaskContext<[number]>): Promise<void> {
  await sleep(STEP_MS, undefined, { signal });
}

const cleanup = new AsyncTask('cleanup', step, { priority: -5 });
const backup = new AsyncTask('backup', step); // priority 0
const email = new AsyncTask('email', step, { priority: 5 });
const page = new AsyncTask('page-on-call', step, { priority: 10 });

const s = new AsyncScheduler({ concurrency: 1 });
const startOrder: string[] = [];
s.transitions$.subscribe(({ to, name, info }) => {
  if (to === TaskState.STARTED)
    startOrder.push(`${name} #${String(info.args[0])}  (priority ${info.priority})`);
});

// Submitted before start(): nothing runs yet, so the whole queue is ordered by priority.
const ids = [
  s.submitTask(backup, 1),
  s.submitTask(cleanup, 1),
  s.submitTask(email, 1),
  s.submitTask(backup, 2),
  s.submitTask(email, 2),
  s.submitTask(backup, 3),
];
s.start();

// While the first task runs, an urgent page arrives: it is next, not first.
await sleep(STEP_MS / 2);
ids.push(s.submitTask(page, 1));

await Promise.all(ids.map((id) => s.waitTask(id)));
await s.stop();

console.log('Start order:');
for (const [i, entry] of startOrder.entries()) console.log(`  ${i + 1}. ${entry}`);
