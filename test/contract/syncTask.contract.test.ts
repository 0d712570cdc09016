// SyncTask on an AsyncScheduler's executor threads, against docs/contract.md and the README.
import { describe, expect, it } from 'vitest';
import {
  SchedulerError,
  SyncTask,
  TaskCanceledError,
  TaskState,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../src/index.js';
import {
  contractFixture,
  counter,
  maxStarted,
  ownSchedulers,
  rejectionOf,
  sleep,
  stillCounting,
  thrownBy,
  until,
  HANG_GUARD_MS,
} from './helpers.js';

const { scheduler } = ownSchedulers();

const module = contractFixture('sync.mjs');
const sync = (exportName?: string, options?: ConstructorParameters<typeof SyncTask>[2]) =>
  new SyncTask(
    exportName ?? 'default',
    exportName === undefined ? { module } : { module, export: exportName },
    options,
  );

describe('SyncTask', () => {
  it('runs on a worker thread, with the context and TaskInfo type "sync"', async () => {
    const s = scheduler({ threads: 1 }).start();
    const id = s.submitTask(sync(), 'a', 1);
    const result = await s.result<{
      isMainThread: boolean;
      threadId: number;
      id: string;
      name: string;
      args: unknown[];
    }>(id);
    expect(result.isMainThread).toBe(false);
    expect(result.threadId).not.toBe(0);
    expect(result.id).toBe(id);
    expect(result.name).toBe('default');
    expect(result.args).toEqual(['a', 1]);
    const info = s.taskInfo(id);
    expect(info.type).toBe('sync');
    expect(info.state).toBe(TaskState.DONE);
    expect(info.args).toEqual(['a', 1]);
  });

  it('a module given as a string path or file URL string works too', async () => {
    const s = scheduler({ threads: 1 }).start();
    const task = new SyncTask('sum', { module: module.href, export: 'sum' });
    await expect(s.result(s.submitTask(task, 2, 3))).resolves.toBe(5);
  });

  it('passes args and results by structured clone', async () => {
    const s = scheduler({ threads: 1 }).start();
    const arg = {
      when: new Date(1_700_000_000_000),
      map: new Map([['k', [1, 2]]]),
      set: new Set(['x']),
      big: 10n,
      nested: { deep: [new Uint8Array([1, 2, 3])] },
    };
    const id = s.submitTask(sync('echo'), arg);
    const back = await s.result<typeof arg>(id);
    expect(back).toEqual(arg);
    expect(back).not.toBe(arg);
    expect(back.when).toBeInstanceOf(Date);
    expect(back.map).toBeInstanceOf(Map);
  });

  it('refuses a non-cloneable argument at submitTask with TypeError', () => {
    const s = scheduler({ threads: 1 }).start();
    for (const bad of [() => 1, { f: () => 1 }, Symbol('s')]) {
      const error = thrownBy(() => s.submitTask(sync('echo'), bad));
      expect(error).toBeInstanceOf(TypeError);
    }
    expect(s.dumpTask()).toEqual([]);
  });

  it('a body that throws → FAILED with its error; result() rejects with it', async () => {
    const s = scheduler({ threads: 1 }).start();
    const id = s.submitTask(sync('fail'));
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.FAILED);
    expect(info.error).toMatchObject({ name: 'RangeError', message: 'sync fixture failure' });
    const error = await rejectionOf(s.result(id));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('sync fixture failure');
  });

  it('a missing module → FAILED; the next task still runs', async () => {
    const s = scheduler({ threads: 1 }).start();
    const missing = new SyncTask('missing', { module: contractFixture('does-not-exist.mjs') });
    const info = await s.waitTask(s.submitTask(missing));
    expect(info.state).toBe(TaskState.FAILED);
    expect(info.error?.message.length).toBeGreaterThan(0);
    await expect(s.result(s.submitTask(sync('sum'), 1, 1))).resolves.toBe(2);
  });

  it('a missing export, or an export that is not a function → FAILED', async () => {
    const s = scheduler({ threads: 1 }).start();
    for (const name of ['noSuchExport', 'notAFunction']) {
      const info = await s.waitTask(s.submitTask(sync(name)));
      expect(info.state, name).toBe(TaskState.FAILED);
      expect(info.error?.message, name).toMatch(new RegExp(name));
    }
  });

  it('a result that cannot be cloned → FAILED, not a hang', async () => {
    const s = scheduler({ threads: 1 }).start();
    const info = await s.waitTask(s.submitTask(sync('uncloneableResult')), {
      timeoutMs: HANG_GUARD_MS,
    });
    expect(info.state).toBe(TaskState.FAILED);
  });

  it('cancel of a busy loop really stops it, and the thread is back at once', async () => {
    const s = scheduler({ threads: 1 }).start();
    const c = counter();
    const id = s.submitTask(sync('spin'), c.buffer);
    await until(() => c.read() > 0, HANG_GUARD_MS, 'spin to start');
    await expect(s.cancelTask(id, 'enough')).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    await sleep(20);
    expect(await stillCounting(c.read)).toBe(false);
    await expect(s.result(id)).rejects.toBeInstanceOf(TaskCanceledError);
    await expect(s.result(s.submitTask(sync('sum'), 2, 2))).resolves.toBe(4);
  });

  it('timeout of a busy loop really stops it: TIMED_OUT with a reason', async () => {
    const s = scheduler({ threads: 1 }).start();
    const c = counter();
    const id = s.submitTask(sync('spin', { timeoutMs: 30 }), c.buffer);
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.TIMED_OUT);
    expect(info.reason).toEqual(expect.any(String));
    await sleep(20);
    expect(await stillCounting(c.read)).toBe(false);
    await expect(s.result(id)).rejects.toBeInstanceOf(TaskTimeoutError);
    await expect(s.result(id)).rejects.toThrow(`Task "spin" (${id}) timed out after 30 ms`);
    await expect(s.result(s.submitTask(sync('sum'), 1, 2))).resolves.toBe(3);
  });

  it('a queued SyncTask canceled before it runs never runs', async () => {
    const s = scheduler({ threads: 1 }).start();
    const c = counter();
    const first = s.submitTask(sync('sleep'), 50);
    const second = s.submitTask(sync('spin'), c.buffer);
    await expect(s.cancelTask(second)).resolves.toBe(true);
    await expect(s.result(first)).resolves.toBe('slept');
    await sleep(20);
    expect(c.read()).toBe(0);
  });

  it('process.exit in a task → FAILED with WorkerCrashedError; later tasks still run', async () => {
    const s = scheduler({ threads: 1 }).start();
    const crashed = s.submitTask(sync('exit'));
    const after = s.submitTask(sync('sum'), 20, 22);
    const error = await rejectionOf(s.result(crashed));
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toBeInstanceOf(SchedulerError);
    const info = s.taskInfo(crashed);
    expect(info.state).toBe(TaskState.FAILED);
    expect(info.error?.name).toBe('WorkerCrashedError');
    await expect(s.result(after)).resolves.toBe(42);
  });

  it('one task per thread at a time: with threads: 2, at most two run at once', async () => {
    const s = scheduler({ threads: 2 }).start();
    const max = maxStarted(s);
    const ids = Array.from({ length: 5 }, () => s.submitTask(sync('sleep'), 30));
    await Promise.all(ids.map((id) => s.result(id)));
    expect(max()).toBeLessThanOrEqual(2);
  });

  it('SyncTasks do not block the caller’s loop', async () => {
    const s = scheduler({ threads: 1 }).start();
    const id = s.submitTask(sync('sleep'), 150);
    await until(() => s.taskState(id) === TaskState.STARTED);
    // A timer on the caller's loop fires while the 150 ms body still runs.
    await sleep(10);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    await s.result(id);
  });

  it('stop() drains SyncTasks, then terminates the threads', async () => {
    const s = scheduler({ threads: 1 }).start();
    const id = s.submitTask(sync('sleep'), 20);
    await s.stop();
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('stop({ cancel: true }) stops a busy loop', async () => {
    const s = scheduler({ threads: 1 }).start();
    const c = counter();
    const id = s.submitTask(sync('spin'), c.buffer);
    await until(() => c.read() > 0, HANG_GUARD_MS, 'spin to start');
    await s.stop({ cancel: true });
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    await sleep(20);
    expect(await stillCounting(c.read)).toBe(false);
  });

  describe('an argument that stops being cloneable after submitTask, while the task waits for a thread', () => {
    // Every submitted task reaches exactly one final state, whatever happens; a non-cloneable
    // argument is refused at submitTask, but one spoiled later must not break the lane either.
    const anywhere = contractFixture('anywhere.mjs');
    it.each([
      [
        'its ArrayBuffer is transferred (detached)',
        (arg: { bytes: Uint8Array; extra?: unknown }) => {
          structuredClone(arg.bytes.buffer, { transfer: [arg.bytes.buffer as ArrayBuffer] });
        },
      ],
      [
        'a function is attached to it',
        (arg: { bytes: Uint8Array; extra?: unknown }) => {
          arg.extra = () => 1;
        },
      ],
    ])(
      '%s: the task still ends (FAILED or DONE), later tasks run, stop() resolves',
      async (_what, spoil) => {
        const s = scheduler({ threads: 1 }).start();
        const hold = new SyncTask('hold', { module: anywhere, export: 'markAndHold' });
        const echo = new SyncTask('echo', { module: anywhere, export: 'echoArgs' });
        const blocker = s.submitTask(hold, new SharedArrayBuffer(64), 0, 50);
        await until(() => s.taskState(blocker) === TaskState.STARTED);
        const arg: { bytes: Uint8Array; extra?: unknown } = { bytes: new Uint8Array([1, 2, 3]) };
        const id = s.submitTask(echo, arg); // accepted: cloneable now
        spoil(arg);
        const info = await s.waitTask(id);
        expect([TaskState.FAILED, TaskState.DONE]).toContain(info.state);
        await expect(s.result(s.submitTask(echo, 'next'))).resolves.toEqual(['next']);
        await s.stop();
        expect(s.taskState(blocker)).toBe(TaskState.DONE);
      },
    );
  });
});
