import { afterEach, describe, expect, it } from 'vitest';
import { UnknownTaskError } from '../../src/errors.js';
import { LaneFeed } from '../../src/dashboard/LaneFeed.js';
import type { DashboardLane } from '../../src/dashboard/types.js';
import type { TaskState } from '../../src/taskState.js';
import type { TaskInfo, TaskTransition } from '../../src/tasks/types.js';
import { AsyncTask } from '../../src/index.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import { createHarness } from '../support/harness.js';
import { doneInfo } from '../support/taskInfoFixture.js';
import { fakeLane, type FakeLane } from './dashboardTestKit.js';

const T0 = 1_000_000;

/** A task waiting out the backoff after its attempt `attempt - 1` failed. */
function backingOff(id: string, attempt: number, runAfter: number): TaskInfo {
  return {
    ...doneInfo(id),
    state: 'SCHEDULED',
    ts: { submit: T0, schedule: T0, start: T0 + attempt },
    attempt,
    attempts: Array.from({ length: attempt - 1 }, (_, i) => ({
      attempt: i + 1,
      start: T0 + i,
      end: T0 + i + 0.5,
      state: 'FAILED' as const,
      error: { name: 'Error', message: `boom ${i + 1}` },
    })),
    runAfter,
  };
}

/** A lane double that knows the given live tasks by id. */
function laneWith(infos: Map<string, TaskInfo>, extra: Partial<FakeLane> = {}): FakeLane {
  return {
    ...fakeLane('main'),
    taskInfo: (id: string): TaskInfo => {
      const info = infos.get(id);
      if (info === undefined) throw new UnknownTaskError(id);
      return info;
    },
    ...extra,
  };
}

function transition(
  info: TaskInfo,
  from: TaskState,
  to: TaskState,
  reason?: 'retry',
): TaskTransition {
  return {
    id: info.id,
    name: info.name,
    lane: 'main',
    from,
    to,
    at: T0,
    info,
    ...(reason === undefined ? {} : { reason }),
  };
}

