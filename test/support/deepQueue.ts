import { filter, firstValueFrom } from 'rxjs';
import { vi } from 'vitest';
import type { AsyncScheduler } from '../../src/index.js';
import { echoTask, hangingTask } from './harness.js';

/** Queued tasks behind a running one: enough that an info built for each would show. */
export const DEEP_QUEUE = 20_000;

/**
 * Far above the objects frozen for a handful of running tasks and one metrics sample: a query
 * that stays under it did not build an info for each of {@link DEEP_QUEUE} queued tasks.
 */
export const FREEZE_BUDGET = 500;

/**
 * Fills a started scheduler of concurrency 1 with one task named `running` that never ends and
 * `queued` tasks waiting behind it, all SCHEDULED: the deep queue the dashboard polls.
 *
 * @example
 * await deepQueue(scheduler, 20_000);
 */
export async function deepQueue(scheduler: AsyncScheduler, queued: number): Promise<void> {
  const started = firstValueFrom(scheduler.transitions$.pipe(filter((t) => t.to === 'STARTED')));
  scheduler.submitTask(hangingTask('running'));
  await started;
  const task = echoTask('queued');
  for (let i = 0; i < queued; i++) scheduler.submitTask(task, i);
}

/**
 * How many objects `work` freezes: each TaskInfo built freezes two (the info and its `ts`), so
 * this counts the infos a query builds without timing it.
 *
 * @example
 * const { value, freezes } = await countFreezes(() => scheduler.slowest(8));
 */
export async function countFreezes<T>(
  work: () => T | Promise<T>,
): Promise<{ value: T; freezes: number }> {
  const freeze = vi.spyOn(Object, 'freeze');
  try {
    const value = await work();
    return { value, freezes: freeze.mock.calls.length };
  } finally {
    freeze.mockRestore();
  }
}
