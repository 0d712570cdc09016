import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../../src/index.js';
import type { AsyncScheduler, SchedulerThread } from '../../src/index.js';

/** Every member but `start` (which returns `this`, so its own class). */
type Members<T> = Omit<{ [K in keyof T]: T[K] }, 'start'>;

describe('SchedulerThread', () => {
  it('is exported, and has the same methods and properties as AsyncScheduler', () => {
    expect(typeof api.SchedulerThread).toBe('function');
    expectTypeOf<keyof SchedulerThread>().toEqualTypeOf<keyof AsyncScheduler>();
    expectTypeOf<Members<SchedulerThread>>().toEqualTypeOf<Members<AsyncScheduler>>();
    expectTypeOf<SchedulerThread['start']>().returns.toEqualTypeOf<SchedulerThread>();
    expectTypeOf<ConstructorParameters<typeof SchedulerThread>>().toEqualTypeOf<
      [name: string, options?: api.AsyncSchedulerOptions]
    >();
  });
});
