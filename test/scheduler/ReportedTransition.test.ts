import { describe, expect, it } from 'vitest';
import { TRANSITION_DURATION_MS } from '../../src/metrics/transitionDuration.js';
import {
  ReportedTransition,
  type TransitionSource,
} from '../../src/scheduler/ledger/ReportedTransition.js';
import { buildTaskInfo } from '../../src/scheduler/ledger/taskInfo.js';

/** A lane's record of a task that has just STARTED. */
function startedRecord(): TransitionSource & { ts: { done?: number } } {
  const ts: { submit: number; schedule: number; start: number; done?: number } = {
    submit: 10,
    schedule: 11,
    start: 15,
  };
  return {
    id: 'id-1',
    name: 'job',
    type: 'async',
    lane: 'main',
    args: Object.freeze([1]),
    priority: 0,
    timeoutMs: undefined,
    ts,
  };
}

describe('ReportedTransition', () => {
  it('builds its info from the record once, as the record stood in its state', () => {
    const record = startedRecord();
    const transition = ReportedTransition.fromRecord(record, 'SCHEDULED', 'STARTED', 15, 5);
    // The task moves on before anyone reads the info.
    record.ts.done = 20;
    const info = transition.info;
    expect(info).toMatchObject({ state: 'STARTED', ts: { submit: 10, schedule: 11, start: 15 } });
    expect(info.ts).not.toHaveProperty('done');
    expect(transition.info).toBe(info);
  });

  it('delivers a given info as it is', () => {
    const record = startedRecord();
    record.ts.done = 20;
    const info = buildTaskInfo(record, 'DONE', record, 20);
    const transition = ReportedTransition.withInfo(record, 'STARTED', 'DONE', 20, info, 5);
    expect(transition.info).toBe(info);
    expect(transition).toMatchObject({ id: 'id-1', name: 'job', lane: 'main', at: 20 });
  });

  it('carries its duration for metrics$ under a symbol that is not its own key, nor in JSON', () => {
    const transition = ReportedTransition.fromRecord(
      startedRecord(),
      'SCHEDULED',
      'STARTED',
      15,
      5,
    );
    expect(transition[TRANSITION_DURATION_MS]).toBe(5);
    expect(Object.getOwnPropertySymbols(transition)).toEqual([]);
    const json = JSON.parse(JSON.stringify(transition)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['at', 'from', 'id', 'info', 'lane', 'name', 'to']);
    expect(json.info).toMatchObject({ state: 'STARTED' });
  });
});
