import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createLoopLedger,
  LoopBlockDetector,
  type LoopBlockDetectorOptions,
} from '../../src/metrics/LoopBlockDetector.js';
import type { BlockingTask, LoopBlockedWarning } from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import { refedTimeouts, trackIntervals } from '../support/liveIntervals.js';

/** The lane clock of these detectors reads performance time on this epoch. */
const EPOCH = Date.UTC(2026, 0, 1);
const THRESHOLD_MS = 50;
/** A block three times the threshold: no scheduling noise can bring it under. */
const SPIN_MS = 150;

const crunch = { id: 'id-crunch', name: 'crunch' };
const longRunner: BlockingTask = { id: 'id-long', name: 'long', runMs: 1_000 };

/** A detector on lane `main` whose reports, and the `since` of each suspects query, are kept. */
function createDetector(overrides: Partial<LoopBlockDetectorOptions> = {}) {
  const warnings: LoopBlockedWarning[] = [];
  const sinces: number[] = [];
  const detector = new LoopBlockDetector({
    lane: 'main',
    kind: 'loop',
    thresholdMs: THRESHOLD_MS,
    now: () => EPOCH + performance.now(),
    runningSince: (since) => {
      sinces.push(since);
      return [];
    },
    report: (warning) => warnings.push(warning),
    ledger: createLoopLedger(),
    ...overrides,
  });
  return { detector, warnings, sinces };
}

/** Keeps this loop busy for `ms` (a real block, the thing detected). */
function spin(ms: number): void {
  const started = performance.now();
  while (performance.now() - started < ms) {
    // CPU-bound on purpose
  }
}

