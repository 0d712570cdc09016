import { describe, expect, it } from 'vitest';
import { TaskCanceledError } from '../../src/errors.js';
import {
  newLedgerFields,
  TaskLedger,
  type LedgerRecord,
} from '../../src/scheduler/ledger/TaskLedger.js';
import { TaskState } from '../../src/taskState.js';
import type { TaskTransition } from '../../src/tasks/types.js';
import { ManualClock } from '../support/ManualClock.js';

function recordOf(id: string): LedgerRecord {
  const identity = { id, name: id, type: 'async' as const, lane: 'ledger', args: [], priority: 0 };
  return { ...identity, timeoutMs: undefined, callbacks: {}, ...newLedgerFields() };
}

function setup() {
  const clock = new ManualClock();
  const ledger = new TaskLedger({ maxFinished: 10, maxAgeMs: Infinity }, clock, {});
  const seen: string[] = [];
  ledger.reporter.transitions$.subscribe((t: TaskTransition) =>
    seen.push(`${t.from}->${t.to}@${t.at}`),
  );
  return { clock, ledger, seen };
}

describe('TaskLedger', () => {
  describe('.enter()', () => {
    it('records each state once, forward only, and files the task when final', async () => {
      const { ledger, seen } = setup();
      const record = recordOf('a');
      ledger.add(record);
      expect(ledger.enter(record, TaskState.SUBMITTED, { at: 1 })).toBe(true);
      expect(ledger.enter(record, TaskState.SCHEDULED, { at: 2 })).toBe(true);
      // Reported again (a restarted placement resubmits): ignored.
      expect(ledger.enter(record, TaskState.SUBMITTED, { at: 3 })).toBe(false);
      expect(ledger.enter(record, TaskState.SCHEDULED, { at: 4 })).toBe(false);
      expect(ledger.queuedCount).toBe(1);
      expect(ledger.enter(record, TaskState.STARTED, { at: 5 })).toBe(true);
      expect(ledger.runningCount).toBe(1);
      expect(ledger.queuedCount).toBe(0);
      const waited = ledger.registry.wait('a');
      expect(ledger.enter(record, TaskState.DONE, { at: 9, result: 42 })).toBe(true);
      await expect(waited).resolves.toMatchObject({
        state: 'DONE',
        result: 42,
        ts: { submit: 1, schedule: 2, start: 5, done: 9 },
        waitMs: 4,
        runMs: 4,
      });
      expect(ledger.runningCount).toBe(0);
      expect(ledger.counters.finished().DONE).toBe(1);
      expect(ledger.stateOf('a')).toBe('DONE');
      expect(seen).toEqual([
        'NEW->SUBMITTED@1',
        'SUBMITTED->SCHEDULED@2',
        'SCHEDULED->STARTED@5',
        'STARTED->DONE@9',
      ]);
    });
  });

  describe('.end()', () => {
    it('ends a task without its lane, never before a stamp it has, with its failure', async () => {
      const { clock, ledger } = setup();
      const record = recordOf('b');
      ledger.add(record);
      const late = clock.now() + 50;
      ledger.enter(record, TaskState.SUBMITTED, { at: late });
      const error = new TaskCanceledError('b', 'gone');
      ledger.end(record, TaskState.CANCELED, error, 'gone');
      const finished = ledger.registry.finished('b');
      expect(finished?.failure).toBe(error);
      expect(finished?.info).toMatchObject({
        state: 'CANCELED',
        reason: 'gone',
        ts: { cancel: late },
      });
      expect(finished?.info.error?.message).toBe(error.message);
      // Already final: nothing changes.
      ledger.end(record, TaskState.FAILED, new Error('again'));
      expect(ledger.stateOf('b')).toBe('CANCELED');
      expect(ledger.counters.finished()).toMatchObject({ CANCELED: 1, FAILED: 0 });
    });
  });
});
