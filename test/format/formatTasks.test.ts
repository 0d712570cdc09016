import { describe, expect, it } from 'vitest';
import { formatTasks, type TaskInfo } from '../../src/index.js';

const T0 = Date.UTC(2026, 0, 1, 13, 45, 6, 789);

function info(overrides: Partial<TaskInfo> & Pick<TaskInfo, 'id' | 'name' | 'state'>): TaskInfo {
  return {
    type: 'async',
    lane: 'main',
    args: [],
    priority: 0,
    ts: {},
    attempt: 1,
    attempts: [],
    ...overrides,
  };
}

const done = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-1234567890ab',
  name: 'fetch',
  state: 'DONE',
  priority: 10,
  ts: { submit: T0, schedule: T0, start: T0 + 1.5, done: T0 + 12.25 },
  waitMs: 1.5,
  runMs: 10.75,
});
const timedOut = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-ffffffffffff',
  name: 'slow-one',
  state: 'TIMED_OUT',
  ts: { submit: T0, start: T0, timeout: T0 + 500 },
  waitMs: 0,
  runMs: 500,
  reason: 'Task timed out after 500 ms',
  error: { name: 'TaskTimeoutError', message: 'Task timed out after 500 ms' },
});
const failed = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-000000000001',
  name: 'x',
  state: 'FAILED',
  ts: { submit: T0, start: T0, error: T0 + 1 },
  waitMs: 0,
  runMs: 1,
  error: { name: 'Error', message: 'boom' },
});
const retriedThenDone = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-000000000003',
  name: 'flaky',
  state: 'DONE',
  ts: { submit: T0, schedule: T0, start: T0 + 40, done: T0 + 41 },
  waitMs: 0,
  runMs: 1,
  attempt: 3,
  attempts: [
    { attempt: 1, start: T0, end: T0 + 1, state: 'FAILED', error: { name: 'Error', message: 'a' } },
    { attempt: 2, start: T0 + 11, end: T0 + 21, state: 'TIMED_OUT' },
  ],
});
const backingOff = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-000000000004',
  name: 'backing-off',
  state: 'SCHEDULED',
  ts: { submit: T0, schedule: T0, start: T0 + 1 },
  waitMs: 1,
  attempt: 2,
  attempts: [
    {
      attempt: 1,
      start: T0 + 1,
      end: T0 + 2,
      state: 'FAILED',
      error: { name: 'Error', message: 'flaky' },
    },
  ],
  runAfter: T0 + 502,
});
const occurrence = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-000000000005',
  name: 'tick',
  state: 'DONE',
  ts: { submit: T0, schedule: T0, start: T0, done: T0 },
  waitMs: 0,
  runMs: 0,
  repeatId: 'repeat-0190a1b2-c3d4-7e5f-8a6b-abcdefabcdef',
});
const queued = info({
  id: '0190a1b2-c3d4-7e5f-8a6b-000000000002',
  name: 'queued',
  state: 'SCHEDULED',
  ts: { submit: T0, schedule: T0 },
});

function rows(text: string): string[][] {
  return text.split('\n').map((line) => line.trim().split(/\s{2,}/));
}

describe('formatTasks()', () => {
  it('prints a header, a rule and one row per task', () => {
    const lines = formatTasks([done, timedOut]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.split(/\s+/)).toEqual([
      'id',
      'name',
      'state',
      'prio',
      'submit',
      'start',
      'end',
      'wait',
      'ms',
      'run',
      'ms',
      'note',
    ]);
    expect(lines[1]).toMatch(/^-+( {2}-+)+$/);
  });

  it('prints clock times in UTC with millisecond precision, durations in ms to the microsecond', () => {
    const [, , row] = rows(formatTasks([done]));
    expect(row).toEqual([
      '1234567890ab',
      'fetch',
      'DONE',
      '10',
      '13:45:06.789',
      '13:45:06.790',
      '13:45:06.801',
      '1.500',
      '10.750',
    ]);
  });

  it('shows the reason of a timed-out task and the error of a failed one', () => {
    const text = formatTasks([timedOut, failed]);
    expect(text).toContain('Task timed out after 500 ms');
    expect(text).toContain('Error: boom');
  });

  it('shows - for times a task has not reached', () => {
    const [, , row] = rows(formatTasks([queued]));
    expect(row).toEqual([
      '000000000002',
      'queued',
      'SCHEDULED',
      '0',
      '13:45:06.789',
      '-',
      '-',
      '-',
      '-',
    ]);
  });

  it('shortens ids to their last 12 characters unless fullIds', () => {
    expect(formatTasks([done])).not.toContain(done.id);
    expect(formatTasks([done], { fullIds: true })).toContain(done.id);
  });

  it('aligns columns: every row has the header width, numbers right-aligned', () => {
    const lines = formatTasks([done, timedOut, failed]).split('\n');
    const header = lines[0]!;
    const runAt = header.indexOf('run ms') + 'run ms'.length;
    for (const line of lines.slice(2)) {
      expect(line.slice(runAt - 1, runAt)).toMatch(/\d/);
    }
    const prioEnd = header.indexOf('prio') + 'prio'.length;
    expect(lines[2]!.slice(prioEnd - 2, prioEnd)).toBe('10');
  });

  it('prints only the header and rule for no tasks', () => {
    expect(formatTasks([]).split('\n')).toHaveLength(2);
  });

  describe('retries', () => {
    it('shows the attempt of a retried task and how its earlier attempts ended', () => {
      const [, , row] = rows(formatTasks([retriedThenDone]));
      expect(row?.at(-1)).toBe('attempt 3 (1 failed, 1 timed out)');
    });

    it('puts the attempt before the error of a task that failed on its last attempt', () => {
      const lastFailed = { ...retriedThenDone, state: 'FAILED', error: failed.error } as TaskInfo;
      expect(formatTasks([lastFailed])).toContain('attempt 3 (1 failed, 1 timed out); Error: boom');
    });

    it('shows no attempt for a task on its first attempt', () => {
      expect(formatTasks([done, failed, queued])).not.toContain('attempt');
    });
  });

  describe('run after', () => {
    it('adds a run after column, as a clock time, only when some task waits with one', () => {
      expect(formatTasks([done, queued])).not.toContain('run after');
      const lines = formatTasks([done, backingOff]).split('\n');
      expect(lines[0]).toContain('run after');
      const column = lines[0]!.indexOf('run after');
      expect(lines[3]!.slice(column).startsWith('13:45:07.291')).toBe(true);
      expect(lines[2]!.slice(column).startsWith('-')).toBe(true);
    });

    it('says how long until then when given now, and due once it passed', () => {
      expect(formatTasks([backingOff], { now: T0 + 2 })).toContain('13:45:07.291 in 500.000 ms');
      expect(formatTasks([backingOff], { now: T0 + 600 })).toContain('13:45:07.291 due');
    });

    it('notes the attempt a task waiting out its backoff will make', () => {
      expect(formatTasks([backingOff])).toContain('attempt 2 (1 failed)');
    });
  });

  describe('repeat', () => {
    it('adds a repeat column, ids shortened like task ids, only when some task has one', () => {
      expect(formatTasks([done])).not.toContain('repeat');
      const text = formatTasks([done, occurrence]);
      expect(text.split('\n')[0]).toContain('repeat');
      expect(text).toContain('abcdefabcdef');
      expect(text).not.toContain(occurrence.repeatId);
      expect(formatTasks([occurrence], { fullIds: true })).toContain(occurrence.repeatId);
    });
  });
});
