import { describe, expect, it } from 'vitest';
import { FINISHED_TAG, isFinished, isRunning, RUNNING_TAG, TaskState } from '../src/index.js';

const ALL = ['NEW', 'SUBMITTED', 'SCHEDULED', 'STARTED', 'TIMED_OUT', 'FAILED', 'DONE', 'CANCELED'];

describe('TaskState', () => {
  it('has the eight states, each value equal to its key', () => {
    expect(Object.keys(TaskState).sort()).toEqual([...ALL].sort());
    for (const [key, value] of Object.entries(TaskState)) expect(value).toBe(key);
  });

  it('names the tags RUNNING and FINISHED', () => {
    expect(RUNNING_TAG).toBe('RUNNING');
    expect(FINISHED_TAG).toBe('FINISHED');
  });
});

describe('isRunning()', () => {
  it('is true for STARTED only', () => {
    for (const state of Object.values(TaskState)) {
      expect(isRunning(state)).toBe(state === 'STARTED');
    }
  });
});

describe('isFinished()', () => {
  it('is true for the four final states only', () => {
    const finals = new Set(['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED']);
    for (const state of Object.values(TaskState)) {
      expect(isFinished(state)).toBe(finals.has(state));
    }
  });
});
