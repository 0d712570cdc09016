import { createRequire } from 'node:module';
import type { Cron } from 'croner';
import { describeValue } from '../../validate.js';

/**
 * The due times of a schedule, epoch ms, in increasing order. Each is computed from the
 * schedule's definition (an anchor plus a whole number of intervals, or the cron expression's
 * next match), never by adding to the previous one, so timer lateness never accumulates.
 */
export interface DueTimes {
  /** The first due time at or after `at`; undefined when there is none. */
  atOrAfter(at: number): number | undefined;
  /** The first due time strictly after `at`; undefined when there is none. */
  after(at: number): number | undefined;
}

/**
 * The due times `anchorAt + k * everyMs` for every whole `k >= 0`.
 *
 * @param everyMs - a positive finite number (checked by the caller).
 */
export function everyDueTimes(everyMs: number, anchorAt: number): DueTimes {
  const dueAt = (k: number): number => anchorAt + k * everyMs;
  const firstIndexFrom = (at: number, strictly: boolean): number => {
    const periods = (at - anchorAt) / everyMs;
    let k = Math.max(0, strictly ? Math.floor(periods) + 1 : Math.ceil(periods));
    // Floating point may land one period short of the bound; never more.
    while (strictly ? dueAt(k) <= at : dueAt(k) < at) k++;
    return k;
  };
  return {
    atOrAfter: (at) => dueAt(firstIndexFrom(at, false)),
    after: (at) => dueAt(firstIndexFrom(at, true)),
  };
}

/*
 * croner is loaded on the first cron schedule, not with the root entry: most programs never
 * make one, and the root's cold import is measured. Its CommonJS build is required
 * synchronously (about 5 ms on these machines, against 12-20 ms for `await import('croner')`),
 * so `repeat()` stays synchronous and a bad expression is a TypeError at the call.
 */
const requireFromHere = createRequire(import.meta.url);
let cronClass: typeof Cron | undefined;

function loadCron(): typeof Cron {
  cronClass ??= (requireFromHere('croner') as { Cron: typeof Cron }).Cron;
  return cronClass;
}

/**
 * The due times of a cron expression (5 fields, or 6 with seconds first), in `timezone` when
 * given (else the process's local time zone), as croner computes them.
 *
 * @throws TypeError naming `cron` when croner refuses the expression (croner's message, and its
 * error as `cause`).
 */
export function cronDueTimes(expression: string, timezone: string | undefined): DueTimes {
  const Cron = loadCron();
  let cron: Cron;
  try {
    cron = new Cron(expression, timezone === undefined ? {} : { timezone });
  } catch (error) {
    const reason = error instanceof Error ? `: ${error.message}` : '';
    throw new TypeError(
      `Expected \`cron\` to be a cron expression (minute hour day-of-month month day-of-week, with an optional seconds field first), got ${describeValue(expression)}${reason}`,
      { cause: error },
    );
  }
  // nextRun(d) is the first match strictly after d, in whole seconds.
  const after = (at: number): number | undefined => cron.nextRun(new Date(at))?.getTime();
  return {
    after,
    atOrAfter: (at) => {
      // A Date holds whole ms: one before `at` may give a match a fraction of a ms short of it.
      let due = after(Math.ceil(at) - 1);
      while (due !== undefined && due < at) due = after(due);
      return due;
    },
  };
}
