import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AsyncTask, SchedulerErrorCode, TaskState, type TaskContext } from '../../src/index.js';
import { CANCEL_STREAM_TTL_MS } from '../../src/scheduler/placements/bullmq/cancelStream.js';
import { caught, deferred } from '../support/deferred.js';
import { openRedisClient } from '../support/redisClient.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
  startWorkerProcess,
  untilState,
  type QueueUnderTest,
} from './support/bullmqTestKit.js';

/** The job's state in Redis, or undefined once it is gone. */
async function jobState(lane: QueueUnderTest, id: string): Promise<string | undefined> {
  const queue = new Queue(lane.queue, { connection: { url: lane.url } });
  try {
    const job = await queue.getJob(id);
    return job === undefined ? undefined : await job.getState();
  } finally {
    await queue.close();
  }
}

/** Worker handlers: `mark` writes its label down; `untilAborted` runs until its signal aborts. */
function handlers(order: string[], aborted: (label: string, reason: unknown) => void) {
  return {
    mark: ({ args: [label] }: TaskContext) => {
      order.push(String(label));
      return String(label);
    },
    untilAborted: ({ args: [label], signal }: TaskContext): Promise<never> => {
      order.push(String(label));
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted(String(label), signal.reason);
          reject(signal.reason as Error);
        });
      });
    },
  };
}

const mark = new AsyncTask<[string]>('mark', { handler: 'mark' });
const untilAborted = new AsyncTask<[string]>('untilAborted', { handler: 'untilAborted' });

