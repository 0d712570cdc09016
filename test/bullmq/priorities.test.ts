import { Queue } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { AsyncTask, TaskState, type TaskContext } from '../../src/index.js';
import { describeWithRedis, queueUnderTest, untilState } from './support/bullmqTestKit.js';

/** A worker handler that writes down the label (first argument) of each task it runs. */
function recorder(order: string[]) {
  return ({ args: [label] }: TaskContext): string => {
    order.push(String(label));
    return String(label);
  };
}

const mark = new AsyncTask<[string]>('mark', { handler: 'mark' });

describeWithRedis('BullMQScheduler', () => {
  describe('priorities', () => {
    it('starts higher priorities first, and equal ones in submit order, on one worker', async () => {
      const lane = queueUnderTest('priority-order');
      const order: string[] = [];
      await lane.worker({ concurrency: 1, handlers: { mark: recorder(order) } });
      const s = lane.scheduler();
      s.pause();
      expect(s.isPaused).toBe(true);
      const priorities = [0, 5, -3, 5, 10, 0, -3, 1_000_000, -1_000_000];
      const ids = priorities.map(
        (priority, i) => s.submit(mark, { args: [`${priority}#${i}`], priority }).id,
      );
      await Promise.all(ids.map((id) => untilState(s, id, TaskState.SCHEDULED)));

      s.resume();
      await s.onIdle();

      expect(s.isPaused).toBe(false);
      expect(order).toEqual([
        '1000000#7',
        '10#4',
        '5#1',
        '5#3',
        '0#0',
        '0#5',
        '-3#2',
        '-3#6',
        '-1000000#8',
      ]);
      expect(ids.map((id) => s.taskInfo(id).priority)).toEqual(priorities);
    });

    it("gives a waiting task's job in Redis its new priority", async () => {
      const lane = queueUnderTest('priority-job');
      const s = lane.scheduler();
      const id = s.submitTask(mark, 'a');
      await untilState(s, id, TaskState.SCHEDULED);
      const queue = new Queue(lane.queue, { connection: { url: lane.url } });
      try {
        const priorityInRedis = async (): Promise<number | undefined> =>
          (await queue.getJob(id))?.priority;
        const before = await priorityInRedis();

        expect(s.setPriority(id, 7)).toBe(true);

        // BullMQ: 1 is its first; the lane maps higher-first onto it.
        await vi.waitFor(async () => {
          expect(await priorityInRedis()).toBe(before! - 7);
        });
      } finally {
        await queue.close();
      }
    });

    it('has a setPriority() called before resume() in effect when the queue resumes', async () => {
      const lane = queueUnderTest('priority-set');
      const order: string[] = [];
      await lane.worker({ concurrency: 1, handlers: { mark: recorder(order) } });
      const s = lane.scheduler();
      s.pause();
      const [a, b, c] = ['a', 'b', 'c'].map((label) => s.submitTask(mark, label));
      await untilState(s, c!, TaskState.SCHEDULED);

      expect(s.setPriority(c!, 10)).toBe(true);
      expect(s.setPriority(a!, -10)).toBe(true);
      expect(s.taskInfo(c!).priority).toBe(10);
      s.resume();
      await s.onIdle();

      expect(order).toEqual(['c', 'b', 'a']);
      expect(s.setPriority(b!, 5)).toBe(false);
    });
  });
});
