// Corners of the contract: where docs/contract.md and the README say a little and a user expects the rest.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SyncTask,
  TaskState,
  UnknownTaskError,
  WorkerCrashedError,
} from '../../src/index.js';
import {
  contractFixture,
  deferred,
  maxStarted,
  ownSchedulers,
  rejectionOf,
  sleep,
  syncBodies,
  threadBodies,
  thrownBy,
  until,
  HANG_GUARD_MS,
} from './helpers.js';

const { scheduler, lane } = ownSchedulers();

const syncTask = (exportName: string, options?: ConstructorParameters<typeof SyncTask>[2]) =>
  new SyncTask(exportName, { module: syncBodies, export: exportName }, options);

describe('AsyncTask with a module reference on AsyncScheduler', () => {
  it('runs on the caller’s loop (main thread)', async () => {
    const s = scheduler().start();
    const task = new AsyncTask('main', { module: threadBodies, export: 'mainThread' });
    const result = await s.result<{ isMainThread: boolean }>(s.submitTask(task));
    expect(result.isMainThread).toBe(true);
    expect(s.dumpTask()[0]?.type).toBe('async');
  });

  it('the default export is used when export is absent', async () => {
    const s = scheduler().start();
    const task = new AsyncTask('default', { module: threadBodies });
    const result = await s.result<{ args: unknown[] }>(s.submitTask(task, 1));
    expect(result.args).toEqual([1]);
  });

  it('a missing module, a missing export or a non-function export → FAILED', async () => {
    const s = scheduler().start();
    const tasks = [
      new AsyncTask('missing-module', { module: contractFixture('nope.mjs') }),
      new AsyncTask('missing-export', { module: threadBodies, export: 'noSuchExport' }),
      new AsyncTask('not-a-function', { module: threadBodies, export: 'notAFunction' }),
    ];
    for (const task of tasks) {
      const info = await s.waitTask(s.submitTask(task));
      expect(info.state, task.name).toBe(TaskState.FAILED);
      expect(info.error?.message.length, task.name).toBeGreaterThan(0);
    }
  });
});

