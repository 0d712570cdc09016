import { describe, expect, it, vi } from 'vitest';
import {
  SchedulerError,
  SchedulerErrorCode,
  WorkerCrashedError,
  type TaskInfo,
} from '../../src/index.js';
import {
  Signals,
  addOneTask,
  expectOneFinal,
  useSyncHarness,
  workTask,
} from '../support/syncTasks.js';
import { REFUSED_FLAG, refuseWorkerCreation } from '../support/refusedWorkerFlag.js';
import { createdWorkers } from '../support/workerRecorder.js';

vi.mock('node:worker_threads', async (importOriginal) =>
  (await import('../support/workerRecorder.js')).recordingWorkerThreads(await importOriginal()),
);

const { WORKER_CRASHED, EXECUTOR_DEGRADED, THREAD_START_FAILED } = SchedulerErrorCode;
/** Quick restarts, so a test does not wait on the default backoff. */
const QUICK_RESTART = { baseDelayMs: 1, maxDelayMs: 20 };
/** The brief's policy: a second crash within a minute degrades the lane. */
const ONE_RESTART = { maxRestarts: 1, windowMs: 60_000, baseDelayMs: 1, maxDelayMs: 50 };
/** Limits under which an executor thread cannot even start. */
const TOO_SMALL_TO_START = { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 };

interface Where {
  threadId: number;
}
const whereAmI = () => workTask<[], Where>('whereAmI');

/** Expects `error` to be the WorkerCrashedError of task `taskId`, and returns it. */
function expectCrash(error: unknown, taskId: string): WorkerCrashedError {
  expect(error).toBeInstanceOf(WorkerCrashedError);
  const crash = error as WorkerCrashedError;
  expect(crash.name).toBe('WorkerCrashedError');
  expect(crash.code).toBe(WORKER_CRASHED);
  expect(crash.taskId).toBe(taskId);
  return crash;
}

function expectCrashInfo(info: TaskInfo): void {
  expect(info.state).toBe('FAILED');
  expect(info.error).toMatchObject({ name: 'WorkerCrashedError', code: WORKER_CRASHED });
}

