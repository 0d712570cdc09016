// examples/retries-and-delays.ts
import { AsyncScheduler, AsyncTask, UnrecoverableError, type TaskContext } from 'async-scheduler';

let calls = 0;
// Fails twice, then succeeds: a flaky service.
const fetchQuote = new AsyncTask('fetch-quote', ({ args: [symbol] }: TaskContext<[string]>) => {
  calls++;
  if (symbol === '') throw new UnrecoverableError('no symbol'); // no retry for this one
  if (calls < 3) throw new Error(`service busy (call ${calls})`);
  return { symbol, price: 42 };
});

const scheduler = new AsyncScheduler({
  autoStart: true,
  rateLimit: { max: 5, perMs: 1_000 }, // at most 5 starts in any second
  onRetry: (info) => {
    const last = info.attempts.at(-1);
    console.log(`retry: ${info.name} attempt ${info.attempt} after "${last?.error?.message}"`);
  },
});

const quote = scheduler.submit(fetchQuote, {
  args: ['ACME'],
  retry: { attempts: 5, backoff: { type: 'exponential', delayMs: 20, maxDelayMs: 200 } },
});
console.log(await quote.result(), `after ${quote.info().attempt} attempts`);

const bad = await scheduler.submit(fetchQuote, { args: [''], retry: { attempts: 5 } }).wait();
console.log(bad.state, bad.error?.code, `attempts: ${bad.attempt}`); // FAILED ERR_UNRECOVERABLE 1

// Not started before 50 ms from now: it waits SCHEDULED, and holds back no other task.
const later = scheduler.submit(fetchQuote, { args: ['LATER'], delayMs: 50 });
console.log(later.state, scheduler.delayedCount, later.info().runAfter !== undefined); // SCHEDULED 1 true
console.log(await later.result());

await scheduler.stop();
