import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { AsyncTask, QueueFullError, TaskState, type TaskContext } from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import {
  describeWithRedis,
  queueUnderTest,
  untilState,
  type QueueUnderTest,
} from './support/bullmqTestKit.js';

/** Runs `check` with a BullMQ Queue on the lane's queue, read straight from Redis. */
async function withQueue<T>(lane: QueueUnderTest, check: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(lane.queue, { connection: { url: lane.url } });
  try {
    return await check(queue);
  } finally {
    await queue.close();
  }
}

/** When each of `ids` first went active, by the queue's event stream (Redis's clock), in order. */
async function activeTimes(lane: QueueUnderTest, ids: readonly string[]): Promise<number[]> {
  const client = new Redis(lane.url);
  try {
    const entries = await client.xrange(`bull:${lane.queue}:events`, '-', '+');
    const first = new Map<string, number>();
    for (const [entryId, fields] of entries) {
      const field = (name: string): string | undefined => fields[fields.indexOf(name) + 1];
      const jobId = field('jobId');
      if (field('event') === 'active' && jobId !== undefined && !first.has(jobId)) {
        first.set(jobId, Number(entryId.split('-')[0]));
      }
    }
    return ids.map((id) => first.get(id) ?? NaN).sort((a, b) => a - b);
  } finally {
    client.disconnect();
  }
}

/** A handler that counts how many of its bodies run at once, each for a few event-loop turns. */
function concurrencyMeter(): { handler: (ctx: TaskContext) => Promise<void>; max: () => number } {
  let running = 0;
  let max = 0;
  return {
    handler: async () => {
      running++;
      max = Math.max(max, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
    },
    max: () => max,
  };
}

const work = new AsyncTask('work', { handler: 'work' });

describeWithRedis('BullMQScheduler', () => {
  describe('flow control', () => {
    it('holds every worker of the queue to the global concurrency', async () => {
      const lane = queueUnderTest('flow-concurrency');
      const meter = concurrencyMeter();
      await lane.worker({ concurrency: 3, handlers: { work: meter.handler } });
      await lane.worker({ concurrency: 3, handlers: { work: meter.handler } });
      const s = lane.scheduler({ concurrency: 1 });

      for (let i = 0; i < 6; i++) s.submitTask(work);
      await s.onIdle();

      expect(meter.max()).toBe(1);
      expect(s.concurrency).toBe(1);
    });

    it('sets the global concurrency in Redis when assigned, and removes it with Infinity', async () => {
      const lane = queueUnderTest('flow-concurrency-set');
      const s = lane.scheduler();

      s.concurrency = 4;
      expect(s.concurrency).toBe(4);
      await vi.waitFor(() =>
        withQueue(lane, async (queue) => {
          expect(await queue.getGlobalConcurrency()).toBe(4);
        }),
      );
      s.concurrency = Infinity;
      await vi.waitFor(() =>
        withQueue(lane, async (queue) => {
          expect(await queue.getGlobalConcurrency()).toBeNull();
        }),
      );
    });

    it('starts no more than rateLimit.max tasks in a window of rateLimit.perMs', async () => {
      const lane = queueUnderTest('flow-rate');
      await lane.worker({ concurrency: 4, handlers: { work: () => 'ok' } });
      const perMs = 400;
      const s = lane.scheduler({ rateLimit: { max: 2, perMs } });

      const ids = [1, 2, 3, 4].map(() => s.submitTask(work));
      await s.onIdle();

      expect(await withQueue(lane, (queue) => queue.getGlobalRateLimit())).toMatchObject({
        max: 2,
        duration: perMs,
      });
      // When each job went active, by Redis's own clock (BullMQ's window is a fixed one from the
      // first start in it).
      const starts = await activeTimes(lane, ids);
      expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(perMs);
      expect(starts[3]! - starts[1]!).toBeGreaterThanOrEqual(perMs);
    });

    it('pauses the queue in Redis, for every worker, until resume()', async () => {
      const lane = queueUnderTest('flow-pause');
      const s = lane.scheduler();
      s.pause();
      const id = s.submitTask(work);
      await untilState(s, id, TaskState.SCHEDULED);
      expect(await withQueue(lane, (queue) => queue.isPaused())).toBe(true);
      await lane.worker({ handlers: { work: () => 'ok' } });

      s.resume();

      expect((await s.waitTask(id)).state).toBe(TaskState.DONE);
      expect(await withQueue(lane, (queue) => queue.isPaused())).toBe(false);
    });

    it("resumes at stop() the queue it paused, so another scheduler's tasks run", async () => {
      const lane = queueUnderTest('flow-pause-stop');
      const pausing = lane.scheduler({ name: 'pausing' });
      const other = lane.scheduler({ name: 'other' });
      pausing.pause();
      const id = other.submitTask(work);
      await untilState(other, id, TaskState.SCHEDULED);
      expect(await withQueue(lane, (queue) => queue.isPaused())).toBe(true);
      await lane.worker({ handlers: { work: () => 'ok' } });

      await pausing.stop();

      expect(await withQueue(lane, (queue) => queue.isPaused())).toBe(false);
      expect(await other.result(id)).toBe('ok');
    });

    it('refuses a submit past maxQueued with QueueFullError, adding nothing', async () => {
      const lane = queueUnderTest('flow-max-queued');
      const s = lane.scheduler({ maxQueued: 2 });
      s.submitTask(work);
      s.submitTask(work);

      expect(() => s.submitTask(work)).toThrow(QueueFullError);
      expect(s.queuedCount).toBe(2);
      expect(s.dumpTask()).toHaveLength(2);
    });

    it('resolves onEmpty() once nothing waits, while tasks still run, and onIdle() once they end', async () => {
      const lane = queueUnderTest('flow-empty');
      const gates = { first: deferred<string>(), second: deferred<string>() };
      await lane.worker({
        concurrency: 1,
        handlers: { held: ({ args: [gate] }: TaskContext) => gates[gate as 'first'].promise },
      });
      const s = lane.scheduler();
      const held = new AsyncTask<['first' | 'second']>('held', { handler: 'held' });
      const first = s.submitTask(held, 'first');
      const second = s.submitTask(held, 'second');
      await untilState(s, first, TaskState.STARTED);
      expect(s.queuedCount).toBe(1);

      gates.first.resolve('done');
      await s.onEmpty();

      expect(s.queuedCount).toBe(0);
      expect(s.taskState(second)).toBe(TaskState.STARTED);
      gates.second.resolve('done');
      await s.onIdle();
      expect([s.taskState(first), s.taskState(second)]).toEqual([TaskState.DONE, TaskState.DONE]);
      expect(s.runningCount).toBe(0);
    });
  });
});
