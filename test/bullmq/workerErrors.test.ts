import { Queue, type Job } from 'bullmq';
import { expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerErrorCode,
  TaskState,
  type SchedulerError,
  type TaskContext,
} from '../../src/index.js';
import {
  describeWithRedis,
  describeWithRedisServer,
  privateRedisForTest,
  queueUnderTest,
  type QueueUnderTest,
} from './support/bullmqTestKit.js';

const echo = new AsyncTask<[string], string>('echo', { handler: 'echo' });
const echoHandler = ({ args: [label] }: TaskContext): string => String(label);
/** How long a test waits for a task to end after Redis is back before it fails (rather than hanging). */
const LIVENESS_BOUND_MS = 8_000;

/** Puts jobs on the lane's queue as other code would (a raw BullMQ Queue), and reads them back once failed. */
async function addByHand(
  lane: QueueUnderTest,
  jobs: readonly { name: string; data: unknown }[],
): Promise<Job[]> {
  // skipMetasUpdate: a Queue would otherwise reset the queue's settings to its own defaults.
  const queue = new Queue(lane.queue, { connection: { url: lane.url }, skipMetasUpdate: true });
  try {
    const added = await queue.addBulk(
      jobs.map(({ name, data }) => ({ name, data, opts: { attempts: 3 } })),
    );
    const failed: Job[] = [];
    for (const { id = '' } of added) {
      while ((await queue.getJobState(id)) !== 'failed') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const job = await queue.getJob(id);
      if (job !== undefined) failed.push(job);
    }
    return failed;
  } finally {
    await queue.close();
  }
}

/** Data shaped almost like a scheduler's job: a handler that is not a name. */
const HALF_A_PAYLOAD = {
  v: 1,
  lane: 'elsewhere',
  type: 'async',
  body: { handler: 42 },
  args: [],
  attempts: 1,
  priority: 0,
  submittedAt: 0,
};

describeWithRedis("a worker's errors$", () => {
  it('reports a job no BullMQScheduler wrote, which it fails at once, not retried, and takes the next job', async () => {
    const lane = queueUnderTest('worker-foreign-job');
    const worker = await lane.worker({ name: 'w1', handlers: { echo: echoHandler } });
    const errors: SchedulerError[] = [];
    worker.errors$.subscribe((error) => errors.push(error));

    const failed = await addByHand(lane, [
      { name: 'raw', data: { hello: 'world' } },
      { name: 'almost', data: HALF_A_PAYLOAD },
    ]);
    const s = lane.scheduler();
    const after = await s.waitTask(s.submitTask(echo, 'still here'));

    for (const job of failed) {
      expect(job.failedReason).toMatch(
        /^Worker "w1" failed job .* at once: its data is not a task a BullMQScheduler wrote/,
      );
      expect(job.attemptsMade).toBe(1);
    }
    expect(errors.map((error) => [error.code, error.taskId, error.message])).toEqual(
      failed.map((job) => [SchedulerErrorCode.UNRECOVERABLE, job.id, job.failedReason]),
    );
    expect(after).toMatchObject({ state: TaskState.DONE, result: 'still here' });
  });

  it('leaves how tasks end to the scheduler: a result that is not JSON fails the task, and errors$ says nothing', async () => {
    const lane = queueUnderTest('worker-task-failure');
    const worker = await lane.worker({ handlers: { date: () => new Date(0) } });
    const errors: SchedulerError[] = [];
    worker.errors$.subscribe((error) => errors.push(error));
    const s = lane.scheduler();

    const info = await s.waitTask(s.submitTask(new AsyncTask('date', { handler: 'date' })));

    expect(info).toMatchObject({ state: TaskState.FAILED, error: { name: 'TypeError' } });
    expect(errors).toEqual([]);
  });

  it('turns a subscriber that throws into a process warning, and goes on', async () => {
    const lane = queueUnderTest('worker-errors-subscriber');
    const worker = await lane.worker({ handlers: { echo: echoHandler } });
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      worker.errors$.subscribe(() => {
        throw new Error('subscriber bug');
      });
      await addByHand(lane, [{ name: 'raw', data: null }]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }

    expect(
      warnings.map((warning) => [(warning as { code?: string }).code, warning.message]),
    ).toEqual([
      [SchedulerErrorCode.SUBSCRIBER_FAILED, 'An errors$ subscriber threw: subscriber bug'],
    ]);
    const s = lane.scheduler();
    expect(await s.result(s.submitTask(echo, 'unharmed'))).toBe('unharmed');
  });

  it('completes when the worker closes', async () => {
    const lane = queueUnderTest('worker-errors-complete');
    const worker = await lane.worker({ handlers: { echo: echoHandler } });
    let completed = false;
    worker.errors$.subscribe({ complete: () => (completed = true) });

    await worker.close();

    expect(completed).toBe(true);
  });
});

describeWithRedisServer("a worker's errors$", () => {
  it('reports a Redis restart once, and the worker takes jobs again once Redis is back', async () => {
    const redis = await privateRedisForTest({ persist: true });
    const lane = queueUnderTest('worker-redis-restart', redis.url);
    const worker = await lane.worker({ handlers: { echo: echoHandler } });
    const errors: SchedulerError[] = [];
    worker.errors$.subscribe((error) => errors.push(error));
    const s = lane.scheduler();
    expect(await s.result(s.submitTask(echo, 'before'))).toBe('before');

    await redis.restart();
    const info = await s.waitTask(s.submitTask(echo, 'after'), { timeoutMs: LIVENESS_BOUND_MS });

    expect(info).toMatchObject({ state: TaskState.DONE, result: 'after' });
    expect(errors.map((error) => error.code)).toEqual([SchedulerErrorCode.REDIS_UNAVAILABLE]);
    expect(errors[0]?.message).toMatch(/lost its Redis connection/);
  });
});
