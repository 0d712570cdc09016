import { describe, expect, it } from 'vitest';
import { LaneWatchdog } from '../../../src/scheduler/placements/thread/LaneWatchdog.js';
import { OrphanedTaskEnder } from '../../../src/scheduler/placements/thread/OrphanedTaskEnder.js';
import { PendingCancels } from '../../../src/scheduler/placements/thread/PendingCancels.js';
import { TaskState } from '../../../src/taskState.js';
import { ManualClock } from '../../support/ManualClock.js';
import { submitThreadTask, threadLedger } from '../../support/threadLedger.js';

/** Two SUBMITTED tasks of a lane whose thread is still booting, and the ender under test. */
function setup() {
  const clock = new ManualClock();
  const store = threadLedger(clock);
  const watchdog = new LaneWatchdog(clock, () => undefined);
  const cancels = new PendingCancels(store, watchdog);
  const submit = (id: string) => submitThreadTask(store, clock, id, 'orphans');
  const first = submit('first');
  const second = submit('second');
  const ender = new OrphanedTaskEnder({
    lane: 'orphans',
    clock,
    ledger: store,
    watchdog,
    cancels,
    observation: { warn: () => undefined },
  });
  return { store, cancels, ender, first, second };
}

describe('OrphanedTaskEnder', () => {
  describe('.cancelAll()', () => {
    it('lets a cancel the thread never answered win: its reason, and true for its caller', async () => {
      const { store, cancels, ender, first, second } = setup();
      const asked = cancels.wait(1, first, 'asked for first');

      ender.cancelAll('scheduler stop timed out after 5 ms');

      await expect(asked).resolves.toBe(true);
      expect(cancels.size).toBe(0);
      expect(store.registry.finished(first.id)?.info).toMatchObject({
        state: TaskState.CANCELED,
        reason: 'asked for first',
      });
      expect(store.registry.finished(second.id)?.info).toMatchObject({
        state: TaskState.CANCELED,
        reason: 'scheduler stop timed out after 5 ms',
      });
    });

    it('answers false to a cancel asked after the stop that cancels: the stop ended its task', async () => {
      const { store, cancels, ender, first, second } = setup();
      const before = cancels.wait(1, first, 'asked before the stop');
      const after = cancels.wait(3, second, 'asked after the stop');

      ender.cancelAll('scheduler stopped', 2);

      await expect(before).resolves.toBe(true);
      await expect(after).resolves.toBe(false);
      expect(cancels.size).toBe(0);
      expect(store.registry.finished(first.id)?.info.reason).toBe('asked before the stop');
      expect(store.registry.finished(second.id)?.info).toMatchObject({
        state: TaskState.CANCELED,
        reason: 'scheduler stopped',
      });
    });

    it('answers false to a pending cancel whose task had already ended', async () => {
      const { cancels, ender, first } = setup();
      const asked = cancels.wait(1, first, 'too late');
      ender.cancel(first, 'ended meanwhile');

      ender.cancelAll('scheduler stopped');

      await expect(asked).resolves.toBe(false);
    });
  });
});
