// examples/scheduler-threads.ts
import { filter, firstValueFrom } from 'rxjs';
import { AsyncTask, SchedulerThread, TaskState } from 'async-scheduler';

// A SchedulerThread runs its bodies in its own thread: module references, not functions.
const report = new AsyncTask<[kind: string, ms: number], string>('report', {
  module: new URL('./tasks/report.mjs', import.meta.url),
});
const urgent = new SchedulerThread('urgent').start();
const normal = new SchedulerThread('normal', { concurrency: 1 }).start();

const monthly = normal.submitTask(report, 'monthly', 2_000); // blocks the normal lane's loop for 2 s
await firstValueFrom(normal.transitions$.pipe(filter((t) => t.to === TaskState.STARTED)));
console.log(await urgent.result(urgent.submitTask(report, 'alert', 10))); // not delayed by it
console.log(`meanwhile the monthly report is ${normal.taskState(monthly)}`); // STARTED
console.log(await normal.result(monthly));
await Promise.all([urgent.stop(), normal.stop()]);
