import { expect, it } from 'vitest';
import { AsyncTask, TaskState, type TaskContext } from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import { describeWithRedis, queueUnderTest, untilState } from './support/bullmqTestKit.js';

const job = new AsyncTask<[string], string>('job', { handler: 'job' });

describeWithRedis('a worker closed without force', () => {
  it('lets its running job finish, takes no new one, and leaves the waiting ones to another worker', async () => {
    const lane = queueUnderTest('worker-close');
    const release = deferred<string>();
    const ranOn = new Map<string, string>();
    const first = await lane.worker({
      name: 'first',
      handlers: {
        job: ({ args: [label] }: TaskContext) => {
          ranOn.set(String(label), 'first');
          return release.promise;
        },
      },
    });
    const s = lane.scheduler();
    const running = s.submitTask(job, 'running');
    await untilState(s, running, TaskState.STARTED);
    const waiting = s.submitTask(job, 'waiting');
    await untilState(s, waiting, TaskState.SCHEDULED);
    expect(first.runningCount).toBe(1);

    const closing = first.close();
    release.resolve('finished');
    await closing;
    // The worker is done with it; the scheduler hears so from the event stream, a moment later.
    expect(await s.waitTask(running)).toMatchObject({ state: TaskState.DONE, result: 'finished' });
    expect(s.taskState(waiting)).toBe(TaskState.SCHEDULED);
    expect(first.runningCount).toBe(0);
    await lane.worker({
      name: 'second',
      handlers: {
        job: ({ args: [label] }: TaskContext) => {
          ranOn.set(String(label), 'second');
          return 'taken over';
        },
      },
    });

    expect(await s.result(waiting)).toBe('taken over');
    expect(Object.fromEntries(ranOn)).toEqual({ running: 'first', waiting: 'second' });
  });
});
