import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/index.js';
import {
  doneEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
} from '../../src/machines/taskEvents.js';
import { unobservedTaskMachine } from '../../src/machines/taskMachine.js';
import { isWaiting, type WaitingTaskState } from '../../src/machines/taskLifecycle.js';
import { persistedWaitingSnapshot, waitingTransition } from '../../src/machines/taskPassivation.js';
import { TaskState } from '../../src/taskState.js';
import { EVERY_TASK_EVENT } from '../support/everyTaskEvent.js';

/** The events that take a live actor from NEW to each waiting state. */
const PATH_TO: Record<WaitingTaskState, readonly TaskEvent[]> = {
  NEW: [],
  SUBMITTED: [submitEvent(1)],
  SCHEDULED: [submitEvent(1), scheduleEvent(2)],
};

function liveActorIn(state: WaitingTaskState) {
  const actor = createActor(unobservedTaskMachine).start();
  for (const event of PATH_TO[state]) actor.send(event);
  expect(actor.getSnapshot().value).toBe(state);
  return actor;
}

describe('task passivation', () => {
  it('says waiting of NEW, SUBMITTED and SCHEDULED only', () => {
    const waiting = Object.values(TaskState).filter(isWaiting);
    expect(waiting).toEqual(['NEW', 'SUBMITTED', 'SCHEDULED']);
  });

  it.each(Object.keys(PATH_TO) as WaitingTaskState[])(
    'moves a passive actor in %s where every event takes a live one',
    (state) => {
      for (const event of EVERY_TASK_EVENT) {
        const live = liveActorIn(state);
        live.send(event);
        expect([event.type, waitingTransition(state, event.type)]).toEqual([
          event.type,
          live.getSnapshot().value,
        ]);
      }
    },
  );

  it.each(Object.keys(PATH_TO) as WaitingTaskState[])(
    'restores an actor in %s that takes every event as a live one does',
    (state) => {
      for (const event of EVERY_TASK_EVENT) {
        const live = liveActorIn(state);
        const restored = createActor(unobservedTaskMachine, {
          snapshot: persistedWaitingSnapshot(state),
        }).start();
        expect(restored.getSnapshot().value).toBe(state);
        live.send(event);
        restored.send(event);
        const [a, b] = [live.getSnapshot(), restored.getSnapshot()];
        expect({ value: b.value, status: b.status, tags: [...b.tags] }).toEqual({
          value: a.value,
          status: a.status,
          tags: [...a.tags],
        });
      }
    },
  );

  it('serves every restore from one frozen snapshot that no actor changes', () => {
    const persisted = persistedWaitingSnapshot('SCHEDULED');
    expect(Object.isFrozen(persisted)).toBe(true);
    const before = JSON.stringify(persisted);
    const first = createActor(unobservedTaskMachine, { snapshot: persisted }).start();
    const second = createActor(unobservedTaskMachine, { snapshot: persisted }).start();
    first.send(startEvent(3));
    first.send(doneEvent(4, 'x'));
    expect(first.getSnapshot().value).toBe('DONE');
    expect(second.getSnapshot().value).toBe('SCHEDULED');
    expect(JSON.stringify(persisted)).toBe(before);
  });
});
