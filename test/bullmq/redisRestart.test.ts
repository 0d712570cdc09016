import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerErrorCode,
  TaskState,
  type SchedulerError,
  type TaskContext,
} from '../../src/index.js';
import { deferred, type Deferred } from '../support/deferred.js';
import {
  describeWithRedisServer,
  logTransitions,
  queueUnderTest,
  stampProblems,
  privateRedisForTest,
  untilState,
} from './support/bullmqTestKit.js';

const held = new AsyncTask<[string], string>('held', { handler: 'held' });
/**
 * How long a test waits for a task to end after Redis is back before it fails (rather than
 * hanging to the test's timeout): a bound on liveness, far above what the run needs.
 */
const LIVENESS_BOUND_MS = 8_000;
/** Cancels at cleanup end here soon when no worker answers (a job Redis lost has none). */
const QUICK_LOST_WORKER = { lostWorkerMs: 500 } as const;

describeWithRedisServer('BullMQScheduler', () => {
  describe('a Redis restart mid-run', () => {
    it('is reported once on errors$, and every task still ends DONE once Redis is back', async () => {
      const redis = await privateRedisForTest({ persist: true });
      const lane = queueUnderTest('redis-restart', redis.url);
      const gates = new Map<string, Deferred<string>>();
      const gate = (label: string): Deferred<string> => {
        const known = gates.get(label) ?? deferred<string>();
        gates.set(label, known);
        return known;
      };
      await lane.worker({
        concurrency: 2,
        handlers: { held: ({ args: [label] }: TaskContext) => gate(String(label)).promise },
      });
      const s = lane.scheduler();
      const errors: SchedulerError[] = [];
      s.errors$.subscribe((error) => errors.push(error));
      const log = logTransitions(s);
      const before = ['a', 'b', 'c', 'd'].map((label) => s.submitTask(held, label));
      await untilState(s, before[0]!, TaskState.STARTED);
      await untilState(s, before[1]!, TaskState.STARTED);

      const restarting = redis.restart();
      const during = s.submitTask(held, 'e');
      await restarting;
      for (const label of ['a', 'b', 'c', 'd', 'e']) gate(label).resolve(`done ${label}`);
      const infos = await Promise.all(
        [...before, during].map((id) => s.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS })),
      );

      expect(infos.map((info) => [info.state, info.result])).toEqual(
        ['a', 'b', 'c', 'd', 'e'].map((label) => [TaskState.DONE, `done ${label}`]),
      );
      for (const info of infos) {
        expect(stampProblems(info)).toEqual([]);
        expect(log.all.filter((t) => t.id === info.id && t.to === TaskState.DONE)).toHaveLength(1);
      }
      const outages = errors.filter((e) => e.code === SchedulerErrorCode.REDIS_UNAVAILABLE);
      expect(outages).toHaveLength(1);
      expect(errors).toEqual(outages);
    });

    it('adds again the job of a waiting task that a Redis without persistence lost', async () => {
      const redis = await privateRedisForTest({ persist: false });
      const lane = queueUnderTest('redis-lost-waiting', redis.url);
      const s = lane.scheduler(QUICK_LOST_WORKER);
      const id = s.submitTask(held, 'waiting');
      await untilState(s, id, TaskState.SCHEDULED);

      await redis.restart();
      await lane.worker({ handlers: { held: ({ args: [label] }: TaskContext) => String(label) } });

      expect(await s.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS })).toMatchObject({
        state: TaskState.DONE,
        result: 'waiting',
      });
    });

    it('fails a started task whose job a Redis without persistence lost with ERR_JOB_LOST', async () => {
      const redis = await privateRedisForTest({ persist: false });
      const lane = queueUnderTest('redis-lost-started', redis.url);
      const started = deferred();
      await lane.worker({
        handlers: {
          held: () => {
            started.resolve(undefined);
            return new Promise(() => undefined);
          },
        },
      });
      const s = lane.scheduler(QUICK_LOST_WORKER);
      const id = s.submitTask(held, 'running');
      await started.promise;
      await untilState(s, id, TaskState.STARTED);

      await redis.restart();

      expect(await s.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS })).toMatchObject({
        state: TaskState.FAILED,
        error: { code: SchedulerErrorCode.JOB_LOST },
      });
    });
  });
});
