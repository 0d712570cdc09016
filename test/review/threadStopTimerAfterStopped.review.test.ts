import { describe, expect, it } from 'vitest';
import { SchedulerThread } from '../../src/index.js';
import { ManualClock } from '../support/ManualClock.js';

/*
 * Review (LaneThreadHost.stop → #tightenStop): a stop({ timeoutMs }) called after stop() has
 * resolved still "tightens" the finished stop: it arms the watchdog's stop deadline again
 * (LaneWatchdog.stopSent), after #finishStop had cleared every deadline, and nothing ever clears
 * it. On the system clock that is a referenced timer of timeoutMs + 250 ms that keeps the
 * process alive after the scheduler has stopped. LaneShutdown (AsyncScheduler) guards the same
 * case in finish() (deadline = -Infinity); the thread side does not.
 */
describe('SchedulerThread.stop({ timeoutMs }) after stop() resolved', () => {
  it('leaves no timer behind', async () => {
    const clock = new ManualClock();
    const scheduler = new SchedulerThread('review-late-stop', { clock });
    scheduler.start();
    await scheduler.stop();
    const timersWhenStopped = clock.pendingTimers;

    await scheduler.stop({ timeoutMs: 60_000 });

    expect(clock.pendingTimers).toBe(timersWhenStopped);
  });
});
