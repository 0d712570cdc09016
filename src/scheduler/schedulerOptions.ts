import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from '../actors/restartPolicy.js';
import type { InspectionEvent, Observer } from 'xstate';
import { MAX_TIMER_DELAY_MS, systemClock, type Clock } from '../clock.js';
import type { TaskCallbacks } from '../tasks/types.js';
import { assertCallbacks, CALLBACK_NAMES } from '../tasks/validateTaskOptions.js';
import type { RetryPolicy } from '../tasks/retryPolicy.js';
import { validateRetryPolicy } from '../tasks/validateRetryPolicy.js';
import type { RateLimit } from './lane/policy/StartRateLimit.js';
import {
  assertBoolean,
  assertNonEmptyString,
  assertNonNegativeNumber,
  assertOptionsObject,
  assertKnownOptions,
  assertWholeNumber,
  describeValue,
  readingCallerValue,
} from '../validate.js';
import type { RetentionLimits } from './ledger/retention/FinishedStore.js';
import { DEFAULT_METRICS_INTERVAL_MS } from '../metrics/createMetricsStream.js';
import { DEFAULT_SLOW_TASK_MS } from '../metrics/LoopBlockDetector.js';

/** An XState inspection observer, as `createActor(…, { inspect })` takes it. */
export type InspectionObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/** How many finished records a scheduler keeps by default. */
export const DEFAULT_MAX_FINISHED = 10_000;
/** The lane name of an AsyncScheduler that is not given one. */
export const DEFAULT_LANE_NAME = 'main';

/** Options of a scheduler; every `on*` callback is called for every task. */
export interface AsyncSchedulerOptions extends TaskCallbacks {
  /**
   * The lane's name, as it appears in every TaskInfo and in the inspector.
   * @default 'main'
   */
  name?: string;
  /**
   * Most AsyncTasks STARTED at once; the rest wait SCHEDULED, by priority.
   * @default Infinity
   */
  concurrency?: number;
  /**
   * The retry policy of every task that has none of its own (a task's `retry`, or a submit's,
   * replaces it).
   * @default no retries
   */
  retry?: RetryPolicy;
  /**
   * At most `max` tasks start in any window of `perMs` milliseconds (a sliding window of
   * starts, across AsyncTasks and SyncTasks, retries included); the others wait SCHEDULED.
   * @default no limit
   */
  rateLimit?: RateLimit;
  /**
   * Most tasks waiting to start (SUBMITTED or SCHEDULED: `queuedCount`); a submit past it
   * throws `QueueFullError` (`ERR_QUEUE_FULL`) and changes nothing.
   * @remarks Backpressure for a producer: catch the error, or `await s.onSizeLessThan(maxQueued)`
   * before submitting. The refused submit leaves no record, id, transition or callback; an
   * idempotent `submit` whose `key` returns the handle of a task already there is not refused.
   * @default Infinity
   */
  maxQueued?: number;
  /**
   * Starts the scheduler in its constructor, as if `start()` were called right after it.
   * @remarks By default a scheduler queues what is submitted until `start()` (as the Python
   * original does); one never started warns once its tasks have waited a second.
   * @default false
   */
  autoStart?: boolean;
  /**
   * Executor threads for SyncTask bodies; one task per thread at a time.
   * @remarks Absent, an AsyncScheduler uses the process's shared executor pool
   * (`availableParallelism() - 1` threads, at least 1), which every AsyncScheduler without
   * `threads`, `resourceLimits`, `restart` or `clock` shares; given, the scheduler has a pool of its own
   * with this many threads. A SchedulerThread's executor threads always live inside its lane
   * thread, its own. Threads start on the first SyncTask: a scheduler that runs only AsyncTasks
   * starts none. One more thread is kept warm as a spare, so a thread terminated by a timeout or
   * cancel is replaced at once instead of after a new thread boots.
   * @default the shared pool: availableParallelism() - 1 threads, at least 1
   */
  threads?: number;
  /**
   * Limits of each executor thread (`worker_threads` `resourceLimits`); a thread that passes
   * them dies, its task ends FAILED with WorkerCrashedError, and the thread is restarted.
   */
  resourceLimits?: ResourceLimits;
  /**
   * How crashed executor threads are restarted: at most `maxRestarts` within `windowMs`, with
   * an exponential, jittered delay from `baseDelayMs` up to `maxDelayMs`. Past the limit the
   * executor is degraded: SyncTasks fail at once until a restart succeeds.
   * @default { maxRestarts: 5, windowMs: 10_000, baseDelayMs: 20, maxDelayMs: 2_000 }
   */
  restart?: Partial<RestartPolicy>;
  /**
   * How many finished records are kept, and how long.
   * @remarks Live tasks are always kept. The oldest finished go first. `slowest()` still sees
   * the slowest evicted tasks.
   * @default { maxFinished: 10_000, maxAgeMs: Infinity }
   */
  retention?: { maxFinished?: number; maxAgeMs?: number };
  /**
   * Receives the inspection events of the lane supervisor and every task actor (XState's
   * `inspect`), e.g. `createWebSocketInspector().inspect` from `@statelyai/inspect`.
   * @remarks Costs about 40% of throughput while set; nothing when absent.
   */
  inspect?: InspectionObserver;
  /**
   * How often `metrics$` emits, ms.
   * @remarks Its timer runs only while someone subscribes, and never keeps the process alive.
   * @default 1000
   */
  metricsIntervalMs?: number;
  /**
   * A task body that keeps its lane's event loop busy this long is reported on `warnings$`
   * (and counted in `metrics$`), ms; 0 turns detection off.
   * @remarks What asyncio's `slow_callback_duration` is to Python. Detection runs only while
   * `warnings$` or `metrics$` has a subscriber; a body's synchronous run is timed exactly, a
   * block after its first `await` is caught by a sentinel timer that fires late.
   * @default 100
   */
  slowTaskMs?: number;
  /**
   * The time source.
   * @remarks For tests: a simulated clock drives timeouts and timestamps by hand.
   * @default the wall clock: `performance.timeOrigin + performance.now()` and the global timers
   */
  clock?: Clock;
}

