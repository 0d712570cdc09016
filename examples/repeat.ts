// examples/repeat.ts
import { AsyncScheduler, AsyncTask, TaskState, type TaskContext } from 'async-scheduler';

const ping = new AsyncTask('ping', ({ args: [host] }: TaskContext<[string]>) => `${host} is up`);
const s = new AsyncScheduler().start();

// Every 100 ms, five times; each occurrence is an ordinary task whose info.repeatId is r.id.
const r = s.repeat(ping, { every: 100, limit: 5, args: ['db-1'], timeoutMs: 50 });
// 08:00 on weekdays, Paris time: not due while this example runs.
const report = s.repeat(ping, { cron: '0 8 * * 1-5', timezone: 'Europe/Paris', args: ['mail'] });
console.log(`report due at ${new Date(report.nextRunAt() ?? NaN).toISOString()}`);

let done = 0;
const allDone = new Promise<void>((resolve) => {
  s.transitions$.subscribe(({ to, info }) => {
    if (info.repeatId !== r.id || to !== TaskState.DONE) return;
    console.log(`occurrence ${++done}: ${String(info.result)}`);
    if (done === 5) resolve();
  });
});
await allDone;
console.log(`after the limit, next run: ${String(r.nextRunAt())}`); // undefined: it has ended
report.cancel();
await s.stop(); // would end every schedule anyway
