import type { TaskTransition } from '../tasks/types.js';

/**
 * The key under which a lane's own transitions carry their duration, ms: for a transition to
 * STARTED the wait since submit, for one from STARTED to a final state the run time.
 */
export const TRANSITION_DURATION_MS: unique symbol = Symbol('async-scheduler.transitionDurationMs');

/** A transition that may carry its duration under {@link TRANSITION_DURATION_MS}. */
interface TimedTransition extends TaskTransition {
  readonly [TRANSITION_DURATION_MS]?: number | undefined;
}

/**
 * The wait (to STARTED) or run time (from STARTED to a final state) of a transition, ms.
 *
 * @remarks Read from the transition when its lane put it there, so `metrics$` does not build a
 * frozen TaskInfo for every task it times; from its info otherwise.
 */
export function transitionDurationMs(transition: TaskTransition): number {
  const carried = (transition as TimedTransition)[TRANSITION_DURATION_MS];
  if (carried !== undefined) return carried;
  const { info } = transition;
  return (transition.to === 'STARTED' ? info.waitMs : info.runMs) ?? 0;
}
