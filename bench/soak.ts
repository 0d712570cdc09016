/**
 * `npm run soak -- --minutes N` (issue #16): a long run mixing everything the hostile-input and
 * chaos suites do — ordinary and hostile AsyncTask bodies, timeouts, cancels, callbacks that
 * throw, SyncTasks whose executor threads exit or run out of memory, a SchedulerThread whose
 * lane thread crashes, and a stop({ cancel: true }) in the middle of a submit storm every cycle.
 *
 * Every 10 s it prints the post-GC heap and the throughput. It exits 1 when a task is lost (not
 * final once its scheduler's stop() resolved) or final twice, when anything escapes to the
 * process, or when the heap grows: the median post-GC heap of the last third of the samples may
 * exceed the first third's by at most {@link HEAP_SLACK_MIB} MiB or {@link HEAP_SLACK_RATIO}
 * of it, whichever is larger. Run with `--expose-gc` (the npm script does).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  AsyncScheduler,
  AsyncTask,
  isFinished,
  SchedulerThread,
  SyncTask,
  type TaskCallbacks,
} from '../dist/index.js';
import { untilAbortedBody } from './stopCancel.js';

const CHAOS = new URL('../test/fixtures/thread/chaos.mjs', import.meta.url);
const MIB = 1024 * 1024;
/** How often a line is printed (and the heap sampled after a GC). */
const REPORT_EVERY_MS = 10_000;
/** How long each cycle's schedulers live before their stop({ cancel: true }). */
const CYCLE_MS = 3_000;
/** Submits per burst on the caller's loop; a burst waits for the queue to fall below it. */
const BURST = 2_000;
/** Heap growth tolerated between the first and last third of the run. */
const HEAP_SLACK_MIB = 8;
const HEAP_SLACK_RATIO = 0.25;

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' } } });
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error(`Expected --minutes to be a number > 0, got ${values.minutes}`);
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('Run with --expose-gc (npm run soak does)');
  process.exit(2);
}

const escaped: unknown[] = [];
const onEscape = (error: unknown): void => {
  escaped.push(error);
  console.error('Escaped to the process:', error);
};
process.on('uncaughtException', onEscape);
process.on('unhandledRejection', onEscape);

/** Totals over the whole run. */
const totals = { finished: 0, lost: 0, doubleFinal: 0, cycles: 0 };
let finishedThisPeriod = 0;

/** Hostile and ordinary bodies for the caller's loop, picked round-robin. */
const LOOP_BODIES: readonly ((ctx: { signal: AbortSignal }) => unknown)[] = [
  () => 1,
  async () => Promise.resolve(2),
  () => {
    throw new Error('soak: thrown');
  },
  () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- hostile on purpose
    throw 'soak: a string';
  },
  () => ({
    then() {
      throw new Error('soak: then threw');
    },
  }),
  () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- hostile on purpose
    throw new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('soak: trap');
        },
      },
    );
  },
  untilAbortedBody,
  () => new Promise(() => undefined),
];

const throwingCallbacks: TaskCallbacks = {
  onDone: () => {
    throw new Error('soak: onDone threw');
  },
};
const loopTasks = LOOP_BODIES.map(
  (body, index) =>
    new AsyncTask(`loop-${index}`, body, {
      // Bodies that never settle on their own end TIMED_OUT, or CANCELED by the cycle's stop.
      timeoutMs: index >= 6 ? 50 : 0,
      ...(index % 3 === 0 ? throwingCallbacks : {}),
    }),
);
const chaosRef = (name: string): { module: URL; export: string } => ({
  module: CHAOS,
  export: name,
});
const syncTasks = ['ok', 'throwError', 'spin', 'exitThread', 'outOfMemory', 'hang'].map(
  (name) => new SyncTask(name, chaosRef(name), { timeoutMs: 100 }),
);
const laneTasks = ['ok', 'throwTrapProxy', 'thenThrows', 'hang', 'spin', 'exitThread'].map(
  (name) => new AsyncTask(`lane-${name}`, chaosRef(name), { timeoutMs: 100 }),
);

/** Counts final transitions per id of one scheduler, to account for them once it stopped. */
class Ledger {
  readonly #ids: string[] = [];
  readonly #finals = new Map<string, number>();

  constructor(scheduler: AsyncScheduler | SchedulerThread) {
    scheduler.transitions$.subscribe((transition) => {
      if (!isFinished(transition.to)) return;
      this.#finals.set(transition.id, (this.#finals.get(transition.id) ?? 0) + 1);
      totals.finished++;
      finishedThisPeriod++;
    });
  }

  submitted(id: string): void {
    this.#ids.push(id);
  }

  /**
   * After stop() resolved: every id final exactly once. (Its record may be evicted by retention
   * already, so the count of final transitions is the evidence, not taskState.)
   */
  settle(): void {
    for (const id of this.#ids) {
      const finals = this.#finals.get(id) ?? 0;
      if (finals === 0) totals.lost++;
      if (finals > 1) totals.doubleFinal++;
    }
  }
}

