import { describe, expect, it } from 'vitest';
import { SchedulerErrorCode, type SchedulerError } from '../../../src/errors.js';
import { LaneThreadRestarts } from '../../../src/scheduler/placements/thread/LaneThreadRestarts.js';
import { TransitionReporter } from '../../../src/scheduler/ledger/TransitionReporter.js';
import { ManualClock } from '../../support/ManualClock.js';

const policy = { maxRestarts: 2, windowMs: 10_000, baseDelayMs: 20, maxDelayMs: 500 };

function setup() {
  const clock = new ManualClock();
  const reporter = new TransitionReporter({});
  const errors: SchedulerError[] = [];
  reporter.errors$.subscribe((error) => errors.push(error));
  const restarts = new LaneThreadRestarts({ lane: 'urgent', policy, clock, reporter });
  return { clock, errors, restarts };
}

describe('LaneThreadRestarts', () => {
  describe('.schedule()', () => {
    it('restarts within the base delay after a first crash', async () => {
      const { clock, errors, restarts } = setup();
      let restarted = 0;
      restarts.recordCrash('exited with code 1', { exitCode: 1 });
      restarts.schedule(() => restarted++);

      await clock.advance(policy.baseDelayMs / 2 - 1);
      expect(restarted).toBe(0);
      await clock.advance(policy.baseDelayMs / 2 + 1);
      expect(restarted).toBe(1);
      expect(errors).toEqual([]);
      expect(restarts.overLimit).toBe(false);
    });
  });

  describe('.recordCrash()', () => {
    it('past the limit reports the lane degraded and waits maxDelayMs', async () => {
      const { clock, errors, restarts } = setup();
      for (let crash = 0; crash <= policy.maxRestarts; crash++) {
        restarts.recordCrash('exited with code 1', { exitCode: 1 });
      }

      expect(restarts.overLimit).toBe(true);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.code).toBe(SchedulerErrorCode.EXECUTOR_DEGRADED);
      expect(errors[0]?.message).toBe(
        'Lane thread "urgent" crashed more than 2 times in 10000 ms; retrying every 500 ms',
      );

      let restarted = 0;
      restarts.schedule(() => restarted++);
      expect(restarts.overLimit).toBe(false);
      await clock.advance(policy.maxDelayMs - 1);
      expect(restarted).toBe(0);
      await clock.advance(1);
      expect(restarted).toBe(1);
    });
  });

  describe('.recordStartFailure()', () => {
    const startError = new Error('entry did not load');
    const failStart = (restarts: LaneThreadRestarts) =>
      restarts.recordStartFailure('failed to start', { exitCode: 1, cause: startError });

    it('below the limit lets the queued tasks wait for the next try', () => {
      const { errors, restarts } = setup();
      for (let fail = 0; fail < policy.maxRestarts; fail++) {
        expect(failStart(restarts)).toBeUndefined();
      }
      expect(errors).toEqual([]);
    });

    it('past the limit returns ERR_THREAD_START_FAILED with the start error as cause, reported once', () => {
      const { errors, restarts } = setup();
      for (let fail = 0; fail < policy.maxRestarts; fail++) failStart(restarts);

      const failed = failStart(restarts);
      expect(failed?.code).toBe(SchedulerErrorCode.THREAD_START_FAILED);
      expect(failed?.cause).toBe(startError);
      expect(failed?.message).toBe(
        'Lane thread "urgent" could not start (3 tries in 10000 ms): entry did not load; its queued tasks fail until a start succeeds, retried every 500 ms',
      );
      expect(errors).toEqual([failed]);
      expect(restarts.overLimit).toBe(true);
    });

    it('keeps failing every later start until a thread is ready, retrying every maxDelayMs', async () => {
      const { clock, errors, restarts } = setup();
      for (let fail = 0; fail <= policy.maxRestarts; fail++) failStart(restarts);
      // Long after the window: the tracker alone would not be over its limit any more.
      await clock.advance(policy.windowMs * 2);

      expect(failStart(restarts)?.code).toBe(SchedulerErrorCode.THREAD_START_FAILED);
      let restarted = 0;
      restarts.schedule(() => restarted++);
      await clock.advance(policy.maxDelayMs - 1);
      expect(restarted).toBe(0);
      await clock.advance(1);
      expect(restarted).toBe(1);
      expect(errors).toHaveLength(1);

      restarts.started();
      expect(failStart(restarts)).toBeUndefined();
    });
  });

  describe('.cancel()', () => {
    it('drops a scheduled restart', async () => {
      const { clock, restarts } = setup();
      let restarted = 0;
      restarts.recordCrash('exited with code 1', {});
      restarts.schedule(() => restarted++);

      restarts.cancel();

      expect(clock.pendingTimers).toBe(0);
      await clock.advance(policy.maxDelayMs);
      expect(restarted).toBe(0);
    });
  });
});
