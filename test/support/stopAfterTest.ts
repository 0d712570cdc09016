import { onTestFinished, TestRunner } from 'vitest';

/** What {@link stopAfterTest} needs of a scheduler: AsyncScheduler and SchedulerThread both fit. */
export interface Stoppable {
  stop(options?: { cancel?: boolean }): Promise<void>;
}

/**
 * Stops `scheduler` (canceling whatever is left) once the running test has finished, passed or
 * failed, so no lane thread, executor pool or timer outlives the test that made it. Stopping a
 * scheduler the test already stopped is harmless.
 *
 * @remarks Outside a running test (a probe a test file awaits at its top level) there is no
 * test to wait for: that caller stops the scheduler itself.
 *
 * @example
 * const s = stopAfterTest(new SchedulerThread('lane')).start();
 */
export function stopAfterTest<S extends Stoppable>(scheduler: S): S {
  if (TestRunner.getCurrentTest() === undefined) return scheduler;
  onTestFinished(async () => {
    await scheduler.stop({ cancel: true });
  });
  return scheduler;
}
