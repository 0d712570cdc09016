import {
  assertKnownOptions,
  assertNonEmptyString,
  assertOptionsObject,
  assertWholeNumber,
  describeValue,
  readingCallerValue,
} from '../../validate.js';
import {
  resolveSubmitOptions,
  SUBMIT_OPTION_NAMES,
  type ResolvedSubmitOptions,
  type SubmitOptions,
} from '../submit/SubmitOptions.js';
import { cronDueTimes, everyDueTimes, type DueTimes } from './dueTimes.js';

/** What a schedule does at a due time while its previous occurrence is not final yet. */
export type RepeatOverlap = 'skip' | 'allow';

/** When a schedule's occurrences are due: every `every` ms, or at a cron expression's matches. */
export type RepeatTiming =
  | {
      /**
       * Interval between occurrences, ms: a positive finite number. Due times are
       * `startAt + k * every` (k = 0, 1, …) with `startAt`, else one interval after another
       * from the `repeat()` call (the first one interval after it, as `setInterval`).
       */
      every: number;
      cron?: undefined;
      timezone?: undefined;
    }
  | {
      /**
       * A cron expression (croner's syntax: `minute hour day-of-month month day-of-week`, or
       * with a seconds field first), e.g. `'0 9 * * 1-5'`: 09:00 on weekdays.
       * @throws TypeError at the `repeat()` call when it does not parse.
       */
      cron: string;
      /**
       * The IANA time zone the expression is read in (`'Europe/Paris'`); default: the
       * process's local time zone.
       * @throws RangeError for a name the runtime does not know; TypeError with `every`.
       */
      timezone?: string;
      every?: undefined;
    };

/** How many occurrences, from when, and what to do about overlaps. */
export interface RepeatLimits {
  /**
   * At most this many occurrences are submitted; then the schedule ends (`nextRunAt()` is
   * undefined). Skipped due times do not count.
   * @default Infinity
   */
  limit?: number;
  /**
   * No occurrence before this time (a Date, or epoch ms). With `every` it is also the anchor:
   * the first occurrence is due at `startAt` itself (or, when `startAt` is past, at the first
   * `startAt + k * every` not before the call).
   */
  startAt?: Date | number;
  /**
   * `'skip'`: a due time that comes while the previous occurrence is not final submits nothing
   * (and does not count toward `limit`); `'allow'`: it submits anyway, so occurrences may run
   * side by side.
   * @default 'skip'
   */
  overlap?: RepeatOverlap;
}

/**
 * Options of `repeat(task, options)`: when occurrences are due (`every` or `cron`), how many
 * (`limit`), from when (`startAt`), what to do about overlaps (`overlap`), and the submit
 * options every occurrence gets.
 *
 * @remarks Of the submit options, `args`, `priority`, `timeoutMs` and the rest apply to every
 * occurrence. `signal`: aborting it ends the schedule and cancels every occurrence not final
 * yet (a signal aborted already makes a schedule that never submits). `key`: every occurrence
 * is submitted with it, and a due time that comes while a task holding the key is not final
 * submits nothing (as `submit` with a key would return that task). `delayMs` and `runAt` do
 * not mix with a schedule (use `startAt`): a TypeError.
 * @typeParam TArgs - the task's arguments: `args` is required when the task takes some.
 * @example
 * ```ts
 * import { AsyncTask, type RepeatOptions } from 'async-scheduler';
 *
 * const report = new AsyncTask('report', ({ args: [to] }: { args: [string] }) => `sent to ${to}`);
 * const options: RepeatOptions<[string]> = {
 *   cron: '0 9 * * 1-5',
 *   timezone: 'Europe/Paris',
 *   args: ['team@example.com'],
 *   timeoutMs: 30_000,
 * };
 * const r = scheduler.repeat(report, options);
 * ```
 */
export type RepeatOptions<TArgs extends readonly unknown[] = unknown[]> = Omit<
  SubmitOptions<TArgs>,
  'delayMs' | 'runAt'
> &
  RepeatLimits &
  RepeatTiming &
  ([] extends TArgs ? unknown : { args: TArgs });

/** {@link RepeatOptions} checked once, at the `repeat()` call. */
export interface ResolvedRepeatOptions {
  readonly dueTimes: DueTimes;
  /** When the first occurrence is due; undefined: never (a cron expression that never matches). */
  readonly firstAt: number | undefined;
  readonly limit: number;
  readonly overlap: RepeatOverlap;
  /** What every occurrence is submitted with. */
  readonly submit: ResolvedSubmitOptions;
}