describeWithRedis('BullMQScheduler', () => {
  describe('.cancelTask()', () => {
    it('removes a waiting job: the task ends CANCELED and never runs', async () => {
      const lane = queueUnderTest('cancel-waiting');
      const s = lane.scheduler();
      const log = logTransitions(s);
      const canceled = s.submitTask(mark, 'canceled');
      const next = s.submitTask(mark, 'next');
      await untilState(s, next, TaskState.SCHEDULED);

      expect(await s.cancelTask(canceled, 'not wanted')).toBe(true);

      const info = s.taskInfo(canceled);
      expect(info).toMatchObject({ state: TaskState.CANCELED, reason: 'not wanted' });
      expect(info.error).toMatchObject({ code: SchedulerErrorCode.TASK_CANCELED });
      expect(stampProblems(info)).toEqual([]);
      expect(log.steps(canceled)).toEqual([
        'NEW→SUBMITTED',
        'SUBMITTED→SCHEDULED',
        'SCHEDULED→CANCELED',
      ]);
      expect(await jobState(lane, canceled)).toBeUndefined();
      // One worker, one job at a time, in submit order: the canceled task would have come first.
      const order: string[] = [];
      await lane.worker({ concurrency: 1, handlers: handlers(order, () => undefined) });
      await s.waitTask(next);
      expect(order).toEqual(['next']);
      expect(await caught(() => s.result(canceled))).toMatchObject({
        code: SchedulerErrorCode.TASK_CANCELED,
      });
    });

    it('cancels a task whose job is on its way to Redis: it never runs', async () => {
      const lane = queueUnderTest('cancel-adding');
      const order: string[] = [];
      await lane.worker({ concurrency: 1, handlers: handlers(order, () => undefined) });
      const s = lane.scheduler();
      const canceled = s.submitTask(mark, 'canceled');
      const next = s.submitTask(mark, 'next');
      // The batch of this turn is being sent (its add awaits Redis).
      await new Promise((resolve) => setImmediate(resolve));

      expect(await s.cancelTask(canceled)).toBe(true);

      expect(s.taskState(canceled)).toBe(TaskState.CANCELED);
      await s.waitTask(next);
      expect(order).not.toContain('canceled');
    });

    it('removes a delayed job', async () => {
      const lane = queueUnderTest('cancel-delayed');
      const s = lane.scheduler();
      const id = s.submit(mark, { args: ['later'], delayMs: 60_000 }).id;
      await untilState(s, id, TaskState.SCHEDULED);
      expect(await jobState(lane, id)).toBe('delayed');

      expect(await s.cancelTask(id)).toBe(true);

      expect(s.taskState(id)).toBe(TaskState.CANCELED);
      expect(s.delayedCount).toBe(0);
      expect(await jobState(lane, id)).toBeUndefined();
    });

    it("aborts an active job's signal on its worker, and does not retry it", async () => {
      const lane = queueUnderTest('cancel-active');
      const order: string[] = [];
      const reason = deferred();
      await lane.worker({
        handlers: handlers(order, (_, why) => {
          reason.resolve(why);
        }),
      });
      const s = lane.scheduler();
      const id = s.submit(untilAborted, { args: ['running'], retry: { attempts: 3 } }).id;
      await untilState(s, id, TaskState.STARTED);

      expect(await s.cancelTask(id, 'user gave up')).toBe(true);

      expect(await reason.promise).toMatchObject({
        code: SchedulerErrorCode.TASK_CANCELED,
        message: expect.stringContaining('user gave up') as string,
      });
      const info = s.taskInfo(id);
      expect(info).toMatchObject({
        state: TaskState.CANCELED,
        reason: 'user gave up',
        attempt: 1,
        attempts: [],
      });
      expect(stampProblems(info)).toEqual([]);
      expect(await jobState(lane, id)).toBe('failed');
      expect(order).toEqual(['running']);
    });

    it('sends the cancel on a bounded, expiring stream of its own, not the event stream', async () => {
      const lane = queueUnderTest('cancel-stream');
      const aborted = deferred<string>();
      await lane.worker({
        handlers: handlers([], () => {
          aborted.resolve('aborted');
        }),
      });
      const s = lane.scheduler();
      const id = s.submitTask(untilAborted, 'running');
      await untilState(s, id, TaskState.STARTED);

      expect(await s.cancelTask(id, 'enough')).toBe(true);
      await aborted.promise;

      const client = await openRedisClient(lane.url);
      try {
        const key = `bull:${lane.queue}:async-scheduler:cancels`;
        const entries = await client.xrange(key, '-', '+');
        expect(entries.map(([, fields]) => fields)).toEqual([['jobId', id, 'reason', 'enough']]);
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(CANCEL_STREAM_TTL_MS);
        // The queue's event stream tells of the attempt's end (the worker's report), not the cancel.
        const events = await client.xrange(`bull:${lane.queue}:events`, '-', '+');
        const names = events.map(([, fields]) => fields[fields.indexOf('event') + 1]);
        expect(names).toContain('async-scheduler:attempt');
        expect(names).not.toContain('async-scheduler:cancel');
      } finally {
        client.disconnect();
      }
    });

    it('reaches an active job on a worker in another process', async () => {
      const lane = queueUnderTest('cancel-remote');
      const child = await startWorkerProcess(lane);
      const s = lane.scheduler();
      const id = s.submitTask(untilAborted, 'remote');
      await child.waitForOutput(/^started remote$/m);

      expect(await s.cancelTask(id, 'stop that')).toBe(true);

      expect(s.taskInfo(id)).toMatchObject({ state: TaskState.CANCELED, reason: 'stop that' });
      expect((await child.waitForOutput(/^aborted remote (.*)$/m))[1]).toContain('stop that');
    });

    it('reaches every job of a batch canceled the moment each goes active', async () => {
      const lane = queueUnderTest('cancel-at-start');
      const order: string[] = [];
      const aborted: string[] = [];
      await lane.worker({
        concurrency: 4,
        handlers: handlers(order, (label) => aborted.push(label)),
      });
      // A cancel no worker heeds ends here after lostWorkerMs, its body running on: the aborts
      // the bodies saw tell the two apart.
      const s = lane.scheduler({ lostWorkerMs: 2_000 });
      s.transitions$.subscribe((t) => {
        if (t.to === TaskState.STARTED) void s.cancelTask(t.id, 'at once');
      });
      const labels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

      const ids = labels.map((label) => s.submitTask(untilAborted, label));
      const infos = await Promise.all(ids.map((id) => s.waitTask(id)));

      expect(infos.map((info) => [info.state, info.reason])).toEqual(
        labels.map(() => [TaskState.CANCELED, 'at once']),
      );
      expect([...aborted].sort()).toEqual(labels);
    });

    it('cancels a task waiting out its backoff: it does not run again', async () => {
      const lane = queueUnderTest('cancel-backoff');
      let calls = 0;
      await lane.worker({
        handlers: {
          flaky: () => {
            calls++;
            throw new Error('try later');
          },
        },
      });
      const s = lane.scheduler();
      const log = logTransitions(s);
      const id = s.submit(new AsyncTask('flaky', { handler: 'flaky' }), {
        retry: { attempts: 3, backoff: { delayMs: 60_000, maxDelayMs: 60_000, jitter: false } },
      }).id;
      const retrying = new Promise<void>((resolve) => {
        s.transitions$.subscribe((t) => {
          if (t.id === id && t.reason === 'retry') resolve();
        });
      });
      await retrying;

      expect(await s.cancelTask(id)).toBe(true);

      expect(s.taskInfo(id)).toMatchObject({ state: TaskState.CANCELED, attempt: 2 });
      expect(log.steps(id).slice(-2)).toEqual(['STARTED→SCHEDULED', 'SCHEDULED→CANCELED']);
      expect(await jobState(lane, id)).toBeUndefined();
      expect(calls).toBe(1);
    });

    it('cancels a task whose submit signal aborts', async () => {
      const lane = queueUnderTest('cancel-signal');
      const order: string[] = [];
      await lane.worker({ handlers: handlers(order, () => undefined) });
      const s = lane.scheduler();
      const controller = new AbortController();
      const id = s.submit(untilAborted, { args: ['signal'], signal: controller.signal }).id;
      await untilState(s, id, TaskState.STARTED);

      controller.abort(new Error('caller left'));

      expect(await s.waitTask(id)).toMatchObject({
        state: TaskState.CANCELED,
        reason: 'caller left',
      });
    });

    it('returns false for a final task, and true for only one of two cancels', async () => {
      const lane = queueUnderTest('cancel-once');
      const order: string[] = [];
      await lane.worker({ handlers: handlers(order, () => undefined) });
      const s = lane.scheduler();
      const done = s.submitTask(mark, 'done');
      await s.waitTask(done);
      const running = s.submitTask(untilAborted, 'running');
      await untilState(s, running, TaskState.STARTED);

      const results = await Promise.all([s.cancelTask(running), s.cancelTask(running)]);

      expect(await s.cancelTask(done)).toBe(false);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(s.taskState(running)).toBe(TaskState.CANCELED);
    });

    it("returns false for another scheduler's task, which goes on", async () => {
      const lane = queueUnderTest('cancel-foreign');
      const release = deferred<string>();
      await lane.worker({ handlers: { held: () => release.promise } });
      const owner = lane.scheduler({ name: 'owner' });
      const other = lane.scheduler({ name: 'other' });
      const id = owner.submitTask(new AsyncTask('held', { handler: 'held' }));
      await untilState(owner, id, TaskState.STARTED);

      expect(await other.cancelTask(id)).toBe(false);

      release.resolve('finished');
      expect(await owner.result(id)).toBe('finished');
    });
  });

  describe('.stop({ timeoutMs })', () => {
    it('cancels what the workers have not finished when the time is up', async () => {
      const lane = queueUnderTest('cancel-stop-bound');
      const order: string[] = [];
      const aborted: string[] = [];
      await lane.worker({ handlers: handlers(order, (label) => aborted.push(label)) });
      const s = lane.scheduler();
      const running = s.submitTask(untilAborted, 'running');
      await untilState(s, running, TaskState.STARTED);

      await s.stop({ timeoutMs: 100 });

      expect(s.taskInfo(running)).toMatchObject({ state: TaskState.CANCELED });
      expect(s.taskInfo(running).reason).toMatch(/stop timed out after 100 ms/);
      expect(aborted).toEqual(['running']);
    });
  });

  describe('.stop({ cancel: true })', () => {
    it('cancels waiting and running tasks, and resolves once they are final', async () => {
      const lane = queueUnderTest('cancel-stop');
      const order: string[] = [];
      const aborted: string[] = [];
      await lane.worker({
        concurrency: 1,
        handlers: handlers(order, (label) => aborted.push(label)),
      });
      const s = lane.scheduler();
      const running = s.submitTask(untilAborted, 'running');
      const waiting = s.submitTask(mark, 'waiting');
      await untilState(s, running, TaskState.STARTED);

      await s.stop({ cancel: true });

      expect([s.taskState(running), s.taskState(waiting)]).toEqual([
        TaskState.CANCELED,
        TaskState.CANCELED,
      ]);
      expect(aborted).toEqual(['running']);
      expect(order).toEqual(['running']);
    });
  });
});
