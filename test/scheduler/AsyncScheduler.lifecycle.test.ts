import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerStoppedError,
  type NotStartedWarning,
  type SchedulerWarning,
} from '../../src/index.js';
import { NOT_STARTED_WARNING_CODE } from '../../src/scheduler/NotStartedWatch.js';
import { createHarness, Gate, hangingTask } from '../support/harness.js';

const quick = new AsyncTask('quick', () => 'ok');

/** Records every process warning with our code while the test runs (and keeps stderr quiet). */
function captureProcessWarnings(): { code: string | undefined; message: string }[] {
  const seen: { code: string | undefined; message: string }[] = [];
  vi.spyOn(process, 'emitWarning').mockImplementation(((
    warning: string | Error,
    options?: { code?: string },
  ) => {
    seen.push({ code: options?.code, message: String(warning) });
  }) as typeof process.emitWarning);
  return seen;
}

describe('AsyncScheduler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('autoStart', () => {
    it('starts in the constructor: a task submitted right away runs', async () => {
      const { scheduler } = createHarness({ autoStart: true }, { start: false });
      await expect(scheduler.result(scheduler.submitTask(quick))).resolves.toBe('ok');
    });

    it('is off by default: a submitted task waits SUBMITTED until start()', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const id = scheduler.submitTask(quick);
      await Promise.resolve();
      expect(scheduler.taskState(id)).toBe('SUBMITTED');
      scheduler.start();
      await expect(scheduler.result(id)).resolves.toBe('ok');
    });

    it('is validated like the other options', () => {
      expect(() => new AsyncScheduler({ autoStart: 'yes' as never })).toThrow(TypeError);
      expect(() => new AsyncScheduler({ autoStart: 1 as never })).toThrow(/`autoStart`/);
    });
  });

  describe('.start()', () => {
    it('returns the scheduler, and a second call before stop() does nothing', async () => {
      const { scheduler } = createHarness({}, { start: false });
      expect(scheduler.start()).toBe(scheduler);
      expect(scheduler.start()).toBe(scheduler);
      await expect(scheduler.result(scheduler.submitTask(quick))).resolves.toBe('ok');
    });

    it('throws SchedulerStoppedError once stop() was called, before and after it resolves', async () => {
      const { scheduler } = createHarness({}, { start: false });
      const stopped = scheduler.stop();
      expect(() => scheduler.start()).toThrow(SchedulerStoppedError);
      await stopped;
      expect(() => scheduler.start()).toThrow(SchedulerStoppedError);
      expect(() => scheduler.start()).toThrow(/cannot start again/);
    });

    it('throws after stop() of a started scheduler too', async () => {
      const { scheduler } = createHarness();
      await scheduler.stop();
      expect(() => scheduler.start()).toThrow(SchedulerStoppedError);
    });
  });

  describe('[Symbol.asyncDispose]()', () => {
    it('is stop({ cancel: true }): running and queued tasks end CANCELED', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate('held');
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      await gate.started(running);
      await scheduler[Symbol.asyncDispose]();
      expect(scheduler.taskState(running)).toBe('CANCELED');
      expect(scheduler.taskState(queued)).toBe('CANCELED');
      expect(() => scheduler.submitTask(quick)).toThrow(SchedulerStoppedError);
    });

    it('runs at the end of an `await using` block', async () => {
      let id = '';
      let outside: AsyncScheduler | undefined;
      {
        await using scheduler = new AsyncScheduler({ autoStart: true });
        outside = scheduler;
        id = scheduler.submitTask(hangingTask('forever'));
      }
      expect(outside.taskState(id)).toBe('CANCELED');
    });
  });

  describe('a scheduler never started', () => {
    it('warns once, on warnings$ and as a process warning, when tasks waited past a second', async () => {
      const processWarnings = captureProcessWarnings();
      const { scheduler, clock } = createHarness({ name: 'forgot' }, { start: false });
      // Subscribed before the second passes: warnings$ is hot.
      const warnings = lastValueFrom(scheduler.warnings$.pipe(toArray()));
      scheduler.submitTask(quick);
      await clock.advance(500);
      scheduler.submitTask(quick);
      expect(processWarnings).toEqual([]);
      await clock.advance(500);
      await clock.advance(5_000);
      scheduler.submitTask(quick);
      await clock.advance(5_000);
      expect(processWarnings).toHaveLength(1);
      expect(processWarnings[0]!.code).toBe(NOT_STARTED_WARNING_CODE);
      expect(processWarnings[0]!.message).toMatch(/Scheduler "forgot" was never started/);
      await scheduler.stop({ cancel: true });
      const notStarted = (await warnings).filter(
        (w: SchedulerWarning): w is NotStartedWarning => w.type === 'scheduler.notStarted',
      );
      expect(notStarted).toHaveLength(1);
      expect(notStarted[0]).toMatchObject({
        type: 'scheduler.notStarted',
        lane: 'forgot',
        queued: 2,
        waitedMs: 1_000,
      });
      expect(notStarted[0]!.message).toBe(processWarnings[0]!.message);
      expect(notStarted[0]!.hint).toMatch(/autoStart/);
    });

    it('does not warn when start() comes within the second', async () => {
      const processWarnings = captureProcessWarnings();
      const { scheduler, clock } = createHarness({}, { start: false });
      scheduler.submitTask(quick);
      await clock.advance(999);
      scheduler.start();
      await clock.advance(10_000);
      expect(processWarnings).toEqual([]);
      expect(clock.pendingTimers).toBe(0);
    });

    it('does not warn when stop() comes within the second', async () => {
      const processWarnings = captureProcessWarnings();
      const { scheduler, clock } = createHarness({}, { start: false });
      scheduler.submitTask(quick);
      await scheduler.stop({ cancel: true });
      await clock.advance(10_000);
      expect(processWarnings).toEqual([]);
    });

    it('arms no timer before the first submit, nor when started first', async () => {
      const idle = createHarness({}, { start: false });
      expect(idle.clock.pendingTimers).toBe(0);
      const started = createHarness();
      started.scheduler.submitTask(hangingTask('running'));
      await Promise.resolve();
      expect(started.clock.pendingTimers).toBe(0);
    });

    it('leaves the process free to exit: the real timer is unref’d', () => {
      const scheduler = new AsyncScheduler();
      const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
      scheduler.submitTask(quick);
      const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      void scheduler.stop({ cancel: true });
    });
  });
});
