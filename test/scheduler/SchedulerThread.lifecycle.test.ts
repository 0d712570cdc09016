import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  SchedulerStoppedError,
  SchedulerThread,
  type SchedulerThreadOptions,
} from '../../src/index.js';
import { ManualClock } from '../support/ManualClock.js';
import { laneTask } from '../support/schedulerThreads.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

describe('SchedulerThread', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('constructor', () => {
    it('takes { name, ...options } as well as (name, options)', async () => {
      const s = stopAfterTest(new SchedulerThread({ name: 'as-object', autoStart: true }));
      expect(s.name).toBe('as-object');
      const id = s.submitTask(laneTask('default'), 2, 3);
      await expect(s.result(id)).resolves.toBe(5);
      expect(s.taskInfo(id).lane).toBe('as-object');
    });

    it('refuses a missing or empty name, and a second argument after an options object', () => {
      expect(() => new SchedulerThread({} as SchedulerThreadOptions)).toThrow(TypeError);
      expect(() => new SchedulerThread({} as SchedulerThreadOptions)).toThrow(/`options.name`/);
      expect(() => new SchedulerThread({ name: ' ' })).toThrow(RangeError);
      expect(() => new SchedulerThread(undefined as unknown as string)).toThrow(TypeError);
      expect(
        () => new (SchedulerThread as new (a: unknown, b: unknown) => unknown)({ name: 'x' }, {}),
      ).toThrow(/no second argument/);
    });

    it('types both forms', () => {
      expectTypeOf(SchedulerThread).toBeConstructibleWith({ name: 'a', concurrency: 2 });
      expectTypeOf(SchedulerThread).toBeConstructibleWith('a', { concurrency: 2 });
      expectTypeOf<SchedulerThreadOptions['name']>().toEqualTypeOf<string>();
    });
  });

  describe('.start()', () => {
    it('throws SchedulerStoppedError once stop() was called; twice before it does nothing', async () => {
      const s = stopAfterTest(new SchedulerThread('restart'));
      expect(s.start()).toBe(s);
      expect(s.start()).toBe(s);
      const stopped = s.stop();
      expect(() => s.start()).toThrow(SchedulerStoppedError);
      await stopped;
      expect(() => s.start()).toThrow(/cannot start again/);
    });
  });

  describe('[Symbol.asyncDispose]()', () => {
    it('is stop({ cancel: true }): a running task ends CANCELED', async () => {
      let id = '';
      let outside: SchedulerThread | undefined;
      {
        await using s = new SchedulerThread({ name: 'disposed', autoStart: true });
        outside = s;
        id = s.submitTask(laneTask('untilAborted'));
        await firstValueFrom(s.transitions$.pipe(filter((t) => t.id === id && t.to === 'STARTED')));
      }
      expect(outside.taskState(id)).toBe('CANCELED');
      expect(() => outside.submitTask(laneTask('default'))).toThrow(SchedulerStoppedError);
    });
  });

  describe('a scheduler never started', () => {
    it('warns once on warnings$ after tasks waited a second on its (main-side) clock', async () => {
      const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const clock = new ManualClock();
      const s = stopAfterTest(new SchedulerThread('forgot', { clock }));
      const warning = firstValueFrom(s.warnings$);
      s.submitTask(laneTask('default'), 1, 1);
      await clock.advance(1_000);
      await expect(warning).resolves.toMatchObject({
        type: 'scheduler.notStarted',
        lane: 'forgot',
        queued: 1,
      });
      await clock.advance(10_000);
      expect(emitted).toHaveBeenCalledTimes(1);
      expect(emitted.mock.calls[0]![1]).toMatchObject({ code: 'ASYNC_SCHEDULER_NOT_STARTED' });
    });
  });
});
