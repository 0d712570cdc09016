// "When stop() resolves every task is final and no timer or thread keeps the process alive",
// and long limits that must not fire early.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerThread,
  SyncTask,
  TaskState,
  taskMachine,
} from '../../src/index.js';
import { dist, runChild } from './childProcess.js';
import { contractFixture, deferred, maxStarted, ownSchedulers, sleep } from './helpers.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

const { scheduler, lane } = ownSchedulers();

describe('process lifetime', () => {
  it('AsyncScheduler: long timers that ended early keep nothing alive after stop()', async () => {
    const { code, out, err } = await runChild('timersAfterStop.mjs', ['main'], { limitMs: 20_000 });
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ state: 'DONE' });
  }, 30_000);

  it('SchedulerThread: long timers that ended early keep nothing alive after stop()', async () => {
    const { code, out, err } = await runChild('timersAfterStop.mjs', ['thread'], {
      limitMs: 20_000,
    });
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ state: 'DONE' });
  }, 30_000);
});

describe('long limits do not fire early', () => {
  const BIG = 2 ** 31; // past setTimeout's 32-bit limit (about 24.8 days)

  it('a task timeoutMs past 2^31 ms does not time out at once', async () => {
    const s = scheduler().start();
    const gate = deferred<string>();
    const id = s.submitTask(new AsyncTask('long', () => gate.promise, { timeoutMs: BIG }));
    await sleep(30);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    gate.resolve('fine');
    await expect(s.result(id)).resolves.toBe('fine');
  });

  it('timeoutMs Infinity is refused or means no timeout', async () => {
    let task: AsyncTask | undefined;
    const gate = deferred<string>();
    try {
      task = new AsyncTask('infinite', () => gate.promise, { timeoutMs: Infinity });
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      return;
    }
    const s = scheduler().start();
    const id = s.submitTask(task);
    await sleep(30);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    gate.resolve('fine');
    await expect(s.result(id)).resolves.toBe('fine');
  });

  it('a waitTask timeoutMs past 2^31 ms does not reject at once', async () => {
    const s = scheduler().start();
    const gate = deferred<string>();
    const id = s.submitTask(new AsyncTask('long', () => gate.promise));
    let settled = false;
    const waiting = s.waitTask(id, { timeoutMs: BIG }).finally(() => {
      settled = true;
    });
    await sleep(30);
    expect(settled).toBe(false);
    gate.resolve('fine');
    await expect(waiting).resolves.toMatchObject({ state: TaskState.DONE });
  });

  it('a stop timeoutMs past 2^31 ms drains instead of canceling at once', async () => {
    const s = scheduler().start();
    const id = s.submitTask(new AsyncTask('drained', () => sleep(40).then(() => 'drained')));
    await s.stop({ timeoutMs: BIG });
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('a retention maxAgeMs past 2^31 ms does not evict at once', async () => {
    const s = scheduler({ retention: { maxAgeMs: BIG } }).start();
    const id = s.submitTask(new AsyncTask('kept', () => 1));
    await s.waitTask(id);
    await sleep(30);
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('a SyncTask timeoutMs past 2^31 ms does not time out at once', async () => {
    const s = scheduler({ threads: 1 }).start();
    const task = new SyncTask(
      'sleep',
      { module: contractFixture('sync.mjs'), export: 'sleep' },
      { timeoutMs: BIG },
    );
    await expect(s.result(s.submitTask(task, 40))).resolves.toBe('slept');
  });
});

describe('errors$ never crash the scheduler', () => {
  it('a throwing errors$ subscriber changes nothing and crashes nothing', async () => {
    const s = scheduler({
      onDone: () => {
        throw new Error('callback failed');
      },
    }).start();
    s.errors$.subscribe(() => {
      throw new Error('errors$ subscriber failed too');
    });
    const seen: SchedulerError[] = [];
    s.errors$.subscribe((e) => seen.push(e));
    const ids = [1, 2].map((v) => s.submitTask(new AsyncTask('t', () => v)));
    await expect(Promise.all(ids.map((id) => s.result(id)))).resolves.toEqual([1, 2]);
    await s.stop();
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  // The on* callbacks are typed `(info) => void`, so an async one is accepted; what its promise
  // rejects with goes to errors$ like a throw (these lint rules would refuse the async callbacks).
  /* eslint-disable @typescript-eslint/no-misused-promises */
  describe('an async callback whose promise rejects', () => {
    const rejectingOnDone = async () => {
      throw new Error('async callback failed');
    };

    it.each([
      ['AsyncScheduler', () => scheduler({ onDone: rejectingOnDone })],
      ['SchedulerThread', () => lane('async-callback', { onDone: rejectingOnDone })],
    ])('%s: the rejection goes to errors$ once, and changes nothing', async (_kind, make) => {
      const s: AsyncScheduler | SchedulerThread = make();
      const errors = lastValueFrom(s.errors$.pipe(toArray()));
      const reported = firstValueFrom(s.errors$);
      s.start();
      const task = new AsyncTask('t', {
        module: contractFixture('outcomes.mjs'),
        export: 'resolveNow',
      });
      const info = await s.waitTask(s.submitTask(task, 0, 'v'));
      expect(info.state).toBe(TaskState.DONE);
      await reported;
      await s.stop();
      expect((await errors).map((e) => e.message)).toEqual([
        expect.stringContaining('async callback failed'),
      ]);
    });

    it('does not end a plain node process (child on dist/)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'async-cb-'));
      try {
        const script = join(dir, 'asyncCallback.mjs');
        writeFileSync(
          script,
          `import { AsyncScheduler, AsyncTask } from ${JSON.stringify(dist)};
const s = new AsyncScheduler({ onDone: async () => { throw new Error('async callback failed'); } }).start();
const reported = new Promise((resolve) => s.errors$.subscribe(resolve));
await s.waitTask(s.submitTask(new AsyncTask('a', () => 1)));
await reported;
console.log(await s.result(s.submitTask(new AsyncTask('b', () => 2))));
await s.stop();`,
        );
        const child = spawn(process.execPath, [script], { stdio: 'ignore' });
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(code).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it.each([
      [
        'AsyncScheduler',
        (onDone: () => Promise<void>) => stopAfterTest(new AsyncScheduler({ onDone })),
      ],
      [
        'SchedulerThread',
        (onDone: () => Promise<void>) => stopAfterTest(new SchedulerThread('late', { onDone })),
      ],
    ])(
      '%s: a rejection that comes after stop() resolved (errors$ complete) is a process warning, not lost',
      async (_kind, make) => {
        const gate = deferred();
        const s = make(async () => {
          await gate.promise;
          throw new Error('late async onDone');
        });
        const errors = lastValueFrom(s.errors$.pipe(toArray()));
        s.start();
        s.submitTask(
          new AsyncTask('last', { module: contractFixture('outcomes.mjs'), export: 'resolveNow' }),
          0,
          'v',
        );
        await s.stop(); // drains: the task is DONE, its onDone called, then stop() resolves
        const warned = new Promise<string>((resolve) => {
          const onWarning = (w: Error) => {
            if (!w.message.includes('late async onDone')) return;
            process.off('warning', onWarning);
            resolve(w.message);
          };
          process.on('warning', onWarning);
        });
        gate.resolve();
        await expect(warned).resolves.toContain('late async onDone');
        expect(await errors).toEqual([]);
      },
    );
  });
  /* eslint-enable @typescript-eslint/no-misused-promises */
});

describe('more contract details', () => {
  it('timestamps have sub-millisecond precision', async () => {
    const s = scheduler().start();
    const ids = Array.from({ length: 10 }, () => s.submitTask(new AsyncTask('t', () => sleep(1))));
    const infos = await Promise.all(ids.map((id) => s.waitTask(id)));
    const all = infos
      .flatMap((i) => [i.ts.submit, i.ts.schedule, i.ts.start, i.ts.done])
      .filter((v): v is number => v !== undefined);
    expect(all.some((v) => !Number.isInteger(v))).toBe(true);
  });

  it('taskMachine carries the RUNNING tag on STARTED and FINISHED on the final states', () => {
    const states = taskMachine.states as Record<string, { tags: readonly string[] } | undefined>;
    expect(states['STARTED']?.tags).toContain('RUNNING');
    for (const s of ['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED']) {
      expect(states[s]?.tags, s).toContain('FINISHED');
    }
    for (const s of ['NEW', 'SUBMITTED', 'SCHEDULED']) {
      expect(states[s]?.tags ?? [], s).not.toContain('RUNNING');
      expect(states[s]?.tags ?? [], s).not.toContain('FINISHED');
    }
  });

  it('a SyncTask’s error keeps its name, also for a custom class or a string', async () => {
    const s = scheduler({ threads: 1 }).start();
    const mod = contractFixture('sync.mjs');
    const custom = await s.waitTask(
      s.submitTask(new SyncTask('c', { module: mod, export: 'failCustom' })),
    );
    expect(custom.error).toMatchObject({ name: 'CustomError', message: 'custom failure' });
    const str = await s.waitTask(
      s.submitTask(new SyncTask('s', { module: mod, export: 'failString' })),
    );
    expect(str.state).toBe(TaskState.FAILED);
    expect(str.error?.message).toContain('sync string failure');
    const error = await s.result(str.id).catch((e: unknown) => e);
    expect(error).toBeDefined();
  });

  it('after a cancel the executor pool is back to full strength at once', async () => {
    const s = scheduler({ threads: 2 }).start();
    const mod = contractFixture('sync.mjs');
    const buffer = new SharedArrayBuffer(4);
    const view = new Int32Array(buffer);
    const spinning = s.submitTask(new SyncTask('spin', { module: mod, export: 'spin' }), buffer);
    const warm = s.submitTask(new SyncTask('sleep', { module: mod, export: 'sleep' }), 1);
    await s.waitTask(warm);
    while (Atomics.load(view, 0) === 0) await sleep(2);
    await s.cancelTask(spinning);
    const max = maxStarted(s);
    const sleeper = new SyncTask('sleep', { module: mod, export: 'sleep' });
    const ids = [s.submitTask(sleeper, 80), s.submitTask(sleeper, 80)];
    await Promise.all(ids.map((id) => s.result(id)));
    expect(max()).toBe(2);
  });

  it('slowest() past eviction stays bounded (invariant 6): it does not keep every record', async () => {
    const s = scheduler({ retention: { maxFinished: 10 } }).start();
    const task = new AsyncTask('n', () => 1);
    let last = '';
    for (let i = 0; i < 3_000; i++) last = s.submitTask(task);
    await s.waitTask(last);
    const kept = s.slowest(1_000_000, { running: false }).length;
    expect(kept).toBeLessThan(3_000);
  });
});
