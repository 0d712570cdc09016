import { availableParallelism, hostname } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { isTaskModuleRef } from '../../tasks/taskBody.js';
import type { TaskContext, TaskModuleRef } from '../../tasks/types.js';
import {
  assertKnownOptions,
  assertNonEmptyString,
  assertOptionsObject,
  assertWholeNumber,
  describeValue,
  readingCallerValue,
} from '../../validate.js';
import {
  toRedisOptions,
  type BullMQConnection,
  type RedisConnectionOptions,
} from '../../scheduler/placements/bullmq/connection.js';

/**
 * A handler function: an AsyncTask body run on the worker's event loop. Its `ctx.args` are
 * what the task was submitted with (`unknown[]` unless the handler annotates them, e.g.
 * `(ctx: TaskContext<[to: string]>) => …`).
 *
 * @remarks Declared as a method, so that a handler annotated with its own args is accepted:
 * the worker cannot check at compile time what a scheduler elsewhere will send.
 */
export type WorkerHandlerFn = {
  handle(ctx: TaskContext): unknown;
}['handle'];

/**
 * A body a worker registers under a handler name: a function (run on the worker's event loop,
 * as an AsyncTask's), or a module reference (loaded by the worker; a SyncTask naming it runs it
 * on the worker's executor threads).
 */
export type WorkerHandler = WorkerHandlerFn | TaskModuleRef;

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** The Redis that holds the queue (as the scheduler's `connection`). */
  connection: BullMQConnection;
  /** The queue's name: the scheduler's `queue` (or its `name`). */
  queue: string;
  /** BullMQ's key prefix in Redis, as the scheduler's. @default 'bull' */
  prefix?: string;
  /** The bodies tasks name by `{ handler }`. */
  handlers?: Readonly<Record<string, WorkerHandler>>;
  /**
   * The modules tasks may name by module reference (`{ module, export? }`): each a specifier, an
   * absolute path or a URL, as the scheduler's task gives it; `'any'` loads whatever a job
   * names (only for a Redis no one else can write to). A job naming another fails at once.
   * @default [] (module references are refused)
   */
  // 'any' is a string value of this option (load every module a job names), not the TypeScript type.
  modules?: readonly (string | URL)[] | 'any';
  /** Most jobs this worker runs at once. @default 1 */
  concurrency?: number;
  /** Executor threads for SyncTask bodies. @default availableParallelism() - 1, at least 1 */
  threads?: number;
  /** V8 heap limits of each executor thread. */
  resourceLimits?: ResourceLimits;
  /** The worker's name, shown by BullMQ (`queue.getWorkers()`) and the dashboard. @default `<host>:<pid>` */
  name?: string;
  /**
   * How long a job's lock lasts without renewal, ms: a worker that stops renewing it (killed,
   * or a loop blocked this long) has its job handed back by the stalled-job check. @default 30_000
   */
  lockDurationMs?: number;
  /** How often the stalled-job check runs, ms. @default 30_000 */
  stalledIntervalMs?: number;
}

/** {@link RunWorkerOptions}, checked and completed. */
export interface ResolvedWorkerOptions {
  readonly redis: RedisConnectionOptions;
  readonly queue: string;
  readonly prefix: string;
  readonly handlers: ReadonlyMap<string, WorkerHandler>;
  /** The module hrefs jobs may name; undefined when every module is allowed. */
  readonly modules: ReadonlySet<string> | undefined;
  readonly concurrency: number;
  readonly threads: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly name: string;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

const KNOWN = [
  'connection',
  'queue',
  'prefix',
  'handlers',
  'modules',
  'concurrency',
  'threads',
  'resourceLimits',
  'name',
  'lockDurationMs',
  'stalledIntervalMs',
];

/**
 * Checks {@link RunWorkerOptions}.
 *
 * @param hrefOf - a module reference's href, as the scheduler writes it in a job.
 * @throws TypeError/RangeError naming a bad or unknown option.
 */
export function resolveWorkerOptions(
  options: unknown,
  hrefOf: (ref: TaskModuleRef) => string,
): ResolvedWorkerOptions {
  return readingCallerValue('options', () => {
    assertOptionsObject(options, 'options');
    if (options === undefined)
      throw new TypeError(
        'Expected `options` to be { connection, queue, handlers | modules, ... }, got undefined',
      );
    const given = { ...(options as RunWorkerOptions) };
    assertKnownOptions(given, KNOWN, 'runWorker option');
    const {
      connection,
      queue,
      prefix = 'bull',
      handlers = {},
      modules = [],
      concurrency = 1,
      threads = Math.max(1, availableParallelism() - 1),
      resourceLimits,
      name = `${hostname()}:${process.pid}`,
      lockDurationMs = 30_000,
      stalledIntervalMs = 30_000,
    } = given;
    assertNonEmptyString(queue, 'options.queue');
    assertNonEmptyString(prefix, 'options.prefix');
    assertNonEmptyString(name, 'options.name');
    assertWholeNumber(concurrency, 'options.concurrency', { min: 1 });
    assertWholeNumber(threads, 'options.threads', { min: 1 });
    assertWholeNumber(lockDurationMs, 'options.lockDurationMs', { min: 100 });
    assertWholeNumber(stalledIntervalMs, 'options.stalledIntervalMs', { min: 100 });
    if (typeof handlers !== 'object' || (handlers as unknown) === null || Array.isArray(handlers)) {
      throw new TypeError(
        `Expected \`options.handlers\` to be { [name]: function | { module, export? } }, got ${describeValue(handlers)}`,
      );
    }
    const handlerMap = new Map<string, WorkerHandler>();
    for (const [key, handler] of Object.entries(handlers)) {
      if (typeof handler !== 'function' && !isTaskModuleRef(handler)) {
        throw new TypeError(
          `Expected \`options.handlers.${key}\` to be a function or a module reference { module, export? }, got ${describeValue(handler)}`,
        );
      }
      handlerMap.set(key, handler);
    }
    // The string 'any' (every module allowed), not the TypeScript type.
    if (modules !== 'any' && !Array.isArray(modules)) {
      throw new TypeError(
        `Expected \`options.modules\` to be an array of module specifiers/URLs or 'any', got ${describeValue(modules)}`,
      );
    }
    if (handlerMap.size === 0 && Array.isArray(modules) && modules.length === 0) {
      throw new TypeError(
        'Expected `options.handlers` or `options.modules`: a worker with neither can run no task',
      );
    }
    return {
      redis: toRedisOptions(connection, 'options.connection'),
      queue,
      prefix,
      handlers: handlerMap,
      modules:
        // The string 'any' again: no allow-list.
        modules === 'any'
          ? undefined
          : new Set((modules as readonly (string | URL)[]).map((module) => hrefOf({ module }))),
      concurrency,
      threads,
      resourceLimits,
      name,
      lockDurationMs,
      stalledIntervalMs,
    };
  });
}
