import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AsyncTask, TaskState } from '../../src/index.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  untilState,
} from './support/bullmqTestKit.js';

const DELAY_MS = 400;

/** When the task entered STARTED, from the log. */
function startOf(log: ReturnType<typeof logTransitions>, id: string): number | undefined {
  return log.all.find((t) => t.id === id && t.to === TaskState.STARTED)?.at;
}

describeWithRedis('BullMQScheduler', () => {
  describe('delays', () => {
    it('keeps a task with delayMs SCHEDULED as a delayed job, and starts it no sooner than runAfter', async () => {
      const lane = queueUnderTest('delay-ms');
      await lane.worker({ handlers: { now: () => 'ran' } });
      const s = lane.scheduler();
      const log = logTransitions(s);

      const id = s.submit(new AsyncTask('now', { handler: 'now' }), { delayMs: DELAY_MS }).id;
      const scheduled = await untilState(s, id, TaskState.SCHEDULED);

      expect(scheduled.runAfter).toBe(scheduled.ts.submit! + DELAY_MS);
      expect(s.delayedCount).toBe(1);
      const queue = new Queue(lane.queue, { connection: { url: lane.url } });
      try {
        expect(await queue.getJobState(id)).toBe('delayed');
      } finally {
        await queue.close();
      }
      expect(await s.result(id)).toBe('ran');
      expect(startOf(log, id)).toBeGreaterThanOrEqual(scheduled.runAfter!);
      expect(s.delayedCount).toBe(0);
    });

    it('starts a task with runAt no sooner than that time', async () => {
      const lane = queueUnderTest('delay-run-at');
      await lane.worker({ handlers: { now: () => 'ran' } });
      const s = lane.scheduler();
      const log = logTransitions(s);
      const runAt = new Date(Date.now() + DELAY_MS);

      const id = s.submit(new AsyncTask('now', { handler: 'now' }), { runAt }).id;

      expect(s.taskInfo(id).runAfter).toBe(runAt.getTime());
      expect(await s.result(id)).toBe('ran');
      expect(startOf(log, id)).toBeGreaterThanOrEqual(runAt.getTime());
    });

    it("applies the task's own delayMs", async () => {
      const lane = queueUnderTest('delay-task');
      await lane.worker({ handlers: { now: () => 'ran' } });
      const s = lane.scheduler();
      const log = logTransitions(s);

      const id = s.submitTask(new AsyncTask('now', { handler: 'now' }, { delayMs: DELAY_MS }));
      const { runAfter } = s.taskInfo(id);
      await s.waitTask(id);

      expect(runAfter).toBe(s.taskInfo(id).ts.submit! + DELAY_MS);
      expect(startOf(log, id)).toBeGreaterThanOrEqual(runAfter!);
    });

    it('holds back no ready task: one submitted after a delayed task runs first', async () => {
      const lane = queueUnderTest('delay-ready');
      const order: string[] = [];
      await lane.worker({
        concurrency: 1,
        handlers: {
          mark: ({ args: [label] }: { args: readonly unknown[] }) => {
            order.push(String(label));
          },
        },
      });
      const s = lane.scheduler();
      const mark = new AsyncTask<[string]>('mark', { handler: 'mark' });

      const delayed = s.submit(mark, { args: ['delayed'], delayMs: DELAY_MS }).id;
      const ready = s.submitTask(mark, 'ready');
      await Promise.all([s.waitTask(ready), s.waitTask(delayed)]);

      expect(order).toEqual(['ready', 'delayed']);
    });
  });
});