const SCHEDULE_OPTION_NAMES = ['every', 'cron', 'timezone', 'limit', 'startAt', 'overlap'] as const;
/** Submit options that say when one run starts: a schedule says that for every occurrence. */
const ONE_RUN_TIMING_NAMES = ['delayMs', 'runAt'] as const;
const KNOWN_OPTION_NAMES: readonly string[] = [
  ...SCHEDULE_OPTION_NAMES,
  ...SUBMIT_OPTION_NAMES,
  ...ONE_RUN_TIMING_NAMES,
];
const NOT_FOR_SUBMIT: readonly string[] = [...SCHEDULE_OPTION_NAMES, ...ONE_RUN_TIMING_NAMES];
const OVERLAP_VALUES: readonly RepeatOverlap[] = ['skip', 'allow'];

/**
 * Checks `repeat()`'s options: each option read once, every value checked (a cron expression
 * parsed, a time zone looked up), unknown names refused.
 *
 * @param now - the scheduler's clock now: the anchor of an `every` schedule without `startAt`.
 * @throws TypeError/RangeError naming the bad or unknown option.
 */
export function resolveRepeatOptions(options: unknown, now: number): ResolvedRepeatOptions {
  return readingCallerValue('options', () => checkRepeatOptions(options, now));
}

function checkRepeatOptions(options: unknown, now: number): ResolvedRepeatOptions {
  if (options === undefined) {
    throw new TypeError(
      'Expected `options` to be an options object with `every` or `cron`, got undefined',
    );
  }
  assertOptionsObject(options, 'options');
  const copy = { ...(options as Record<string, unknown>) };
  for (const name of ONE_RUN_TIMING_NAMES) {
    if (copy[name] !== undefined) {
      throw new TypeError(
        `\`${name}\` does not mix with a repeat schedule: its occurrences are due at the schedule's times (use \`startAt\` to begin later)`,
      );
    }
  }
  assertKnownOptions(copy, KNOWN_OPTION_NAMES, 'repeat option');
  const { every, cron, timezone, limit = Infinity, startAt, overlap = 'skip' } = copy;
  // What is left is for each occurrence's submit (delayMs and runAt, undefined here, left out).
  const rest = Object.fromEntries(
    Object.entries(copy).filter(([name]) => !NOT_FOR_SUBMIT.includes(name)),
  );
  assertWholeNumber(limit, 'limit', { min: 1, allowInfinity: true });
  if (!OVERLAP_VALUES.includes(overlap as RepeatOverlap)) {
    throw new TypeError(
      `Expected \`overlap\` to be 'skip' or 'allow', got ${describeValue(overlap)}`,
    );
  }
  const startAtMs = startAt === undefined ? undefined : epochMsOf(startAt);
  const dueTimes = dueTimesOf(every, cron, timezone, startAtMs ?? now);
  return {
    dueTimes,
    // Without startAt the first is one interval (or the next cron match) after now; with it,
    // the first due time at or after it, and never before now.
    firstAt:
      startAtMs === undefined ? dueTimes.after(now) : dueTimes.atOrAfter(Math.max(now, startAtMs)),
    limit,
    overlap: overlap as RepeatOverlap,
    submit: frozenArgsOf(resolveSubmitOptions(rest)),
  };
}

/** The options with a frozen copy of the args: the caller's array may change after the call. */
function frozenArgsOf(options: ResolvedSubmitOptions): ResolvedSubmitOptions {
  return { ...options, args: Object.freeze([...options.args]) };
}

function dueTimesOf(every: unknown, cron: unknown, timezone: unknown, anchorAt: number): DueTimes {
  if ((every === undefined) === (cron === undefined)) {
    const got = every === undefined ? 'neither' : 'both';
    throw new TypeError(
      `Expected exactly one of \`every\` or \`cron\` in repeat options, got ${got}`,
    );
  }
  if (every !== undefined) {
    if (timezone !== undefined) {
      throw new TypeError('`timezone` applies to a `cron` schedule only, not to `every`');
    }
    assertPositiveNumber(every, 'every');
    return everyDueTimes(every, anchorAt);
  }
  assertNonEmptyString(cron, 'cron');
  if (timezone !== undefined) assertTimeZone(timezone);
  return cronDueTimes(cron, timezone);
}

function assertPositiveNumber(value: unknown, name: string): asserts value is number {
  const what = `Expected \`${name}\` to be a finite number > 0, got ${describeValue(value)}`;
  if (typeof value !== 'number') throw new TypeError(what);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(what);
}

/** Asserts an IANA time zone name the runtime knows (as `Intl` reads it). */
function assertTimeZone(value: unknown): asserts value is string {
  assertNonEmptyString(value, 'timezone');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch (error) {
    throw new RangeError(
      `Expected \`timezone\` to be an IANA time zone name such as "Europe/Paris", got ${describeValue(value)}`,
      { cause: error },
    );
  }
}

/** A `startAt` as epoch ms. @throws TypeError/RangeError for anything but a valid Date or a finite number. */
function epochMsOf(value: unknown): number {
  const what = `Expected \`startAt\` to be a valid Date or epoch ms (a finite number), got ${describeValue(value)}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(what);
    return value;
  }
  if (!(value instanceof Date)) throw new TypeError(what);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(what);
  return ms;
}
