import { createActor } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import type { TaskTransition } from '../../src/index.js';
import {
  cancelEvent,
  doneEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
} from '../../src/machines/taskEvents.js';
import { unobservedTaskMachine } from '../../src/machines/taskMachine.js';
import type { WaitingTaskState } from '../../src/machines/taskLifecycle.js';
import { persistedWaitingSnapshot } from '../../src/machines/taskPassivation.js';
import type { LiveTask, TaskActor } from '../../src/scheduler/lane/LiveTask.js';
import { TaskActorChannel } from '../../src/scheduler/lane/TaskActorChannel.js';
import { newLedgerFields, TaskLedger } from '../../src/scheduler/ledger/TaskLedger.js';
import { ManualClock } from '../support/ManualClock.js';

/** A lane's record of a task just created without an actor (passivated from the start). */
function passiveRecord(id: string): LiveTask {
  return {
    id,
    name: 'job',
    type: 'async',
    lane: 'main',
    args: [],
    priority: 0,
    timeoutMs: undefined,
    body: () => undefined,
    callbacks: {},
    seq: 0,
    queueIndex: -1,
    actor: undefined,
    ...newLedgerFields(),
    execution: undefined,
    timer: undefined,
    startedAtReal: undefined,
    context: undefined,
    retry: undefined,
  };
}

function channelWith(activate?: (state: WaitingTaskState) => TaskActor) {
  const clock = new ManualClock();
  const ledger = new TaskLedger<LiveTask>({ maxFinished: 10, maxAgeMs: Infinity }, clock, {});
  const { registry, reporter } = ledger;
  const transitions: string[] = [];
  reporter.transitions$.subscribe((t: TaskTransition) => transitions.push(`${t.from}->${t.to}`));
  const restored: WaitingTaskState[] = [];
  const channel = new TaskActorChannel({
    ledger,
    clock,
    leftRunning: () => undefined,
    finished: () => undefined,
    retried: () => undefined,
    activate:
      activate ??
      ((state) => {
        restored.push(state);
        return createActor(unobservedTaskMachine, {
          snapshot: persistedWaitingSnapshot(state),
        }).start();
      }),
  });
  return { channel, registry, transitions, restored };
}

describe('TaskActorChannel with a passivated actor', () => {
  it('keeps the actor passive while its task waits, and restores it when it starts', () => {
    const { channel, registry, transitions, restored } = channelWith();
    const record = passiveRecord('a');
    registry.addLive(record);
    channel.send(record, submitEvent(10));
    channel.send(record, scheduleEvent(11));
    // An event the machine ignores in SCHEDULED leaves it passive and unchanged.
    channel.send(record, doneEvent(12, 'too early'));
    expect(record.actor).toBeUndefined();
    expect(record.state).toBe('SCHEDULED');
    expect(restored).toEqual([]);

    channel.send(record, startEvent(13));
    expect(restored).toEqual(['SCHEDULED']);
    expect(record.actor?.getSnapshot().value).toBe('STARTED');
    channel.send(record, doneEvent(14, 42));
    expect(record.actor?.getSnapshot().value).toBe('DONE');
    expect(transitions).toEqual([
      'NEW->SUBMITTED',
      'SUBMITTED->SCHEDULED',
      'SCHEDULED->STARTED',
      'STARTED->DONE',
    ]);
    expect(registry.finished('a')?.info).toMatchObject({
      state: 'DONE',
      result: 42,
      ts: { submit: 10, schedule: 11, start: 13, done: 14 },
    });
  });

  it('restores a held task’s actor to cancel it, and records the reason', () => {
    const { channel, registry, transitions, restored } = channelWith();
    const record = passiveRecord('b');
    registry.addLive(record);
    channel.send(record, submitEvent(10));
    channel.send(record, cancelEvent(12, 'not needed', { name: 'CanceledError', message: 'x' }));
    expect(restored).toEqual(['SUBMITTED']);
    expect(record.actor?.getSnapshot()).toMatchObject({ value: 'CANCELED', status: 'done' });
    expect(transitions).toEqual(['NEW->SUBMITTED', 'SUBMITTED->CANCELED']);
    expect(registry.finished('b')?.info).toMatchObject({
      state: 'CANCELED',
      reason: 'not needed',
      ts: { submit: 10, cancel: 12 },
    });
  });

  it('refuses to end a passive task when its lane cannot restore actors', () => {
    const clock = new ManualClock();
    const channel = new TaskActorChannel({
      ledger: new TaskLedger<LiveTask>({ maxFinished: 10, maxAgeMs: Infinity }, clock, {}),
      clock,
      leftRunning: () => undefined,
      finished: () => undefined,
      retried: () => undefined,
    });
    const record = passiveRecord('c');
    channel.send(record, submitEvent(10));
    // SUBMITTED ignores a start: nothing to restore for.
    channel.send(record, startEvent(11));
    expect(record.state).toBe('SUBMITTED');
    expect(() => {
      channel.send(record, cancelEvent(12, 'x', { name: 'CanceledError', message: 'x' }));
    }).toThrow(/no actor to restore/);
  });

  it('sends to the actor a lane gave its task from the start, and never restores one', () => {
    const activate = vi.fn<(state: WaitingTaskState) => TaskActor>();
    const { channel, registry } = channelWith(activate);
    const record = passiveRecord('d');
    record.actor = createActor(unobservedTaskMachine).start();
    registry.addLive(record);
    for (const event of [submitEvent(1), scheduleEvent(2), startEvent(3), doneEvent(4, 1)]) {
      channel.send(record, event);
    }
    expect(record.state).toBe('DONE');
    expect(activate).not.toHaveBeenCalled();
  });
});
