import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { BullMQScheduler } from '../../src/bullmq/index.js';
import {
  AsyncTask,
  TaskState,
  isFinished,
  type TaskContext,
  type TaskInfo,
} from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import { ManualClock } from '../support/ManualClock.js';
import { describeWithRedis, queueUnderTest, untilState } from './support/bullmqTestKit.js';

const echo = new AsyncTask<[string], string>('echo', { handler: 'echo' });
const echoHandler = ({ args: [label] }: TaskContext): string => String(label);
const EVERY_MS = 1_000;

/** The info of the next task of `scheduler` to reach a final state, once it has. */
function nextFinished(scheduler: BullMQScheduler): Promise<TaskInfo> {
  return firstValueFrom(scheduler.transitions$.pipe(filter((t) => isFinished(t.to)))).then(
    (t) => t.info,
  );
}

/** Moves `clock` one due time on and resolves once the occurrence it submitted has ended. */
async function runOccurrence(
  scheduler: BullMQScheduler,
  clock: ManualClock,
  ms: number,
): Promise<TaskInfo> {
  const finished = nextFinished(scheduler);
  await clock.advance(ms);
  return finished;
}

/** A scheduler on a manual clock, with a worker whose bodies all wait for `release`. */
async function heldLane(prefix: string): Promise<{
  s: BullMQScheduler;
  clock: ManualClock;
  release: (value: string) => void;
}> {
  const lane = queueUnderTest(prefix);
  const gate = deferred<string>();
  await lane.worker({ handlers: { echo: () => gate.promise } });
  const clock = new ManualClock();
  return { s: lane.scheduler({ clock }), clock, release: gate.resolve };
}

/** Moves `clock` to the first due time and resolves with the occurrence once a worker runs it. */
async function firstOccurrenceStarted(s: BullMQScheduler, clock: ManualClock): Promise<TaskInfo> {
  await clock.advance(EVERY_MS);
  const [occurrence] = s.dumpTask();
  if (occurrence === undefined)
    throw new Error('no occurrence was submitted at the first due time');
  return untilState(s, occurrence.id, TaskState.STARTED);
}

describeWithRedis('BullMQScheduler', () => {
  describe('.repeat()', () => {
    it("submits an occurrence at each 'every' due time of its clock, each a job a worker runs to DONE, up to its limit", async () => {
      const lane = queueUnderTest('repeat-every');
      await lane.worker({ handlers: { echo: echoHandler } });
      const clock = new ManualClock();
      const s = lane.scheduler({ clock });
      const start = clock.now();

      const r = s.repeat(echo, { every: EVERY_MS, limit: 2, args: ['tick'] });
      expect(r.nextRunAt()).toBe(start + EVERY_MS);
      const first = await runOccurrence(s, clock, EVERY_MS);
      expect(r.nextRunAt()).toBe(start + 2 * EVERY_MS);
      const second = await runOccurrence(s, clock, EVERY_MS);
      await clock.advance(5 * EVERY_MS);

      expect([first, second].map((info) => [info.state, info.result, info.repeatId])).toEqual([
        [TaskState.DONE, 'tick', r.id],
        [TaskState.DONE, 'tick', r.id],
      ]);
      expect([first.ts.submit, second.ts.submit]).toEqual([start + EVERY_MS, start + 2 * EVERY_MS]);
      expect(r.nextRunAt()).toBeUndefined();
      expect(s.dumpTask()).toHaveLength(2);
    });

    it('submits an occurrence at each match of its cron expression on its clock', async () => {
      const lane = queueUnderTest('repeat-cron');
      await lane.worker({ handlers: { echo: echoHandler } });
      // Midnight UTC: the expression's matches are whole 10 s marks of the clock.
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      const s = lane.scheduler({ clock });

      const r = s.repeat(echo, { cron: '*/10 * * * * *', timezone: 'UTC', args: ['cron'] });
      expect(r.nextRunAt()).toBe(Date.UTC(2026, 0, 1, 0, 0, 10));
      const first = await runOccurrence(s, clock, 10_000);
      const second = await runOccurrence(s, clock, 10_000);
      r.cancel();

      expect([first, second].map((info) => [info.state, info.result, info.ts.submit])).toEqual([
        [TaskState.DONE, 'cron', Date.UTC(2026, 0, 1, 0, 0, 10)],
        [TaskState.DONE, 'cron', Date.UTC(2026, 0, 1, 0, 0, 20)],
      ]);
    });

    it('submits nothing at a due time while the previous occurrence still runs (overlap: skip)', async () => {
      const { s, clock, release } = await heldLane('repeat-skip');
      const r = s.repeat(echo, { every: EVERY_MS, args: ['slow'] });
      const running = await firstOccurrenceStarted(s, clock);

      await clock.advance(3 * EVERY_MS);
      release('finished');
      r.cancel();

      expect(await s.waitTask(running.id)).toMatchObject({ state: TaskState.DONE });
      expect(s.dumpTask().map((info) => info.id)).toEqual([running.id]);
    });

    it('ends a schedule at cancel(): no occurrence after it, the one running goes on to DONE', async () => {
      const { s, clock, release } = await heldLane('repeat-cancel');
      const r = s.repeat(echo, { every: EVERY_MS, overlap: 'allow', args: ['x'] });
      const running = await firstOccurrenceStarted(s, clock);

      r.cancel();
      r.cancel();
      await clock.advance(5 * EVERY_MS);
      release('finished');

      expect(r.nextRunAt()).toBeUndefined();
      expect(await s.waitTask(running.id)).toMatchObject({ state: TaskState.DONE });
      expect(s.dumpTask()).toHaveLength(1);
    });

    it('ends every schedule at stop(), which drains the occurrence running and leaves no timer', async () => {
      const { s, clock, release } = await heldLane('repeat-stop');
      const every = s.repeat(echo, { every: EVERY_MS, overlap: 'allow', args: ['every'] });
      const cron = s.repeat(echo, { cron: '0 0 * * *', args: ['daily'] });
      const running = await firstOccurrenceStarted(s, clock);

      const stopped = s.stop();
      await clock.advance(5 * EVERY_MS);
      release('finished');
      await stopped;

      expect([every.nextRunAt(), cron.nextRunAt()]).toEqual([undefined, undefined]);
      expect(s.dumpTask().map((info) => [info.id, info.state])).toEqual([
        [running.id, TaskState.DONE],
      ]);
      expect(clock.pendingTimers).toBe(0);
      expect(() => s.repeat(echo, { every: EVERY_MS, args: ['late'] })).toThrow(/stopped/i);
    });
  });
});
