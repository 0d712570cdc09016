// examples/metrics.ts
import { AsyncScheduler, AsyncTask } from 'async-scheduler';

// CPU work written as an AsyncTask blocks the loop: the mistake `warnings$` is there to catch.
const parseConfig = new AsyncTask('parse-config', () => {
  const until = performance.now() + 220;
  while (performance.now() < until);
  return 'parsed';
});

const s = new AsyncScheduler({ metricsIntervalMs: 500, slowTaskMs: 50 });
s.metrics$.subscribe((m) => {
  console.log(`${m.lane}: ${m.running} running, ${m.queued} queued, run p99 ${m.runMs.p99} ms`);
});
s.warnings$.subscribe((w) => {
  console.warn(w.message);
});
// Lane "main": event loop blocked for 220.4 ms by task "parse-config" (0190…). Task
// "parse-config" ran 220.4 ms without yielding: make it a SyncTask (it then runs on an executor
// thread) or submit it to a SchedulerThread, or split its work with `await` between chunks.
s.start();
await s.result(s.submitTask(parseConfig));
await s.stop(); // emits a last metrics$ sample, then completes both streams
