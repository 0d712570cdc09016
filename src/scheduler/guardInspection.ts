import type { InspectionEvent } from 'xstate';
import { SchedulerError, SchedulerErrorCode } from '../errors.js';
import { callGuarded, type GuardedFailure } from './callGuarded.js';
import { toInspectionNext } from './inspectionObserver.js';
import type { InspectionObserver } from './schedulerOptions.js';

/** The observer {@link guardInspection} returns: it never throws. */
export type GuardedInspection = (event: InspectionEvent) => void;

/**
 * Wraps an `inspect` observer so that a throw is reported instead of thrown.
 *
 * @remarks XState 5 calls the observer inside the actor's own processing, and does not catch
 * what it throws: a throw on `@xstate.event` escapes from `send()` and loses the event, one on
 * `@xstate.snapshot` leaves the actor's mailbox busy forever (every later event is queued and
 * never processed), one on `@xstate.microstep` puts the actor in its `error` status. In a lane
 * that means a `submitTask()` that throws, tasks that never finish and a `stop()` that never
 * resolves. Guarded, the observer's throw is an error report and the actors go on.
 *
 * An observer that defers its work (`@statelyai/inspect` runs each event in a timer) cannot be
 * guarded here: what it throws later is the process's uncaught exception.
 *
 * @param observer - the user's observer; `undefined` stays `undefined`, so a lane without an
 * observer keeps XState's path without inspection, which costs nothing.
 * @param report - receives a `SchedulerError` with code `ERR_CALLBACK_FAILED` and the thrown
 * value as `cause`; it must not throw.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { taskMachine } from '../machines/taskMachine.js';
 * import { guardInspection } from './guardInspection.js';
 * import type { InspectionObserver } from './schedulerOptions.js';
 *
 * declare const observer: InspectionObserver | undefined; // the user's `inspect` option
 * const inspect = guardInspection(observer, (error) => {
 *   console.error(error.code, error.cause); // a lane reports it on errors$
 * });
 * createActor(taskMachine, inspect === undefined ? {} : { inspect });
 * ```
 */
export function guardInspection(
  observer: InspectionObserver,
  report: (error: SchedulerError) => void,
): GuardedInspection;
export function guardInspection(
  observer: InspectionObserver | undefined,
  report: (error: SchedulerError) => void,
): GuardedInspection | undefined;
export function guardInspection(
  observer: InspectionObserver | undefined,
  report: (error: SchedulerError) => void,
): GuardedInspection | undefined {
  if (observer === undefined) return undefined;
  const next = toInspectionNext(observer);
  const failed = (error: unknown, how: GuardedFailure): void => {
    report(
      new SchedulerError(SchedulerErrorCode.CALLBACK_FAILED, `The inspect observer ${how}`, {
        cause: error,
      }),
    );
  };
  return (event) => {
    callGuarded(next, undefined, event, failed);
  };
}
