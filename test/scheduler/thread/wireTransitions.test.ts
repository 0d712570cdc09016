import { describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/taskState.js';
import { buildTaskInfo } from '../../../src/scheduler/ledger/taskInfo.js';
import {
  errorFromWire,
  WireTransitionEncoder,
} from '../../../src/scheduler/placements/thread/wireTransitions.js';
import type { TaskErrorData, TaskTransition } from '../../../src/tasks/types.js';

const identity = {
  id: 'task-1',
  name: 'ping',
  type: 'async' as const,
  lane: 'urgent',
  args: [{ big: 'args stay on the main side' }],
  priority: 0,
  timeoutMs: undefined,
};

const FRAMES = '\n    at stop (file:///lane.js:1:1)\n    at main (file:///main.js:2:2)';

/** A transition as the lane thread's ledger reports it. */
function transition(
  id: string,
  to: TaskState,
  at: number,
  outcome: { result?: unknown; error?: TaskErrorData; reason?: string } = {},
): TaskTransition {
  const info = buildTaskInfo(
    { ...identity, id },
    to,
    { ts: { start: at - 1, cancel: at }, ...outcome },
    at,
  );
  return { id, name: identity.name, lane: identity.lane, from: TaskState.STARTED, to, at, info };
}

function canceled(frames = FRAMES): TaskErrorData {
  const message = 'Task canceled: stopping';
  return {
    name: 'TaskCanceledError',
    message,
    code: 'ERR_TASK_CANCELED',
    stack: `TaskCanceledError: ${message}${frames}`,
  };
}

describe('WireTransitionEncoder', () => {
  describe('.encode()', () => {
    it('sends a state that is not final as its id, state and time only', () => {
      const wire = new WireTransitionEncoder();
      expect(wire.encode(transition('a', TaskState.STARTED, 5))).toStrictEqual({
        id: 'a',
        to: TaskState.STARTED,
        at: 5,
      });
    });

    it('sends a final state with its outcome, and the stack rebuilds as it was', () => {
      const wire = new WireTransitionEncoder();
      const error = canceled();
      const message = wire.encode(
        transition('a', TaskState.CANCELED, 9, { error, reason: 'stopping' }),
      );
      expect(message).toMatchObject({ id: 'a', to: TaskState.CANCELED, at: 9, reason: 'stopping' });
      expect(message).not.toHaveProperty('info');
      const rebuilt = errorFromWire(structuredClone(message.error ?? { name: '', message: '' }));
      expect(rebuilt).toStrictEqual(Object.freeze({ ...error }));
      expect(Object.isFrozen(rebuilt)).toBe(true);
    });

    it('shares one frames object between errors with the same frames, so a clone writes them once', () => {
      const wire = new WireTransitionEncoder();
      const first = wire.encode(transition('a', TaskState.CANCELED, 9, { error: canceled() }));
      const second = wire.encode(transition('b', TaskState.CANCELED, 9, { error: canceled() }));
      const other = wire.encode(
        transition('c', TaskState.CANCELED, 9, { error: canceled('\n    at elsewhere') }),
      );
      expect(first.error?.frames).toBeDefined();
      expect(second.error?.frames).toBe(first.error?.frames);
      expect(other.error?.frames).not.toBe(first.error?.frames);
      const [a, b] = structuredClone([first, second]);
      expect(b.error?.frames).toBe(a.error?.frames);
    });

    it('sends a stack that does not begin with its name and message as it is', () => {
      const wire = new WireTransitionEncoder();
      const error = { name: 'Error', message: 'renamed later', stack: 'Custom: header\n    at x' };
      const message = wire.encode(transition('a', TaskState.FAILED, 9, { error }));
      expect(message.error).toStrictEqual({ ...error });
      expect(errorFromWire(message.error ?? error).stack).toBe(error.stack);
    });

    it('rebuilds the stack of an error with an empty message from its name alone', () => {
      const wire = new WireTransitionEncoder();
      const error = { name: 'Error', message: '', stack: `Error${FRAMES}` };
      const message = wire.encode(transition('a', TaskState.FAILED, 9, { error }));
      expect(message.error?.stack).toBeUndefined();
      expect(errorFromWire(message.error ?? error).stack).toBe(error.stack);
    });

    it('sends the result of a DONE task', () => {
      const wire = new WireTransitionEncoder();
      const message = wire.encode(transition('a', TaskState.DONE, 9, { result: { n: 1 } }));
      expect(message).toStrictEqual({ id: 'a', to: TaskState.DONE, at: 9, result: { n: 1 } });
    });
  });
});
