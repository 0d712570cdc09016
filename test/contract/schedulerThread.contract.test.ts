// SchedulerThread against docs/contract.md and the README: the same API, its lane on its own thread.
import { isMainThread } from 'node:worker_threads';
import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerError,
  SchedulerStoppedError,
  SchedulerThread,
  SyncTask,
  TaskCanceledError,
  TaskState,
  TaskTimeoutError,
  UnknownTaskError,
  WaitTimeoutError,
  WorkerCrashedError,
} from '../../src/index.js';
import {
  contractFixture,
  delay,
  ownSchedulers,
  recordTransitions,
  rejectionOf,
  sleep,
  syncBodies,
  threadBodies,
  thrownBy,
  until,
  type Info,
} from './helpers.js';
import { runChild } from './childProcess.js';

const { lane } = ownSchedulers();

const anywhere = contractFixture('anywhere.mjs');
const where = new AsyncTask('where', { module: threadBodies });
const forever = (options?: ConstructorParameters<typeof AsyncTask>[2]) =>
  new AsyncTask('forever', { module: threadBodies, export: 'forever' }, options);

interface Where {
  isMainThread: boolean;
  threadId: number;
  id: string;
  name: string;
  lane: string;
  args: unknown[];
}

describe('SchedulerThread', () => {
  it('refuses an AsyncTask with a function body with TypeError', () => {
    const s = lane('refuses');
    const error = thrownBy(() => s.submitTask(new AsyncTask('fn', () => 1)));
    expect(error).toBeInstanceOf(TypeError);
    expect(s.dumpTask()).toEqual([]);
  });

  it('runs a module-ref AsyncTask in its own thread, on a lane named after it', async () => {
    const s = lane('urgent').start();
    const id = s.submitTask(where, 'x', 2);
    const result = await s.result<Where>(id);
    expect(result.isMainThread).toBe(false);
    expect(result.id).toBe(id);
    expect(result.name).toBe('where');
    expect(result.lane).toBe('urgent');
    expect(result.args).toEqual(['x', 2]);
    const info = s.taskInfo(id);
    expect(info).toMatchObject({ id, name: 'where', type: 'async', lane: 'urgent', state: 'DONE' });
  });

  it('runs SyncTasks', async () => {
    const s = lane('with-sync', { threads: 1 }).start();
    const id = s.submitTask(new SyncTask('sum', { module: syncBodies, export: 'sum' }), 1, 2, 3);
    await expect(s.result(id)).resolves.toBe(6);
    expect(s.taskInfo(id).type).toBe('sync');
    const whereSync = await s.result<Where>(
      s.submitTask(new SyncTask('where', { module: syncBodies })),
    );
    expect(whereSync.isMainThread).toBe(false);
  });

  it('taskState/taskInfo answer synchronously right after submitTask: SUBMITTED', async () => {
    const s = lane('sync-answers').start();
    const id = s.submitTask(delay(), 5);
    expect(s.taskState(id)).toBe(TaskState.SUBMITTED);
    const info = s.taskInfo(id);
    expect(info).toMatchObject({ id, state: TaskState.SUBMITTED, name: 'delay', args: [5] });
    expect(typeof info.ts.submit).toBe('number');
    expect(s.dumpTask(id)).toHaveLength(1);
    await expect(s.result(id)).resolves.toBe('waited');
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('before start() nothing runs; tasks wait SUBMITTED', async () => {
    const s = lane('late-start');
    const id = s.submitTask(delay(), 1, 'v');
    await sleep(50);
    expect(s.taskState(id)).toBe(TaskState.SUBMITTED);
    s.start();
    await expect(s.result(id)).resolves.toBe('v');
  });

  it('UnknownTaskError for unknown ids; cancelTask(unknown) → false', async () => {
    const s = lane('unknown').start();
    expect(() => s.taskState('nope')).toThrow(UnknownTaskError);
    expect(() => s.taskInfo('nope')).toThrow(UnknownTaskError);
    await expect(s.cancelTask('nope')).resolves.toBe(false);
  });

  it('calls callbacks on the main side, once per state, with frozen infos', async () => {
    const seen: string[] = [];
    const threads: boolean[] = [];
    const record = (tag: string) => (info: Info) => {
      seen.push(`${tag}:${info.state}`);
      threads.push(isMainThread);
      expect(Object.isFrozen(info)).toBe(true);
      expect(s.taskState(info.id)).toBe(info.state);
    };
    const failures: unknown[] = [];
    const s: SchedulerThread = lane('callbacks', {
      onSubmit: record('all'),
      onSchedule: record('all'),
      onStart: record('all'),
      onDone: record('all'),
    });
    s.errors$.subscribe((e) => failures.push(e));
    s.start();
    const task = new AsyncTask('cb', { module: threadBodies }, { onDone: record('task') });
    await s.waitTask(s.submitTask(task));
    await sleep(5);
    expect(failures).toEqual([]);
    expect(seen).toEqual([
      'all:SUBMITTED',
      'all:SCHEDULED',
      'all:STARTED',
      ...(seen.indexOf('task:DONE') < seen.indexOf('all:DONE')
        ? ['task:DONE', 'all:DONE']
        : ['all:DONE', 'task:DONE']),
    ]);
    expect(threads.every(Boolean)).toBe(true);
  });

  it('transitions$ on the main side, in order', async () => {
    const s = lane('transitions');
    const rec = recordTransitions(s);
    s.start();
    const id = s.submitTask(delay(), 1);
    await s.waitTask(id);
    await sleep(5);
    expect(rec.of(id).map((t) => `${t.from}>${t.to}`)).toEqual([
      'NEW>SUBMITTED',
      'SUBMITTED>SCHEDULED',
      'SCHEDULED>STARTED',
      'STARTED>DONE',
    ]);
    for (const t of rec.of(id)) {
      expect(t.lane).toBe('transitions');
      expect(t.info.state).toBe(t.to);
    }
  });

  it('result() rejects with the body’s error, TaskTimeoutError, TaskCanceledError', async () => {
    const s = lane('outcomes').start();
    const failed = s.submitTask(new AsyncTask('fail', { module: threadBodies, export: 'fail' }));
    const failure = await rejectionOf(s.result(failed));
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('TypeError');
    expect((failure as Error).message).toBe('thread fixture failure');
    expect(s.taskInfo(failed).error).toMatchObject({
      name: 'TypeError',
      message: 'thread fixture failure',
    });

    const timedOut = s.submitTask(forever({ timeoutMs: 20 }));
    await expect(s.result(timedOut)).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(s.taskInfo(timedOut).reason).toEqual(expect.any(String));

    const canceled = s.submitTask(delay(), 10_000);
    await until(() => s.taskState(canceled) === TaskState.STARTED);
    const pending = rejectionOf(s.result(canceled));
    await expect(s.cancelTask(canceled, 'why')).resolves.toBe(true);
    expect(s.taskState(canceled)).toBe(TaskState.CANCELED);
    expect(s.taskInfo(canceled).reason).toBe('why');
    expect(await pending).toBeInstanceOf(TaskCanceledError);
    await expect(s.cancelTask(canceled)).resolves.toBe(false);
  });

  it('cancel right after submit → true and final (the thread may have started it)', async () => {
    const s = lane('quick-cancel').start();
    const id = s.submitTask(delay(), 1_000, 'ran');
    await expect(s.cancelTask(id)).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.CANCELED);
    await expect(s.result(id)).rejects.toBeInstanceOf(TaskCanceledError);
  });

  it('a task canceled while queued (before start, or behind a busy slot) never runs', async () => {
    const s = lane('queued-cancel', { concurrency: 1 });
    const early = s.submitTask(delay(), 1, 'early');
    await expect(s.cancelTask(early)).resolves.toBe(true);
    s.start();
    const busy = s.submitTask(delay(), 60, 'busy');
    await until(() => s.taskState(busy) === TaskState.STARTED);
    const queued = s.submitTask(delay(), 1, 'queued');
    await until(() => s.taskState(queued) === TaskState.SCHEDULED);
    await expect(s.cancelTask(queued)).resolves.toBe(true);
    await expect(s.result(busy)).resolves.toBe('busy');
    await sleep(10);
    for (const id of [early, queued]) {
      const info = s.taskInfo(id);
      expect(info.state).toBe(TaskState.CANCELED);
      expect(info.ts.start).toBeUndefined();
    }
  });

  it('waitTask timeoutMs → WaitTimeoutError, task untouched', async () => {
    const s = lane('wait').start();
    const id = s.submitTask(delay(), 80, 'fine');
    await expect(s.waitTask(id, { timeoutMs: 10 })).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(s.result(id)).resolves.toBe('fine');
  });

  it('priority and concurrency as on AsyncScheduler', async () => {
    const s = lane('ordered', { concurrency: 1 });
    const order: string[] = [];
    s.transitions$.subscribe((t) => {
      if (t.to === 'STARTED') order.push(t.info.args[1] as string);
    });
    [0, 2, 1, 2].forEach((p, i) => {
      s.submitTask(delay({ priority: p }), 1, `p${p}#${i}`);
    });
    s.start();
    await s.stop();
    expect(order).toEqual(['p2#1', 'p2#3', 'p1#2', 'p0#0']);
  });

  it('slowest and dumpTask answer from the main side', async () => {
    const s = lane('slowest').start();
    const ids = [5, 40, 20].map((ms) => s.submitTask(delay(), ms));
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(s.dumpTask().map((i) => i.id)).toEqual(ids);
    expect(s.slowest(1)[0]?.id).toBe(ids[1]);
  });

  it('a thread’s busy task does not block another lane or the main loop', async () => {
    const busy = lane('busy', { threads: 1 }).start();
    const other = lane('other').start();
    await other.result(other.submitTask(delay(), 1)); // its thread is up
    const spinner = busy.submitTask(
      new SyncTask('sleep', { module: syncBodies, export: 'sleep' }),
      800,
    );
    await until(() => busy.taskState(spinner) === TaskState.STARTED);
    await expect(other.result(other.submitTask(delay(), 1, 'quick'))).resolves.toBe('quick');
    // Done while the other lane's 800 ms task still runs: no lane waited for it.
    expect(busy.taskState(spinner)).toBe(TaskState.STARTED);
    await busy.cancelTask(spinner);
  });

  it('stop() drains; then submitTask throws SchedulerStoppedError', async () => {
    const s = lane('stopping').start();
    const id = s.submitTask(delay(), 20);
    await s.stop();
    expect(s.taskState(id)).toBe(TaskState.DONE);
    const error = thrownBy(() => s.submitTask(delay(), 1));
    expect(error).toBeInstanceOf(SchedulerStoppedError);
    expect(error).toBeInstanceOf(SchedulerError);
  });

  it('stop({ cancel: true }) cancels running and queued tasks', async () => {
    const s = lane('cancel-all', { concurrency: 1 }).start();
    const running = s.submitTask(forever());
    const queued = s.submitTask(delay(), 1);
    await until(() => s.taskState(running) === TaskState.STARTED);
    await s.stop({ cancel: true });
    expect(s.taskState(running)).toBe(TaskState.CANCELED);
    expect(s.taskState(queued)).toBe(TaskState.CANCELED);
  });

  it('stop({ timeoutMs }) drains for at most that long', async () => {
    const s = lane('bounded').start();
    const quick = s.submitTask(delay(), 5);
    const stuck = s.submitTask(forever());
    await until(() => s.taskState(stuck) === TaskState.STARTED);
    await s.stop({ timeoutMs: 60 });
    expect(s.taskState(quick)).toBe(TaskState.DONE);
    expect(s.taskState(stuck)).toBe(TaskState.CANCELED);
  });

  it('a later stop({ timeoutMs }) bounds a drain already under way', async () => {
    // The limit is kept in the lane thread, on the system clock: a short one keeps the test quick.
    const s = lane('escalate');
    const started = firstValueFrom(s.transitions$.pipe(filter((t) => t.to === TaskState.STARTED)));
    s.start();
    const id = s.submitTask(forever());
    await started;
    const first = s.stop();
    await s.stop({ timeoutMs: 20 });
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    await first;
  });

  it('clones a SyncTask’s arguments at submitTask: detaching them afterwards changes nothing', async () => {
    const s = lane('clone-at-submit', { threads: 1 }).start();
    const echo = new SyncTask('echo', { module: anywhere, export: 'echoArgs' });
    const arg = { bytes: new Uint8Array([1, 2, 3]) };
    const id = s.submitTask(echo, arg);
    structuredClone(arg.bytes.buffer, { transfer: [arg.bytes.buffer] });
    await expect(s.result(id)).resolves.toEqual([{ bytes: new Uint8Array([1, 2, 3]) }]);
  });

  describe('TaskInfo.error, a frozen snapshot as on AsyncScheduler', () => {
    it('is frozen; tampering with one snapshot does not change the next', async () => {
      const s = lane('frozen-error').start();
      const id = s.submitTask(new AsyncTask('f', { module: anywhere, export: 'failCoded' }));
      const info = await s.waitTask(id);
      expect(info.state).toBe(TaskState.FAILED);
      const tamper = () => {
        (info.error as { message: string }).message = 'tampered';
      };
      expect(Object.isFrozen(info.error)).toBe(true);
      expect(tamper).toThrow(TypeError);
      expect(s.taskInfo(id).error?.message).toBe('coded failure');
      expect(s.dumpTask(id)[0]!.error?.message).toBe('coded failure');
    });

    it('is frozen for a SyncTask failure and in transitions$ infos too', async () => {
      const s = lane('frozen-error-sync', { threads: 1 });
      const seen: boolean[] = [];
      s.transitions$.subscribe((t) => {
        if (t.info.error !== undefined) seen.push(Object.isFrozen(t.info.error));
      });
      s.start();
      const id = s.submitTask(new SyncTask('f', { module: anywhere, export: 'failCoded' }));
      const info = await s.waitTask(id);
      expect(Object.isFrozen(info.error)).toBe(true);
      expect(seen).toEqual([true]);
    });
  });

  it('a SyncTask that exits its executor thread → WorkerCrashedError, lane goes on', async () => {
    const s = lane('crash', { threads: 1 }).start();
    const crashed = s.submitTask(new SyncTask('exit', { module: syncBodies, export: 'exit' }));
    await expect(s.result(crashed)).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(s.result(s.submitTask(delay(), 1, 'after'))).resolves.toBe('after');
  });

  it('after stop() the process can exit by itself (child process on dist/)', async () => {
    const { code, out, err } = await runChild('exitAfterStop.mjs', [], { limitMs: 8_000 });
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ results: ['a', 3, 7, 'local'], timedOut: 'TIMED_OUT' });
  }, 15_000);
});
