import type { TaskInfo } from '../../src/index.js';

/** What {@link occurrencesOf} reads of a scheduler: AsyncScheduler and SchedulerThread both fit. */
interface Dumps {
  dumpTask(): TaskInfo[];
}

/** The retained occurrences of schedule `repeatId`, in submit order. */
export function occurrencesOf(scheduler: Dumps, repeatId: string): TaskInfo[] {
  return scheduler.dumpTask().filter((info) => info.repeatId === repeatId);
}

/** When each retained occurrence of schedule `repeatId` was submitted, minus `origin`. */
export function submitTimesOf(scheduler: Dumps, repeatId: string, origin = 0): number[] {
  return occurrencesOf(scheduler, repeatId).map((info) => (info.ts.submit ?? NaN) - origin);
}