/**
 * Asserts a valid `concurrency`: a whole number >= 1, or Infinity (the option, and the setter).
 *
 * @throws TypeError for a value that is not a number, RangeError for any other.
 */
export function assertConcurrency(value: unknown): asserts value is number {
  assertWholeNumber(value, 'concurrency', { min: 1, allowInfinity: true });
}

/** How many executor threads a pool has by default: all cores but the caller's, at least 1. */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Every option name a scheduler takes: anything else is refused, naming it. */
const SCHEDULER_OPTION_NAMES = [
  'name',
  'autoStart',
  'concurrency',
  'retry',
  'rateLimit',
  'maxQueued',
  'threads',
  'resourceLimits',
  'restart',
  'retention',
  'inspect',
  'metricsIntervalMs',
  'slowTaskMs',
  'clock',
  ...CALLBACK_NAMES,
] as const satisfies readonly (keyof AsyncSchedulerOptions)[];

/** Options after validation, with defaults applied. */
export interface ResolvedSchedulerOptions {
  readonly name: string;
  readonly autoStart: boolean;
  readonly concurrency: number;
  readonly retry: RetryPolicy | undefined;
  readonly rateLimit: RateLimit | undefined;
  readonly maxQueued: number;
  readonly threads: number;
  /**
   * True when none of `threads`, `resourceLimits`, `restart` and `clock` was given: an
   * AsyncScheduler then runs its SyncTasks on the process's shared executor pool (whose restart
   * timers keep the system clock's time).
   */
  readonly sharedPool: boolean;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly restart: RestartPolicy;
  readonly retention: RetentionLimits;
  readonly inspect: InspectionObserver | undefined;
  readonly clock: Clock;
  readonly callbacks: TaskCallbacks;
  readonly metricsIntervalMs: number;
  readonly slowTaskMs: number;
}

/** Checks `rateLimit` and returns a frozen copy. */
function validateRateLimit(value: unknown): RateLimit {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`Expected \`rateLimit\` to be { max, perMs }, got ${describeValue(value)}`);
  }
  const copy = { ...(value as RateLimit) };
  assertKnownOptions(copy, ['max', 'perMs'], 'rateLimit option');
  const { max, perMs } = copy;
  assertWholeNumber(max, 'rateLimit.max', { min: 1 });
  assertNonNegativeNumber(perMs, 'rateLimit.perMs');
  if (perMs === 0) throw new RangeError('Expected `rateLimit.perMs` to be > 0, got 0');
  return Object.freeze({ max, perMs });
}