describe('LaneFeed', () => {
  const feeds: LaneFeed[] = [];
  afterEach(() => {
    for (const feed of feeds.splice(0)) feed.dispose();
  });
  function feedOf(lane: DashboardLane): LaneFeed {
    const feed = new LaneFeed(lane, 10);
    feeds.push(feed);
    return feed;
  }

  describe('waiting to retry', () => {
    it('lists the tasks waiting out a backoff, soonest first, with attempt and run after', () => {
      const late = backingOff('late', 2, T0 + 900);
      const soon = backingOff('soon', 3, T0 + 100);
      const lane = laneWith(new Map([late, soon].map((info) => [info.id, info])));
      const feed = feedOf(lane);
      lane.transitions.next(transition(late, 'STARTED', 'SCHEDULED', 'retry'));
      lane.transitions.next(transition(soon, 'STARTED', 'SCHEDULED', 'retry'));
      const { retrying } = feed.snapshot();
      expect(retrying.map((row) => [row.id, row.attempt, row.runAfter])).toEqual([
        ['soon', 3, T0 + 100],
        ['late', 2, T0 + 900],
      ]);
      expect(retrying[0]?.attempts).toEqual([
        { attempt: 1, state: 'FAILED', start: T0, end: T0 + 0.5, error: 'Error: boom 1' },
        { attempt: 2, state: 'FAILED', start: T0 + 1, end: T0 + 1.5, error: 'Error: boom 2' },
      ]);
    });

    it('drops a task once its next attempt starts, and lists no task that was not retried', () => {
      const retried = backingOff('r', 2, T0 + 50);
      const infos = new Map([[retried.id, retried]]);
      const lane = laneWith(infos);
      const feed = feedOf(lane);
      const plain = { ...doneInfo('plain'), state: 'SCHEDULED' as const };
      lane.transitions.next(transition(plain, 'SUBMITTED', 'SCHEDULED'));
      lane.transitions.next(transition(retried, 'STARTED', 'SCHEDULED', 'retry'));
      expect(feed.snapshot().retrying.map((row) => row.id)).toEqual(['r']);
      const running = { ...retried, state: 'STARTED' as const };
      infos.set(retried.id, running);
      lane.transitions.next(transition(running, 'SCHEDULED', 'STARTED'));
      expect(feed.snapshot().retrying).toEqual([]);
    });

    it("follows an AsyncScheduler's retries: listed while it waits out its backoff, then gone", async () => {
      const { scheduler, clock } = createHarness();
      let calls = 0;
      const flaky = new AsyncTask('flaky', () => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return calls;
      });
      const feed = feedOf(scheduler);
      const h = scheduler.submit(flaky, {
        retry: { attempts: 2, backoff: { delayMs: 1_000, jitter: false } },
      });
      await flushMicrotasks();
      const [row] = feed.snapshot().retrying;
      expect(row).toMatchObject({ id: h.id, attempt: 2, runAfter: clock.now() + 1_000 });
      expect(row?.attempts).toEqual([
        expect.objectContaining({ attempt: 1, state: 'FAILED', error: 'Error: first call fails' }),
      ]);
      expect(feed.snapshot().delayed).toBe(1);
      await clock.advance(1_000);
      expect(await h.result()).toBe(2);
      const view = feed.snapshot();
      expect(view.retrying).toEqual([]);
      expect(view.delayed).toBe(0);
      expect(view.slowestFinished[0]).toMatchObject({ id: h.id, attempt: 2 });
      expect(view.timeline.find((entry) => entry.id === h.id)).toMatchObject({
        state: 'DONE',
        attempt: 2,
      });
    });

    it('seeds from the retried tasks a lane already had waiting', () => {
      const waiting = backingOff('w', 2, T0 + 10);
      const lane = laneWith(new Map([[waiting.id, waiting]]), {
        dumpTask: () => [waiting, doneInfo('finished')],
      });
      expect(
        feedOf(lane)
          .snapshot()
          .retrying.map((row) => row.id),
      ).toEqual(['w']);
    });

    it('forgets a task its lane no longer knows, rather than failing the flush', () => {
      const gone = backingOff('gone', 2, T0);
      const lane = laneWith(new Map());
      const feed = feedOf(lane);
      lane.transitions.next(transition(gone, 'STARTED', 'SCHEDULED', 'retry'));
      expect(feed.snapshot().retrying).toEqual([]);
    });
  });

  describe('rows of retried tasks', () => {
    it('carry the attempt when past the first and the earlier attempts, and nothing for a plain task', () => {
      const { runAfter, ...waiting } = backingOff('f', 3, T0);
      expect(runAfter).toBe(T0);
      const finishedInfo: TaskInfo = {
        ...waiting,
        state: 'DONE',
        ts: { submit: T0, start: T0 + 3, done: T0 + 4 },
        runMs: 1,
      };
      const lane = laneWith(new Map(), {
        slowest: (_n, { running }) => (running ? [] : [finishedInfo, doneInfo('plain', 2)]),
      });
      const [retried, plain] = feedOf(lane).snapshot().slowestFinished;
      expect(retried).toMatchObject({ id: 'f', attempt: 3 });
      expect(retried?.attempts).toHaveLength(2);
      expect(plain).not.toHaveProperty('attempt');
      expect(plain).not.toHaveProperty('attempts');
      expect(plain).not.toHaveProperty('runAfter');
    });
  });

  describe('delayed', () => {
    it("shows the lane's delayed count live, and none for a lane that does not count", () => {
      let delayed = 5;
      const counting = {
        ...fakeLane('main'),
        get delayedCount() {
          return delayed;
        },
      };
      const feed = feedOf(counting);
      expect(feed.snapshot().delayed).toBe(5);
      delayed = 2;
      expect(feed.takeUpdate().delayed).toBe(2);
      expect(feedOf(fakeLane('plain')).snapshot()).not.toHaveProperty('delayed');
    });
  });
});
