import { describe, expectTypeOf, it } from 'vitest';
import type { AsyncScheduler, AsyncSchedulerOptions } from '../../src/index.js';

/** Type-level checks of the flow-control API: `tsc --noEmit` fails when one breaks. */
describe('flow control types', () => {
  it('types the members and the maxQueued option', () => {
    expectTypeOf<AsyncScheduler['concurrency']>().toEqualTypeOf<number>();
    expectTypeOf<AsyncScheduler['isPaused']>().toEqualTypeOf<boolean>();
    expectTypeOf<AsyncScheduler['pause']>().toEqualTypeOf<() => void>();
    expectTypeOf<AsyncScheduler['resume']>().toEqualTypeOf<() => void>();
    expectTypeOf<AsyncScheduler['setPriority']>().parameters.toEqualTypeOf<
      [id: string, priority: number]
    >();
    expectTypeOf<AsyncScheduler['setPriority']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<AsyncScheduler['onIdle']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<AsyncScheduler['onEmpty']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<AsyncScheduler['onSizeLessThan']>().parameters.toEqualTypeOf<[limit: number]>();
    expectTypeOf<AsyncSchedulerOptions['maxQueued']>().toEqualTypeOf<number | undefined>();
  });

  it('lets concurrency be set, and isPaused only be read', () => {
    const misuse = (scheduler: AsyncScheduler): void => {
      scheduler.concurrency = 4;
      // @ts-expect-error -- isPaused is read-only: pause() and resume() change it
      scheduler.isPaused = true;
    };
    expectTypeOf(misuse).toBeFunction();
  });
});
