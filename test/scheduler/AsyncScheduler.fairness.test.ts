import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask } from '../../src/index.js';
import { LOOP_TURN_BUDGET_MS } from '../../src/scheduler/lane/LoopTurnBudget.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

/** Keeps the CPU busy for `ms` of real time, as a quick synchronous body does. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('AsyncScheduler', () => {
  describe('fairness to the event loop', () => {
    it('lets timers run while a long queue of quick synchronous bodies drains', async () => {
      // Each body settles on a microtask and the next starts on the same chain: without a
      // yield, a timer could not fire until the whole queue was done.
      const scheduler = new AsyncScheduler({ concurrency: 1 }).start();
      stopAfterTest(scheduler);
      const total = 200;
      let finished = 0;
      const quick = new AsyncTask('quick', () => {
        spin(LOOP_TURN_BUDGET_MS / 5);
        finished++;
      });
      const ids = Array.from({ length: total }, () => scheduler.submitTask(quick));
      const finishedWhenTimerFired = await new Promise<number>((resolve) => {
        setTimeout(() => {
          resolve(finished);
        }, 0);
      });
      expect(finishedWhenTimerFired).toBeGreaterThan(0);
      expect(finishedWhenTimerFired).toBeLessThan(total);
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      expect(finished).toBe(total);
      await scheduler.stop();
    });
  });
});
