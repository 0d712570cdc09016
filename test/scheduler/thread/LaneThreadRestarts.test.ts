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
