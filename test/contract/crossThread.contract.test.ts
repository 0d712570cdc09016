// What crosses a thread: a SchedulerThread before start() and after stop(), two lanes of one
// name, structured-clone fidelity of results and errors, SyncTask specifics on executor threads,
// process lifetime after awkward stops and the thread's streams (docs/contract.md: "Its API is
// the same as AsyncScheduler's, called from the main thread").
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerError,
  SchedulerStoppedError,
  SyncTask,
  TaskState,
  WaitTimeoutError,
} from '../../src/index.js';
import {
  FINAL_STATES,
  TS_KEY,
  contractFixture,
  ownSchedulers,
  recordTransitions,
  rejectionOf,
  sleep,
  thrownBy,
  until,
  HANG_GUARD_MS,
} from './helpers.js';
import { runChild } from './childProcess.js';

const { scheduler, lane } = ownSchedulers();

const bodies = contractFixture('anywhere.mjs');
const asyncRef = (exportName: string, options?: ConstructorParameters<typeof AsyncTask>[2]) =>
  new AsyncTask(exportName, { module: bodies, export: exportName }, options);
/** How long a holdForPeers body waits for its peers at the most: only a failing test waits it. */
const PEER_CAP_MS = 5_000;
const syncRef = (exportName: string, options?: ConstructorParameters<typeof SyncTask>[2]) =>
  new SyncTask(exportName, { module: bodies, export: exportName }, options);

describe('SchedulerThread: every method before start()', () => {
  it('queries answer, waitTask times out, cancel works, and nothing runs', async () => {
    const s = lane('before-start', { concurrency: 1 });
    const rec = recordTransitions(s);
    const a = s.submitTask(asyncRef('delay'), 1, 'a');
    const b = s.submitTask(asyncRef('delay'), 1, 'b');
    expect(s.taskState(a)).toBe(TaskState.SUBMITTED);
    expect(s.taskInfo(b).state).toBe(TaskState.SUBMITTED);
    expect(s.dumpTask().map((i) => i.id)).toEqual([a, b]);
    expect(s.slowest(5)).toEqual([]);
    expect(s.slowest(5, { running: true })).toEqual([]);
    await expect(s.waitTask(a, { timeoutMs: 15 })).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(s.cancelTask(b, 'not needed')).resolves.toBe(true);
    expect(s.taskState(b)).toBe(TaskState.CANCELED);
    await expect(s.waitTask(b)).resolves.toMatchObject({ state: 'CANCELED', reason: 'not needed' });
    expect(s.taskState(a)).toBe(TaskState.SUBMITTED);
    s.start();
    await expect(s.result(a)).resolves.toBe('a');
    expect(rec.of(b).map((t) => t.to)).toEqual(['SUBMITTED', 'CANCELED']);
  });

  it('stop() (drain) on a lane never started does not hang; every task ends final', async () => {
    const s = lane('drain-unstarted');
    const id = s.submitTask(asyncRef('delay'), 1, 'x');
    const outcome = await Promise.race([
      s.stop().then(() => 'stopped'),
      sleep(HANG_GUARD_MS).then(() => 'hung'),
    ]);
    expect(outcome).toBe('stopped');
    expect(FINAL_STATES).toContain(s.taskState(id));
  });
});

