import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ThreadBusyTime } from '../../src/actors/ThreadBusyTime.js';

/** A worker whose loop readings the test sets: cumulative active and idle ms. */
function fakeWorker(): { worker: Worker; set(active: number, idle: number): void } {
  let now: EventLoopUtilization = { active: 0, idle: 0, utilization: 0 };
  const eventLoopUtilization = (since?: EventLoopUtilization): EventLoopUtilization => {
    if (since === undefined) return now;
    if (now.idle < 0) return { active: 0, idle: -1, utilization: 0 };
    return { active: now.active - since.active, idle: now.idle - since.idle, utilization: 0 };
  };
  return {
    worker: { performance: { eventLoopUtilization } } as unknown as Worker,
    set(active, idle) {
      now = { active, idle, utilization: 0 };
    },
  };
}

describe('ThreadBusyTime', () => {
  it('counts a thread from when it joins, not its time before (a spare waiting idle)', () => {
    const busy = new ThreadBusyTime();
    const spare = fakeWorker();
    spare.set(5, 900); // booted, then waited as a spare
    busy.join(spare.worker);
    spare.set(105, 950);
    expect(busy.total()).toEqual({ activeMs: 100, idleMs: 50 });
  });

  it('keeps a retired thread its share, and sums the working ones', () => {
    const busy = new ThreadBusyTime();
    const a = fakeWorker();
    const b = fakeWorker();
    busy.join(a.worker);
    busy.join(b.worker);
    a.set(30, 10);
    b.set(5, 35);
    busy.retire(a.worker); // terminated after a timeout: its 30 ms stay counted
    a.set(1_000, 1_000);
    b.set(10, 70);
    expect(busy.total()).toEqual({ activeMs: 40, idleMs: 80 });
  });

  it('drops what an exited thread can no longer report (idle -1)', () => {
    const busy = new ThreadBusyTime();
    const crashed = fakeWorker();
    busy.join(crashed.worker);
    crashed.set(0, -1);
    expect(busy.total()).toEqual({ activeMs: 0, idleMs: 0 });
    busy.retire(crashed.worker);
    expect(busy.total()).toEqual({ activeMs: 0, idleMs: 0 });
  });
});
