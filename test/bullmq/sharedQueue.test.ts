import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  TaskState,
  UnknownTaskError,
  type TaskContext,
  type TaskInfo,
} from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  untilState,
} from './support/bullmqTestKit.js';

const echo = new AsyncTask<[string], string>('echo', { handler: 'echo' });
const echoHandler = ({ args: [label] }: TaskContext): string => String(label);

describeWithRedis('BullMQScheduler', () => {
  describe('several schedulers on one queue', () => {
    it('each follows only the tasks it submitted', async () => {
      const lane = queueUnderTest('shared-own');
      await lane.worker({ concurrency: 2, handlers: { echo: echoHandler } });
      const left = lane.scheduler({ name: 'left' });
      const right = lane.scheduler({ name: 'right' });
      const leftLog = logTransitions(left);
      const rightLog = logTransitions(right);

      const leftIds = ['l1', 'l2', 'l3'].map((label) => left.submitTask(echo, label));
      const rightIds = ['r1', 'r2', 'r3'].map((label) => right.submitTask(echo, label));
      await Promise.all([left.onIdle(), right.onIdle()]);

      expect(left.dumpTask().map((info) => info.id)).toEqual(leftIds);
      expect(right.dumpTask().map((info) => info.id)).toEqual(rightIds);
      expect(new Set(leftLog.all.map((t) => t.id))).toEqual(new Set(leftIds));
      expect(new Set(rightLog.all.map((t) => t.id))).toEqual(new Set(rightIds));
      expect(await Promise.all(leftIds.map((id) => left.result(id)))).toEqual(['l1', 'l2', 'l3']);
      expect(right.dumpTask().map((info) => [info.lane, info.state])).toEqual(
        rightIds.map(() => ['right', TaskState.DONE]),
      );
      expect(() => left.taskInfo(rightIds[0]!)).toThrow(UnknownTaskError);
    });

    it("share the queue's workers: two workers run the two schedulers' tasks at once", async () => {
      const lane = queueUnderTest('shared-workers');
      const bothRunning = deferred();
      let running = 0;
      const meet = async ({ args: [label] }: TaskContext): Promise<string> => {
        if (++running === 2) bothRunning.resolve(undefined);
        await bothRunning.promise;
        return String(label);
      };
      await lane.worker({ name: 'worker-1', concurrency: 1, handlers: { echo: meet } });
      await lane.worker({ name: 'worker-2', concurrency: 1, handlers: { echo: meet } });
      const left = lane.scheduler({ name: 'left' });
      const right = lane.scheduler({ name: 'right' });

      const fromLeft = left.submitTask(echo, 'left');
      const fromRight = right.submitTask(echo, 'right');

      // Each worker runs one job at a time: both bodies met only if each worker took one.
      expect(await left.result(fromLeft)).toBe('left');
      expect(await right.result(fromRight)).toBe('right');
    });

    it("lets a scheduler with follow: 'all' see another scheduler's tasks to their end", async () => {
      const lane = queueUnderTest('shared-follow-all');
      await lane.worker({ handlers: { echo: echoHandler } });
      const watcher = lane.scheduler({ name: 'watcher', follow: 'all' });
      const owner = lane.scheduler({ name: 'owner' });
      const watched = logTransitions(watcher);
      const seenDone = firstValueFrom(
        watcher.transitions$.pipe(filter((t) => t.to === TaskState.DONE)),
      );

      const id = owner.submitTask(echo, 'watched');

      expect(await owner.result(id)).toBe('watched');
      expect((await seenDone).id).toBe(id);
      expect(watcher.taskInfo(id)).toMatchObject({ state: TaskState.DONE, result: 'watched' });
      expect(watched.steps(id).at(-1)).toBe('STARTED→DONE');
    });

    it("calls a follow: 'all' scheduler's own callbacks for the other scheduler's tasks, not the task's", async () => {
      const lane = queueUnderTest('shared-follow-callbacks');
      await lane.worker({ handlers: { echo: echoHandler } });
      const seenByWatcher: string[] = [];
      const watcherDone = deferred<TaskInfo>();
      const watcher = lane.scheduler({
        name: 'watcher',
        follow: 'all',
        onStart: (info) => seenByWatcher.push(`start ${info.id}`),
        onDone: (info) => {
          seenByWatcher.push(`done ${info.id}`);
          watcherDone.resolve(info);
        },
      });
      const owner = lane.scheduler({ name: 'owner' });
      const ownerDone = deferred<TaskInfo>();
      const withCallback = new AsyncTask<[string], string>(
        'echo',
        { handler: 'echo' },
        {
          onDone: (info) => {
            ownerDone.resolve(info);
          },
        },
      );

      const id = owner.submitTask(withCallback, 'watched');

      expect((await ownerDone.promise).id).toBe(id);
      expect(await watcherDone.promise).toMatchObject({ id, result: 'watched' });
      expect(seenByWatcher).toEqual([`start ${id}`, `done ${id}`]);
      expect(watcher.taskInfo(id).lane).toBe('owner');
    });

    it("stops a follow: 'all' scheduler without waiting for or canceling others' tasks", async () => {
      const lane = queueUnderTest('shared-follow-stop');
      const release = deferred<string>();
      await lane.worker({ handlers: { echo: () => release.promise } });
      const watcher = lane.scheduler({ name: 'watcher', follow: 'all' });
      const owner = lane.scheduler({ name: 'owner' });
      const id = owner.submitTask(echo, 'watched');
      await untilState(owner, id, TaskState.STARTED);
      const seenStarted = logTransitions(watcher);

      await watcher.stop({ cancel: true });
      release.resolve('finished');

      expect(await owner.result(id)).toBe('finished');
      expect(seenStarted.all.filter((t) => t.id === id && t.to === TaskState.CANCELED)).toEqual([]);
    });
  });
});
