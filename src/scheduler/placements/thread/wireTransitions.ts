import { isFinished } from '../../../machines/taskLifecycle.js';
import type { TaskErrorData, TaskTransition } from '../../../tasks/types.js';
import type { TransitionMessage, WireErrorData, WireStackFrames } from './laneThreadMessages.js';

/** The first line of an error's stack, as V8 writes it: `name: message`, or `name` alone. */
function stackHeader(error: Pick<TaskErrorData, 'name' | 'message'>): string {
  return error.message === '' ? error.name : `${error.name}: ${error.message}`;
}

/**
 * Turns the lane thread's transitions into {@link TransitionMessage}s: a task's state, time and,
 * once final, its outcome, with every error's stack frames shared with the error before it when
 * they are the same.
 *
 * @remarks One per lane thread. Sharing is by the last frames seen, which is what a stop's sweep
 * makes (every cancel has the frames of the `stop()` call); a structured clone then writes the
 * frames once per message instead of once per task. A frames object shared across two messages
 * is harmless: each message is cloned on its own.
 *
 * @example
 * ```ts
 * import type { TaskLedger } from '../../ledger/TaskLedger.js';
 * import type { TransitionMessage } from './laneThreadMessages.js';
 * import { WireTransitionEncoder } from './wireTransitions.js';
 *
 * declare const ledger: TaskLedger; // the lane thread's
 * const batch: TransitionMessage[] = [];
 * const wire = new WireTransitionEncoder();
 * ledger.reporter.transitions$.subscribe((t) => batch.push(wire.encode(t)));
 * ```
 */
export class WireTransitionEncoder {
  #lastFrames: WireStackFrames = { text: '' };

  /** The message for `transition`; reads its `info` only for a final state (already built). */
  encode(transition: TaskTransition): TransitionMessage {
    const { id, to, at } = transition;
    if (transition.reason === 'retry') return this.#retryToWire(transition);
    if (!isFinished(to)) return { id, to, at };
    const { result, error, reason } = transition.info;
    const message: {
      -readonly [K in keyof TransitionMessage]: TransitionMessage[K];
    } = { id, to, at };
    if (result !== undefined) message.result = result;
    if (error !== undefined) message.error = this.#errorToWire(error);
    if (reason !== undefined) message.reason = reason;
    return message;
  }

  /** The retry edge: the attempt's outcome and error, and when the next may start. */
  #retryToWire(transition: TaskTransition): TransitionMessage {
    const { id, to, at, info } = transition;
    const last = info.attempts.at(-1);
    const retry = { outcome: last?.state ?? 'FAILED', runAfter: info.runAfter ?? at } as const;
    const error = last?.error ?? { name: 'Error', message: 'attempt failed' };
    return { id, to, at, retry, error: this.#errorToWire(error) };
  }

  #errorToWire(error: TaskErrorData): WireErrorData {
    const { name, message, code, stack } = error;
    const data = code === undefined ? { name, message } : { name, message, code };
    if (stack === undefined) return data;
    const header = stackHeader(error);
    if (!stack.startsWith(header)) return { ...data, stack };
    const text = stack.slice(header.length);
    if (text !== this.#lastFrames.text) this.#lastFrames = { text };
    return { ...data, frames: this.#lastFrames };
  }
}

/**
 * A task's error data on the main side, from what crossed: its stack rebuilt from its
 * `name: message` line and the shared frames. Frozen, as a task info's error is.
 */
export function errorFromWire(wire: WireErrorData): TaskErrorData {
  const { name, message, code, frames } = wire;
  const stack = frames === undefined ? wire.stack : stackHeader(wire) + frames.text;
  const data: { -readonly [K in keyof TaskErrorData]: TaskErrorData[K] } = { name, message };
  if (code !== undefined) data.code = code;
  if (stack !== undefined) data.stack = stack;
  return Object.freeze(data);
}
