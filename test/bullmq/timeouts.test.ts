import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AsyncTask, SchedulerErrorCode, TaskState, type TaskContext } from '../../src/index.js';
import { caught, deferred } from '../support/deferred.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
  untilState,
} from './support/bullmqTestKit.js';

/** A body that runs until its signal aborts, and tells what the signal said. */
function untilAborted(seen: (reason: unknown) => void) {
  return ({ signal }: TaskContext): Promise<never> =>
    new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        seen(signal.reason);
        reject(signal.reason as Error);
      });
    });
}

describeWithRedis('BullMQScheduler', () => {
  describe('timeoutMs', () => {
    it("aborts the body's signal at the limit and ends the task TIMED_OUT", async () => {
      const lane = queueUnderTest('timeout-signal');
      const reason = deferred();
      await lane.worker({ handlers: { slow: untilAborted(reason.resolve) } });
      const s = lane.scheduler();
      const log = logTransitions(s);

      const id = s.submitTask(new AsyncTask('slow', { handler: 'slow' }, { timeoutMs: 100 }));
      const info = await s.waitTask(id);

      expect(await reason.promise).toMatchObject({
        name: 'TaskTimeoutError',
        code: SchedulerErrorCode.TASK_TIMEOUT,
      });
      expect(info).toMatchObject({ state: TaskState.TIMED_OUT, timeoutMs: 100, attempt: 1 });
      expect(info.error).toMatchObject({ code: SchedulerErrorCode.TASK_TIMEOUT });
      expect(stampProblems(info)).toEqual([]);
      expect(log.steps(id).at(-1)).toBe('STARTED→TIMED_OUT');
      expect(await caught(() => s.result(id))).toMatchObject({
        code: SchedulerErrorCode.TASK_TIMEOUT,
      });
    });

    it('ends a body that ignores its signal TIMED_OUT, and the worker takes its next job', async () => {
      const lane = queueUnderTest('timeout-ignored');
      await lane.worker({
        concurrency: 1,
        handlers: { deaf: () => new Promise(() => undefined), quick: () => 'next' },
      });
      const s = lane.scheduler();

      const deaf = s.submitTask(new AsyncTask('deaf', { handler: 'deaf' }, { timeoutMs: 100 }));
      const quick = s.submitTask(new AsyncTask('quick', { handler: 'quick' }));

      expect((await s.waitTask(deaf)).state).toBe(TaskState.TIMED_OUT);
      expect(await s.result(quick)).toBe('next');
    });

    it("takes a submit's timeoutMs over the task's", async () => {
      const lane = queueUnderTest('timeout-submit');
      const reason = deferred();
      await lane.worker({ handlers: { slow: untilAborted(reason.resolve) } });
      const s = lane.scheduler();
      const slow = new AsyncTask('slow', { handler: 'slow' }, { timeoutMs: 60_000 });

      const info = await s.waitTask(s.submit(slow, { timeoutMs: 100 }).id);

      expect(info).toMatchObject({ state: TaskState.TIMED_OUT, timeoutMs: 100 });
    });

    it('does not count the time a task waited for a worker', async () => {
      const lane = queueUnderTest('timeout-queued');
      const s = lane.scheduler();
      const timeoutMs = 100;
      const id = s.submitTask(new AsyncTask('quick', { handler: 'quick' }, { timeoutMs }));
      await untilState(s, id, TaskState.SCHEDULED);
      // Queued past its limit before any worker exists: only a clock started at STARTED lets it run.
      await sleep(timeoutMs * 3);

      await lane.worker({ handlers: { quick: () => 'in time' } });

      expect(await s.result(id)).toBe('in time');
    });
  });
});
