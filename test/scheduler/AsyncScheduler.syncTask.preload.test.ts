import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SyncTask } from '../../src/index.js';
import { useSyncHarness } from '../support/syncTasks.js';

const LOADED_AT = new URL('../fixtures/sync/loadedAt.mjs', import.meta.url);
const spinForever = new SyncTask('spin-forever', { module: LOADED_AT, export: 'spinForever' });
const whenLoaded = new SyncTask<[], number>('when-loaded', {
  module: LOADED_AT,
  export: 'whenLoaded',
});

describe('AsyncScheduler', () => {
  describe('SyncTask spare thread', () => {
    const harness = useSyncHarness();

    it('has loaded the modules the pool runs before it takes over from a terminated thread', async () => {
      const { scheduler } = harness({ threads: 1 });
      const started = firstValueFrom(
        scheduler.transitions$.pipe(filter((t) => t.to === 'STARTED')),
      );
      const spinning = scheduler.submitTask(spinForever);
      await started;
      // The spare is told of the module when the first run of it starts; give its import a
      // generous moment before the spare is needed.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const canceledAt = Date.now();
      await expect(scheduler.cancelTask(spinning)).resolves.toBe(true);
      // The spare thread runs this one: its module was loaded before the task was submitted.
      const loadedAt = await scheduler.result<number>(scheduler.submitTask(whenLoaded));
      expect(loadedAt).toBeLessThan(canceledAt);
    });
  });
});
