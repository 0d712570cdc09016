import type { TaskErrorData } from '../tasks/types.js';

/**
 * The events a task actor understands; each carries `at`, the epoch ms it happened.
 *
 * @remarks Public as the events of {@link taskMachine}: to drive an actor of it yourself (a
 * model, a test), and to read the `event` of the task actors' transitions an `inspect` observer
 * receives.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { taskMachine, type TaskEvent } from 'async-scheduler';
 *
 * const events: TaskEvent[] = [
 *   { type: 'task.submit', at: 1 },
 *   { type: 'task.schedule', at: 2 },
 *   { type: 'task.start', at: 3 },
 *   { type: 'task.done', at: 4, result: 'ok' },
 * ];
 * const actor = createActor(taskMachine).start();
 * for (const event of events) actor.send(event);
 * console.log(actor.getSnapshot().value, actor.getSnapshot().context.ts); // DONE { submit: 1, … }
 * ```
 *
 * `task.retry` takes a STARTED task back to SCHEDULED: its attempt failed or timed out and
 * another follows once `runAfter` has passed.
 */
export type TaskEvent =
  | { type: 'task.submit'; at: number }
  | { type: 'task.schedule'; at: number }
  | { type: 'task.start'; at: number }
  | { type: 'task.done'; at: number; result: unknown }
  | { type: 'task.fail'; at: number; error: TaskErrorData }
  | { type: 'task.timeout'; at: number; reason: string; error: TaskErrorData }
  | { type: 'task.cancel'; at: number; reason: string; error: TaskErrorData }
  | {
      type: 'task.retry';
      at: number;
      /** How the attempt that is tried again ended. */
      outcome: 'FAILED' | 'TIMED_OUT';
      /** Its error. */
      error: TaskErrorData;
      /** Epoch ms before which the next attempt will not start (its backoff). */
      runAfter: number;
    };

/** `task.submit`: the scheduler accepted the task. */
export const submitEvent = (at: number): TaskEvent => ({ type: 'task.submit', at });
/** `task.schedule`: the task entered its lane's queue. */
export const scheduleEvent = (at: number): TaskEvent => ({ type: 'task.schedule', at });
/** `task.start`: the body was handed to an executor. */
export const startEvent = (at: number): TaskEvent => ({ type: 'task.start', at });
/** `task.done`: the body returned `result`. */
export const doneEvent = (at: number, result: unknown): TaskEvent => ({
  type: 'task.done',
  at,
  result,
});
/** `task.fail`: the body threw or rejected. */
export const failEvent = (at: number, error: TaskErrorData): TaskEvent => ({
  type: 'task.fail',
  at,
  error,
});
/** `task.timeout`: the body ran past its limit. */
export const timeoutEvent = (at: number, reason: string, error: TaskErrorData): TaskEvent => ({
  type: 'task.timeout',
  at,
  reason,
  error,
});
/** `task.cancel`: someone canceled the task. */
export const cancelEvent = (at: number, reason: string, error: TaskErrorData): TaskEvent => ({
  type: 'task.cancel',
  at,
  reason,
  error,
});
/**
 * `task.retry`: the attempt ended as `outcome` and another follows, not before `runAfter`.
 */
export const retryEvent = (
  at: number,
  outcome: 'FAILED' | 'TIMED_OUT',
  error: TaskErrorData,
  runAfter: number,
): TaskEvent => ({ type: 'task.retry', at, outcome, error, runAfter });
