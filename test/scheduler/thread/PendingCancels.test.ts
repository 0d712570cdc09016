import { describe, expect, it } from 'vitest';
import { TaskCanceledError } from '../../../src/errors.js';
import { TaskState } from '../../../src/taskState.js';
import {
  LANE_WATCHDOG_GRACE_MS,
  LaneWatchdog,
  type Overdue,
} from '../../../src/scheduler/placements/thread/LaneWatchdog.js';
import { PendingCancels } from '../../../src/scheduler/placements/thread/PendingCancels.js';
import { ManualClock } from '../../support/ManualClock.js';
import { submitThreadTask, threadLedger } from '../../support/threadLedger.js';

/** A store with one SUBMITTED task, the watchdog's findings, and the cancels under test. */
function setup() {
  const clock = new ManualClock();
  const store = threadLedger(clock);
  const overdue: Overdue[] = [];
  const watchdog = new LaneWatchdog(clock, (found) => overdue.push(found));
  watchdog.threadReady();
  const record = submitThreadTask(store, clock, 'task-1', 'cancels');
  return { clock, store, overdue, record, cancels: new PendingCancels(store, watchdog) };
}

describe('PendingCancels', () => {
  describe('.answer()', () => {
    it("resolves the wait with the thread's answer and drops its deadline", async () => {
      const { clock, overdue, record, cancels } = setup();
      const answered = cancels.wait(7, record, 'no longer needed');
      expect(cancels.size).toBe(1);
      expect(clock.pendingTimers).toBe(1);

      cancels.answer(7, false);

      await expect(answered).resolves.toBe(false);
      expect(cancels.size).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(LANE_WATCHDOG_GRACE_MS * 2);
      expect(overdue).toEqual([]);
    });

    it('ignores an answer to a request that is no longer pending', async () => {
      const { record, cancels } = setup();
      const answered = cancels.wait(1, record, 'r');
      cancels.answer(2, true);
      expect(cancels.size).toBe(1);
      cancels.answer(1, true);
      await expect(answered).resolves.toBe(true);
    });
  });

  describe('.wait()', () => {
    it('reports the request overdue when the thread does not answer in time', async () => {
      const { clock, overdue, record, cancels } = setup();
      void cancels.wait(3, record, 'r');
      await clock.advance(LANE_WATCHDOG_GRACE_MS);
      expect(overdue).toEqual([{ kind: 'cancel', requestId: 3 }]);
    });
  });

  describe('.end()', () => {
    it('ends a live task CANCELED on the main side and resolves true', async () => {
      const { store, record, cancels } = setup();
      const answered = cancels.wait(1, record, 'thread gone');
      const pending = cancels.take(1);
      expect(pending).toBeDefined();
      expect(cancels.take(1)).toBeUndefined();

      cancels.end(pending!);

      await expect(answered).resolves.toBe(true);
      const finished = store.registry.finished(record.id);
      expect(finished?.info.state).toBe(TaskState.CANCELED);
      expect(finished?.info.reason).toBe('thread gone');
      expect(finished?.failure).toBeInstanceOf(TaskCanceledError);
    });

    it('resolves false when the task had ended meanwhile', async () => {
      const { store, record, cancels } = setup();
      const answered = cancels.wait(1, record, 'late');
      store.end(record, TaskState.FAILED, new Error('boom'));
      const [pending] = cancels.takeAll();

      cancels.end(pending!);

      await expect(answered).resolves.toBe(false);
      expect(store.registry.finished(record.id)?.info.state).toBe(TaskState.FAILED);
    });
  });

  describe('.dropAll()', () => {
    it('resolves every waiting cancel false and leaves the tasks alone', async () => {
      const { store, record, cancels } = setup();
      const first = cancels.wait(1, record, 'a');
      const second = cancels.wait(2, record, 'b');

      cancels.dropAll();

      await expect(Promise.all([first, second])).resolves.toEqual([false, false]);
      expect(cancels.size).toBe(0);
      expect(store.registry.live(record.id)?.state).toBe(TaskState.SUBMITTED);
    });
  });
});
