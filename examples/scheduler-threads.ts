/**
 * Two SchedulerThreads side by side: CPU-heavy AsyncTasks block the 'normal' lane's own event
 * loop, while the 'urgent' lane (and this, the caller's loop) keep answering at once.
 *
 * Run with `npm run build && npx tsx examples/scheduler-threads.ts` (lane threads run the built
 * entry in dist/).
 */
import { filter, firstValueFrom } from 'rxjs';
import { AsyncTask, SchedulerThread } from '../src/index.js';

// Bodies of a SchedulerThread run in its thread: they are module references, not functions.
const cpu = new URL('./tasks/cpu.mjs', import.meta.url);
const countPrimes = new AsyncTask('count-primes', { module: cpu, export: 'countPrimes' });

const normal = new SchedulerThread('normal', { concurrency: 1 }).start();
const urgent = new SchedulerThread('urgent', {
  onDone: (info) => {
    console.log(`urgent ${info.id.slice(-4)} done after waiting ${info.waitMs?.toFixed(2)} ms`);
  },
}).start();

const normalBusy = firstValueFrom(normal.transitions$.pipe(filter((t) => t.to === 'STARTED')));
const [first, ...others] = [1, 2, 3].map(() => normal.submitTask(countPrimes, 3_000_000));
await normalBusy; // the normal lane's loop is now inside a CPU-bound body
const fast = Array.from({ length: 5 }, () => urgent.submitTask(countPrimes, 1_000));
await Promise.all(fast.map((id) => urgent.waitTask(id)));
// The main side knows the normal lane's tasks as last reported: none of them is DONE yet.
console.log(
  'normal lane meanwhile:',
  normal.dumpTask().map((info) => info.state),
);
if (first !== undefined) console.log('primes below 3e6:', await normal.result(first));
console.log(`and ${others.length} more to drain`);

await Promise.all([normal.stop(), urgent.stop()]);
console.table(normal.slowest(3).map(({ name, lane, runMs }) => ({ name, lane, runMs })));
