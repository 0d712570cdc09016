import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, WorkerCrashedError } from '../../src/index.js';
import {
  InspectionFilter,
  type FilterInspectionOptions,
} from '../../src/inspect/filterInspection.js';
import { laneTask, useThreadHarness } from '../support/schedulerThreads.js';
import { isSupervisorEvent, isTaskEvent } from './support/inspectedLane.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

/*
 * filterInspection on real schedulers: the lane supervisor of an AsyncScheduler (live actors)
 * and of a SchedulerThread (events rebuilt from wire data, session prefix `<lane>#<n>/`).
 */

const TASKS = 600;
const SAMPLE_EVERY = 30;

const echo = new AsyncTask<[number], number>('echo', ({ args: [n] }) => n);
const add = new AsyncTask<number[], number>('add', {
  module: new URL('../fixtures/add.mjs', import.meta.url),
});

/** How many events of each kind an observer got. */
class Counts {
  tasks = 0;
  supervisor = 0;
  readonly next = (event: InspectionEvent): void => {
    if (isTaskEvent(event)) this.tasks++;
    else if (isSupervisorEvent(event)) this.supervisor++;
  };
}

/** Whether `event` is a lane supervisor's last: its final snapshot. */
function isSupervisorEnd(event: InspectionEvent): boolean {
  const status = (event as { snapshot?: { status?: string } }).snapshot?.status;
  return isSupervisorEvent(event) && event.type === '@xstate.snapshot' && status !== 'active';
}

/**
 * An `inspect` observer that counts every event and what two filters pass, and resolves
 * `ended` with the supervisor's final snapshot (the last event a lane sends).
 */
function countingInspect(selected: FilterInspectionOptions, all: FilterInspectionOptions) {
  const counts = { unfiltered: new Counts(), selected: new Counts(), all: new Counts() };
  const filters = [
    new InspectionFilter(counts.selected.next, selected),
    new InspectionFilter(counts.all.next, all),
  ];
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const inspect = (event: InspectionEvent): void => {
    counts.unfiltered.next(event);
    for (const filter of filters) filter.next(event);
    if (isSupervisorEnd(event)) end();
  };
  return { counts, filters, inspect, ended };
}

describe('filterInspection on real schedulers', () => {
  const threadHarness = useThreadHarness();

  describe.each([
    [
      'an AsyncScheduler',
      (inspect: (event: InspectionEvent) => void) => {
        const scheduler = new AsyncScheduler({ name: 'sampled', concurrency: 8, inspect });
        stopAfterTest(scheduler);
        scheduler.start();
        return { scheduler, submit: (n: number) => scheduler.submitTask(echo, n) };
      },
    ],
    [
      'a SchedulerThread',
      (inspect: (event: InspectionEvent) => void) => {
        const { scheduler } = threadHarness('sampled-thread', { concurrency: 8, inspect });
        return { scheduler, submit: (n: number) => scheduler.submitTask(add, n, 1) };
      },
    ],
  ])('on %s', (_, create) => {
    it('cuts the supervisor events as sampleEvery cuts the task events', async () => {
      const { counts, filters, inspect, ended } = countingInspect(
        { sampleEvery: SAMPLE_EVERY },
        { sampleEvery: SAMPLE_EVERY, supervisorEvents: 'all' },
      );
      const { scheduler, submit } = create(inspect);
      const ids = Array.from({ length: TASKS }, (_, i) => submit(i));
      await Promise.all(ids.map((id) => scheduler.result(id)));
      await scheduler.stop();
      await ended;

      const { unfiltered, selected, all } = counts;
      const sampled = TASKS / SAMPLE_EVERY;
      expect(unfiltered.supervisor).toBeGreaterThan(2 * TASKS);
      // Task actors: cut SAMPLE_EVERY times, as before.
      expect(unfiltered.tasks / selected.tasks).toBe(SAMPLE_EVERY);
      // 'all' passes every supervisor event; 'selected' cuts them about as much.
      expect(all.supervisor).toBe(unfiltered.supervisor);
      expect(unfiltered.supervisor / selected.supervisor).toBeGreaterThan(SAMPLE_EVERY / 3);
      // Still there: the supervisor's own events and its events about the kept tasks.
      expect(selected.supervisor).toBeGreaterThan(2 * sampled);
      for (const filter of filters) {
        expect(filter.trackedActors).toBe(0);
        expect(filter.trackedSupervisors).toBe(0);
      }
    });
  });

  describe('on a SchedulerThread whose lane thread crashes', () => {
    it("forgets the dead actors once the replacement's events arrive", async () => {
      let sawStuckTasks: () => void = () => undefined;
      const stuckTasksSeen = new Promise<void>((resolve) => (sawStuckTasks = resolve));
      let end: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (end = resolve));
      const filter = new InspectionFilter(() => undefined, { sampleEvery: 2 });
      const { scheduler } = threadHarness('crashing', {
        concurrency: 4,
        restart: { baseDelayMs: 0, maxDelayMs: 0 },
        inspect: (event) => {
          filter.next(event);
          if (filter.trackedActors === 3) sawStuckTasks();
          if (isSupervisorEnd(event)) end();
        },
      });
      const stuck = Array.from({ length: 3 }, () => scheduler.submitTask(laneTask('forever')));
      await stuckTasksSeen;
      expect(filter.trackedSupervisors).toBe(1);
      const exiting = scheduler.submitTask(laneTask('exitThread'));
      await expect(scheduler.result(exiting)).rejects.toBeInstanceOf(WorkerCrashedError);
      for (const id of stuck) {
        await expect(scheduler.result(id)).rejects.toBeInstanceOf(WorkerCrashedError);
      }
      // The dead thread never sent its actors' final snapshots (those of the 3 stuck tasks,
      // and of the exiting one if its events left the thread before it ended).
      expect(filter.trackedActors).toBeGreaterThanOrEqual(3);
      const next = scheduler.submitTask(laneTask('default'), 5);
      await expect(scheduler.result(next)).resolves.toBe(5);
      await scheduler.stop();
      await ended;
      expect(filter.trackedActors).toBe(0);
      expect(filter.trackedSupervisors).toBe(0);
    });
  });
});
