import { describe, expect, it } from 'vitest';
import { LaneSignals, laneTask, useThreadHarness } from '../support/schedulerThreads.js';

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('side by side', () => {
    it("lets an 'urgent' lane finish tasks while a 'normal' lane's loop is blocked", async () => {
      const normal = harness('normal');
      const urgent = harness('urgent');
      const signals = new LaneSignals();
      // Both lanes' DONEs, in the order the main thread received them.
      const doneOrder: string[] = [];
      for (const { scheduler } of [normal, urgent]) {
        scheduler.transitions$.subscribe((t) => {
          if (t.to === 'DONE') doneOrder.push(t.id);
        });
      }
      // An AsyncTask that blocks its lane thread's whole event loop until the test says GO.
      const blocker = normal.scheduler.submitTask(laneTask('gated'), signals.buffer);
      await signals.started();

      const tiny = urgent.scheduler.submitTask(laneTask('default'), 40, 2);
      await expect(urgent.scheduler.result(tiny)).resolves.toBe(42);
      // A second lane and the caller's loop both went on: the main thread just ran the whole
      // round trip while the normal lane is still inside its blocking body.
      expect(signals.returning).toBe(false);
      expect(normal.scheduler.taskState(blocker)).toBe('STARTED');
      const normalDone = normal.transitions.filter((t) => t.to === 'DONE');
      expect(normalDone).toEqual([]);

      // The normal lane cannot even schedule a new task while blocked (it stays SUBMITTED, as
      // submitTask left it on the main side); once released, it does.
      const queuedBehind = normal.scheduler.submitTask(laneTask('default'), 1);
      expect(normal.scheduler.taskState(queuedBehind)).toBe('SUBMITTED');
      signals.go();
      await expect(normal.scheduler.result(blocker)).resolves.toBe('released');
      await expect(normal.scheduler.result(queuedBehind)).resolves.toBe(1);
      expect(doneOrder).toEqual([tiny, blocker, queuedBehind]);
    });
  });
});
