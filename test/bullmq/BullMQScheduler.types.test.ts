import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AsyncScheduler } from '../../src/index.js';
import * as bullmq from '../../src/bullmq/index.js';
import type {
  BullMQScheduler,
  BullMQSchedulerOptions,
  QueueWorker,
} from '../../src/bullmq/index.js';

/** Every member but `start` (which returns `this`, so its own class). */
type Members<T> = Omit<{ [K in keyof T]: T[K] }, 'start'>;

describe('BullMQScheduler', () => {
  it('is exported from async-scheduler/bullmq with runWorker, and has the same methods and properties as AsyncScheduler', () => {
    expect(typeof bullmq.BullMQScheduler).toBe('function');
    expect(typeof bullmq.runWorker).toBe('function');
    expectTypeOf<keyof BullMQScheduler>().toEqualTypeOf<keyof AsyncScheduler>();
    expectTypeOf<Members<BullMQScheduler>>().toEqualTypeOf<Members<AsyncScheduler>>();
    expectTypeOf<BullMQScheduler['start']>().returns.toEqualTypeOf<BullMQScheduler>();
    expectTypeOf<ConstructorParameters<typeof BullMQScheduler>>().toEqualTypeOf<
      [options: BullMQSchedulerOptions]
    >();
    expectTypeOf(bullmq.runWorker).returns.resolves.toEqualTypeOf<QueueWorker>();
  });

  it("requires a name and a connection, and takes no executor-thread option (those are the workers')", () => {
    // @ts-expect-error -- no connection
    expectTypeOf<{ name: 'x' }>().toExtend<BullMQSchedulerOptions>();
    expectTypeOf<{ name: 'x'; connection: 'redis://h' }>().toExtend<BullMQSchedulerOptions>();
    expectTypeOf<BullMQSchedulerOptions>().not.toHaveProperty('threads');
  });
});
