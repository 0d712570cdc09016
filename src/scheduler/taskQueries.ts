/**
 * The read side shared by both facades (AsyncScheduler, SchedulerThread): looking tasks up,
 * waiting for them, listing them, and checking the arguments of those calls at the boundary.
 */
import { UnknownTaskError } from '../errors.js';
import { AsyncTask } from '../tasks/AsyncTask.js';
import { SyncTask } from '../tasks/SyncTask.js';
import type { TaskFn, TaskInfo, TaskModuleRef } from '../tasks/types.js';
import {
  assertNonNegativeNumber,
  assertOptionsObject,
  assertWholeNumber,
  describeThrown,
  describeValue,
  readingCallerValue,
} from '../validate.js';
import { SLOWEST_KEPT } from './ledger/retention/FinishedStore.js';
import { slowestTasks } from './slowestTasks.js';
import type { LiveRecord, TaskRegistry } from './ledger/TaskRegistry.js';

/** Options of `waitTask()`. */
export interface WaitTaskOptions {
  /** Give up after this many ms with a `WaitTimeoutError`; the task is not touched. `0`: never. */
  timeoutMs?: number;
  /** Give up when this aborts, rejecting with its reason; the task is not touched. */
  signal?: AbortSignal;
}

/** Options of `stop()`. */
export interface StopOptions {
  /** Cancel queued and running tasks instead of draining them. @default false */
  cancel?: boolean;
  /** Longest the drain may take, in ms; then the rest is canceled. `0`: no limit. @default 0 */
  timeoutMs?: number;
}

/** Options of `slowest()`. */
export interface SlowestOptions {
  /**
   * `true`: only running tasks (time so far); `false`: only finished ones; absent: both.
   */
  running?: boolean;
}

/** Where a facade's task records are: live infos and the registry of finished ones. */
export interface TaskRecords {
  readonly registry: TaskRegistry<LiveRecord>;
  liveInfo(id: string): TaskInfo | undefined;
  liveInfos(): TaskInfo[];
  /** The STARTED tasks' info, run time to now: without touching the queued ones. */
  runningInfos(): TaskInfo[];
}

/** Asserts an AsyncTask or a SyncTask. */
export function assertTask(task: unknown): asserts task is AsyncTask | SyncTask {
  const isTask = readingCallerValue(
    'task',
    () => task instanceof AsyncTask || task instanceof SyncTask,
  );
  if (!isTask) {
    throw new TypeError(
      `Expected \`task\` to be an AsyncTask or a SyncTask, got ${describeValue(task)}`,
    );
  }
}

/** A task whose body this process can run: a function or a module reference. */
export type InProcessTask = (AsyncTask | SyncTask) & {
  readonly run: TaskFn<never> | TaskModuleRef;
};

/**
 * Refuses a task whose body is a worker handler (`{ handler }`): only a BullMQScheduler's
 * workers have handlers.
 *
 * @param scheduler - the kind of scheduler refusing it, for the message.
 * @throws TypeError naming the task and its handler.
 */
export function assertInProcessTask(
  task: AsyncTask | SyncTask,
  scheduler: string,
): asserts task is InProcessTask {
  const run: unknown = task.run;
  if (typeof run === 'object' && run !== null && 'handler' in run) {
    throw new TypeError(
      `Task "${task.name}" names the worker handler "${String(run.handler)}": only a BullMQScheduler runs a handler body (its workers register it); an ${scheduler} needs a function or a module reference { module, export? }`,
    );
  }
}

/**
 * The args of a run that crosses to another thread, cloned now: what the thread gets is what
 * the caller passed at `submitTask`, whatever the caller does with its objects afterwards (a
 * buffer transferred away, a function added), and a task queued behind others can still be
 * sent when its turn comes (or sent again to a restarted lane thread).
 *
 * @returns each argument's structured clone (a SharedArrayBuffer stays shared memory).
 * @throws TypeError naming the argument (`args[i]`) that cannot be structured-cloned.
 */
export function cloneArgs(
  task: AsyncTask | SyncTask,
  args: readonly unknown[],
  destination: string,
): unknown[] {
  try {
    // One clone of the whole list: objects shared between args stay shared, as one postMessage
    // of them would keep them.
    return structuredClone(args) as unknown[];
  } catch (error) {
    throw cloneFailure(task, args, destination, error);
  }
}

