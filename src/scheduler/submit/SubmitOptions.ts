import type { RunOptions } from '../lane/laneConfig.js';
import type { RetryPolicy } from '../../tasks/retryPolicy.js';
import { validateRetryPolicy } from '../../tasks/validateRetryPolicy.js';
import {
  assertFiniteNumber,
  assertKnownOptions,
  assertNonEmptyString,
  assertNonNegativeNumber,
  assertOptionsObject,
  describeValue,
  readingCallerValue,
} from '../../validate.js';

/**
 * Options of one `submit()`: the run's arguments, and what this run does differently from the
 * task's own options.
 *
 * @typeParam TArgs - the task's arguments.
 * @example
 * ```ts
 * import { AsyncTask, type TaskContext } from 'async-scheduler';
 *
 * const fetchUser = new AsyncTask('fetch-user', ({ args: [id] }: TaskContext<[string]>) => ({ id }));
 * const signal = AbortSignal.timeout(10_000);
 * const h = scheduler.submit(fetchUser, { args: ['u1'], priority: 5, timeoutMs: 2_000, signal, key: 'user:u1' });
 * ```
 */
export interface SubmitOptions<TArgs extends readonly unknown[] = unknown[]> {
  /**
   * The arguments the body gets as `ctx.args`.
   * @remarks Required (by the types) when the task cannot be called without arguments.
   * @default []
   */
  args?: TArgs;
  /** This run's priority instead of the task's: higher runs first; any finite number. */
  priority?: number;
  /**
   * This run's limit instead of the task's, ms; the clock starts at STARTED; `0`: none.
   * @throws RangeError when negative or not finite.
   */
  timeoutMs?: number;
  /**
   * Aborting it cancels the task (reason: `signal.reason`, an Error's message).
   * @remarks A signal aborted already still submits the task (it gets its id) and cancels it at
   * once: it ends CANCELED. The scheduler stops listening once the task is final, so one
   * long-lived signal can serve any number of submits.
   */
  signal?: AbortSignal;
  /**
   * Idempotency key: while a task submitted with this key is not final, `submit` with the same
   * key returns that task's handle and submits nothing (the later call's other options are not
   * applied). Once it is final, the key submits a new task. Shown as `TaskInfo.key`.
   * @remarks A key names one run of one task: reusing a key for another task returns the first
   * task's handle, typed as the second.
   */
  key?: string;
  /**
   * Not started before `delayMs` after this submit: the task waits in SCHEDULED (its
   * `TaskInfo.runAfter` says until when) and holds back no ready task. Replaces the task's own
   * `delayMs`. A finite number >= 0; not with `runAt`.
   */
  delayMs?: number;
  /**
   * Not started before this point in time (a `Date`, or epoch ms on the scheduler's clock), as
   * `delayMs` does; a time already past runs it as soon as its turn comes. Not with `delayMs`.
   */
  runAt?: Date | number;
  /** This run's retry policy, instead of the task's or the scheduler's. */
  retry?: RetryPolicy;
}

/**
 * The options argument of `submit(task, …)`: optional when the task can run without arguments
 * (its args are `[]`, all optional, or untyped `unknown[]`), else required with its `args`.
 *
 * @typeParam TArgs - the task's arguments.
 */
export type SubmitArguments<TArgs extends readonly unknown[]> = [] extends TArgs
  ? [options?: SubmitOptions<TArgs>]
  : [options: SubmitOptions<TArgs> & { args: TArgs }];

/** {@link SubmitOptions} checked once, at the boundary. */
export interface ResolvedSubmitOptions {
  readonly args: readonly unknown[];
  /** Undefined when none of them is given: the task's own apply. */
  readonly overrides:
    Pick<RunOptions, 'priority' | 'timeoutMs' | 'delayMs' | 'runAt' | 'retry'> | undefined;
  readonly signal: AbortSignal | undefined;
  readonly key: string | undefined;
}

/** The names `submit()` takes: unknown ones are refused. */
export const SUBMIT_OPTION_NAMES = [
  'args',
  'priority',
  'timeoutMs',
  'signal',
  'key',
  'delayMs',
  'runAt',
  'retry',
] as const satisfies readonly (keyof SubmitOptions)[];

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * Checks `submit()`'s options: each option read once, every value checked, unknown names
 * refused.
 *
 * @throws TypeError/RangeError naming the bad or unknown option.
 */
export function resolveSubmitOptions(options: unknown): ResolvedSubmitOptions {
  return readingCallerValue('options', () => checkSubmitOptions(options));
}

function checkSubmitOptions(options: unknown): ResolvedSubmitOptions {
  assertOptionsObject(options, 'options');
  if (options === undefined) {
    return { args: NO_ARGS, overrides: undefined, signal: undefined, key: undefined };
  }
  const copy = { ...(options as SubmitOptions) };
  assertKnownOptions(copy, SUBMIT_OPTION_NAMES, 'submit option');
  const { args = NO_ARGS, priority, timeoutMs, signal, key, delayMs, runAt, retry } = copy;
  if (!Array.isArray(args)) {
    throw new TypeError(`Expected \`args\` to be an array, got ${describeValue(args)}`);
  }
  if (priority !== undefined) assertFiniteNumber(priority, 'priority');
  if (timeoutMs !== undefined) assertNonNegativeNumber(timeoutMs, 'timeoutMs');
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (key !== undefined) assertNonEmptyString(key, 'key');
  if (delayMs !== undefined) assertNonNegativeNumber(delayMs, 'delayMs');
  if (delayMs !== undefined && runAt !== undefined) {
    throw new TypeError('Give `delayMs` or `runAt`, not both: each says when the task may start');
  }
  const runAtMs = runAt === undefined ? undefined : epochMsOf(runAt);
  const policy = retry === undefined ? undefined : validateRetryPolicy(retry, 'retry');
  const overrides =
    priority === undefined &&
    timeoutMs === undefined &&
    delayMs === undefined &&
    runAtMs === undefined &&
    policy === undefined
      ? undefined
      : {
          ...(priority === undefined ? {} : { priority }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(delayMs === undefined ? {} : { delayMs }),
          ...(runAtMs === undefined ? {} : { runAt: runAtMs }),
          ...(policy === undefined ? {} : { retry: policy }),
        };
  return { args, overrides, signal, key };
}

/** `runAt` as epoch ms: a valid Date, or a finite number. */
function epochMsOf(runAt: unknown): number {
  if (runAt instanceof Date) {
    const at = runAt.getTime();
    if (Number.isNaN(at))
      throw new RangeError('Expected `runAt` to be a valid Date, got Invalid Date');
    return at;
  }
  if (typeof runAt !== 'number') {
    throw new TypeError(
      `Expected \`runAt\` to be a Date or epoch milliseconds, got ${describeValue(runAt)}`,
    );
  }
  assertFiniteNumber(runAt, 'runAt');
  return runAt;
}