describe('LoopBlockDetector', () => {
  afterEach(() => {
    // Spies first: restoring a spy taken on a fake timer after the real ones are back would
    // put the fake back.
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  describe('.taskBlocked()', () => {
    it('reports nothing while nobody watches', () => {
      const { detector, warnings } = createDetector();
      detector.taskBlocked(crunch, 500);
      expect(detector.active).toBe(false);
      expect(warnings).toEqual([]);
    });

    it('reports nothing below the threshold', () => {
      const { detector, warnings } = createDetector();
      detector.activate();
      detector.taskBlocked(crunch, THRESHOLD_MS - 0.01);
      detector.close();
      expect(warnings).toEqual([]);
    });

    it('reports a block at or past the threshold, naming the task exactly', () => {
      const { detector, warnings } = createDetector({ lane: 'io', kind: 'thread' });
      detector.activate();
      const before = EPOCH + performance.now();
      detector.taskBlocked(crunch, THRESHOLD_MS);
      detector.taskBlocked({ id: 'id-2', name: 'second' }, 80);
      detector.close();
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatchObject({
        type: 'loop.blocked',
        lane: 'io',
        blockedMs: THRESHOLD_MS,
        task: { id: 'id-crunch', name: 'crunch', runMs: THRESHOLD_MS },
        suspects: [],
      });
      expect(warnings[0]!.at).toBeGreaterThanOrEqual(before);
      expect(warnings[0]!.message).toContain('Lane "io"');
      expect(warnings[0]!.message).toContain('task "crunch" (id-crunch)');
      expect(warnings[1]!.task?.name).toBe('second');
    });

    it('with threshold 0 is off: activate() starts nothing and nothing is reported', () => {
      const intervals = trackIntervals();
      const { detector, warnings } = createDetector({ thresholdMs: 0 });
      detector.activate();
      expect(detector.active).toBe(false);
      expect(detector.thresholdMs).toBe(0);
      detector.taskBlocked(crunch, 10_000);
      expect(warnings).toEqual([]);
      expect(intervals.created()).toBe(0);
    });
  });

  describe('.activate() and .deactivate()', () => {
    it('run one sentinel from the first watcher until the last one leaves', () => {
      const intervals = trackIntervals();
      const { detector } = createDetector();
      detector.activate();
      detector.activate();
      expect(detector.active).toBe(true);
      expect(intervals.created()).toBe(1);
      detector.deactivate();
      expect(detector.active).toBe(true);
      expect(intervals.live()).toBe(1);
      detector.deactivate();
      expect(detector.active).toBe(false);
      expect(intervals.live()).toBe(0);
      // One deactivate too many is harmless: the next watcher starts it again.
      detector.deactivate();
      detector.activate();
      expect(detector.active).toBe(true);
      detector.deactivate();
      expect(intervals.live()).toBe(0);
    });

    it('never keep the process alive', () => {
      const before = refedTimeouts();
      const { detector } = createDetector();
      detector.activate();
      expect(refedTimeouts()).toBe(before);
      detector.deactivate();
    });
  });

  describe('.close()', () => {
    it('stops the sentinel however many watchers there were', () => {
      const intervals = trackIntervals();
      const { detector, warnings } = createDetector();
      detector.activate();
      detector.activate();
      detector.close();
      expect(detector.active).toBe(false);
      expect(intervals.live()).toBe(0);
      detector.taskBlocked(crunch, 500);
      expect(warnings).toEqual([]);
      // The watchers left after a close find nothing to stop.
      detector.deactivate();
      expect(intervals.live()).toBe(0);
    });
  });

  describe('the sentinel, on simulated time', () => {
    /*
     * Fake intervals, and performance time set by the test around each step: a tick that fires
     * while performance time has jumped is exactly a timer that fired late. The loop's busy time
     * (`eventLoopUtilization`) moves with it, unless a step says the loop sat idle meanwhile.
     */
    let checkMs = 0;
    const sim = { now: 0, activeMs: 0 };

    function utilization(activeMs: number, idleMs: number): EventLoopUtilization {
      const total = activeMs + idleMs;
      return { active: activeMs, idle: idleMs, utilization: total > 0 ? activeMs / total : 0 };
    }

    /** `performance.eventLoopUtilization()` on the simulated loop. */
    function readUtilization(
      current?: EventLoopUtilization,
      previous?: EventLoopUtilization,
    ): EventLoopUtilization {
      if (current === undefined) return utilization(sim.activeMs, sim.now - sim.activeMs);
      const base = previous ?? utilization(0, 0);
      return utilization(current.active - base.active, current.idle - base.idle);
    }

    /** Runs `step` at performance time `ms`; the loop was busy since the last step unless `idle`. */
    function atPerformanceTime<T>(ms: number, step: () => T, { idle = false } = {}): T {
      if (!idle) sim.activeMs += ms - sim.now;
      sim.now = ms;
      const now = vi.spyOn(performance, 'now').mockReturnValue(ms);
      const elu = vi.spyOn(performance, 'eventLoopUtilization').mockImplementation(readUtilization);
      try {
        return step();
      } finally {
        now.mockRestore();
        elu.mockRestore();
      }
    }

    /** Activates `detector` at performance time 0 and learns its check interval. */
    function activateAtZero(detector: LoopBlockDetector): void {
      sim.now = 0;
      sim.activeMs = 0;
      const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
      atPerformanceTime(0, () => {
        detector.activate();
      });
      checkMs = setIntervalSpy.mock.calls[0]![1]!;
      setIntervalSpy.mockRestore();
    }

    /** The next tick fires at performance time `ms`. */
    function tickAt(ms: number, options?: { idle: boolean }): void {
      atPerformanceTime(ms, () => vi.advanceTimersToNextTimer(), options);
    }

    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    });

    it.each([
      [50, 25],
      [10, 10],
      [1, 10],
      [1_000, 100],
    ])(
      'with threshold %s ms checks every %s ms (half of it, within 10–100)',
      (threshold, every) => {
        const { detector } = createDetector({ thresholdMs: threshold });
        activateAtZero(detector);
        expect(checkMs).toBe(every);
        detector.close();
      },
    );

    it('reports a tick late by the threshold or more, naming the tasks running since the block began', () => {
      const runningSince = vi.fn((_since: number) => [longRunner]);
      const { detector, warnings } = createDetector({ runningSince });
      activateAtZero(detector);
      tickAt(checkMs + THRESHOLD_MS - 0.5);
      expect(warnings).toEqual([]);
      const lastTick = checkMs + THRESHOLD_MS - 0.5;
      tickAt(lastTick + checkMs + THRESHOLD_MS);
      expect(warnings).toHaveLength(1);
      const warning = warnings[0]!;
      expect(warning).toMatchObject({
        lane: 'main',
        blockedMs: THRESHOLD_MS,
        suspects: [longRunner],
      });
      expect(warning.task).toBeUndefined();
      expect(warning.at).toBe(EPOCH + lastTick + checkMs + THRESHOLD_MS);
      // The suspects are the tasks already running when the tick was due.
      expect(runningSince).toHaveBeenCalledOnce();
      // In performance time, as the block was measured (the lane's clock may be simulated).
      expect(runningSince).toHaveBeenCalledWith(warning.at - EPOCH - warning.blockedMs);
      detector.close();
    });

    it('reports nothing for a late tick while the loop sat idle (the OS gave it no CPU)', () => {
      const { detector, warnings } = createDetector();
      activateAtZero(detector);
      tickAt(checkMs + SPIN_MS, { idle: true });
      expect(warnings).toEqual([]);
      // The same lateness with the loop busy is a block.
      tickAt(checkMs + SPIN_MS + checkMs + SPIN_MS);
      expect(warnings).toHaveLength(1);
      detector.close();
    });

    it('counts a task that ended just before the late tick, if it started before the block', () => {
      const { detector, warnings } = createDetector();
      activateAtZero(detector);
      const blockEndsAt = checkMs + SPIN_MS;
      const since = checkMs; // when the late tick was due
      atPerformanceTime(blockEndsAt, () => {
        detector.taskEnded({ id: 'early', name: 'early', runMs: SPIN_MS }, since);
        detector.taskEnded({ id: 'late', name: 'late', runMs: SPIN_MS - 1 }, since + 1);
      });
      tickAt(blockEndsAt);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.suspects).toEqual([{ id: 'early', name: 'early', runMs: SPIN_MS }]);
      detector.close();
    });

    it('forgets the ended tasks at each tick, and remembers none while inactive', () => {
      const { detector, warnings } = createDetector();
      detector.taskEnded({ id: 'before', name: 'before', runMs: 0 }, -1_000);
      activateAtZero(detector);
      atPerformanceTime(1, () => {
        detector.taskEnded({ id: 'ended', name: 'ended', runMs: 0 }, -1_000);
      });
      tickAt(checkMs); // on time: nothing to report, and `ended` is forgotten
      tickAt(2 * checkMs + SPIN_MS);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.suspects).toEqual([]);
      detector.close();
    });

    it('keeps at most 32 ended tasks between two ticks', () => {
      const { detector, warnings } = createDetector();
      activateAtZero(detector);
      atPerformanceTime(SPIN_MS, () => {
        for (let i = 0; i < 40; i++) {
          detector.taskEnded({ id: `t${i}`, name: 'quick', runMs: SPIN_MS }, 0);
        }
      });
      tickAt(checkMs + SPIN_MS);
      expect(warnings[0]!.suspects).toHaveLength(32);
      detector.close();
    });

    it('does not report again a block taskBlocked already named, but reports the next one', () => {
      const { detector, warnings } = createDetector();
      activateAtZero(detector);
      atPerformanceTime(SPIN_MS, () => {
        detector.taskBlocked(crunch, SPIN_MS);
      });
      tickAt(SPIN_MS + 1);
      expect(warnings.map((w) => w.task?.name)).toEqual(['crunch']);
      tickAt(SPIN_MS + 1 + checkMs + SPIN_MS);
      expect(warnings).toHaveLength(2);
      expect(warnings[1]!.task).toBeUndefined();
      expect(warnings[1]!.blockedMs).toBe(SPIN_MS);
      detector.close();
    });

    it('stops ticking after the last deactivate', () => {
      const { detector, warnings } = createDetector();
      activateAtZero(detector);
      detector.deactivate();
      expect(vi.getTimerCount()).toBe(0);
      tickAt(10_000);
      expect(warnings).toEqual([]);
    });
  });

  describe('the sentinel, on the real loop', () => {
    it(`reports a real ${SPIN_MS} ms block with the running and the just-ended tasks as suspects`, async () => {
      const reported = deferred<LoopBlockedWarning>();
      const runningSince = vi.fn((_since: number) => [longRunner]);
      const { detector } = createDetector({
        runningSince,
        report: (warning) => {
          reported.resolve(warning);
        },
      });
      const intervals = trackIntervals();
      detector.activate();
      const endedStartedAt = performance.now();
      spin(SPIN_MS);
      const endedRunMs = performance.now() - endedStartedAt;
      detector.taskEnded({ id: 'ended', name: 'ended', runMs: endedRunMs }, endedStartedAt);
      // The first tick after the block is the late one: nothing can tick during the spin.
      const warning = await reported.promise;
      detector.deactivate();
      expect(warning.task).toBeUndefined();
      expect(warning.blockedMs).toBeGreaterThanOrEqual(THRESHOLD_MS);
      expect(warning.suspects.map((task) => task.id)).toEqual(['id-long', 'ended']);
      expect(warning.suspects[1]!.runMs).toBeGreaterThanOrEqual(SPIN_MS);
      // Performance time; `at` is read a moment after the tick measured the block.
      expect(runningSince.mock.calls[0]![0]).toBeCloseTo(warning.at - EPOCH - warning.blockedMs, 0);
      expect(warning.message).toContain('while 2 task(s) ran: "long", "ended"');
      expect(detector.active).toBe(false);
      expect(intervals.live()).toBe(0);
    });
  });
});
