import { describe, expect, it } from 'vitest';
import { AsyncTask, SchedulerErrorCode, SyncTask, TaskState } from '../../src/index.js';
import { describeWithRedis, queueUnderTest, untilState } from './support/bullmqTestKit.js';

const WORK_MODULE = new URL('../fixtures/sync/work.mjs', import.meta.url);

const increment = new SyncTask<[number], number>('increment', { module: WORK_MODULE });
const whereAmI = new SyncTask<[], { isMainThread: boolean; threadId: number }>('whereAmI', {
  module: WORK_MODULE,
  export: 'whereAmI',
});
/** Counts forever on its thread: only a terminated thread stops it. */
const busyLoop = new SyncTask<[]>('busyLoop', { module: WORK_MODULE, export: 'busyLoop' });
const ping = new AsyncTask('ping', { handler: 'ping' });

describeWithRedis('BullMQScheduler', () => {
  describe('SyncTask bodies', () => {
    it("run on the worker's executor threads, not its event loop", async () => {
      const lane = queueUnderTest('sync-thread');
      await lane.worker({ modules: [WORK_MODULE] });
      const s = lane.scheduler();

      const incremented = s.submitTask(increment, 41);
      expect(await s.result(incremented)).toBe(42);
      expect(s.taskInfo(incremented).type).toBe('sync');
      const where = await s.result(s.submitTask(whereAmI));
      expect(where.isMainThread).toBe(false);
    });

    it("leave the worker's event loop free: an AsyncTask completes while one spins", async () => {
      const lane = queueUnderTest('sync-responsive');
      await lane.worker({
        concurrency: 2,
        modules: [WORK_MODULE],
        handlers: { ping: () => 'pong' },
      });
      const s = lane.scheduler();
      const busy = s.submitTask(busyLoop);
      await untilState(s, busy, TaskState.STARTED);

      expect(await s.result(s.submitTask(ping))).toBe('pong');

      expect(s.taskState(busy)).toBe(TaskState.STARTED);
      expect(await s.cancelTask(busy, 'enough')).toBe(true);
      expect(s.taskInfo(busy)).toMatchObject({ state: TaskState.CANCELED, reason: 'enough' });
    });

    it('are stopped by their timeout (CPU-bound), and the next SyncTask still runs', async () => {
      const lane = queueUnderTest('sync-timeout');
      await lane.worker({ concurrency: 1, threads: 1, modules: [WORK_MODULE] });
      const s = lane.scheduler();

      const busy = s.submit(busyLoop, { timeoutMs: 200 }).id;
      const next = s.submitTask(increment, 1);

      expect(await s.waitTask(busy)).toMatchObject({
        state: TaskState.TIMED_OUT,
        error: { code: SchedulerErrorCode.TASK_TIMEOUT },
      });
      expect(await s.result(next)).toBe(2);
    });

    it('can be named by a handler the worker registered as a module reference', async () => {
      const lane = queueUnderTest('sync-handler');
      await lane.worker({ handlers: { inc: { module: WORK_MODULE } } });
      const s = lane.scheduler();
      const inc = new SyncTask<[number], number>('inc', { handler: 'inc' });

      expect(await s.result(s.submitTask(inc, 9))).toBe(10);
    });

    it('fail at once when the handler they name is a function (it cannot run on a thread)', async () => {
      const lane = queueUnderTest('sync-function-handler');
      await lane.worker({ handlers: { inc: () => 1 } });
      const s = lane.scheduler();
      const inc = new SyncTask('inc', { handler: 'inc' });

      const info = await s.waitTask(s.submit(inc, { retry: { attempts: 3 } }).id);

      expect(info).toMatchObject({ state: TaskState.FAILED, attempt: 1 });
      expect(info.error?.message).toMatch(/SyncTask.*function/);
    });

    it("end FAILED with the thread's error, name and message kept", async () => {
      const lane = queueUnderTest('sync-throws');
      await lane.worker({ modules: [WORK_MODULE] });
      const s = lane.scheduler();
      const throws = new SyncTask('throws', { module: WORK_MODULE, export: 'throwError' });

      const info = await s.waitTask(s.submitTask(throws));

      expect(info.state).toBe(TaskState.FAILED);
      expect(info.error).toMatchObject({ name: 'RangeError', message: 'bad input' });
    });
  });
});
