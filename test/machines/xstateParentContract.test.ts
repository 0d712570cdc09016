/**
 * What the lanes rely on from `createActor(machine, { parent })`, which XState's docs do not
 * promise (package.json pins xstate to ~5.33 for it). If an upgrade fails here, read
 * docs/design.md "Task actors: joined to the lane when watched, not spawned" before bumping.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup, type AnyEventObject } from 'xstate';
import {
  doneEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
} from '../../src/machines/taskEvents.js';
import { taskMachine } from '../../src/machines/taskMachine.js';

/** A parent that keeps every event it receives. */
function recordingParent() {
  const received: AnyEventObject[] = [];
  const parent = createActor(
    setup({ types: { events: {} as AnyEventObject } }).createMachine({
      on: { '*': { actions: ({ event }) => received.push(event) } },
    }),
  ).start();
  return { parent, received };
}

describe('createActor(machine, { parent }) as the lanes use it (xstate ~5.33)', () => {
  it('joins the parent’s system under its systemId without entering the parent’s snapshot', () => {
    const { parent } = recordingParent();
    const child = createActor(taskMachine, { id: 'task', systemId: 'task-1', parent }).start();
    expect(parent.system.get('task-1')).toBe(child);
    expect(Object.keys(parent.getSnapshot().children)).toEqual([]);
    parent.stop();
  });

  it('sends the parent xstate.done.actor.<id> when the child reaches a final state', () => {
    const { parent, received } = recordingParent();
    const child = createActor(taskMachine, { id: 'task', systemId: 'task-2', parent }).start();
    for (const event of [submitEvent(1), scheduleEvent(2), startEvent(3), doneEvent(4, 'ok')]) {
      child.send(event);
    }
    expect(child.getSnapshot().status).toBe('done');
    expect(received.map((event) => event.type)).toContain('xstate.done.actor.task');
    parent.stop();
  });
});