describe('SchedulerThread corners', () => {
  it('refuses a non-cloneable argument at submitTask with TypeError (it must cross threads)', () => {
    const s = lane('clone-check');
    const task = new AsyncTask('where', { module: threadBodies });
    const error = thrownBy(() => s.submitTask(task, () => 1));
    expect(error).toBeInstanceOf(TypeError);
    expect(s.dumpTask()).toEqual([]);
  });

  it('errors$ gets a throwing callback’s error; the outcome is unchanged', async () => {
    const s = lane('errors', {
      onDone: () => {
        throw new Error('callback failed');
      },
    });
    const errors: unknown[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    s.start();
    const id = s.submitTask(new AsyncTask('where', { module: threadBodies }));
    await s.waitTask(id);
    await sleep(5);
    expect(s.taskState(id)).toBe(TaskState.DONE);
    expect(errors).toHaveLength(1);
  });

  it('stop() on a lane never started resolves', async () => {
    const s = lane('never-started');
    await expect(s.stop({ cancel: true })).resolves.toBeUndefined();
  });

  it('stop({ cancel: true }) on a lane never started cancels its queued tasks', async () => {
    const s = lane('never-started-queued');
    const id = s.submitTask(new AsyncTask('where', { module: threadBodies }));
    await s.stop({ cancel: true });
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
  });

  it('a timeout ends a task that blocks the lane thread’s loop', async () => {
    const s = lane('blocked').start();
    const id = s.submitTask(
      new AsyncTask('block', { module: threadBodies, export: 'block' }, { timeoutMs: 50 }),
      400,
    );
    const info = await s.waitTask(id, { timeoutMs: HANG_GUARD_MS });
    expect(info.state).toBe(TaskState.TIMED_OUT);
    // the lane's loop cannot fire its own timer: the main side steps in after a grace period
    expect(info.ts.timeout! - info.ts.start!).toBeGreaterThanOrEqual(50);
    await expect(
      s.result(s.submitTask(new AsyncTask('where', { module: threadBodies }), 1)),
    ).resolves.toMatchObject({ args: [1] });
  });

  it('cancelTask of a task that blocks the lane thread’s loop resolves, and the task is final', async () => {
    const s = lane('blocked-cancel').start();
    const id = s.submitTask(new AsyncTask('block', { module: threadBodies, export: 'block' }), 400);
    await until(() => s.taskState(id) === TaskState.STARTED);
    await expect(s.cancelTask(id)).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
  });
});

describe('SyncTask corners', () => {
  it('an async export is awaited', async () => {
    const s = scheduler({ threads: 1 }).start();
    await expect(s.result(s.submitTask(syncTask('later'), 5))).resolves.toBe('later');
  });

  it('the body gets a signal in its context', async () => {
    const s = scheduler({ threads: 1 }).start();
    const result = await s.result<{
      hasSignal: boolean;
      aborted: boolean;
    }>(s.submitTask(syncTask('context')));
    expect(result.hasSignal).toBe(true);
    expect(result.aborted).toBe(false);
  });

  it('an uncaught error in the executor thread → FAILED with WorkerCrashedError', async () => {
    const s = scheduler({ threads: 1 }).start();
    const id = s.submitTask(syncTask('uncaught'));
    const info = await s.waitTask(id, { timeoutMs: HANG_GUARD_MS });
    expect(info.state).toBe(TaskState.FAILED);
    expect(await rejectionOf(s.result(id))).toBeInstanceOf(WorkerCrashedError);
    await expect(s.result(s.submitTask(syncTask('sum'), 1, 1))).resolves.toBe(2);
  });

  it('a crash on one thread leaves a task on another thread alone', async () => {
    const s = scheduler({ threads: 2 }).start();
    const sleeping = s.submitTask(syncTask('sleep'), 120);
    await until(() => s.taskState(sleeping) === TaskState.STARTED);
    const crashed = s.submitTask(syncTask('exit'));
    await expect(s.result(crashed)).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(s.result(sleeping)).resolves.toBe('slept');
  });

  it('SyncTasks waiting for a thread start by priority, FIFO among equals', async () => {
    const s = scheduler({ threads: 1 }).start();
    const order: number[] = [];
    s.transitions$.subscribe((t) => {
      if (t.to === 'STARTED' && t.name === 'sum') order.push(t.info.priority);
    });
    const blocker = s.submitTask(syncTask('sleep'), 60);
    await until(() => s.taskState(blocker) === TaskState.STARTED);
    const ids = [0, 2, 1, 2].map((p) => s.submitTask(syncTask('sum', { priority: p }), p));
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(order).toEqual([2, 2, 1, 0]);
  });

  it('a SyncTask waiting for a thread does not time out before it starts', async () => {
    const s = scheduler({ threads: 1 }).start();
    const first = s.submitTask(syncTask('sleep'), 150);
    const second = s.submitTask(syncTask('sleep', { timeoutMs: 100 }), 5);
    const [a, b] = await Promise.all([s.waitTask(first), s.waitTask(second)]);
    expect(a.state).toBe(TaskState.DONE);
    expect(b.state).toBe(TaskState.DONE);
  });

  it('threads defaults to availableParallelism() - 1, at least 1', async () => {
    const expected = Math.max(1, availableParallelism() - 1);
    const s = scheduler().start();
    const max = maxStarted(s);
    const ids = Array.from({ length: expected + 2 }, () => s.submitTask(syncTask('sleep'), 80));
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(max()).toBe(expected);
  });
});

describe('AsyncScheduler corners', () => {
  it('stop() (drain) on a scheduler never started does not hang; every task is final', async () => {
    const s = scheduler();
    const id = s.submitTask(new AsyncTask('queued', () => 'ran'));
    const outcome = await Promise.race([
      s.stop().then(() => 'stopped'),
      sleep(1_000).then(() => 'hung'),
    ]);
    expect(outcome).toBe('stopped');
    expect([TaskState.DONE, TaskState.CANCELED]).toContain(s.taskState(id));
  });

  it('stop({ timeoutMs }) resolves as soon as the drain ends', async () => {
    const s = scheduler().start();
    const quick = s.submitTask(new AsyncTask('quick', () => sleep(5)));
    const outcome = await Promise.race([
      s.stop({ timeoutMs: 5_000 }).then(() => 'stopped'),
      sleep(4_000).then(() => 'waited for the stop timeout'),
    ]);
    expect(outcome).toBe('stopped');
    expect(s.taskState(quick)).toBe(TaskState.DONE);
  });

  it('waitTask/result pending when the task finishes and is evicted at once still settle', async () => {
    const s = scheduler({ retention: { maxFinished: 0 } }).start();
    const id = s.submitTask(new AsyncTask('evicted', async () => 'v'));
    const [info, value] = await Promise.all([s.waitTask(id), s.result(id)]);
    expect(info.state).toBe(TaskState.DONE);
    expect(value).toBe('v');
    await sleep(5);
    expect(() => s.taskState(id)).toThrow(UnknownTaskError);
  });

  it('a task can cancel itself from its body', async () => {
    const s = scheduler().start();
    const task = new AsyncTask('self', async ({ id, signal }) => {
      const canceled = await s.cancelTask(id, 'self');
      return { canceled, aborted: signal.aborted };
    });
    const id = s.submitTask(task);
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.CANCELED);
    expect(info.reason).toBe('self');
  });

  it('info.ts and info.error are frozen along with the info', async () => {
    const s = scheduler().start();
    const id = s.submitTask(
      new AsyncTask('f', () => {
        throw new Error('x');
      }),
    );
    const info = await s.waitTask(id);
    expect(Object.isFrozen(info.ts)).toBe(true);
    expect(Object.isFrozen(info.error)).toBe(true);
    expect(Object.isFrozen(info.args)).toBe(true);
  });

  it('slowest(0) is empty; a negative n is refused', async () => {
    const s = scheduler().start();
    await s.waitTask(s.submitTask(new AsyncTask('t', () => sleep(2))));
    expect(s.slowest(0)).toEqual([]);
    const error = thrownBy(() => s.slowest(-1));
    expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
  });

  it('dumpTask(unknown id) throws UnknownTaskError or returns []', () => {
    const s = scheduler();
    let answer: unknown;
    try {
      answer = s.dumpTask('nope');
    } catch (error) {
      answer = error;
    }
    if (Array.isArray(answer)) expect(answer).toEqual([]);
    else expect(answer).toBeInstanceOf(UnknownTaskError);
  });

  it('the inspect observer sees the task actors', async () => {
    const events: { type: string }[] = [];
    const s = scheduler({ inspect: (e: { type: string }) => events.push(e) }).start();
    await s.waitTask(s.submitTask(new AsyncTask('seen', () => 1)));
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === '@xstate.snapshot')).toBe(true);
    expect(events.some((e) => e.type === '@xstate.actor')).toBe(true);
  });

  it('the inspect observer of a SchedulerThread sees its actors too', async () => {
    const events: { type: string }[] = [];
    const s = lane('inspected', { inspect: (e: { type: string }) => events.push(e) }).start();
    await s.waitTask(s.submitTask(new AsyncTask('seen', { module: threadBodies })));
    await sleep(20);
    expect(events.some((e) => e.type === '@xstate.snapshot')).toBe(true);
  });

  it('10k synchronous bodies at unbounded concurrency finish without a stack overflow', async () => {
    const s = scheduler({ retention: { maxFinished: 100 } }).start();
    const task = new AsyncTask('sync', () => 1);
    let last = '';
    for (let i = 0; i < 10_000; i++) last = s.submitTask(task);
    const info = await s.waitTask(last);
    expect(info.state).toBe(TaskState.DONE);
    await s.stop();
  });

  it('a gate shared by many tasks releases them all', async () => {
    const s = scheduler({ concurrency: 2 }).start();
    const gate = deferred();
    const ids = Array.from({ length: 5 }, (_, i) =>
      s.submitTask(new AsyncTask(`g${i}`, () => gate.promise.then(() => i))),
    );
    await sleep(5);
    gate.resolve();
    await expect(Promise.all(ids.map((id) => s.result(id)))).resolves.toEqual([0, 1, 2, 3, 4]);
  });
});
