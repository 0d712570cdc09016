// examples/thread-crashes.ts
import { AsyncTask, SchedulerThread } from 'async-scheduler';

const tasks = new URL('./tasks/report.mjs', import.meta.url);
const crash = new AsyncTask<[exitCode: number]>('crash', { module: tasks, export: 'crash' });
const report = new AsyncTask<[kind: string, ms: number], string>('report', { module: tasks });

const lane = new SchedulerThread('imports', {
  resourceLimits: { maxOldGenerationSizeMb: 256 }, // per executor thread
  restart: { maxRestarts: 3, windowMs: 60_000 }, // the rest keep their defaults
}).start();
lane.errors$.subscribe((e) => {
  console.warn(e.code, e.message); // ERR_WORKER_CRASHED, ERR_EXECUTOR_DEGRADED
});

const crashed = await lane.waitTask(lane.submitTask(crash, 1)); // ends the lane's thread
console.log(crashed.state, crashed.error?.name); // FAILED WorkerCrashedError
console.log(await lane.result(lane.submitTask(report, 'after the crash', 10))); // a fresh thread
await lane.stop();
