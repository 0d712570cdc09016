import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AsyncTask, TaskState, type TaskContext } from '../../src/index.js';
import { describeWithRedis, queueUnderTest, type QueueUnderTest } from './support/bullmqTestKit.js';

const pass = new AsyncTask<[string], string>('pass', { handler: 'pass' });
const fail = new AsyncTask<[string]>('fail', { handler: 'fail' });
const handlers = {
  pass: ({ args: [label] }: TaskContext) => String(label),
  fail: ({ args: [label] }: TaskContext) => {
    throw new Error(`failed ${String(label)}`);
  },
};

/** Reads the lane's queue straight from Redis. */
async function withQueue<T>(lane: QueueUnderTest, read: (queue: Queue) => Promise<T>): Promise<T> {
  // skipMetasUpdate: a Queue would otherwise reset the queue's settings to its own defaults.
  const queue = new Queue(lane.queue, { connection: { url: lane.url }, skipMetasUpdate: true });
  try {
    return await read(queue);
  } finally {
    await queue.close();
  }
}

describeWithRedis('BullMQScheduler', () => {
  describe('keepJobs', () => {
    it('keeps the newest finished jobs in Redis, as many as it says, with how they ended', async () => {
      const lane = queueUnderTest('keep-jobs');
      await lane.worker({ handlers });
      const s = lane.scheduler({ keepJobs: { completed: 2, failed: 1 } });

      const passed = ['p1', 'p2', 'p3', 'p4'].map((label) => s.submitTask(pass, label));
      const failed = ['f1', 'f2', 'f3'].map((label) => s.submitTask(fail, label));
      await s.onIdle();
      const kept = await withQueue(lane, async (queue) => ({
        completed: (await queue.getCompleted()).map((job) => [job.id, job.returnvalue as unknown]),
        failed: (await queue.getFailed()).map((job) => [job.id, job.failedReason]),
      }));

      // One worker runs them one at a time, in submit order: the last to end are the newest.
      expect(kept.completed).toEqual([
        [passed[3], 'p4'],
        [passed[2], 'p3'],
      ]);
      expect(kept.failed).toEqual([[failed[2], 'failed f3']]);
      expect(s.dumpTask().map((info) => info.state)).toEqual([
        ...passed.map(() => TaskState.DONE),
        ...failed.map(() => TaskState.FAILED),
      ]);
    });

    it('keeps 1000 completed and 5000 failed jobs when not given', async () => {
      const lane = queueUnderTest('keep-jobs-default');
      await lane.worker({ handlers });
      const s = lane.scheduler();

      const ids = [s.submitTask(pass, 'p'), s.submitTask(fail, 'f')];
      await s.onIdle();
      const options = await withQueue(lane, (queue) =>
        Promise.all(ids.map(async (id) => (await queue.getJob(id))?.opts)),
      );

      expect(options).toEqual([
        expect.objectContaining({
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 5000 },
        }),
        expect.objectContaining({
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 5000 },
        }),
      ]);
    });
  });
});
