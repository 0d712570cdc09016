// More of SchedulerThread's contract: retention, SyncTasks stopping for real, a dying lane thread.
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SyncTask,
  TaskState,
  UnknownTaskError,
  WorkerCrashedError,
} from '../../src/index.js';
import {
  counter,
  delay,
  ownSchedulers,
  recordTransitions,
  rejectionOf,
  sleep,
  stillCounting,
  syncBodies,
  threadBodies,
  until,
  type Info,
  HANG_GUARD_MS,
} from './helpers.js';

const { lane } = ownSchedulers();

const spin = (options?: ConstructorParameters<typeof SyncTask>[2]) =>
  new SyncTask('spin', { module: syncBodies, export: 'spin' }, options);

describe('SchedulerThread: more of the same API', () => {
  it('onSubmit has run (main side) by the time submitTask returns, as on AsyncScheduler', () => {
    const seen: Info[] = [];
    const s = lane('on-submit', { onSubmit: (info) => seen.push(info) });
    const id = s.submitTask(delay(), 1);
    expect(seen.map((i) => i.id)).toEqual([id]);
    expect(seen[0]!.state).toBe(TaskState.SUBMITTED);
  });

  it('retention maxFinished evicts main-side records (then UnknownTaskError)', async () => {
    const s = lane('retained', { retention: { maxFinished: 2 } }).start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = s.submitTask(delay(), 1, i);
      ids.push(id);
      await s.waitTask(id);
    }
    expect(s.dumpTask().map((i) => i.id)).toEqual(ids.slice(-2));
    expect(() => s.taskState(ids[0]!)).toThrow(UnknownTaskError);
    await expect(s.result(ids[0]!)).rejects.toBeInstanceOf(UnknownTaskError);
  });

  it('retention maxAgeMs evicts main-side records', async () => {
    const s = lane('aged', { retention: { maxAgeMs: 30 } }).start();
    const id = s.submitTask(delay(), 1);
    await s.waitTask(id);
    await sleep(120);
    expect(() => s.taskState(id)).toThrow(UnknownTaskError);
  });

  it('slowest({ running }) sees a running task with its time so far', async () => {
    const s = lane('slowest-running').start();
    const running = s.submitTask(delay(), 300);
    const done = s.submitTask(delay(), 1);
    await s.waitTask(done);
    await sleep(40);
    expect(s.slowest(5, { running: true }).map((i) => i.id)).toEqual([running]);
    expect(s.slowest(5, { running: false }).map((i) => i.id)).toEqual([done]);
    expect(s.slowest(1)[0]!.runMs!).toBeGreaterThanOrEqual(30);
  });

  it('waitTask with a signal rejects on abort; the task is untouched', async () => {
    const s = lane('wait-signal').start();
    const id = s.submitTask(delay(), 60, 'fine');
    const controller = new AbortController();
    const waiting = s.waitTask(id, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
    await expect(s.result(id)).resolves.toBe('fine');
  });

  it('a timeout discards what the body returns later', async () => {
    const s = lane('late').start();
    const task = new AsyncTask('forever', { module: threadBodies, export: 'forever' });
    const late = s.submitTask(delay({ timeoutMs: 20 }), 60, 'late');
    const info = await s.waitTask(late);
    expect(info.state).toBe(TaskState.TIMED_OUT);
    await sleep(80);
    expect(s.taskInfo(late).state).toBe(TaskState.TIMED_OUT);
    expect(s.taskInfo(late).result).toBeUndefined();
    s.submitTask(task);
  });

  it('cancel of a SyncTask busy loop really stops it', async () => {
    const s = lane('sync-cancel', { threads: 1 }).start();
    const c = counter();
    const id = s.submitTask(spin(), c.buffer);
    await until(() => c.read() > 0, HANG_GUARD_MS, 'spin to start');
    await expect(s.cancelTask(id)).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    await sleep(20);
    expect(await stillCounting(c.read)).toBe(false);
    const sum = new SyncTask('sum', { module: syncBodies, export: 'sum' });
    await expect(s.result(s.submitTask(sum, 1, 2))).resolves.toBe(3);
  });

  it('timeout of a SyncTask busy loop really stops it', async () => {
    const s = lane('sync-timeout', { threads: 1 }).start();
    const c = counter();
    const id = s.submitTask(spin({ timeoutMs: 30 }), c.buffer);
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.TIMED_OUT);
    await sleep(20);
    expect(await stillCounting(c.read)).toBe(false);
  });

  it('a dying lane thread fails its running tasks with WorkerCrashedError; queued ones run on a new thread', async () => {
    const s = lane('dies', { concurrency: 1 }).start();
    const exit = new AsyncTask('exit', { module: threadBodies, export: 'exitThread' });
    const dying = s.submitTask(exit);
    const queued = s.submitTask(delay(), 1, 'survived');
    const error = await rejectionOf(s.result(dying));
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(s.taskInfo(dying).state).toBe(TaskState.FAILED);
    await expect(s.result(queued)).resolves.toBe('survived');
    await expect(s.result(s.submitTask(delay(), 1, 'later'))).resolves.toBe('later');
  });

  it('after a lane-thread crash, queued tasks keep their single SCHEDULED transition and ts', async () => {
    const s = lane('crash-queue', { concurrency: 1 }).start();
    const rec = recordTransitions(s);
    const exit = new AsyncTask('exit', { module: threadBodies, export: 'exitThreadLater' });
    const crashing = s.submitTask(exit, 60);
    const queued = [1, 2, 3].map((i) => s.submitTask(delay({ priority: i }), 1, `q${i}`));
    await until(
      () =>
        s.taskState(crashing) === TaskState.STARTED &&
        queued.every((id) => s.taskState(id) === TaskState.SCHEDULED),
    );
    const scheduledAt = queued.map((id) => s.taskInfo(id).ts.schedule);
    await expect(s.result(crashing)).rejects.toBeInstanceOf(WorkerCrashedError);
    const infos = await Promise.all(queued.map((id) => s.waitTask(id)));
    expect(infos.map((i) => i.state)).toEqual(['DONE', 'DONE', 'DONE']);
    expect(infos.map((i) => i.ts.schedule)).toEqual(scheduledAt);
    for (const id of queued) {
      expect(rec.of(id).map((t) => `${t.from}>${t.to}`)).toEqual([
        'NEW>SUBMITTED',
        'SUBMITTED>SCHEDULED',
        'SCHEDULED>STARTED',
        'STARTED>DONE',
      ]);
    }
    // priority still holds on the new thread
    const starts = infos.map((i) => i.ts.start!);
    expect(starts[2]!).toBeLessThanOrEqual(starts[1]!);
    expect(starts[1]!).toBeLessThanOrEqual(starts[0]!);
  });

  it('two lanes do not block each other', async () => {
    const slow = lane('slow-lane').start();
    const fast = lane('fast-lane').start();
    await fast.result(fast.submitTask(delay(), 1)); // its thread is up
    const blocker = slow.submitTask(
      new AsyncTask('block', { module: threadBodies, export: 'block' }),
      700,
    );
    await until(() => slow.taskState(blocker) === TaskState.STARTED);
    await expect(fast.result(fast.submitTask(delay(), 1, 'fast'))).resolves.toBe('fast');
    // Done while the slow lane's loop is still blocked: the fast lane never waited for it.
    expect(slow.taskState(blocker)).toBe(TaskState.STARTED);
    await expect(slow.result(blocker)).resolves.toBe('unblocked');
  });

  it('transitions$ and errors$ complete when stop() resolves', async () => {
    const s = lane('completes').start();
    let completed = 0;
    s.transitions$.subscribe({ complete: () => completed++ });
    s.errors$.subscribe({ complete: () => completed++ });
    await s.waitTask(s.submitTask(delay(), 1));
    await s.stop();
    expect(completed).toBe(2);
  });
});
