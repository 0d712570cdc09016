// examples/serve-dashboard.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncScheduler, AsyncTask, SchedulerThread, type TaskContext } from 'async-scheduler';
import { serveDashboard } from 'async-scheduler/dashboard';

const SERVE_MS = 3_000; // for a long-running one with a workload: examples/dashboard.ts
const wait = new AsyncTask('wait', ({ args: [ms], signal }: TaskContext<[ms: number]>) =>
  sleep(ms, ms, { signal }),
);
const main = new AsyncScheduler().start();
const urgent = new SchedulerThread('urgent').start();
const normal = new SchedulerThread('normal', { concurrency: 1 }).start();

const dashboard = await serveDashboard([main, urgent, normal], { port: 0 }); // 0: any free port
console.log(`open ${dashboard.url}`); // http://127.0.0.1:<port>/ (host defaults to 127.0.0.1)
for (let i = 0; i < 20; i++) main.submitTask(wait, 100 * i);
const metrics = await (await fetch(new URL('metrics', dashboard.url))).text(); // for Prometheus
console.log(metrics.split('\n').filter((line) => line.startsWith('async_scheduler_tasks_running')));

await sleep(SERVE_MS);
await dashboard.close(); // the schedulers are not touched:
await Promise.all([main.stop({ cancel: true }), urgent.stop(), normal.stop()]);
