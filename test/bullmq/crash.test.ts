import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerErrorCode,
  TaskState,
  isFinished,
  type TaskContext,
} from '../../src/index.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
  startWorkerProcess,
  untilState,
} from './support/bullmqTestKit.js';

/** Short locks, so that a dead worker's jobs are found within a second or two. */
const FAST_STALL_CHECK = { lockDurationMs: 1_000, stalledIntervalMs: 1_000 } as const;

const forever = new AsyncTask<[string]>('forever', { handler: 'forever' });

/** A second worker's `forever`: returns at once. */
const recovered = ({ args: [label] }: TaskContext): string => `recovered ${String(label)}`;

describeWithRedis('BullMQScheduler', () => {
  describe('a worker killed mid-job (SIGKILL)', () => {
    it('hands its jobs to another worker: each task is retried and ends DONE exactly once', async () => {
      const lane = queueUnderTest('crash-retry');
      const child = await startWorkerProcess(lane, { concurrency: 2, ...FAST_STALL_CHECK });
      const s = lane.scheduler();
      const log = logTransitions(s);
      const ids = ['a', 'b'].map(
        (label) => s.submit(forever, { args: [label], retry: { attempts: 2 } }).id,
      );
      await child.waitForOutput(/^started a$/m);
      await child.waitForOutput(/^started b$/m);

      child.kill('SIGKILL');
      await child.exited;
      await lane.worker({ concurrency: 2, handlers: { forever: recovered }, ...FAST_STALL_CHECK });
      const infos = await Promise.all(ids.map((id) => s.waitTask(id)));

      expect(infos.map((info) => [info.state, info.result, info.attempt])).toEqual([
        [TaskState.DONE, 'recovered a', 2],
        [TaskState.DONE, 'recovered b', 2],
      ]);
      for (const info of infos) {
        expect(info.attempts).toHaveLength(1);
        expect(info.attempts[0]!.error).toMatchObject({
          name: 'WorkerCrashedError',
          code: SchedulerErrorCode.WORKER_CRASHED,
        });
        expect(stampProblems(info)).toEqual([]);
        expect(log.steps(info.id)).toEqual([
          'NEW→SUBMITTED',
          'SUBMITTED→SCHEDULED',
          'SCHEDULED→STARTED',
          'STARTED→SCHEDULED',
          'SCHEDULED→STARTED',
          'STARTED→DONE',
        ]);
      }
      expect(log.all.filter((t) => isFinished(t.to))).toHaveLength(2);
    });

    it('fails a task with no attempt left with WorkerCrashedError', async () => {
      const lane = queueUnderTest('crash-fail');
      const child = await startWorkerProcess(lane, FAST_STALL_CHECK);
      const s = lane.scheduler();
      const log = logTransitions(s);
      const id = s.submitTask(forever, 'only');
      await child.waitForOutput(/^started only$/m);

      child.kill('SIGKILL');
      await child.exited;
      await lane.worker({ handlers: { forever: recovered }, ...FAST_STALL_CHECK });
      const info = await s.waitTask(id);

      expect(info).toMatchObject({ state: TaskState.FAILED, attempt: 1, attempts: [] });
      expect(info.error).toMatchObject({
        name: 'WorkerCrashedError',
        code: SchedulerErrorCode.WORKER_CRASHED,
      });
      expect(stampProblems(info)).toEqual([]);
      expect(log.steps(id).at(-1)).toBe('STARTED→FAILED');
      expect(log.all.filter((t) => isFinished(t.to))).toHaveLength(1);
    });

    it('ends a task TIMED_OUT on the scheduler side when no worker reports past its limit', async () => {
      const lane = queueUnderTest('crash-timeout');
      // Locks longer than the test: only the scheduler's own watch can end the task.
      const child = await startWorkerProcess(lane, { lockDurationMs: 60_000 });
      const s = lane.scheduler({ lostWorkerMs: 300 });
      const id = s.submit(forever, { args: ['lost'], timeoutMs: 300 }).id;
      await child.waitForOutput(/^started lost$/m);

      child.kill('SIGKILL');
      const info = await s.waitTask(id);

      expect(info.state).toBe(TaskState.TIMED_OUT);
      expect(info.error).toMatchObject({ code: SchedulerErrorCode.TASK_TIMEOUT });
      expect(info.reason).toMatch(/no worker reported/);
    });

    it('ends a canceled task CANCELED on the scheduler side when no worker answers', async () => {
      const lane = queueUnderTest('crash-cancel');
      const child = await startWorkerProcess(lane, { lockDurationMs: 60_000 });
      const s = lane.scheduler({ lostWorkerMs: 300 });
      const id = s.submitTask(forever, 'orphan');
      await child.waitForOutput(/^started orphan$/m);
      child.kill('SIGKILL');
      await child.exited;

      expect(await s.cancelTask(id, 'abandoned')).toBe(true);

      expect(s.taskInfo(id)).toMatchObject({ state: TaskState.CANCELED, reason: 'abandoned' });
    });
  });

  describe('a worker closed with { force: true }', () => {
    it('hands its running jobs back to another worker, counting the attempt', async () => {
      const lane = queueUnderTest('crash-force-close');
      const first = await lane.worker({
        handlers: { forever: () => new Promise(() => undefined) },
        ...FAST_STALL_CHECK,
      });
      const s = lane.scheduler();
      const id = s.submit(forever, { args: ['handed'], retry: { attempts: 2 } }).id;
      await untilState(s, id, TaskState.STARTED);

      await first.close({ force: true });
      await lane.worker({ handlers: { forever: recovered }, ...FAST_STALL_CHECK });
      const info = await s.waitTask(id);

      expect(info).toMatchObject({ state: TaskState.DONE, result: 'recovered handed', attempt: 2 });
      expect(info.attempts[0]?.error).toMatchObject({ code: SchedulerErrorCode.WORKER_CRASHED });
    });
  });
});
