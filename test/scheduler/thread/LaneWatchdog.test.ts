import { describe, expect, it } from 'vitest';
import {
  LANE_WATCHDOG_GRACE_MS,
  LaneWatchdog,
  type Overdue,
} from '../../../src/scheduler/placements/thread/LaneWatchdog.js';
import { ManualClock } from '../../support/ManualClock.js';

function setup() {
  const clock = new ManualClock();
  const overdue: Overdue[] = [];
  return { clock, overdue, watchdog: new LaneWatchdog(clock, (found) => overdue.push(found)) };
}

describe('LaneWatchdog', () => {
  it('starts a cancel’s deadline only once a booting thread is ready', async () => {
    const { clock, overdue, watchdog } = setup();
    watchdog.cancelSent(1);
    // A slow boot is not a blocked loop.
    await clock.advance(LANE_WATCHDOG_GRACE_MS * 4);
    expect(overdue).toEqual([]);
    watchdog.threadReady();
    await clock.advance(LANE_WATCHDOG_GRACE_MS - 1);
    expect(overdue).toEqual([]);
    await clock.advance(1);
    expect(overdue).toEqual([{ kind: 'cancel', requestId: 1 }]);
  });

  it('forgets a cancel answered while the thread booted', async () => {
    const { clock, overdue, watchdog } = setup();
    watchdog.cancelSent(1);
    watchdog.cancelAnswered(1);
    watchdog.threadReady();
    await clock.advance(LANE_WATCHDOG_GRACE_MS * 2);
    expect(overdue).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('holds a bounded stop from when it was sent, booting or not', async () => {
    const { clock, overdue, watchdog } = setup();
    watchdog.stopSent(100);
    await clock.advance(100 + LANE_WATCHDOG_GRACE_MS);
    expect(overdue).toEqual([{ kind: 'stop', timeoutMs: 100 }]);
  });

  it('keeps a bounded stop’s deadline when the thread is replaced meanwhile', async () => {
    const { clock, overdue, watchdog } = setup();
    watchdog.threadReady();
    watchdog.stopSent(100);
    watchdog.cancelSent(3);
    watchdog.clearRequests();
    await clock.advance(100 + LANE_WATCHDOG_GRACE_MS);
    expect(overdue).toEqual([{ kind: 'stop', timeoutMs: 100 }]);
  });

  it('waits for the next thread to boot after a replacement', async () => {
    const { clock, overdue, watchdog } = setup();
    watchdog.threadReady();
    watchdog.threadStarting();
    watchdog.cancelSent(2);
    await clock.advance(LANE_WATCHDOG_GRACE_MS * 2);
    expect(overdue).toEqual([]);
    watchdog.clearRequests();
    watchdog.threadReady();
    await clock.advance(LANE_WATCHDOG_GRACE_MS * 2);
    expect(overdue).toEqual([]);
  });
});
