import { describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/taskState.js';
import { TaskLedger } from '../../../src/scheduler/ledger/TaskLedger.js';
import {
  applyThreadTransition,
  createThreadTask,
  type ThreadTask,
} from '../../../src/scheduler/placements/thread/ThreadTask.js';
import type { TransitionMessage } from '../../../src/scheduler/placements/thread/laneThreadMessages.js';
import type { TaskTransition } from '../../../src/tasks/types.js';
import { ManualClock } from '../../support/ManualClock.js';

const identity = {
  id: 'task-1',
  name: 'ping',
  type: 'async' as const,
  lane: 'urgent',
  args: [],
  priority: 0,
  timeoutMs: undefined,
};

/** A transition as the lane thread reports it, stamped with the thread's own clock. */
function fromThread(to: TransitionMessage['to'], at: number): TransitionMessage {
  return { id: identity.id, to, at };
}

/** A task filed in `ledger` and SUBMITTED on the main side, as SchedulerThread does. */
function submitted(ledger: TaskLedger<ThreadTask>, clock: ManualClock): ThreadTask {
  const body = { module: 'file:///x.mjs', export: 'default' };
  const record = createThreadTask(identity, body, {}, clock.now());
  ledger.add(record);
  ledger.enter(record, TaskState.SUBMITTED, { at: record.submittedAt });
  return record;
}

describe('applyThreadTransition()', () => {
  {
    it('never lets a lane thread stamp go before the main side stamp before it', () => {
      // A worker's performance.timeOrigin can run a few ms behind the main thread's.
      const clock = new ManualClock();
      const store = new TaskLedger<ThreadTask>({ maxFinished: 10, maxAgeMs: Infinity }, clock, {});
      const transitions: TaskTransition[] = [];
      store.reporter.transitions$.subscribe((t) => transitions.push(t));
      submitted(store, clock);
      const submitAt = clock.now();
      const behind = submitAt - 11; // the thread's clock, 11 ms behind

      applyThreadTransition(store, fromThread(TaskState.SCHEDULED, behind));
      applyThreadTransition(store, fromThread(TaskState.STARTED, behind + 1));
      applyThreadTransition(store, fromThread(TaskState.DONE, behind + 5));

      const info = store.registry.finished(identity.id)?.info;
      expect(info?.ts).toEqual({
        submit: submitAt,
        schedule: submitAt,
        start: submitAt,
        done: behind + 5 > submitAt ? behind + 5 : submitAt,
      });
      expect(info?.waitMs).toBe(0);
      expect(info?.runMs).toBeGreaterThanOrEqual(0);
      const ats = transitions.map((t) => t.at);
      expect(ats).toEqual([...ats].sort((a, b) => a - b));
      expect(ats.every((at) => at >= submitAt)).toBe(true);
    });

    it('keeps thread stamps that come after the main side ones as they are', () => {
      const clock = new ManualClock();
      const store = new TaskLedger<ThreadTask>({ maxFinished: 10, maxAgeMs: Infinity }, clock, {});
      submitted(store, clock);
      const submitAt = clock.now();
      applyThreadTransition(store, fromThread(TaskState.SCHEDULED, submitAt + 2));
      applyThreadTransition(store, fromThread(TaskState.STARTED, submitAt + 7));
      expect(store.liveInfo(identity.id)?.ts).toEqual({
        submit: submitAt,
        schedule: submitAt + 2,
        start: submitAt + 7,
      });
      expect(store.liveInfo(identity.id)?.waitMs).toBe(7);
    });
  }
});
