import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertJsonValue,
  attemptEventFields,
  readAttemptEvent,
} from '../../src/scheduler/placements/bullmq/jobPayload.js';
import {
  bullmqPriority,
  MAX_BULLMQ_LANE_PRIORITY,
  MIN_BULLMQ_LANE_PRIORITY,
  assertBullMQPriority,
  taskJobOptions,
} from '../../src/scheduler/placements/bullmq/jobOptions.js';

const numRuns = Number(process.env['FC_NUM_RUNS'] ?? 100);

describe('what a job may carry', () => {
  it('accepts every JSON value (what survives the round trip through Redis)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => {
          assertJsonValue(value, 'args[0]');
        }).not.toThrow();
      }),
      { numRuns },
    );
  });

  it.each([
    [undefined, 'args[0]', /args\[0\] to be a JSON value .*got undefined/],
    [{ at: new Date(0) }, 'args[1]', /args\[1\]\.at to be a JSON value/],
    [[1, () => 2], 'args[0]', /args\[0\]\[1\]/],
    [{ n: NaN }, 'args[0]', /args\[0\]\.n/],
    [10n, 'args[0]', /args\[0\]/],
    [new Map(), 'args[2]', /args\[2\]/],
  ])('refuses %p, naming where it is', (value, path, message) => {
    expect(() => {
      assertJsonValue(value, path);
    }).toThrow(message);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => {
      assertJsonValue(cyclic, 'args[0]');
    }).toThrow(/cycle/);
  });

  it('reads back the attempt report a worker publishes, and refuses a malformed one', () => {
    const report = {
      jobId: 'j1',
      attempt: 2,
      outcome: 'TIMED_OUT' as const,
      error: { name: 'TaskTimeoutError', message: 'late', code: 'ERR_TASK_TIMEOUT' },
      reason: 'timed out after 5 ms',
    };
    const fields: Record<string, string> = attemptEventFields(report);
    expect(fields['eventName']).toBe('async-scheduler:attempt');
    expect(readAttemptEvent(fields)).toEqual(report);
    expect(readAttemptEvent({ ...fields, outcome: 'DONE' })).toBeUndefined();
    expect(readAttemptEvent({ ...fields, error: '{' })).toBeUndefined();
  });
});

describe('priorities on BullMQ', () => {
  it('keeps the order: a higher priority here is a lower (earlier) number there, within 1..2^21', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_BULLMQ_LANE_PRIORITY, max: MAX_BULLMQ_LANE_PRIORITY }),
        fc.integer({ min: MIN_BULLMQ_LANE_PRIORITY, max: MAX_BULLMQ_LANE_PRIORITY }),
        (a, b) => {
          expect(bullmqPriority(a)).toBeGreaterThanOrEqual(1);
          expect(bullmqPriority(a)).toBeLessThanOrEqual(2 ** 21);
          expect(Math.sign(bullmqPriority(b) - bullmqPriority(a))).toBe(Math.sign(a - b));
        },
      ),
      { numRuns },
    );
  });

  it.each([0.5, MAX_BULLMQ_LANE_PRIORITY + 1, MIN_BULLMQ_LANE_PRIORITY - 1, Infinity])(
    'refuses %p with a RangeError',
    (priority) => {
      expect(() => {
        assertBullMQPriority(priority, 'priority');
      }).toThrow(RangeError);
    },
  );

  it('delays a job until runAfter and gives it the task backoff only when it may retry', () => {
    const payload = {
      v: 1 as const,
      lane: 'l',
      type: 'async' as const,
      body: { handler: 'h' },
      args: [],
      attempts: 3,
      priority: 5,
      submittedAt: 0,
    };
    const keep = { completed: 10, failed: 20 };
    expect(taskJobOptions('id', payload, 1_500.2, 1_000, keep)).toEqual({
      jobId: 'id',
      priority: bullmqPriority(5),
      delay: 501,
      attempts: 3,
      backoff: { type: 'async-scheduler', delay: 0 },
      removeOnComplete: { count: 10 },
      removeOnFail: { count: 20 },
    });
    const once = taskJobOptions('id', { ...payload, attempts: 1 }, 500, 1_000, keep);
    expect(once).not.toHaveProperty('delay');
    expect(once).not.toHaveProperty('backoff');
  });
});
