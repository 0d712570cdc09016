import {
  assertNonEmptyString,
  assertOptionsObject,
  assertWholeNumber,
  describeValue,
  readingCallerValue,
} from '../../../validate.js';
import type { AsyncSchedulerOptions } from '../../schedulerOptions.js';
import {
  toRedisOptions,
  type BullMQConnection,
  type RedisConnectionOptions,
} from './connection.js';
import type { KeptJobs } from './jobOptions.js';

/**
 * Options of `new BullMQScheduler({ name, connection, ... })`: AsyncScheduler's (but for the
 * executor threads, which are the workers' own: `runWorker({ threads })`), and where the queue is.
 */
export interface BullMQSchedulerOptions extends Omit<
  AsyncSchedulerOptions,
  'name' | 'threads' | 'resourceLimits' | 'restart'
> {
  /** The lane's name, in every TaskInfo, and the queue's name unless `queue` is given. */
  name: string;
  /** The Redis that holds the queue. */
  connection: BullMQConnection;
  /** The BullMQ queue's name (workers name it too). @default name */
  queue?: string;
  /** BullMQ's key prefix in Redis. @default 'bull' */
  prefix?: string;
  /**
   * How many finished jobs BullMQ keeps in Redis (the newest), so that a scheduler that was
   * away from Redis can still read how they ended.
   * @default { completed: 1000, failed: 5000 }
   */
  keepJobs?: { completed?: number; failed?: number };
  /**
   * The longest the queue's event stream grows (Redis trims older events): it must hold what
   * the busiest moment adds before this side reads it, about five events per task. A scheduler
   * that falls further behind reads its tasks' jobs again (kept as `keepJobs` says). The bound
   * is the queue's, in Redis: the scheduler made last sets it for every one of the queue.
   * @default 100_000
   */
  eventsMaxLen?: number;
  /**
   * How long, past a STARTED task's `timeoutMs` or a cancel, this side waits for its worker's
   * word before it ends the task itself (a worker that is gone and not yet found by BullMQ's
   * stalled-job check).
   * @default 30_000
   */
  lostWorkerMs?: number;
  /**
   * Whose tasks this scheduler follows: `'own'` (the ones it submitted), or `'all'` (every task
   * of the queue, whichever scheduler submitted it: a dashboard of the whole queue). A task of
   * another scheduler is followed from the first event of its job this one reads, with the
   * scheduler-wide callbacks; `stop()` neither waits for nor cancels it, and stops following it.
   * @default 'own'
   */
  follow?: 'own' | 'all';
}

/** The BullMQ part of the options, checked, and the rest for `resolveSchedulerOptions`. */
export interface ResolvedBullMQOptions {
  readonly queue: string;
  readonly prefix: string;
  readonly redis: RedisConnectionOptions;
  readonly keep: KeptJobs;
  readonly eventsMaxLen: number;
  readonly lostWorkerMs: number;
  readonly follow: 'own' | 'all';
  /** The queue's global concurrency, when the user gave one (BullMQ's is unlimited otherwise). */
  readonly concurrency: number | undefined;
  readonly schedulerOptions: AsyncSchedulerOptions & { name: string };
}

const DEFAULT_KEEP: KeptJobs = Object.freeze({ completed: 1_000, failed: 5_000 });
const DEFAULT_EVENTS_MAX_LEN = 100_000;
const DEFAULT_LOST_WORKER_MS = 30_000;
/** Options of AsyncScheduler that belong to the workers here. */
const WORKER_OPTIONS = ['threads', 'resourceLimits', 'restart'] as const;

/**
 * Splits and checks a BullMQScheduler's options.
 *
 * @throws TypeError for a missing name or connection, an option that belongs to `runWorker`,
 * or a bad value; RangeError for an out-of-range one.
 */
export function resolveBullMQOptions(options: unknown): ResolvedBullMQOptions {
  return readingCallerValue('options', () => {
    assertOptionsObject(options, 'options');
    if (options === undefined) {
      throw new TypeError('Expected `options` to be { name, connection, ... }, got undefined');
    }
    const {
      connection,
      queue,
      prefix = 'bull',
      keepJobs = {},
      eventsMaxLen = DEFAULT_EVENTS_MAX_LEN,
      lostWorkerMs = DEFAULT_LOST_WORKER_MS,
      follow = 'own',
      ...rest
    } = options as Partial<BullMQSchedulerOptions>;
    assertNonEmptyString(rest.name, 'options.name');
    for (const key of WORKER_OPTIONS) {
      if (key in rest) {
        throw new TypeError(
          `A BullMQScheduler has no \`${key}\` option: tasks run in the worker processes, so give it to runWorker({ ${key} })`,
        );
      }
    }
    if (connection === undefined) {
      throw new TypeError(
        'Expected `options.connection` (a Redis URL or { host, port }), got undefined',
      );
    }
    const queueName = queue ?? rest.name;
    assertNonEmptyString(queueName, 'options.queue');
    if (queueName.includes(':')) {
      throw new RangeError(
        `Expected \`options.queue\` to have no ":" (BullMQ's key separator), got "${queueName}"`,
      );
    }
    assertNonEmptyString(prefix, 'options.prefix');
    if (typeof keepJobs !== 'object' || (keepJobs as unknown) === null) {
      throw new TypeError(
        `Expected \`options.keepJobs\` to be { completed?, failed? }, got ${describeValue(keepJobs)}`,
      );
    }
    const keep = { ...DEFAULT_KEEP, ...keepJobs };
    assertWholeNumber(keep.completed, 'options.keepJobs.completed', { min: 0 });
    assertWholeNumber(keep.failed, 'options.keepJobs.failed', { min: 0 });
    assertWholeNumber(eventsMaxLen, 'options.eventsMaxLen', { min: 1_000 });
    assertWholeNumber(lostWorkerMs, 'options.lostWorkerMs', { min: 0 });
    if ((follow as unknown) !== 'own' && (follow as unknown) !== 'all') {
      throw new TypeError(
        `Expected \`options.follow\` to be 'own' or 'all', got ${describeValue(follow)}`,
      );
    }
    return {
      queue: queueName,
      prefix,
      redis: toRedisOptions(connection, 'options.connection'),
      keep: Object.freeze({ completed: keep.completed, failed: keep.failed }),
      eventsMaxLen,
      lostWorkerMs,
      follow,
      concurrency: rest.concurrency,
      schedulerOptions: rest as AsyncSchedulerOptions & { name: string },
    };
  });
}
