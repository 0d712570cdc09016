import { describe, expect, it } from 'vitest';
import { RecentTasks } from '../../src/dashboard/RecentTasks.js';
import type { TaskState } from '../../src/taskState.js';
import type { TaskInfo, TaskTransition } from '../../src/tasks/types.js';
import { doneInfo } from '../support/taskInfoFixture.js';

/** A transition whose `info` fails the test if read, unless `info` is given. */
function transition(
  id: string,
  from: TaskState,
  to: TaskState,
  at: number,
  info?: TaskInfo,
  reason?: 'retry',
): TaskTransition {
  return {
    id,
    name: `task-${id}`,
    lane: 'main',
    from,
    to,
    at,
    ...(reason === undefined ? {} : { reason }),
    get info(): TaskInfo {
      if (info === undefined) throw new Error(`info of ${id} read`);
      return info;
    },
  };
}

/** Walks task `id` through submit (at `at`), start (+1) and done (+2). */
function run(recent: RecentTasks, id: string, at: number): void {
  recent.record(transition(id, 'NEW', 'SUBMITTED', at));
  recent.record(transition(id, 'SUBMITTED', 'SCHEDULED', at));
  recent.record(transition(id, 'SCHEDULED', 'STARTED', at + 1));
  recent.record(transition(id, 'STARTED', 'DONE', at + 2));
}

describe('RecentTasks', () => {
  it('keeps submit, start and end of each task without reading its info', () => {
    const recent = new RecentTasks(10);
    run(recent, 'a', 100);
    expect(recent.all()).toEqual([
      { id: 'a', name: 'task-a', state: 'DONE', submit: 100, start: 101, end: 102 },
    ]);
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const recent = new RecentTasks(3);
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) run(recent, id, i * 10);
    expect(recent.all().map((e) => e.id)).toEqual(['c', 'd', 'e']);
  });

  it('reports each changed entry once, and none that was dropped', () => {
    const recent = new RecentTasks(2);
    run(recent, 'a', 0);
    run(recent, 'b', 10);
    expect(recent.takeChanged().map((e) => e.id)).toEqual(['a', 'b']);
    expect(recent.takeChanged()).toEqual([]);
    recent.record(transition('b', 'DONE', 'DONE', 11));
    run(recent, 'c', 20);
    run(recent, 'd', 30);
    expect(recent.takeChanged().map((e) => e.id)).toEqual(['c', 'd']);
  });

  it('takes the times from the info of a task first seen after its submit', () => {
    const recent = new RecentTasks(5);
    const info = { ...doneInfo('x'), state: 'STARTED' as const, ts: { submit: 5, start: 7 } };
    recent.record(transition('x', 'STARTED', 'FAILED', 9, info));
    expect(recent.all()).toEqual([
      { id: 'x', name: 'task-x', state: 'FAILED', submit: 5, start: 7, end: 9 },
    ]);
  });

  it('seeds from retained tasks, the newest capacity of them, with their end times', () => {
    const recent = new RecentTasks(2);
    const infos = ['a', 'b', 'c'].map((id, i) => ({
      ...doneInfo(id),
      ts: { submit: i, start: i + 1, done: i + 2 },
    }));
    recent.seed(infos);
    expect(recent.all()).toEqual([
      { id: 'b', name: 'b', state: 'DONE', submit: 1, start: 2, end: 3 },
      { id: 'c', name: 'c', state: 'DONE', submit: 2, start: 3, end: 4 },
    ]);
  });

  describe('retries', () => {
    it('counts the attempts of a retried task and waits its bar again, without reading its info', () => {
      const recent = new RecentTasks(5);
      recent.record(transition('r', 'NEW', 'SUBMITTED', 0));
      recent.record(transition('r', 'SUBMITTED', 'SCHEDULED', 0));
      recent.record(transition('r', 'SCHEDULED', 'STARTED', 1));
      recent.record(transition('r', 'STARTED', 'SCHEDULED', 2, undefined, 'retry'));
      expect(recent.all()).toEqual([
        { id: 'r', name: 'task-r', state: 'SCHEDULED', submit: 0, attempt: 2 },
      ]);
      recent.record(transition('r', 'SCHEDULED', 'STARTED', 5));
      recent.record(transition('r', 'STARTED', 'SCHEDULED', 6, undefined, 'retry'));
      recent.record(transition('r', 'SCHEDULED', 'STARTED', 9));
      recent.record(transition('r', 'STARTED', 'DONE', 10));
      expect(recent.all()).toEqual([
        { id: 'r', name: 'task-r', state: 'DONE', submit: 0, start: 9, end: 10, attempt: 3 },
      ]);
    });

    it('takes the attempt from the info of a retried task first seen at its retry', () => {
      const recent = new RecentTasks(5);
      const info: TaskInfo = {
        ...doneInfo('x'),
        state: 'SCHEDULED',
        ts: { submit: 1, start: 4 },
        attempt: 3,
        attempts: [
          { attempt: 1, start: 2, end: 3, state: 'FAILED' },
          { attempt: 2, start: 4, end: 5, state: 'TIMED_OUT' },
        ],
      };
      recent.record(transition('x', 'STARTED', 'SCHEDULED', 5, info, 'retry'));
      expect(recent.all()).toEqual([
        { id: 'x', name: 'task-x', state: 'SCHEDULED', submit: 1, attempt: 3 },
      ]);
    });

    it('seeds the attempt of a retained task retried before', () => {
      const recent = new RecentTasks(5);
      recent.seed([
        { ...doneInfo('s'), ts: { submit: 0, start: 3, done: 4 }, attempt: 2 },
        doneInfo('t'),
      ]);
      expect(recent.all().map((entry) => entry.attempt)).toEqual([2, undefined]);
    });
  });
});
