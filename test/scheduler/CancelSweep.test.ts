import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { TaskCanceledError } from '../../src/errors.js';
import { CancelSweep } from '../../src/scheduler/lane/CancelSweep.js';

/** A clock whose time moves 1 ms per read, and whose next turns run only when the test says. */
class SteppingClock implements Clock {
  #now = 0;
  readonly turns: (() => void)[] = [];
  now(): number {
    return this.#now++;
  }
  setTimeout(): never {
    throw new Error('not used');
  }
  clearTimeout(): void {
    throw new Error('not used');
  }
  nextTurn(callback: () => void): void {
    this.turns.push(callback);
  }
  /** Runs the turns queued so far (a turn may queue the next). */
  runTurns(): void {
    const turns = this.turns.splice(0);
    for (const turn of turns) turn();
  }
}

const records = (count: number): { id: string }[] =>
  Array.from({ length: count }, (_, index) => ({ id: `task-${index}` }));

describe('CancelSweep', () => {
  describe('.run()', () => {
    it('cancels within one turn’s budget, then resumes on the next turn, in order, until done', () => {
      const clock = new SteppingClock();
      const canceled: string[] = [];
      let done = 0;
      const all = records(60);
      const sweep = new CancelSweep({
        records: all,
        reason: 'scheduler stopped',
        clock,
        cancel: (record) => {
          canceled.push(record.id);
        },
        done: () => {
          done++;
        },
      });
      sweep.run();
      // 1 ms per read, a 10 ms budget: the first turn ends long before 60 cancels.
      expect(canceled.length).toBeGreaterThan(0);
      expect(canceled.length).toBeLessThan(all.length);
      expect(done).toBe(0);
      for (let turn = 0; turn < 100 && done === 0; turn++) clock.runTurns();
      expect(canceled).toEqual(all.map((record) => record.id));
      expect(done).toBe(1);
    });

    it('calls done at once for nothing to cancel', () => {
      let done = 0;
      new CancelSweep({
        records: [],
        reason: 'x',
        clock: new SteppingClock(),
        cancel: () => {
          throw new Error('nothing to cancel');
        },
        done: () => {
          done++;
        },
      }).run();
      expect(done).toBe(1);
    });

    it('gives every error its task id and reason, and one shared stack from where the sweep was made', () => {
      const errors: TaskCanceledError[] = [];
      const limit = Error.stackTraceLimit;
      new CancelSweep({
        records: records(3),
        reason: 'scheduler stopped',
        clock: new SteppingClock(),
        cancel: (_record, error) => {
          errors.push(error);
          // Code run by a cancel (callbacks) keeps the process's own stack limit.
          expect(Error.stackTraceLimit).toBe(limit);
        },
        done: () => undefined,
      }).run();
      expect(errors.map((error) => error.taskId)).toEqual(['task-0', 'task-1', 'task-2']);
      for (const error of errors) {
        expect(error).toBeInstanceOf(TaskCanceledError);
        expect(error.reason).toBe('scheduler stopped');
        expect(error.stack).toMatch(/^TaskCanceledError: Task canceled: scheduler stopped\n\s+at /);
        expect(error.stack).toContain('CancelSweep.test.ts');
      }
      const frames = errors.map((error) => error.stack?.slice(error.stack.indexOf('\n')));
      expect(new Set(frames).size).toBe(1);
    });
  });
});
