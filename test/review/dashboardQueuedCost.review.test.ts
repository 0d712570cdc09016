import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import { echoTask, hangingTask } from '../support/harness.js';
import { useDashboards } from '../dashboard/dashboardTestKit.js';

/*
 * Review (issue 4, "huge task counts"): the dashboard calls `slowest(8, { running: true })`
 * and `slowest(8, { running: false })` for every lane on every update (10 a second while a
 * page is open) and every snapshot. `slowest()` builds a frozen TaskInfo for every *live*
 * task, queued ones included, only to keep the STARTED ones: with 100k queued tasks a
 * connected page cut throughput ~6x (12k → 2k tasks/s) in a scratch run.
 *
 * Work is counted, not timed: each TaskInfo built freezes two objects (the info, its ts).
 */
const QUEUED = 20_000;
/** Far above what a handful of running tasks and one metrics sample need. */
const FREEZE_BUDGET = 500;

describe('AsyncScheduler', () => {
  describe('.slowest() with a deep queue', () => {
    const made: AsyncScheduler[] = [];
    afterEach(async () => {
      vi.restoreAllMocks();
      await Promise.all(made.splice(0).map((s) => s.stop({ cancel: true })));
    });

    async function deepQueue(): Promise<AsyncScheduler> {
      const s = new AsyncScheduler({ concurrency: 1 }).start();
      made.push(s);
      const started = firstValueFrom(s.transitions$.pipe(filter((t) => t.to === 'STARTED')));
      s.submitTask(hangingTask('running'));
      await started;
      const queued = echoTask('queued');
      for (let i = 0; i < QUEUED; i++) s.submitTask(queued, i);
      expect(s.dumpTask().filter((info) => info.state === 'SCHEDULED')).toHaveLength(QUEUED);
      return s;
    }

    it('finds the running tasks without building an info for each queued one', async () => {
      const s = await deepQueue();
      const freeze = vi.spyOn(Object, 'freeze');
      const running = s.slowest(8, { running: true });
      const calls = freeze.mock.calls.length;
      freeze.mockRestore();
      expect(running.map((info) => info.name)).toEqual(['running']);
      expect(calls).toBeLessThan(FREEZE_BUDGET);
    });

    describe('behind serveDashboard', () => {
      const serve = useDashboards();

      it('answers /api/state without building an info for each queued task', async () => {
        const s = await deepQueue();
        const dashboard = await serve(s);
        const freeze = vi.spyOn(Object, 'freeze');
        const state = (await (await fetch(`${dashboard.url}api/state`)).json()) as {
          lanes: { slowestRunning: { name: string }[] }[];
        };
        const calls = freeze.mock.calls.length;
        freeze.mockRestore();
        expect(state.lanes[0]?.slowestRunning.map((row) => row.name)).toEqual(['running']);
        expect(calls).toBeLessThan(FREEZE_BUDGET);
      });
    });
  });
});
