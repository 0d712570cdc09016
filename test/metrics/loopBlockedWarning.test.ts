import { describe, expect, it } from 'vitest';
import { createLoopBlockedWarning, type LoopBlock } from '../../src/metrics/loopBlockedWarning.js';
import type { BlockingTask, LoopBlockedWarning } from '../../src/index.js';

const AT = Date.UTC(2026, 0, 1);
const crunch: BlockingTask = { id: 'id-crunch', name: 'crunch', runMs: 152.34 };
const parse: BlockingTask = { id: 'id-parse', name: 'parse', runMs: 300 };

/** What each kind of lane advises for CPU-bound work. */
const LOOP_REMEDY =
  'make it a SyncTask (it then runs on an executor thread) or submit it to a SchedulerThread';
const THREAD_REMEDY =
  "make it a SyncTask (it then runs on this lane's executor threads) or give it a " +
  'SchedulerThread of its own: every task of this lane waits behind it';

/** A block on loop lane `main` at {@link AT}, with what `block` adds or changes. */
function warn(block: Partial<LoopBlock> & Pick<LoopBlock, 'blockedMs'>): LoopBlockedWarning {
  return createLoopBlockedWarning({ lane: 'main', kind: 'loop', at: AT, ...block });
}

describe('createLoopBlockedWarning()', () => {
  describe('with the task that blocked', () => {
    const warning = warn({
      lane: 'io',
      blockedMs: 152.34,
      task: crunch,
      suspects: [parse],
    });

    it('carries the block as given', () => {
      expect(warning).toMatchObject({
        type: 'loop.blocked',
        lane: 'io',
        at: AT,
        blockedMs: 152.34,
        task: crunch,
        suspects: [parse],
      });
    });

    it('names the task in the hint, with the time rounded to 0.1 ms, and says what to do', () => {
      expect(warning.hint).toBe(
        `Task "crunch" ran 152.3 ms without yielding: ${LOOP_REMEDY}, or split its work with ` +
          '`await` between chunks.',
      );
    });

    it('says what, where, how long and by whom in one line, then the hint', () => {
      expect(warning.message).toBe(
        `Lane "io": event loop blocked for 152.3 ms by task "crunch" (id-crunch). ${warning.hint}`,
      );
    });

    it('on a thread lane, advises what helps there (not moving it to a SchedulerThread)', () => {
      const inThread = warn({
        lane: 'io',
        kind: 'thread',
        blockedMs: 152.34,
        task: crunch,
      });
      expect(inThread.hint).toBe(
        `Task "crunch" ran 152.3 ms without yielding: ${THREAD_REMEDY}, or split its work with ` +
          '`await` between chunks.',
      );
    });
  });

  describe('with one suspect', () => {
    const warning = warn({
      blockedMs: 80,
      suspects: [parse],
    });

    it('has no task, and names the suspect without blaming it outright', () => {
      // A suspect was merely running when the loop stalled: only a timed body is named as the cause.
      expect('task' in warning).toBe(false);
      expect(warning.suspects).toEqual([parse]);
      expect(warning.hint).not.toMatch(/^Task "/);
      expect(warning.hint).toContain(LOOP_REMEDY);
      expect(warning.message).toBe(
        `Lane "main": event loop blocked for 80 ms while 1 task(s) ran: "parse". ${warning.hint}`,
      );
    });
  });

  describe('with several suspects', () => {
    it.each([
      ['loop', LOOP_REMEDY],
      ['thread', THREAD_REMEDY],
    ] as const)(
      'on a %s lane, lists them all, blames none, and gives its remedy',
      (kind, remedy) => {
        const warning = warn({
          kind,
          blockedMs: 99.96,
          suspects: [crunch, parse],
        });
        expect(warning.suspects).toEqual([crunch, parse]);
        expect(warning.hint).not.toMatch(/^Task "/);
        expect(warning.hint).toContain(remedy);
        expect(warning.message).toBe(
          `Lane "main": event loop blocked for 100 ms while 2 task(s) ran: "crunch", "parse". ${warning.hint}`,
        );
      },
    );
  });

  describe('with no task running', () => {
    it('says the block came from outside the scheduler', () => {
      const warning = warn({
        blockedMs: 120,
      });
      expect(warning.suspects).toEqual([]);
      expect(warning.hint).toMatch(/^No task of this lane was running: code outside the scheduler/);
      expect(warning.message).toBe(`Lane "main": event loop blocked for 120 ms. ${warning.hint}`);
    });
  });

  it('is frozen, with its task and its suspect list, and keeps no reference to the input', () => {
    const task = { ...crunch };
    const suspects = [parse];
    const warning = warn({
      lane: 'l',
      blockedMs: 60,
      task,
      suspects,
    });
    expect(Object.isFrozen(warning)).toBe(true);
    expect(Object.isFrozen(warning.task)).toBe(true);
    expect(Object.isFrozen(warning.suspects)).toBe(true);
    suspects.push(crunch);
    task.name = 'changed';
    expect(warning.suspects).toHaveLength(1);
    expect(warning.task?.name).toBe('crunch');
  });
});