/** Submits `task` if the scheduler still takes tasks; a stopped one refuses, as it must. */
function submit(
  scheduler: AsyncScheduler | SchedulerThread,
  ledger: Ledger,
  task: AsyncTask | SyncTask,
): boolean {
  try {
    ledger.submitted(scheduler.submitTask(task, 1, 2));
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCHEDULER_STOPPED') return false;
    throw error;
  }
}

/** One cycle: both schedulers under storms for CYCLE_MS, then stopped mid-storm and accounted. */
async function cycle(): Promise<void> {
  const loop = new AsyncScheduler({
    // Room beside the bodies that hang until their 50 ms timeout.
    concurrency: 256,
    threads: 1,
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    restart: { maxRestarts: 5, windowMs: 1_000, baseDelayMs: 1, maxDelayMs: 50 },
  }).start();
  const thread = new SchedulerThread('soak-lane', {
    concurrency: 16,
    threads: 1,
    restart: { maxRestarts: 5, windowMs: 1_000, baseDelayMs: 1, maxDelayMs: 50 },
  }).start();
  const loopLedger = new Ledger(loop);
  const threadLedger = new Ledger(thread);
  const endsAt = performance.now() + CYCLE_MS;
  let round = 0;
  while (performance.now() < endsAt) {
    for (let i = 0; i < BURST; i++) {
      submit(loop, loopLedger, loopTasks[(round + i) % loopTasks.length] as AsyncTask);
    }
    submit(loop, loopLedger, syncTasks[round % syncTasks.length] as SyncTask);
    // The lane thread is slower (crashes, 100 ms timeouts): it gets work while it keeps up.
    if (thread.queuedCount < 200) {
      for (let i = 0; i < 20; i++) {
        submit(thread, threadLedger, laneTasks[(round + i) % laneTasks.length] as AsyncTask);
      }
    }
    round++;
    // Let the queue drain below a burst before the next one.
    while (loop.queuedCount > BURST) await sleep(5);
    await sleep(1);
  }
  // The stop lands in the middle of a storm: the submits after it are refused.
  const stops = [loop.stop({ cancel: true }), thread.stop({ cancel: true })];
  for (let i = 0; i < 100; i++)
    submit(loop, loopLedger, loopTasks[i % loopTasks.length] as AsyncTask);
  await Promise.all(stops);
  loopLedger.settle();
  threadLedger.settle();
  totals.cycles++;
}

const startedAt = performance.now();
const endsAt = startedAt + minutes * 60_000;
const heapSamples: number[] = [];
let lastReportAt = startedAt;

function report(): void {
  gc?.();
  const heapMib = process.memoryUsage().heapUsed / MIB;
  heapSamples.push(heapMib);
  const now = performance.now();
  const perSec = (finishedThisPeriod * 1000) / (now - lastReportAt);
  finishedThisPeriod = 0;
  lastReportAt = now;
  console.log(
    `${((now - startedAt) / 1000).toFixed(0).padStart(5)} s  heap ${heapMib.toFixed(1).padStart(6)} MiB  ` +
      `${Math.round(perSec).toLocaleString('en-US').padStart(7)} tasks/s  finished ${totals.finished.toLocaleString('en-US')}  ` +
      `cycles ${totals.cycles}  lost ${totals.lost}  double-final ${totals.doubleFinal}  escaped ${escaped.length}`,
  );
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

console.log(
  `Soak for ${minutes} min (Node ${process.version}); a line every ${REPORT_EVERY_MS / 1000} s`,
);
const reporter = setInterval(report, REPORT_EVERY_MS);
try {
  while (performance.now() < endsAt) await cycle();
} catch (error) {
  // A failure of the soak itself must end it, not leave it idling until someone looks.
  onEscape(error);
}
clearInterval(reporter);
report();

const third = Math.max(1, Math.floor(heapSamples.length / 3));
const firstMib = median(heapSamples.slice(0, third));
const lastMib = median(heapSamples.slice(-third));
const allowedMib = firstMib + Math.max(HEAP_SLACK_MIB, firstMib * HEAP_SLACK_RATIO);
const heapGrew = lastMib > allowedMib;
console.log(
  `Heap (post-GC median): first third ${firstMib.toFixed(1)} MiB, last third ${lastMib.toFixed(1)} MiB, allowed <= ${allowedMib.toFixed(1)} MiB: ${heapGrew ? 'GREW' : 'flat'}`,
);
const failed = heapGrew || totals.lost > 0 || totals.doubleFinal > 0 || escaped.length > 0;
console.log(
  failed
    ? 'SOAK FAILED'
    : `SOAK PASSED: ${totals.finished.toLocaleString('en-US')} tasks in ${totals.cycles} cycles, none lost, none final twice`,
);
process.exit(failed ? 1 : 0);