function assertInspect(value: unknown): asserts value is InspectionObserver | undefined {
  if (value === undefined || typeof value === 'function') return;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Observer<unknown>).next === 'function'
  )
    return;
  throw new TypeError('Expected `inspect` to be a function or an observer with `next`');
}

function assertClock(value: unknown): asserts value is Clock | undefined {
  if (value === undefined) return;
  const clock = value as Partial<Clock>;
  if (
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new TypeError(
      'Expected `clock` to have `now`, `setTimeout` and `clearTimeout` functions',
    );
  }
}

/**
 * Validates scheduler options at the boundary and applies defaults.
 *
 * @throws TypeError/RangeError naming the bad option.
 */
export function resolveSchedulerOptions(
  options: AsyncSchedulerOptions | undefined,
  defaultName: string,
): ResolvedSchedulerOptions {
  return readingCallerValue('options', () => checkSchedulerOptions(options, defaultName));
}

function checkSchedulerOptions(
  options: AsyncSchedulerOptions | undefined,
  defaultName: string,
): ResolvedSchedulerOptions {
  assertOptionsObject(options, 'options');
  const {
    name = defaultName,
    autoStart = false,
    concurrency = Infinity,
    retry,
    rateLimit,
    maxQueued = Infinity,
    threads: threadsGiven,
    resourceLimits,
    restart: restartGiven,
    retention = {},
    inspect,
    clock: clockGiven,
    metricsIntervalMs = DEFAULT_METRICS_INTERVAL_MS,
    slowTaskMs = DEFAULT_SLOW_TASK_MS,
    ...callbacks
  } = options ?? {};
  assertNonEmptyString(name, 'name');
  assertBoolean(autoStart, 'autoStart');
  assertConcurrency(concurrency);
  assertWholeNumber(maxQueued, 'maxQueued', { min: 1, allowInfinity: true });
  const retryPolicy = retry === undefined ? undefined : validateRetryPolicy(retry, 'retry');
  const limit = rateLimit === undefined ? undefined : validateRateLimit(rateLimit);
  const threads = threadsGiven ?? defaultThreadCount();
  assertWholeNumber(threads, 'threads', { min: 1 });
  const restart = restartGiven ?? {};
  assertOptionsObject(resourceLimits, 'resourceLimits');
  assertOptionsObject(restart, 'restart');
  const restartPolicy: RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...restart };
  assertWholeNumber(restartPolicy.maxRestarts, 'restart.maxRestarts', { min: 0 });
  assertNonNegativeNumber(restartPolicy.windowMs, 'restart.windowMs');
  assertNonNegativeNumber(restartPolicy.baseDelayMs, 'restart.baseDelayMs');
  assertNonNegativeNumber(restartPolicy.maxDelayMs, 'restart.maxDelayMs');
  assertOptionsObject(retention, 'retention');
  const { maxFinished = DEFAULT_MAX_FINISHED, maxAgeMs = Infinity } = retention;
  assertWholeNumber(maxFinished, 'retention.maxFinished', { min: 0, allowInfinity: true });
  if (maxAgeMs !== Infinity) assertNonNegativeNumber(maxAgeMs, 'retention.maxAgeMs');
  assertInspect(inspect);
  assertClock(clockGiven);
  const clock = clockGiven ?? systemClock;
  assertWholeNumber(metricsIntervalMs, 'metricsIntervalMs', { min: 1, max: MAX_TIMER_DELAY_MS });
  assertNonNegativeNumber(slowTaskMs, 'slowTaskMs');
  assertKnownOptions(callbacks, SCHEDULER_OPTION_NAMES, 'scheduler option');
  const onCallbacks: TaskCallbacks = { ...callbacks };
  assertCallbacks(onCallbacks, 'options');
  return Object.freeze({
    name,
    autoStart,
    concurrency,
    retry: retryPolicy,
    rateLimit: limit,
    maxQueued,
    threads,
    sharedPool:
      threadsGiven === undefined &&
      resourceLimits === undefined &&
      restartGiven === undefined &&
      clockGiven === undefined,
    resourceLimits,
    restart: Object.freeze(restartPolicy),
    retention: Object.freeze({ maxFinished, maxAgeMs }),
    inspect,
    clock,
    callbacks: Object.freeze(onCallbacks),
    metricsIntervalMs,
    slowTaskMs,
  });
}
