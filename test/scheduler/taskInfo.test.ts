import { describe, expect, it } from 'vitest';
import { toErrorData } from '../../src/errorData.js';
import { buildTaskInfo, type TaskIdentity } from '../../src/scheduler/ledger/taskInfo.js';
import { TaskTimeoutError } from '../../src/index.js';

const identity: TaskIdentity = {
  id: 'id-1',
  name: 'job',
  type: 'async',
  lane: 'main',
  args: Object.freeze([1, 'two']),
  priority: 2,
  timeoutMs: 500,
};

describe('buildTaskInfo()', () => {
  it('builds a frozen info with frozen timestamps', () => {
    const info = buildTaskInfo(identity, 'SUBMITTED', { ts: { submit: 10 } }, 10);
    expect(Object.isFrozen(info)).toBe(true);
    expect(Object.isFrozen(info.ts)).toBe(true);
    expect(info).toEqual({
      id: 'id-1',
      name: 'job',
      type: 'async',
      lane: 'main',
      state: 'SUBMITTED',
      args: [1, 'two'],
      priority: 2,
      timeoutMs: 500,
      ts: { submit: 10 },
      attempt: 1,
      attempts: [],
    });
  });

  it('reads the outcome as it stood in the state asked for: no later stamps, no outcome before the end', () => {
    const error = toErrorData(new TaskTimeoutError('id-1', 500));
    const later = {
      ts: { submit: 10, schedule: 12, start: 15, timeout: 515 },
      error,
      reason: 'Task timed out after 500 ms',
    };
    const started = buildTaskInfo(identity, 'STARTED', later, 15);
    expect(started.ts).toEqual({ submit: 10, schedule: 12, start: 15 });
    expect(started).not.toHaveProperty('error');
    expect(started).not.toHaveProperty('reason');
    expect(started.runMs).toBe(0);
    expect(buildTaskInfo(identity, 'SCHEDULED', later, 12).ts).toEqual({
      submit: 10,
      schedule: 12,
    });
    const ended = buildTaskInfo(identity, 'TIMED_OUT', later, 515);
    expect(ended.ts).toEqual(later.ts);
    expect(ended).toMatchObject({ error, reason: later.reason, runMs: 500 });
  });

  it('measures a running task to now', () => {
    const info = buildTaskInfo(
      identity,
      'STARTED',
      { ts: { submit: 10, schedule: 12, start: 15 } },
      40,
    );
    expect(info.waitMs).toBe(5);
    expect(info.runMs).toBe(25);
  });

  it('measures a finished task to its final timestamp', () => {
    const info = buildTaskInfo(
      identity,
      'DONE',
      { ts: { submit: 10, schedule: 10, start: 15, done: 18.5 }, result: 'ok' },
      100,
    );
    expect(info.runMs).toBe(3.5);
    expect(info.result).toBe('ok');
  });

  it('keeps the error and reason of a timed-out task, and no result', () => {
    const error = toErrorData(new TaskTimeoutError('id-1', 500));
    const info = buildTaskInfo(
      identity,
      'TIMED_OUT',
      { ts: { submit: 0, schedule: 0, start: 0, timeout: 500 }, error, reason: 'too slow' },
      900,
    );
    expect(info.runMs).toBe(500);
    expect(info.error).toBe(error);
    expect(info.reason).toBe('too slow');
    expect('result' in info).toBe(false);
  });

  it('has no wait or run time for a task that never started', () => {
    const info = buildTaskInfo(identity, 'CANCELED', { ts: { submit: 1, cancel: 2 } }, 3);
    expect(info.waitMs).toBeUndefined();
    expect(info.runMs).toBeUndefined();
  });

  it('leaves out timeoutMs when the task has none', () => {
    const info = buildTaskInfo({ ...identity, timeoutMs: undefined }, 'NEW', { ts: {} }, 0);
    expect('timeoutMs' in info).toBe(false);
  });
});

describe('toErrorData()', () => {
  it('copies name, message, code and stack of an Error', () => {
    const data = toErrorData(new TaskTimeoutError('t', 5));
    expect(data).toMatchObject({
      name: 'TaskTimeoutError',
      message: 'Task t timed out after 5 ms',
      code: 'ERR_TASK_TIMEOUT',
    });
    expect(data.stack).toContain('TaskTimeoutError');
    expect(Object.isFrozen(data)).toBe(true);
  });

  it('leaves out a code that is not a string', () => {
    const error = Object.assign(new Error('x'), { code: 42 });
    expect('code' in toErrorData(error)).toBe(false);
  });

  it('turns a non-Error into a NonError record', () => {
    expect(toErrorData('plain string')).toEqual({ name: 'NonError', message: 'plain string' });
  });
});
