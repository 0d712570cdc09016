import { describe, expect, it } from 'vitest';
import {
  SchedulerError,
  SchedulerErrorCode,
  SchedulerStoppedError,
  TaskCanceledError,
  TaskTimeoutError,
  UnknownTaskError,
  WaitTimeoutError,
  WorkerCrashedError,
} from '../src/index.js';

describe('SchedulerErrorCode', () => {
  it('has one distinct ERR_ code per failure kind', () => {
    const codes = Object.values(SchedulerErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^ERR_[A-Z_]+$/);
    expect(SchedulerErrorCode.UNKNOWN_TASK).toBe('ERR_UNKNOWN_TASK');
  });
});

describe('SchedulerError', () => {
  it('carries its code, task id and cause', () => {
    const cause = new Error('root');
    const error = new SchedulerError(SchedulerErrorCode.CALLBACK_FAILED, 'it broke', {
      cause,
      taskId: 'task-1',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SchedulerError');
    expect(error.message).toBe('it broke');
    expect(error.code).toBe('ERR_CALLBACK_FAILED');
    expect(error.taskId).toBe('task-1');
    expect(error.cause).toBe(cause);
  });

  it('has no cause and no task id unless given', () => {
    const error = new SchedulerError(SchedulerErrorCode.SUBSCRIBER_FAILED, 'x');
    expect('cause' in error).toBe(false);
    expect(error.taskId).toBeUndefined();
  });

  it('keeps a cause that is undefined when one was given explicitly', () => {
    const error = new SchedulerError(SchedulerErrorCode.NON_ERROR_THROWN, 'x', {
      cause: undefined,
    });
    expect('cause' in error).toBe(true);
  });
});

describe('UnknownTaskError', () => {
  it('names the id in its message and carries it', () => {
    const error = new UnknownTaskError('abc-123');
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.name).toBe('UnknownTaskError');
    expect(error.code).toBe(SchedulerErrorCode.UNKNOWN_TASK);
    expect(error.taskId).toBe('abc-123');
    expect(error.message).toContain('"abc-123"');
    expect(error.message).toMatch(/never submitted|evicted/);
  });
});

describe('SchedulerStoppedError', () => {
  it('names the lane', () => {
    const error = new SchedulerStoppedError('main');
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.name).toBe('SchedulerStoppedError');
    expect(error.code).toBe(SchedulerErrorCode.SCHEDULER_STOPPED);
    expect(error.message).toContain('"main"');
  });
});

describe('TaskTimeoutError', () => {
  it('carries the limit and the task id', () => {
    const error = new TaskTimeoutError('t1', 250);
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.name).toBe('TaskTimeoutError');
    expect(error.code).toBe(SchedulerErrorCode.TASK_TIMEOUT);
    expect(error.timeoutMs).toBe(250);
    expect(error.taskId).toBe('t1');
    expect(error.message).toContain('250 ms');
  });
});

describe('TaskCanceledError', () => {
  it('carries the reason and the task id', () => {
    const error = new TaskCanceledError('t2', 'user pressed stop');
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.name).toBe('TaskCanceledError');
    expect(error.code).toBe(SchedulerErrorCode.TASK_CANCELED);
    expect(error.reason).toBe('user pressed stop');
    expect(error.taskId).toBe('t2');
    expect(error.message).toContain('user pressed stop');
  });
});

describe('WorkerCrashedError', () => {
  it('carries the exit code, cause and task id when given', () => {
    const cause = new Error('oom');
    const error = new WorkerCrashedError('thread died', { exitCode: 3, cause, taskId: 't3' });
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.name).toBe('WorkerCrashedError');
    expect(error.code).toBe(SchedulerErrorCode.WORKER_CRASHED);
    expect(error.exitCode).toBe(3);
    expect(error.cause).toBe(cause);
    expect(error.taskId).toBe('t3');
  });

  it('has no exit code unless given', () => {
    expect(new WorkerCrashedError('gone').exitCode).toBeUndefined();
  });
});

describe('WaitTimeoutError', () => {
  it('names the task and the limit, and says the task goes on', () => {
    const error = new WaitTimeoutError('t4', 100);
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.name).toBe('WaitTimeoutError');
    expect(error.code).toBe(SchedulerErrorCode.WAIT_TIMEOUT);
    expect(error.timeoutMs).toBe(100);
    expect(error.taskId).toBe('t4');
    expect(error.message).toContain('"t4"');
    expect(error.message).toContain('100 ms');
  });
});
