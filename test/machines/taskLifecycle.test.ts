import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  FINAL_STATES,
  type FinalStateOfLifecycle,
  type FinalTaskState,
  FINISHED_TAG,
  isFinished,
  isRunning,
  isWaiting,
  RUNNING_TAG,
  TASK_LIFECYCLE,
  TIMESTAMP_KEYS_IN_ORDER,
  WAITING_STATES,
} from '../../src/machines/taskLifecycle.js';
import { taskMachine, unobservedTaskMachine } from '../../src/machines/taskMachine.js';
import { TaskState } from '../../src/taskState.js';

const EVERY_STATE = Object.values(TaskState);

describe('TASK_LIFECYCLE', () => {
  it('names the final states FinalTaskState spells out', () => {
    expectTypeOf<FinalTaskState>().toEqualTypeOf<FinalStateOfLifecycle>();
    expect([...FINAL_STATES].sort()).toEqual(['CANCELED', 'DONE', 'FAILED', 'TIMED_OUT']);
  });

  it('has one row per TaskState', () => {
    expect(Object.keys(TASK_LIFECYCLE).sort()).toEqual([...EVERY_STATE].sort());
  });

  it('names the final and the waiting states the contract names', () => {
    expect([...FINAL_STATES].sort()).toEqual(['CANCELED', 'DONE', 'FAILED', 'TIMED_OUT']);
    expect(WAITING_STATES).toEqual(['NEW', 'SUBMITTED', 'SCHEDULED']);
    expect(EVERY_STATE.filter(isFinished)).toEqual(
      EVERY_STATE.filter((s) => FINAL_STATES.includes(s as never)),
    );
    expect(EVERY_STATE.filter(isWaiting)).toEqual([...WAITING_STATES]);
    expect(EVERY_STATE.filter(isRunning)).toEqual(['STARTED']);
  });

  it('gives every state but NEW its own timestamp, in lifecycle order', () => {
    expect(TIMESTAMP_KEYS_IN_ORDER.slice(0, 3)).toEqual(['submit', 'schedule', 'start']);
    expect(new Set(TIMESTAMP_KEYS_IN_ORDER).size).toBe(EVERY_STATE.length - 1);
    expect(TASK_LIFECYCLE.NEW.stamp).toBeUndefined();
  });

  it('ranks a state above every state that can lead to it', () => {
    const ranks = EVERY_STATE.map((s) => TASK_LIFECYCLE[s].rank);
    expect(ranks.slice(0, 4)).toEqual([0, 1, 2, 3]);
    for (const state of FINAL_STATES) expect(TASK_LIFECYCLE[state].rank).toBe(4);
  });

  it.each([taskMachine, unobservedTaskMachine].map((m, i) => [i, m] as const))(
    'is what the task machine says of each state (machine %i)',
    (_index, machine) => {
      for (const state of EVERY_STATE) {
        const snapshot = machine.resolveState({ value: state, context: { ts: {} } });
        const row = TASK_LIFECYCLE[state];
        expect(snapshot.status === 'done', state).toBe(row.final);
        expect(snapshot.hasTag(RUNNING_TAG), state).toBe(state === 'STARTED');
        expect(snapshot.hasTag(FINISHED_TAG), state).toBe(row.final);
        expect([...snapshot.tags].sort(), state).toEqual([...row.tags].sort());
      }
    },
  );
});
