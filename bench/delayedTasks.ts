/**
 * Delayed tasks (issue 14): what a task waiting out its `delayMs` costs in heap, against a task
 * waiting its turn in the queue, and how late it starts after its due time.
 */
import { AsyncScheduler, AsyncTask } from '../dist/index.js';
import { gc } from './gc.js';
import {
  assertSubmittedWithinHeadroom,
  seededDelaysMs,
  summarizeLateness,
  type Lateness,
} from './jobFeatures.js';

const noop = new AsyncTask('noop', () => undefined);

/**
 * Fills every slot of a started scheduler with a task that runs until the returned function is
 * called: whatever is submitted next waits in the queue (SCHEDULED), none starts.
 */
async function saturate(scheduler: AsyncScheduler, concurrency: number): Promise<() => void> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let running = 0;
  let allRunning: () => void = () => undefined;
  const saturated = new Promise<void>((resolve) => {
    allRunning = resolve;
  });
  const hold = new AsyncTask('hold', () => {
    if (++running === concurrency) allRunning();
    return released;
  });
  for (let i = 0; i < concurrency; i++) scheduler.submit(hold);
  await saturated;
  if (scheduler.runningCount !== concurrency) {
    throw new Error(
      `saturate: ${String(scheduler.runningCount)} running of ${String(concurrency)}`,
    );
  }
  return release;
}

/** How a task waits in {@link heapPerWaitingTask}. */
export type Waiting = 'delayed' | 'queued';

/**
 * Heap growth per task for `count` no-op tasks submitted to a started scheduler whose every slot
 * is taken (so nothing submitted starts): `'queued'` plain submits (each waits in the ready
 * queue), `'delayed'` submits with the seeded delays (each waits for its due time). Both
 * schedulers are set up alike; only `delayMs` differs.
 *
 * @throws Error when a task did not wait as asked (a delayed one without `runAfter`, or any that
 * started).
 */
export async function heapPerWaitingTask(
  count: number,
  concurrency: number,
  waiting: Waiting,
): Promise<number> {
  const scheduler = new AsyncScheduler({ concurrency }).start();
  const release = await saturate(scheduler, concurrency);
  // Made before the first reading on both sides, so neither counts the array.
  const delays = seededDelaysMs(count);
  gc();
  const before = process.memoryUsage().heapUsed;
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    if (waiting === 'queued') {
      scheduler.submit(noop);
    } else {
      scheduler.submit(noop, { delayMs: delays[i] ?? 0 });
    }
  }
  assertSubmittedWithinHeadroom(startedAt, 'async-scheduler');
  gc();
  const perTask = (process.memoryUsage().heapUsed - before) / count;
  const waitingRight = scheduler
    .dumpTask()
    .filter(
      (info) =>
        info.name === 'noop' &&
        info.state === 'SCHEDULED' &&
        (waiting === 'queued') === (info.runAfter === undefined),
    ).length;
  release();
  await scheduler.stop({ cancel: true });
  if (waitingRight !== count) {
    throw new Error(`${waiting}: ${String(waitingRight)} of ${String(count)} waited as asked`);
  }
  return perTask;
}

/**
 * `count` no-op tasks submitted at once with the seeded delays to a started, otherwise idle
 * scheduler. Each task's lateness is its STARTED stamp (`ts.start`, read by the task's
 * `onStart`) minus the `runAfter` its info showed right after its submit. No `transitions$`
 * subscriber (it would cost every task a `TaskInfo` per transition) and the default retention
 * (keeping 100k finished records would lengthen every major GC). Resolves once all have started.
 *
 * @param warmup - delayed tasks (due within 50 ms) run first, unmeasured, to warm the path.
 * @throws Error when a task waited without `runAfter`.
 */
export async function delayedLateness(
  count: number,
  concurrency: number,
  warmup: number,
): Promise<Lateness> {
  const dueAt = new Float64Array(count);
  const samples: number[] = [];
  // From the first due start on: the CPU the process got while the tasks fell due.
  let firstStart = { at: NaN, cpu: process.cpuUsage() };
  let allStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    allStarted = resolve;
  });
  const measured = new AsyncTask<[number]>('delayed', () => undefined, {
    onStart: ({ args: [index], ts }) => {
      if (samples.length === 0) firstStart = { at: performance.now(), cpu: process.cpuUsage() };
      samples.push((ts.start ?? NaN) - (dueAt[index as number] ?? NaN));
      if (samples.length === count) allStarted();
    },
  });
  const scheduler = new AsyncScheduler({ concurrency }).start();
  await Promise.all(
    Array.from({ length: warmup }, (_, i) => {
      return scheduler.submit(noop, { delayMs: i % 50 }).wait();
    }),
  );
  const delays = seededDelaysMs(count);
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const { id } = scheduler.submit(measured, { args: [i], delayMs: delays[i] ?? 0 });
    dueAt[i] = scheduler.taskInfo(id).runAfter ?? NaN;
  }
  assertSubmittedWithinHeadroom(startedAt, 'async-scheduler');
  await started;
  const cpu = process.cpuUsage(firstStart.cpu);
  const coreShare = (cpu.user + cpu.system) / 1000 / (performance.now() - firstStart.at);
  await scheduler.stop();
  const unmeasured = samples.filter(Number.isNaN).length;
  if (unmeasured > 0) throw new Error(`${String(unmeasured)} delayed tasks had no runAfter`);
  return { ...summarizeLateness(samples), coreShare };
}
