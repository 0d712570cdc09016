import { describe, expect, it } from 'vitest';
import { doneInfo } from '../support/taskInfoFixture.js';
import { slowestTasks } from '../../src/scheduler/slowestTasks.js';

const info = doneInfo;

describe('slowestTasks()', () => {
  it('returns the n longest runs, slowest first', () => {
    const result = slowestTasks([info('a', 5), info('b', 50), info('c', 20), info('d', 1)], 3);
    expect(result.map((i) => i.id)).toEqual(['b', 'c', 'a']);
  });

  it('leaves out tasks that never ran', () => {
    expect(slowestTasks([info('never'), info('ran', 0)], 5).map((i) => i.id)).toEqual(['ran']);
  });

  it('counts a task seen twice once', () => {
    expect(slowestTasks([info('a', 5), info('a', 5), info('b', 1)], 5)).toHaveLength(2);
  });

  it('returns nothing for n = 0', () => {
    expect(slowestTasks([info('a', 5)], 0)).toEqual([]);
  });
});
