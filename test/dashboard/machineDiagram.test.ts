import { describe, expect, it } from 'vitest';
import {
  machineEdges,
  machineStates,
  renderMachineDiagram,
} from '../../src/dashboard/page/machineDiagram.js';
import { transition } from 'xstate';
import { taskMachine } from '../../src/machines/taskMachine.js';
import { TaskState } from '../../src/taskState.js';
import { EVERY_TASK_EVENT } from '../support/everyTaskEvent.js';

describe('renderMachineDiagram', () => {
  it('reads every state and edge from the task machine', () => {
    expect(machineStates().sort()).toEqual(Object.values(TaskState).sort());
    // The same edges found another way: send every event in every state and see where it goes.
    const stepped = new Set<string>();
    for (const state of machineStates()) {
      const snapshot = taskMachine.resolveState({ value: state, context: { ts: {} } });
      for (const event of EVERY_TASK_EVENT) {
        const next = transition(taskMachine, snapshot, event)[0].value as string;
        if (next !== state) stepped.add(`${state}→${next}`);
      }
    }
    expect(new Set(machineEdges().map((e) => `${e.from}→${e.to}`))).toEqual(stepped);
    // Ten forward and cancel edges, and the retry edge STARTED → SCHEDULED.
    expect(stepped.size).toBe(11);
    expect(stepped.has('STARTED→SCHEDULED')).toBe(true);
    expect(machineEdges().find((e) => e.to === 'TIMED_OUT')?.events).toEqual(['task.timeout']);
  });

  it('draws one box with a count slot per state and one arrow per edge', () => {
    const svg = renderMachineDiagram();
    for (const state of Object.values(TaskState)) {
      expect(svg).toContain(`data-state="${state}"`);
      expect(svg).toContain(`data-testid="state-count-${state}"`);
    }
    expect(svg.match(/<path class="edge/g)).toHaveLength(machineEdges().length);
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});