describe('SchedulerThread: every method after stop()', () => {
  it('queries still answer; waitTask/result of final tasks settle; cancel is false; submit throws', async () => {
    const s = lane('after-stop').start();
    const done = s.submitTask(asyncRef('delay'), 1, 'kept');
    const failed = s.submitTask(asyncRef('failCoded'));
    await s.waitTask(failed);
    await s.stop();
    expect(s.taskState(done)).toBe(TaskState.DONE);
    expect(s.taskInfo(failed).state).toBe(TaskState.FAILED);
    expect(s.dumpTask()).toHaveLength(2);
    expect(s.slowest(2)).toHaveLength(2);
    await expect(s.waitTask(done)).resolves.toMatchObject({ state: 'DONE' });
    await expect(s.result(done)).resolves.toBe('kept');
    await expect(s.result(failed)).rejects.toMatchObject({ message: 'coded failure' });
    await expect(s.cancelTask(done)).resolves.toBe(false);
    await expect(s.cancelTask('unknown')).resolves.toBe(false);
    expect(thrownBy(() => s.submitTask(asyncRef('delay'), 1))).toBeInstanceOf(
      SchedulerStoppedError,
    );
  });

  it('start() after stop() does not revive it: submitTask still throws, stop() still resolves', async () => {
    const s = lane('restart').start();
    await s.stop();
    try {
      s.start();
    } catch (error) {
      expect(error).toBeInstanceOf(SchedulerError);
    }
    expect(thrownBy(() => s.submitTask(asyncRef('delay'), 1))).toBeInstanceOf(
      SchedulerStoppedError,
    );
    await expect(s.stop()).resolves.toBeUndefined();
  });

  it('stop() twice at once: both resolve, and only once every task is final', async () => {
    const s = lane('stop-twice').start();
    const ids = [5, 10, 15].map((ms) => s.submitTask(asyncRef('delay'), ms));
    let finalAtFirst: boolean | undefined;
    let finalAtSecond: boolean | undefined;
    const allFinal = () => ids.every((id) => FINAL_STATES.includes(s.taskState(id)));
    const first = s.stop().then(() => (finalAtFirst = allFinal()));
    const second = s.stop().then(() => (finalAtSecond = allFinal()));
    await Promise.all([first, second]);
    expect(finalAtFirst).toBe(true);
    expect(finalAtSecond).toBe(true);
    for (const id of ids) expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('stop() then stop({ cancel: true }): the second escalates, both resolve', async () => {
    const s = lane('stop-escalate').start();
    const id = s.submitTask(asyncRef('delay'), 10_000);
    await until(() => s.taskState(id) === TaskState.STARTED);
    const draining = s.stop();
    await s.stop({ cancel: true });
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    await draining;
  });
});

describe('two SchedulerThreads with the same name', () => {
  it('are independent lanes: both run, a cancel or a stop in one leaves the other alone', async () => {
    const a = lane('twin').start();
    const b = lane('twin').start();
    const ia = a.submitTask(asyncRef('delay'), 10_000);
    const ib = b.submitTask(asyncRef('delay'), 20, 'b');
    expect(ia).not.toBe(ib);
    await until(() => a.taskState(ia) === TaskState.STARTED);
    await expect(a.cancelTask(ib)).resolves.toBe(false);
    await a.stop({ cancel: true });
    expect(a.taskState(ia)).toBe(TaskState.CANCELED);
    await expect(b.result(ib)).resolves.toBe('b');
    expect(b.taskInfo(ib).lane).toBe('twin');
    await expect(b.result(b.submitTask(asyncRef('delay'), 1, 'still up'))).resolves.toBe(
      'still up',
    );
  });
});

describe('results and errors that cross the thread (structured clone fidelity)', () => {
  const cases: [string, (v: unknown) => void][] = [
    [
      'nothing',
      (v) => {
        expect(v).toBeUndefined();
      },
    ],
    [
      'nullValue',
      (v) => {
        expect(v).toBeNull();
      },
    ],
    [
      'aMap',
      (v) => {
        expect(v).toBeInstanceOf(Map);
        expect(v).toEqual(
          new Map<string, unknown>([
            ['a', 1],
            ['b', { nested: [2, 3] }],
          ]),
        );
      },
    ],
    [
      'aDate',
      (v) => {
        expect(v).toBeInstanceOf(Date);
        expect((v as Date).getTime()).toBe(1_700_000_000_123);
      },
    ],
    [
      'typed',
      (v) => {
        expect(v).toBeInstanceOf(Float64Array);
        expect(Array.from(v as Float64Array)).toEqual([1.5, -2.25, Number.NaN]);
      },
    ],
    [
      'mixed',
      (v) => {
        const m = v as { set: Set<number>; big: bigint; re: RegExp; err: Error };
        expect(m.set).toEqual(new Set([1, 2]));
        expect(m.big).toBe(2n ** 70n);
        expect(m.re).toBeInstanceOf(RegExp);
        expect(m.re.flags).toBe('gi');
        expect(m.err).toBeInstanceOf(Error);
        expect(m.err.message).toBe('inside');
      },
    ],
  ];

  for (const where of [
    'SchedulerThread AsyncTask',
    'SchedulerThread SyncTask',
    'SyncTask',
  ] as const) {
    it(`${where}: undefined, null, Map, Date, typed array, Set/bigint/RegExp/Error keep their type`, async () => {
      const s =
        where === 'SyncTask'
          ? scheduler({ threads: 1 }).start()
          : lane('clone', { threads: 1 }).start();
      for (const [exportName, check] of cases) {
        const task =
          where === 'SchedulerThread AsyncTask' ? asyncRef(exportName) : syncRef(exportName);
        const id = s.submitTask(task);
        const value = await s.result(id);
        check(value);
        expect(s.taskState(id)).toBe(TaskState.DONE);
        check(s.taskInfo(id).result);
      }
    });
  }

  for (const where of [
    'main loop',
    'SchedulerThread AsyncTask',
    'SchedulerThread SyncTask',
    'SyncTask',
  ] as const) {
    it(`${where}: an error with a custom code keeps name, message and code (result() and TaskInfo)`, async () => {
      const s =
        where === 'main loop' || where === 'SyncTask'
          ? scheduler({ threads: 1 }).start()
          : lane('codes', { threads: 1 }).start();
      const exports = ['failCoded', 'rejectCoded'];
      const expected = [
        { name: 'CodedError', message: 'coded failure', code: 'E_CUSTOM' },
        { name: 'TypeError', message: 'coded rejection', code: 'E_REJECTED' },
      ];
      for (const [i, exportName] of exports.entries()) {
        const task = where.endsWith('SyncTask') ? syncRef(exportName) : asyncRef(exportName);
        const id = s.submitTask(task);
        const error = (await rejectionOf(s.result(id))) as Error & { code?: string };
        expect(error).toBeInstanceOf(Error);
        expect({ name: error.name, message: error.message, code: error.code }).toEqual(expected[i]);
        expect(s.taskInfo(id).state).toBe(TaskState.FAILED);
        expect(s.taskInfo(id).error).toMatchObject(expected[i]!);
        expect(s.taskInfo(id).error?.stack).toEqual(expect.any(String));
      }
    });

    it(`${where}: a thrown string or undefined fails the task with an Error saying what was thrown`, async () => {
      const s =
        where === 'main loop' || where === 'SyncTask'
          ? scheduler({ threads: 1 }).start()
          : lane('strings', { threads: 1 }).start();
      for (const exportName of ['failString', 'failUndefined']) {
        const task = where.endsWith('SyncTask') ? syncRef(exportName) : asyncRef(exportName);
        const id = s.submitTask(task);
        const info = await s.waitTask(id);
        expect(info.state).toBe(TaskState.FAILED);
        expect(info.error?.name.length).toBeGreaterThan(0);
        if (exportName === 'failString') expect(info.error?.message).toContain('a thrown string');
        const error = await rejectionOf(s.result(id));
        expect(error).toBeInstanceOf(Error);
      }
    });
  }

  it('the error record of a thrown string is the same on every lane (name and code)', async () => {
    const main = scheduler({ threads: 1 }).start();
    const thread = lane('same-shape', { threads: 1 }).start();
    const shapes = [];
    for (const [s, task] of [
      [main, asyncRef('failString')],
      [thread, asyncRef('failString')],
      [main, syncRef('failString')],
      [thread, syncRef('failString')],
    ] as const) {
      const info = await s.waitTask(s.submitTask(task));
      shapes.push({ name: info.error?.name, code: info.error?.code });
    }
    expect(new Set(shapes.map((x) => JSON.stringify(x))).size).toBe(1);
  });
});

describe('SyncTask specifics', () => {
  it('an async export is awaited on the executor thread; one that rejects fails the task', async () => {
    const s = scheduler({ threads: 1 }).start();
    await expect(s.result(s.submitTask(syncRef('asyncExport'), 3))).resolves.toBe('async-done');
    const failed = await s.waitTask(s.submitTask(syncRef('rejectCoded')));
    expect(failed.state).toBe(TaskState.FAILED);
    expect(failed.error?.code).toBe('E_REJECTED');
  });

  it('a SharedArrayBuffer argument is shared, not copied: the body’s write is seen by the caller', async () => {
    for (const s of [scheduler({ threads: 1 }).start(), lane('shared', { threads: 1 }).start()]) {
      const buffer = new SharedArrayBuffer(8);
      const view = new Int32Array(buffer);
      const id = s.submitTask(syncRef('writeShared'), buffer, 1234, 1);
      await expect(s.result(id)).resolves.toBe(1234);
      expect(Atomics.load(view, 1)).toBe(1234);
    }
  });

  it('with threads: 2, at most two bodies really run at once, and two do', async () => {
    const s = scheduler({ threads: 2 }).start();
    const buffer = new SharedArrayBuffer(4 * 8);
    const view = new Int32Array(buffer);
    // Each body holds until a second one is in with it (or PEER_CAP_MS passed).
    const ids = Array.from({ length: 6 }, (_, i) =>
      s.submitTask(syncRef('holdForPeers'), buffer, i, 2, PEER_CAP_MS),
    );
    await Promise.all(ids.map((id) => s.waitTask(id)));
    for (let i = 0; i < 6; i++) expect(Atomics.load(view, 2 + i)).toBe(1);
    expect(Atomics.load(view, 1)).toBe(2); // the most bodies in at once
  });

  it('by default, at most availableParallelism() - 1 (min 1) bodies really run at once', async () => {
    const expected = Math.max(1, availableParallelism() - 1);
    const s = scheduler().start();
    const count = Math.min(expected, 8) + 1;
    const buffer = new SharedArrayBuffer(4 * (count + 2));
    const view = new Int32Array(buffer);
    // Each body holds until `expected` are in at once (or PEER_CAP_MS passed): one more than
    // the pool allows never gets in with them.
    const peers = Math.min(expected, 4);
    const ids = Array.from({ length: count }, (_, i) =>
      s.submitTask(syncRef('holdForPeers'), buffer, i, peers, PEER_CAP_MS),
    );
    await Promise.all(ids.map((id) => s.waitTask(id)));
    const maxRunning = Atomics.load(view, 1);
    expect(maxRunning).toBeLessThanOrEqual(expected);
    if (expected <= 4) expect(maxRunning).toBe(expected);
  });

  it('a SyncTask that returns undefined is DONE with result undefined', async () => {
    const s = scheduler({ threads: 1 }).start();
    const id = s.submitTask(syncRef('nothing'));
    await expect(s.result(id)).resolves.toBeUndefined();
    const info = s.taskInfo(id);
    expect(info.state).toBe(TaskState.DONE);
    expect(info.result).toBeUndefined();
    expect(info.type).toBe('sync');
  });

  it('SyncTasks on a SchedulerThread’s executor start by priority, FIFO among equals', async () => {
    const s = lane('sync-priority', { threads: 1 }).start();
    const order: string[] = [];
    s.transitions$.subscribe((t) => {
      if (t.to === 'STARTED' && t.name === 'writeShared') order.push(String(t.info.args[1]));
    });
    const buffer = new SharedArrayBuffer(4 * 8);
    const blocker = s.submitTask(syncRef('markAndHold'), buffer, 0, 60);
    await until(() => s.taskState(blocker) === TaskState.STARTED);
    const ids = [0, 3, 1, 3, -1].map((p, i) =>
      s.submitTask(syncRef('writeShared', { priority: p }), buffer, i, 2),
    );
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(order).toEqual(['1', '3', '2', '0', '4']);
  });

  it('a SyncTask canceled while queued behind a busy thread never runs its body', async () => {
    const s = scheduler({ threads: 1 }).start();
    const buffer = new SharedArrayBuffer(4 * 8);
    const view = new Int32Array(buffer);
    const blocker = s.submitTask(syncRef('markAndHold'), buffer, 0, 40);
    await until(() => s.taskState(blocker) === TaskState.STARTED);
    const queued = s.submitTask(syncRef('writeShared'), buffer, 99, 5);
    await expect(s.cancelTask(queued)).resolves.toBe(true);
    await s.waitTask(blocker);
    await sleep(20);
    expect(Atomics.load(view, 5)).toBe(0);
    expect(s.taskInfo(queued).ts.start).toBeUndefined();
  });

  it('the body’s context names its task and lane, and carries a signal', async () => {
    const s = lane('ctx-lane', { threads: 1 }).start();
    const id = s.submitTask(syncRef('whereAmI'), 1);
    const result = await s.result<{
      isMainThread: boolean;
      id: string;
      name: string;
      lane: string;
      hasSignal: boolean;
    }>(id);
    expect(result).toMatchObject({
      isMainThread: false,
      id,
      name: 'whereAmI',
      lane: 'ctx-lane',
      hasSignal: true,
    });
  });
});

describe('process lifetime after awkward stops (child process on dist/)', () => {
  const cases: [string, string[]][] = [
    ['sync-cancel-while-booting', ['CANCELED', 'CANCELED', 'CANCELED']],
    ['sync-drain-while-booting', ['DONE', 'DONE', 'DONE']],
    ['lane-cancel-while-booting', ['CANCELED', 'CANCELED']],
    ['stop-in-callback', ['CANCELED']],
  ];
  for (const [which, states] of cases) {
    it(`${which}: every task final, then the process exits by itself`, async () => {
      const { code, out, err } = await runChild('awkwardStops.mjs', [which], { limitMs: 20_000 });
      expect(code, err).toBe(0);
      expect(JSON.parse(out)).toEqual({ states });
    }, 30_000);
  }
});

describe('SchedulerThread streams', () => {
  it('transitions$ is hot: a late subscriber sees only later transitions', async () => {
    const s = lane('hot').start();
    const first = s.submitTask(asyncRef('delay'), 1);
    await s.waitTask(first);
    await sleep(5);
    const rec = recordTransitions(s);
    const second = s.submitTask(asyncRef('delay'), 1);
    await s.waitTask(second);
    await sleep(5);
    expect(rec.of(first)).toEqual([]);
    expect(rec.of(second).map((t) => t.to)).toEqual(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE']);
  });

  it('when a transition is seen on the main side, taskState and taskInfo already report it', async () => {
    const s = lane('consistent', { concurrency: 1 });
    const mismatches: string[] = [];
    s.transitions$.subscribe((t) => {
      if (s.taskState(t.id) !== t.to) mismatches.push(`${t.to} but taskState ${s.taskState(t.id)}`);
      if (s.taskInfo(t.id).ts[TS_KEY[t.to]!] !== t.at) mismatches.push(`ts of ${t.to}`);
    });
    s.start();
    const ids = [1, 2, 3].map((ms) => s.submitTask(asyncRef('delay'), ms));
    ids.push(s.submitTask(asyncRef('failCoded')));
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(mismatches).toEqual([]);
  });

  it('a throwing transitions$ subscriber goes to errors$; others still see everything', async () => {
    const s = lane('throwing-sub');
    const errors: unknown[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    s.transitions$.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const rec = recordTransitions(s);
    s.start();
    const id = s.submitTask(asyncRef('delay'), 1, 'fine');
    await expect(s.result(id)).resolves.toBe('fine');
    await sleep(5);
    expect(rec.of(id)).toHaveLength(4);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toBeInstanceOf(SchedulerError);
  });
});