/** The TypeError for args that do not clone, naming the first argument that does not. */
function cloneFailure(
  task: AsyncTask | SyncTask,
  args: readonly unknown[],
  destination: string,
  listError: unknown,
): TypeError {
  const kind = task instanceof SyncTask ? 'SyncTask' : 'AsyncTask';
  for (const [index, arg] of args.entries()) {
    try {
      structuredClone(arg);
    } catch (error) {
      return new TypeError(
        `Argument args[${index}] of ${kind} "${task.name}" cannot be sent to ${destination} (structured clone failed: ${describeThrown(error)}), got ${describeValue(arg)}`,
      );
    }
  }
  // Each clones alone but not all together (a getter that throws on its second read).
  return new TypeError(
    `The args of ${kind} "${task.name}" cannot be sent to ${destination} (structured clone failed: ${describeThrown(listError)})`,
  );
}

/** The task's info, live or retained. @throws UnknownTaskError */
export function taskInfoOf(records: TaskRecords, id: string): TaskInfo {
  const info = records.liveInfo(id) ?? records.registry.finished(id)?.info;
  if (info === undefined) throw new UnknownTaskError(id);
  return info;
}

/** `waitTask()`: checks the options, then waits on the registry. */
export function waitForTask(
  records: TaskRecords,
  id: string,
  options: WaitTaskOptions,
): Promise<TaskInfo> {
  const { timeoutMs, signal } = readingCallerValue('options', () => {
    assertOptionsObject(options, 'options');
    const read = { timeoutMs: options.timeoutMs, signal: options.signal };
    if (read.timeoutMs !== undefined) assertNonNegativeNumber(read.timeoutMs, 'timeoutMs');
    if (read.signal !== undefined && !(read.signal instanceof AbortSignal)) {
      throw new TypeError(
        `Expected \`signal\` to be an AbortSignal, got ${describeValue(read.signal)}`,
      );
    }
    return read;
  });
  return records.registry.wait(id, { timeoutMs, signal });
}

/** `result()`: the value once DONE, or the task's failure. */
export async function resultOf<TResult>(records: TaskRecords, id: string): Promise<TResult> {
  const { info, failure } = await records.registry.waitRecord(id);
  if (info.state === 'DONE') return info.result as TResult;
  throw failure ?? new UnknownTaskError(id);
}

/** `dumpTask()`: every retained task in submit order (ids are UUID v7), or just the one. */
export function dumpTasks(records: TaskRecords, id?: string): TaskInfo[] {
  if (id !== undefined) return [taskInfoOf(records, id)];
  const infos = records.liveInfos();
  for (const record of records.registry.finishedRecords()) infos.push(record.info);
  return infos.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `slowest()`: running (time so far) and finished tasks, evicted slowest ones included. */
export function slowestOf(records: TaskRecords, n: number, options: SlowestOptions): TaskInfo[] {
  assertWholeNumber(n, 'n', { min: 0 });
  const running = readingCallerValue('options', () => {
    assertOptionsObject(options, 'options');
    return options.running;
  });
  const { registry } = records;
  // Called often (a dashboard asks 10 times a second): it must not scale with the queue.
  const live = running === false ? [] : records.runningInfos();
  let finished: readonly TaskInfo[] = [];
  if (running !== true) {
    // The keeper holds the slowest SLOWEST_KEPT finished tasks ever (all of them while fewer
    // finished): for n up to that it alone is exact, without sorting the retained records.
    finished =
      n <= SLOWEST_KEPT
        ? registry.slowestEver()
        : [...registry.slowestEver(), ...[...registry.finishedRecords()].map((r) => r.info)];
  }
  return slowestTasks([...live, ...finished], n);
}

/** `stop()`'s options, checked, with defaults. */
export function resolveStopOptions(options: StopOptions): { cancel: boolean; timeoutMs: number } {
  return readingCallerValue('options', () => checkStopOptions(options));
}

function checkStopOptions(options: StopOptions): { cancel: boolean; timeoutMs: number } {
  assertOptionsObject(options, 'options');
  const { cancel = false, timeoutMs = 0 } = options;
  if (typeof cancel !== 'boolean') {
    throw new TypeError(`Expected \`cancel\` to be a boolean, got ${describeValue(cancel)}`);
  }
  assertNonNegativeNumber(timeoutMs, 'timeoutMs');
  return { cancel, timeoutMs };
}