describe('AsyncScheduler', () => {
  describe('supervision of executor threads', () => {
    const harness = useSyncHarness();

    it('process.exit() in a task fails it with WorkerCrashedError; the next task runs on a restarted thread', async () => {
      const h = harness({ threads: 1, restart: QUICK_RESTART });
      const { threadId: first } = await h.scheduler.result<Where>(
        h.scheduler.submitTask(whereAmI()),
      );
      const reported = h.nextError(WORKER_CRASHED);
      const id = h.scheduler.submitTask(workTask('exitProcess'));
      expectCrashInfo(await h.scheduler.waitTask(id));
      const crash = expectCrash(await h.scheduler.result(id).catch((e: unknown) => e), id);
      expect(crash.exitCode).toBe(3);
      expect(crash.message).toMatch(/exited with code 3 while running task "exitProcess"/);
      expect(await reported).toBe(crash);
      const { threadId: next } = await h.scheduler.result<Where>(
        h.scheduler.submitTask(whereAmI()),
      );
      expect(next).not.toBe(first);
      expect(expectOneFinal(h, id)).toBe('FAILED');
    });

    it('an uncaught error in the thread fails the task with WorkerCrashedError, cause kept', async () => {
      const h = harness({ threads: 1, restart: QUICK_RESTART });
      const id = h.scheduler.submitTask(workTask('uncaughtError'));
      const crash = expectCrash(await h.scheduler.result(id).catch((e: unknown) => e), id);
      expect(crash.cause).toBeInstanceOf(Error);
      expect((crash.cause as Error).message).toBe('uncaught in thread');
      expect(crash.message).toContain('uncaught in thread');
      await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1))).resolves.toBe(2);
    });

    it('a thread killed from outside fails its running task and is restarted', async () => {
      const h = harness({ threads: 1, restart: QUICK_RESTART });
      const signals = new Signals();
      const id = h.scheduler.submitTask(workTask('busyLoop'), signals.buffer);
      await signals.started();
      const reported = h.nextError(WORKER_CRASHED);
      // Created in order: the one thread (running the loop), then the warm spare.
      await createdWorkers.at(-2)!.terminate();
      expectCrash(await h.scheduler.result(id).catch((e: unknown) => e), id);
      expect((await reported).taskId).toBe(id);
      await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1))).resolves.toBe(2);
    });

    it('an idle thread killed from outside is reported and restarted', async () => {
      const h = harness({ threads: 1, restart: QUICK_RESTART });
      await h.scheduler.result(h.scheduler.submitTask(addOneTask(), 0));
      const reported = h.nextError(WORKER_CRASHED);
      await createdWorkers.at(-2)!.terminate();
      const crash = await reported;
      expect(crash).toBeInstanceOf(WorkerCrashedError);
      expect(crash.message).toMatch(/while starting or idle/);
      expect(crash.taskId).toBeUndefined();
      await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1))).resolves.toBe(2);
    });

    it('a task that allocates past resourceLimits fails with WorkerCrashedError', async () => {
      const h = harness({
        threads: 1,
        resourceLimits: { maxOldGenerationSizeMb: 32 },
        restart: QUICK_RESTART,
      });
      const id = h.scheduler.submitTask(workTask('allocate'));
      expectCrashInfo(await h.scheduler.waitTask(id));
      const crash = expectCrash(await h.scheduler.result(id).catch((e: unknown) => e), id);
      expect(crash.message).toMatch(/memory limit/);
      expect(crash.cause).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
      await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 1))).resolves.toBe(2);
    });
  });

  describe('a degraded executor', () => {
    const harness = useSyncHarness();

    /** Crashes the lane's only thread twice: past ONE_RESTART's limit. */
    async function degrade(h: ReturnType<typeof harness>): Promise<SchedulerError> {
      const degraded = h.nextError(EXECUTOR_DEGRADED);
      const crashes = [workTask('exitProcess'), workTask('exitProcess')].map((t) =>
        h.scheduler.submitTask(t),
      );
      const error = await degraded;
      for (const id of crashes) expectCrashInfo(await h.scheduler.waitTask(id));
      return error;
    }

    it('is reported on errors$ with ERR_EXECUTOR_DEGRADED, the last crash as its cause', async () => {
      const h = harness({ threads: 1, restart: ONE_RESTART });
      const error = await degrade(h);
      expect(error).toBeInstanceOf(SchedulerError);
      expect(error.code).toBe(EXECUTOR_DEGRADED);
      expect(error.message).toMatch(/crashed more than 1 times in 60000 ms/);
      expect(error.cause).toBeInstanceOf(WorkerCrashedError);
      expect(h.errors.map((e) => e.code)).toEqual([
        WORKER_CRASHED,
        WORKER_CRASHED,
        EXECUTOR_DEGRADED,
      ]);
    });

    it('ends the SyncTasks queued behind the crashes FAILED with that error instead of keeping them waiting', async () => {
      const h = harness({ threads: 1, restart: ONE_RESTART });
      const degraded = h.nextError(EXECUTOR_DEGRADED);
      const crashes = [0, 1].map(() => h.scheduler.submitTask(workTask('exitProcess')));
      const queued = [1, 2, 3].map((x) => h.scheduler.submitTask(addOneTask(), x));
      const error = await degraded;
      for (const id of crashes) expectCrashInfo(await h.scheduler.waitTask(id));
      for (const id of queued) {
        const info = await h.scheduler.waitTask(id);
        expect(info.state, `queued task ${queued.indexOf(id)}`).toBe('FAILED');
        expect(info.error?.code).toBe(EXECUTOR_DEGRADED);
        await expect(h.scheduler.result(id)).rejects.toBe(error);
      }
    });

    it('fails a SyncTask submitted meanwhile at once, and a later successful restart clears it', async () => {
      const h = harness({ threads: 1, restart: ONE_RESTART });
      const error = await degrade(h);
      const id = h.scheduler.submitTask(addOneTask(), 1);
      expect(expectOneFinal(h, (await h.scheduler.waitTask(id)).id)).toBe('FAILED');
      await expect(h.scheduler.result(id)).rejects.toBe(error);
      // The restart comes maxDelayMs later; from then on SyncTasks run again.
      await vi.waitFor(
        async () => {
          const probe = h.scheduler.submitTask(addOneTask(), 41);
          expect(await h.scheduler.waitTask(probe)).toMatchObject({ state: 'DONE', result: 42 });
        },
        { timeout: 10_000, interval: 10 },
      );
      await expect(h.scheduler.result(h.scheduler.submitTask(addOneTask(), 2))).resolves.toBe(3);
    });

    it('never has more SyncTasks STARTED than threads, even while it fails them', async () => {
      const h = harness({ threads: 1, restart: ONE_RESTART });
      const degraded = h.nextError(EXECUTOR_DEGRADED);
      [0, 1].forEach(() => h.scheduler.submitTask(workTask('exitProcess')));
      const queued = [1, 2, 3].map((x) => h.scheduler.submitTask(addOneTask(), x));
      await degraded;
      queued.push(h.scheduler.submitTask(addOneTask(), 4));
      await Promise.all(queued.map((id) => h.scheduler.waitTask(id)));
      expect(h.maxStarted()).toBe(1);
    });

    it('counts threads that fail to start: a waiting SyncTask ends FAILED with ERR_THREAD_START_FAILED instead of waiting forever', async () => {
      const h = harness({ threads: 1, resourceLimits: TOO_SMALL_TO_START, restart: ONE_RESTART });
      const startFailed = h.nextError(THREAD_START_FAILED);
      const id = h.scheduler.submitTask(addOneTask(), 1);
      const error = await startFailed;
      // The start error itself: the thread ran out of memory before it was ready.
      expect(error.cause).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
      expect(error.message).toMatch(/^Executor threads could not start \(2 tries in/);
      // A generous bound: the task should have ended when the lane gave up.
      const info = await h.scheduler.waitTask(id, { timeoutMs: 2_000 });
      expect(info.state).toBe('FAILED');
      expect(info.error?.code).toBe(THREAD_START_FAILED);
    });
  });

  describe('executor threads Node refuses to create', () => {
    const harness = useSyncHarness();

    it('count as failed starts: the waiting SyncTask ends FAILED with ERR_THREAD_START_FAILED', async () => {
      const undo = refuseWorkerCreation();
      try {
        const h = harness({ threads: 1, restart: ONE_RESTART });
        const startFailed = h.nextError(THREAD_START_FAILED);
        const id = h.scheduler.submitTask(addOneTask(), 1);
        const error = await startFailed;
        expect(error.cause).toMatchObject({ code: 'ERR_WORKER_INVALID_EXEC_ARGV' });
        expect((error.cause as Error).message).toContain(REFUSED_FLAG);
        const info = await h.scheduler.waitTask(id);
        expect(info.state).toBe('FAILED');
        expect(info.error?.code).toBe(THREAD_START_FAILED);
        await h.scheduler.stop();
      } finally {
        undo();
      }
    });
  });

  describe('thousands of queued SyncTasks when threads crash', () => {
    const harness = useSyncHarness();

    it('loses none: every task ends in exactly one final state', async () => {
      const h = harness({ threads: 2, restart: QUICK_RESTART });
      const count = 2_000;
      const crashAt = new Set([0, 700, 1_400]);
      const ids = Array.from({ length: count }, (_, i) =>
        h.scheduler.submitTask(crashAt.has(i) ? workTask('exitProcess') : addOneTask(), i),
      );
      const infos = await Promise.all(ids.map((id) => h.scheduler.waitTask(id)));
      infos.forEach((info, i) => {
        if (crashAt.has(i)) expect(info.error?.code, `task ${i}`).toBe(WORKER_CRASHED);
        else expect(info.result, `task ${i}`).toBe(i + 1);
      });
      const finals = new Map<string, number>();
      for (const t of h.transitions) {
        if (t.from === 'STARTED') finals.set(t.id, (finals.get(t.id) ?? 0) + 1);
      }
      expect(finals.size).toBe(count);
      expect([...finals.values()].every((n) => n === 1)).toBe(true);
      expect(h.errors.filter((e) => e.code === WORKER_CRASHED)).toHaveLength(crashAt.size);
    });
  });
});
