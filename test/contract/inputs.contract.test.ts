// Odd inputs at the API's edges, timing fields, frozen snapshots, and the streams' lifetime,
// against the public API in docs/contract.md and the README.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerStoppedError,
  SchedulerThread,
  SyncTask,
  TaskCanceledError,
  TaskState,
  UnknownTaskError,
  WaitTimeoutError,
} from '../../src/index.js';
import {
  TS_KEY,
  contractFixture,
  deferred,
  failureOf,
  ownSchedulers,
  recordTransitions,
  rejectionOf,
  sleep,
  thrownBy,
  until,
  type Info,
} from './helpers.js';

type AnyScheduler = AsyncScheduler | SchedulerThread;
const { scheduler, lane } = ownSchedulers();

const bodies = contractFixture('anywhere.mjs');
const hang = () => new AsyncTask('hang', () => new Promise<never>(() => undefined));
const value = (v: unknown) => new AsyncTask('value', () => v);

describe('task names', () => {
  const names = [
    'ünïcödé — 名前 — 🚀✨',
    'x'.repeat(10_000),
    ' leading and trailing ',
    'line\nbreak\ttab',
    '"quotes" and \\backslashes\\',
    '\u0000nul',
  ];

  it('any non-empty string survives unchanged in TaskInfo, transitions$ and the body’s context (main loop)', async () => {
    const s = scheduler().start();
    const rec = recordTransitions(s);
    for (const name of names) {
      let seen = '';
      const id = s.submitTask(
        new AsyncTask(name, (ctx) => {
          seen = ctx.name;
        }),
      );
      const info = await s.waitTask(id);
      expect(info.name).toBe(name);
      expect(seen).toBe(name);
      expect(rec.of(id).every((t) => t.name === name)).toBe(true);
      expect(s.dumpTask(id)[0]!.name).toBe(name);
    }
  });

  it('the same through a SchedulerThread (the name crosses the thread)', async () => {
    const s = lane('names').start();
    for (const name of names) {
      const id = s.submitTask(new AsyncTask(name, { module: bodies, export: 'whereAmI' }));
      const result = await s.result<{ name: string }>(id);
      expect(result.name).toBe(name);
      expect(s.taskInfo(id).name).toBe(name);
    }
  });

  it('a SchedulerThread name with unicode is its lane name', async () => {
    const name = 'voie-🚦-ürgent';
    const s = lane(name).start();
    const id = s.submitTask(new AsyncTask('w', { module: bodies, export: 'whereAmI' }));
    await expect(s.result(id)).resolves.toMatchObject({ lane: name });
    expect(s.taskInfo(id).lane).toBe(name);
  });
});

describe('priority at the edges', () => {
  it('NaN is refused with RangeError naming priority', () => {
    const error = thrownBy(() => new AsyncTask('p', () => 1, { priority: Number.NaN }));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/priority/);
  });

  it('±Infinity is either refused with RangeError or ordered as a number', async () => {
    const order: number[] = [];
    const s = scheduler({ concurrency: 1 });
    for (const p of [0, Infinity, -Infinity, 1]) {
      let task: AsyncTask | undefined;
      try {
        task = new AsyncTask('p', () => order.push(p), { priority: p });
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toMatch(/priority/);
        continue;
      }
      s.submitTask(task);
    }
    s.start();
    await s.stop();
    expect(order).toEqual([...order].sort((a, b) => b - a));
  });

  it('negative, fractional and -0 priorities order as numbers, FIFO among equals (0 and -0 are equal)', async () => {
    const s = scheduler({ concurrency: 1 });
    const order: string[] = [];
    const priorities = [-0.5, 0, -0, -1e-12, 0.1, -3, 0, 2.5, -0.5];
    priorities.forEach((p, i) => {
      s.submitTask(new AsyncTask('p', () => order.push(`${p}#${i}`), { priority: p }));
    });
    s.start();
    await s.stop();
    const expected = priorities
      .map((p, i) => ({ p, i }))
      .sort((a, b) => b.p - a.p || a.i - b.i)
      .map(({ p, i }) => `${p}#${i}`);
    expect(order).toEqual(expected);
  });

  it('TaskInfo.priority reports the task’s own priority', async () => {
    const s = scheduler().start();
    const info = await s.waitTask(s.submitTask(new AsyncTask('p', () => 1, { priority: -2.5 })));
    expect(info.priority).toBe(-2.5);
  });
});

describe('huge timeouts never fire at once', () => {
  // 2**32 + 1 would wrap to 1 ms in a 32-bit timer; MAX_SAFE_INTEGER overflows every timer API.
  const HUGE = [2 ** 32 + 1, Number.MAX_SAFE_INTEGER];

  for (const timeoutMs of HUGE) {
    it(`task timeoutMs ${timeoutMs}: the task runs to the end, and TaskInfo keeps the value`, async () => {
      const s = scheduler().start();
      const gate = deferred<string>();
      const id = s.submitTask(new AsyncTask('long', () => gate.promise, { timeoutMs }));
      await sleep(30);
      expect(s.taskState(id)).toBe(TaskState.STARTED);
      gate.resolve('fine');
      await expect(s.result(id)).resolves.toBe('fine');
      expect(s.taskInfo(id).timeoutMs).toBe(timeoutMs);
    });

    it(`waitTask / stop timeoutMs ${timeoutMs}: neither gives up at once`, async () => {
      const s = scheduler().start();
      const gate = deferred<string>();
      const id = s.submitTask(new AsyncTask('long', () => gate.promise));
      let settled = false;
      const waiting = s.waitTask(id, { timeoutMs }).finally(() => (settled = true));
      await sleep(30);
      expect(settled).toBe(false);
      const stopping = s.stop({ timeoutMs });
      await sleep(20);
      expect(s.taskState(id)).toBe(TaskState.STARTED);
      gate.resolve('fine');
      await stopping;
      expect((await waiting).state).toBe(TaskState.DONE);
    });

    it(`SchedulerThread task timeoutMs ${timeoutMs} does not fire at once`, async () => {
      const s = lane('huge-timeout').start();
      const id = s.submitTask(
        new AsyncTask('d', { module: bodies, export: 'delay' }, { timeoutMs }),
        40,
        'fine',
      );
      await expect(s.result(id)).resolves.toBe('fine');
    });

    it(`retention maxAgeMs ${timeoutMs} does not evict at once`, async () => {
      const s = scheduler({ retention: { maxAgeMs: timeoutMs } }).start();
      const id = s.submitTask(value(1));
      await s.waitTask(id);
      await sleep(20);
      expect(s.taskState(id)).toBe(TaskState.DONE);
    });
  }
});

describe('args', () => {
  it('AsyncTask on the main loop: undefined, null, functions and symbols pass through as they are', async () => {
    const s = scheduler().start();
    const fn = () => 'called';
    const sym = Symbol('s');
    let seen: unknown[] = [];
    const task = new AsyncTask('args', ({ args }) => {
      seen = args;
      return (args[2] as () => string)();
    });
    const id = s.submitTask(task, undefined, null, fn, sym);
    await expect(s.result(id)).resolves.toBe('called');
    expect(seen).toHaveLength(4);
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toBeNull();
    expect(seen[2]).toBe(fn);
    expect(seen[3]).toBe(sym);
    const info = s.taskInfo(id);
    expect(info.args).toHaveLength(4);
    expect(info.args[2]).toBe(fn);
  });

  it('no args → args is []; a single undefined → [undefined] (length kept)', async () => {
    const s = scheduler().start();
    const task = new AsyncTask('len', ({ args }) => args.length);
    await expect(s.result(s.submitTask(task))).resolves.toBe(0);
    await expect(s.result(s.submitTask(task, undefined))).resolves.toBe(1);
    await expect(s.result(s.submitTask(task, undefined, undefined))).resolves.toBe(2);
  });

  it('a SyncTask refuses a function argument with TypeError naming the argument', () => {
    const s = scheduler({ threads: 1 });
    const task = new SyncTask('echo', { module: bodies, export: 'echoArgs' });
    for (const args of [[() => 1], [1, () => 1], [{ nested: { fn: () => 1 } }]]) {
      const error = thrownBy(() => s.submitTask(task, ...args));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/argument|args/i);
      expect((error as Error).message).toContain(String(args.length - 1));
    }
    expect(s.dumpTask()).toEqual([]);
  });

  it('a SyncTask refuses an argument whose clone throws (getter) or cannot clone (Proxy)', () => {
    const s = scheduler({ threads: 1 });
    const task = new SyncTask('echo', { module: bodies, export: 'echoArgs' });
    const throwing = {
      get x(): number {
        throw new Error('getter boom');
      },
    };
    for (const bad of [throwing, new Proxy({}, {})]) {
      expect(thrownBy(() => s.submitTask(task, bad))).toBeInstanceOf(TypeError);
    }
    expect(s.dumpTask()).toEqual([]);
  });

  it('a SchedulerThread refuses a function argument with TypeError naming the argument; the lane goes on', async () => {
    const s = lane('fn-arg').start();
    const task = new AsyncTask('echo', { module: bodies, export: 'echoArgs' });
    const error = thrownBy(() => s.submitTask(task, 'ok', { callback: () => 1 }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/argument|args/i);
    expect(s.dumpTask()).toEqual([]);
    await expect(s.result(s.submitTask(task, 'ok', null, undefined))).resolves.toEqual([
      'ok',
      null,
      undefined,
    ]);
  });
});

describe('args that are one object, sent to a thread', () => {
  // A structured clone of the args as a whole keeps the sharing between them, as structured
  // clone always does within one value; cloning them one by one would not.
  const BODY = `export default function sameObject({ args: [a, b] }) { return a === b; }`;
  const sameObject = new SyncTask<[object, object], boolean>('sameObject', {
    module: `data:text/javascript,${encodeURIComponent(BODY)}`,
  });

  it.each([
    ['AsyncScheduler SyncTask', () => scheduler()],
    ['SchedulerThread', () => lane('shared-args')],
  ])('%s: the body sees them as one object', async (_lane, create) => {
    const s: AnyScheduler = create().start();
    const shared = { n: 1 };
    const info = await s.waitTask(s.submitTask(sameObject, shared, shared));
    expect(info.state).toBe(TaskState.DONE);
    expect(info.result).toBe(true);
  });
});

describe('submitTask with things that are not tasks', () => {
  it('a plain object shaped like a task, a class, a promise → TypeError; nothing recorded', () => {
    const s = scheduler();
    const real = new AsyncTask('real', () => 1);
    const lookalikes: unknown[] = [
      { name: 'fake', run: () => 1, options: {}, type: 'async' },
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- a copy without the class, on purpose
      { ...real },
      AsyncTask,
      Promise.resolve(real),
      [real],
    ];
    for (const bad of lookalikes) {
      expect(thrownBy(() => s.submitTask(bad as AsyncTask))).toBeInstanceOf(TypeError);
    }
    expect(s.dumpTask()).toEqual([]);
  });

  it('a subclass of AsyncTask is a task', async () => {
    class NamedTask extends AsyncTask<[number], number> {
      constructor() {
        super('sub', ({ args: [n] }) => n * 2);
      }
    }
    const s = scheduler().start();
    await expect(s.result(s.submitTask(new NamedTask(), 21))).resolves.toBe(42);
  });

  it('on SchedulerThread: a plain lookalike → TypeError', () => {
    const s = lane('lookalike');
    const fake = { name: 'fake', run: { module: bodies.href }, options: {}, type: 'async' };
    expect(thrownBy(() => s.submitTask(fake as unknown as AsyncTask))).toBeInstanceOf(TypeError);
    expect(s.dumpTask()).toEqual([]);
  });
});

describe('waitTask() corners', () => {
  it('an already-aborted signal rejects with its reason, at once, for a running and for a final task', async () => {
    const s = scheduler().start();
    const running = s.submitTask(hang());
    const reason = new Error('gave up before asking');
    await expect(s.waitTask(running, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(s.taskState(running)).toBe(TaskState.STARTED);
    // For a final task there is nothing to wait for: the info or the abort are both reasonable,
    // but it must settle.
    const done = s.submitTask(value(1));
    await s.waitTask(done);
    const settled = await Promise.race([
      s.waitTask(done, { signal: AbortSignal.abort(reason) }).then(
        () => 'resolved',
        () => 'rejected',
      ),
      sleep(500).then(() => 'hung'),
    ]);
    expect(settled).not.toBe('hung');
  });

  it('a signal aborted after the task finished changes nothing and leaves no listener behind', async () => {
    const s = scheduler().start();
    const controller = new AbortController();
    for (let i = 0; i < 15; i++) {
      const info = await s.waitTask(s.submitTask(value(i)), { signal: controller.signal });
      expect(info.state).toBe(TaskState.DONE);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort(new Error('late'));
    await sleep(5);
  });

  it('a waitTask that timed out leaves no listener on its signal', async () => {
    const s = scheduler().start();
    const controller = new AbortController();
    const id = s.submitTask(hang());
    for (let i = 0; i < 3; i++) {
      await expect(
        s.waitTask(id, { signal: controller.signal, timeoutMs: 2 }),
      ).rejects.toBeInstanceOf(WaitTimeoutError);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('SchedulerThread: the same signal reused across waits leaves no listener behind', async () => {
    const s = lane('signal-reuse').start();
    const controller = new AbortController();
    const task = new AsyncTask('d', { module: bodies, export: 'delay' });
    for (let i = 0; i < 5; i++) {
      await s.waitTask(s.submitTask(task, 1), { signal: controller.signal });
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('timeoutMs 0: a final task resolves; a running one is not rejected at once (0 = no limit, as for tasks)', async () => {
    const s = scheduler().start();
    const done = s.submitTask(value(1));
    await s.waitTask(done);
    await expect(s.waitTask(done, { timeoutMs: 0 })).resolves.toMatchObject({ state: 'DONE' });
    const gate = deferred<string>();
    const running = s.submitTask(new AsyncTask('g', () => gate.promise));
    let outcome = 'pending';
    const waiting = s.waitTask(running, { timeoutMs: 0 }).then(
      () => (outcome = 'resolved'),
      (e: unknown) => (outcome = e instanceof WaitTimeoutError ? 'WaitTimeoutError' : 'other'),
    );
    await sleep(20);
    // Either reading of 0 is defensible; neither may touch the task.
    expect(['pending', 'WaitTimeoutError']).toContain(outcome);
    expect(s.taskState(running)).toBe(TaskState.STARTED);
    gate.resolve('ok');
    await expect(s.result(running)).resolves.toBe('ok');
    await waiting;
  });

  it('many concurrent waiters on one task all get the same final info', async () => {
    const s = scheduler().start();
    const gate = deferred<string>();
    const id = s.submitTask(new AsyncTask('g', () => gate.promise));
    const waits = Array.from({ length: 50 }, () => s.waitTask(id));
    const results = Array.from({ length: 50 }, () => s.result(id));
    gate.resolve('once');
    const infos = await Promise.all(waits);
    expect(new Set(infos.map((i) => i.ts.done)).size).toBe(1);
    expect(await Promise.all(results)).toEqual(Array(50).fill('once'));
  });
});

describe('cancelTask() corners', () => {
  it('a non-string reason → TypeError (not a silent coercion), and the task is untouched', async () => {
    for (const s of [scheduler().start(), lane('reason').start()]) {
      const id =
        s instanceof SchedulerThread
          ? s.submitTask(new AsyncTask('d', { module: bodies, export: 'delay' }), 10_000)
          : s.submitTask(hang());
      await until(() => s.taskState(id) === TaskState.STARTED);
      for (const reason of [42, { why: 'x' }, null]) {
        const error = await failureOf(() => s.cancelTask(id, reason as never));
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/reason/);
      }
      expect(s.taskState(id)).toBe(TaskState.STARTED);
      await expect(s.cancelTask(id, 'a real reason')).resolves.toBe(true);
      expect(s.taskInfo(id).reason).toBe('a real reason');
    }
  });

  it('no reason → CANCELED with some non-empty reason; TaskCanceledError carries the id', async () => {
    const s = scheduler().start();
    const id = s.submitTask(hang());
    const pending = rejectionOf(s.result(id));
    await expect(s.cancelTask(id)).resolves.toBe(true);
    expect(s.taskInfo(id).reason).toEqual(expect.any(String));
    expect(s.taskInfo(id).reason!.length).toBeGreaterThan(0);
    const error = (await pending) as TaskCanceledError;
    expect(error).toBeInstanceOf(TaskCanceledError);
    expect(error.taskId).toBe(id);
  });

  it('a unicode reason is kept as given', async () => {
    const s = scheduler().start();
    const id = s.submitTask(hang());
    await s.cancelTask(id, 'annulé — 取消 🛑');
    expect(s.taskInfo(id).reason).toBe('annulé — 取消 🛑');
  });

  it('cancelTask racing stop({ cancel: true }): one CANCELED, at most one true', async () => {
    const s = scheduler().start();
    const id = s.submitTask(hang());
    await until(() => s.taskState(id) === TaskState.STARTED);
    const [mine] = await Promise.all([s.cancelTask(id, 'mine'), s.stop({ cancel: true })]);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    expect(typeof mine).toBe('boolean');
    if (mine) expect(s.taskInfo(id).reason).toBe('mine');
  });
});

describe('dumpTask() / slowest() inputs', () => {
  it('dumpTask(unknown) on a busy scheduler: UnknownTaskError or [] — and never another task', () => {
    const s = scheduler();
    s.submitTask(value(1));
    for (const id of ['nope', '']) {
      let answer: unknown;
      try {
        answer = s.dumpTask(id);
      } catch (error) {
        answer = error;
      }
      if (Array.isArray(answer)) expect(answer).toEqual([]);
      else expect(answer).toBeInstanceOf(UnknownTaskError);
    }
    expect(s.dumpTask(undefined)).toHaveLength(1);
  });

  it('slowest(n) with no tasks is [] for any valid n; slowest(2.5) / NaN are refused or read as whole', () => {
    const s = scheduler();
    expect(s.slowest()).toEqual([]);
    expect(s.slowest(0)).toEqual([]);
    expect(s.slowest(5)).toEqual([]);
    expect(s.slowest(5, { running: true })).toEqual([]);
    expect(s.slowest(5, { running: false })).toEqual([]);
    for (const n of [2.5, Number.NaN, -1]) {
      let answer: unknown;
      try {
        answer = s.slowest(n);
      } catch (error) {
        answer = error;
      }
      if (Array.isArray(answer)) expect(answer).toEqual([]);
      else expect(answer instanceof RangeError || answer instanceof TypeError).toBe(true);
    }
  });

  it('slowest(n) never returns more than n, and never a task that has not started', async () => {
    const s = scheduler({ concurrency: 2 }).start();
    const ids = Array.from({ length: 6 }, (_, i) =>
      s.submitTask(new AsyncTask(`t${i}`, () => sleep(2 + i))),
    );
    await until(() => ids.some((id) => s.taskState(id) === TaskState.SCHEDULED));
    for (const n of [1, 2, 3]) {
      const top = s.slowest(n);
      expect(top.length).toBeLessThanOrEqual(n);
      for (const info of top) expect(info.ts.start).toBeDefined();
    }
    await Promise.all(ids.map((id) => s.waitTask(id)));
    const all = s.slowest(100);
    expect(all).toHaveLength(6);
    for (let i = 1; i < all.length; i++)
      expect(all[i - 1]!.runMs!).toBeGreaterThanOrEqual(all[i]!.runMs!);
  });
});

describe('retention at zero', () => {
  it('maxFinished 0: pending waitTask/result settle with the outcome; afterwards the id is unknown, never a hang', async () => {
    const s = scheduler({ retention: { maxFinished: 0 } }).start();
    const gate = deferred<string>();
    const id = s.submitTask(new AsyncTask('g', () => gate.promise));
    const waiting = s.waitTask(id);
    const result = s.result(id);
    gate.resolve('v');
    expect((await waiting).state).toBe(TaskState.DONE);
    await expect(result).resolves.toBe('v');
    // Retention keeps no finished record: later calls see an evicted id (UnknownTaskError).
    const later = await Promise.race([
      s.result(id).then(
        (v) => ({ v }),
        (e: unknown) => ({ e }),
      ),
      sleep(500).then(() => 'hung'),
    ]);
    expect(later).not.toBe('hung');
    if (typeof later === 'object' && 'e' in later) expect(later.e).toBeInstanceOf(UnknownTaskError);
    expect(s.dumpTask()).toEqual([]);
    await expect(s.cancelTask(id)).resolves.toBe(false);
  });

  it('maxFinished 0: a failed, a timed-out and a canceled task still reject their pending result() correctly', async () => {
    const s = scheduler({ retention: { maxFinished: 0 } }).start();
    const failed = s.submitTask(
      new AsyncTask('f', () => {
        throw new RangeError('bad');
      }),
    );
    const timedOut = s.submitTask(
      new AsyncTask('t', () => new Promise(() => undefined), { timeoutMs: 5 }),
    );
    const canceled = s.submitTask(hang());
    const outcomes = [failed, timedOut, canceled].map((id) => rejectionOf(s.result(id)));
    await s.cancelTask(canceled);
    const [f, t, c] = await Promise.all(outcomes);
    expect((f as Error).message).toBe('bad');
    expect((t as SchedulerError).name).toBe('TaskTimeoutError');
    expect(c).toBeInstanceOf(TaskCanceledError);
  });

  it('maxAgeMs 0: finished records go, live ones stay; pending waits settle', async () => {
    const s = scheduler({ retention: { maxAgeMs: 0 } }).start();
    const gate = deferred<string>();
    const live = s.submitTask(new AsyncTask('g', () => gate.promise));
    const quick = s.submitTask(value('q'));
    await expect(s.result(quick)).resolves.toBe('q');
    await sleep(10);
    expect(() => s.taskState(quick)).toThrow(UnknownTaskError);
    expect(s.taskState(live)).toBe(TaskState.STARTED);
    const waiting = s.waitTask(live);
    gate.resolve('l');
    expect((await waiting).state).toBe(TaskState.DONE);
  });

  it('maxFinished 0 on a SchedulerThread: pending result settles, then UnknownTaskError', async () => {
    const s = lane('keep-none', { retention: { maxFinished: 0 } }).start();
    const id = s.submitTask(new AsyncTask('d', { module: bodies, export: 'delay' }), 5, 'kept?');
    await expect(s.result(id)).resolves.toBe('kept?');
    await sleep(5);
    await expect(s.result(id)).rejects.toBeInstanceOf(UnknownTaskError);
  });
});

describe('timing fields', () => {
  const FINAL_KEY: Record<string, string> = {
    DONE: 'done',
    FAILED: 'error',
    TIMED_OUT: 'timeout',
    CANCELED: 'cancel',
  };
  const definedKeys = (info: Info) =>
    Object.entries(info.ts)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k)
      .sort();

  it('waitMs = start - submit and runMs = end - start, from the ts fields, for every outcome', async () => {
    const s = scheduler({ concurrency: 2 }).start();
    const ids = [
      s.submitTask(new AsyncTask('ok', () => sleep(3))),
      s.submitTask(
        new AsyncTask('fail', async () => {
          await sleep(2);
          throw new Error('x');
        }),
      ),
      s.submitTask(new AsyncTask('to', () => new Promise(() => undefined), { timeoutMs: 4 })),
      s.submitTask(hang()),
    ];
    await until(() => s.taskState(ids[3]!) === TaskState.STARTED);
    await sleep(3);
    await s.cancelTask(ids[3]!);
    const infos = await Promise.all(ids.map((id) => s.waitTask(id)));
    for (const info of infos) {
      const end = info.ts[FINAL_KEY[info.state] as keyof Info['ts']]!;
      expect(info.waitMs, info.name).toBeCloseTo(info.ts.start! - info.ts.submit!, 9);
      expect(info.runMs, info.name).toBeCloseTo(end - info.ts.start!, 9);
      expect(info.runMs!).toBeGreaterThanOrEqual(0);
      expect(info.waitMs!).toBeGreaterThanOrEqual(0);
    }
  });

  it('ts has keys for exactly the states entered', async () => {
    const s = scheduler({ concurrency: 1 });
    const beforeStart = s.submitTask(hang());
    await s.cancelTask(beforeStart);
    expect(definedKeys(s.taskInfo(beforeStart))).toEqual(['cancel', 'submit']);
    s.start();
    const running = s.submitTask(hang());
    const queued = s.submitTask(value(1));
    await until(() => s.taskState(queued) === TaskState.SCHEDULED);
    expect(definedKeys(s.taskInfo(running))).toEqual(['schedule', 'start', 'submit']);
    expect(definedKeys(s.taskInfo(queued))).toEqual(['schedule', 'submit']);
    await s.cancelTask(queued);
    expect(definedKeys(s.taskInfo(queued))).toEqual(['cancel', 'schedule', 'submit']);
    expect(s.taskInfo(queued).waitMs).toBeUndefined();
    expect(s.taskInfo(queued).runMs).toBeUndefined();
    await s.cancelTask(running);
    expect(definedKeys(s.taskInfo(running))).toEqual(['cancel', 'schedule', 'start', 'submit']);
    const timedOut = s.submitTask(
      new AsyncTask('to', () => new Promise(() => undefined), { timeoutMs: 3 }),
    );
    const failed = s.submitTask(
      new AsyncTask('f', () => {
        throw new Error('x');
      }),
    );
    const done = s.submitTask(value(1));
    const [t, f, d] = await Promise.all([timedOut, failed, done].map((id) => s.waitTask(id)));
    expect(definedKeys(t!)).toEqual(['schedule', 'start', 'submit', 'timeout']);
    expect(definedKeys(f!)).toEqual(['error', 'schedule', 'start', 'submit']);
    expect(definedKeys(d!)).toEqual(['done', 'schedule', 'start', 'submit']);
  });

  it('ts.timeout - ts.start >= timeoutMs (the limit is never cut short)', async () => {
    const s = scheduler().start();
    const ids = [3, 7, 12, 20].map((timeoutMs) =>
      s.submitTask(new AsyncTask('to', () => new Promise(() => undefined), { timeoutMs })),
    );
    const infos = await Promise.all(ids.map((id) => s.waitTask(id)));
    for (const info of infos) {
      expect(info.state).toBe(TaskState.TIMED_OUT);
      expect(info.ts.timeout! - info.ts.start!).toBeGreaterThanOrEqual(info.timeoutMs!);
      expect(info.runMs!).toBeGreaterThanOrEqual(info.timeoutMs!);
    }
  });

  it('SchedulerThread: the same arithmetic, and each ts equals its transition’s at', async () => {
    const s = lane('timing', { concurrency: 1 });
    const rec = recordTransitions(s);
    s.start();
    const delay = new AsyncTask('d', { module: bodies, export: 'delay' });
    const ids = [3, 1, 2].map((ms) => s.submitTask(delay, ms));
    const infos = await Promise.all(ids.map((id) => s.waitTask(id)));
    for (const info of infos) {
      expect(definedKeys(info)).toEqual(['done', 'schedule', 'start', 'submit']);
      expect(info.waitMs).toBeCloseTo(info.ts.start! - info.ts.submit!, 9);
      expect(info.runMs).toBeCloseTo(info.ts.done! - info.ts.start!, 9);
      for (const t of rec.of(info.id)) {
        expect(info.ts[TS_KEY[t.to] as keyof Info['ts']]).toBe(t.at);
      }
    }
  });

  it('SchedulerThread and SyncTask timeouts: ts.timeout - ts.start >= timeoutMs too', async () => {
    const thread = lane('thread-timeouts', { threads: 1 }).start();
    const main = scheduler({ threads: 1 }).start();
    const ids: [AnyScheduler, string][] = [
      [
        thread,
        thread.submitTask(
          new AsyncTask('d', { module: bodies, export: 'delay' }, { timeoutMs: 8 }),
          10_000,
        ),
      ],
      [
        thread,
        thread.submitTask(
          new SyncTask('h', { module: bodies, export: 'markAndHold' }, { timeoutMs: 8 }),
          new SharedArrayBuffer(64),
          0,
          2_000,
        ),
      ],
      [
        main,
        main.submitTask(
          new SyncTask('h', { module: bodies, export: 'markAndHold' }, { timeoutMs: 8 }),
          new SharedArrayBuffer(64),
          0,
          2_000,
        ),
      ],
    ];
    for (const [s, id] of ids) {
      const info = await s.waitTask(id);
      expect(info.state).toBe(TaskState.TIMED_OUT);
      expect(info.ts.timeout! - info.ts.start!).toBeGreaterThanOrEqual(info.timeoutMs!);
      expect(info.runMs).toBeCloseTo(info.ts.timeout! - info.ts.start!, 9);
    }
  });

  it('the runMs of a running SyncTask and of a running SchedulerThread task grows', async () => {
    const thread = lane('run-grows', { threads: 1 }).start();
    const main = scheduler({ threads: 1 }).start();
    const running: [AnyScheduler, string][] = [
      [thread, thread.submitTask(new AsyncTask('d', { module: bodies, export: 'delay' }), 10_000)],
      [
        main,
        main.submitTask(
          new SyncTask('h', { module: bodies, export: 'markAndHold' }),
          new SharedArrayBuffer(64),
          0,
          2_000,
        ),
      ],
    ];
    for (const [s, id] of running) {
      await until(() => s.taskState(id) === TaskState.STARTED);
      const a = s.taskInfo(id).runMs!;
      await sleep(15);
      const b = s.taskInfo(id).runMs!;
      expect(b).toBeGreaterThan(a);
      expect(s.taskInfo(id).waitMs).toBeCloseTo(
        s.taskInfo(id).ts.start! - s.taskInfo(id).ts.submit!,
        9,
      );
      await s.cancelTask(id);
    }
  });

  it('the runMs of a running task grows between reads of taskInfo and of dumpTask', async () => {
    const s = scheduler().start();
    const id = s.submitTask(hang());
    await until(() => s.taskState(id) === TaskState.STARTED);
    const a = s.taskInfo(id).runMs!;
    await sleep(15);
    const b = s.dumpTask(id)[0]!.runMs!;
    await sleep(15);
    const c = s.slowest(1, { running: true })[0]!.runMs!;
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
  });
});

describe('frozen snapshots', () => {
  const isDeepFrozenShape = (info: Info) =>
    Object.isFrozen(info) &&
    Object.isFrozen(info.ts) &&
    Object.isFrozen(info.args) &&
    (info.error === undefined || Object.isFrozen(info.error));

  it('every TaskInfo a user can get (taskInfo, dumpTask, slowest, waitTask, callbacks, transitions$) is frozen with its ts, args and error', async () => {
    const infos: Info[] = [];
    const s = scheduler({ onStart: (i) => infos.push(i), onError: (i) => infos.push(i) }).start();
    s.transitions$.subscribe((t) => infos.push(t.info));
    const running = s.submitTask(hang(), { a: 1 });
    const failed = s.submitTask(
      new AsyncTask('f', () => {
        throw new Error('x');
      }),
      [1, 2],
    );
    infos.push(await s.waitTask(failed));
    await until(() => s.taskState(running) === TaskState.STARTED);
    infos.push(s.taskInfo(running), ...s.dumpTask(), ...s.slowest(5));
    for (const info of infos)
      expect(isDeepFrozenShape(info), `${info.name} ${info.state}`).toBe(true);
  });

  it('mutating a snapshot’s ts or args in sloppy ways throws and changes nothing', async () => {
    const s = scheduler().start();
    const id = s.submitTask(value(1), 'a');
    const info = await s.waitTask(id);
    expect(() => {
      (info.ts as { done?: number }).done = 0;
    }).toThrow(TypeError);
    expect(() => {
      (info.args as unknown[]).push('b');
    }).toThrow(TypeError);
    expect(s.taskInfo(id).ts.done).toBe(info.ts.done);
    expect(s.taskInfo(id).args).toEqual(['a']);
  });

  it('SchedulerThread snapshots are frozen too, with their ts and args', async () => {
    const s = lane('frozen').start();
    const id = s.submitTask(new AsyncTask('f', { module: bodies, export: 'failCoded' }), 1);
    const info = await s.waitTask(id);
    for (const i of [info, s.taskInfo(id), ...s.dumpTask()]) {
      expect(Object.isFrozen(i)).toBe(true);
      expect(Object.isFrozen(i.ts)).toBe(true);
      expect(Object.isFrozen(i.args)).toBe(true);
      expect(Object.isFrozen(i.error)).toBe(true);
    }
  });
});

describe('one task object, many runs', () => {
  it('submitted 200 times at once with different args: each body sees its own args, results map back', async () => {
    const s = scheduler({ concurrency: 7 }).start();
    const task = new AsyncTask('same', async ({ args: [n, label] }) => {
      await sleep((n as number) % 3);
      return `${label as string}:${n as number}`;
    });
    const ids = Array.from({ length: 200 }, (_, i) => s.submitTask(task, i, `L${i % 5}`));
    const results = await Promise.all(ids.map((id) => s.result(id)));
    expect(results).toEqual(ids.map((_, i) => `L${i % 5}:${i}`));
    expect(new Set(ids).size).toBe(200);
    ids.forEach((id, i) => {
      expect(s.taskInfo(id).args).toEqual([i, `L${i % 5}`]);
    });
  });

  it('the same task object on two schedulers at once: separate ids, lanes and outcomes', async () => {
    const a = scheduler().start();
    const b = lane('second').start();
    const task = new AsyncTask('shared', { module: bodies, export: 'whereAmI' });
    const ia = a.submitTask(task, 'a');
    const ib = b.submitTask(task, 'b');
    expect(ia).not.toBe(ib);
    const [ra, rb] = await Promise.all([
      a.result<{ lane: string; args: unknown[] }>(ia),
      b.result<{ lane: string; args: unknown[] }>(ib),
    ]);
    expect(ra).toMatchObject({ lane: 'main', args: ['a'] });
    expect(rb).toMatchObject({ lane: 'second', args: ['b'] });
    expect(() => a.taskState(ib)).toThrow(UnknownTaskError);
    expect(() => b.taskState(ia)).toThrow(UnknownTaskError);
    await expect(a.cancelTask(ib)).resolves.toBe(false);
  });

  it('the same AsyncTask on two AsyncSchedulers: a cancel in one does not touch the other', async () => {
    const a = scheduler().start();
    const b = scheduler().start();
    const gate = deferred<string>();
    const task = new AsyncTask('shared', () => gate.promise);
    const ia = a.submitTask(task);
    const ib = b.submitTask(task);
    await a.cancelTask(ia);
    gate.resolve('b done');
    await expect(b.result(ib)).resolves.toBe('b done');
    expect(a.taskState(ia)).toBe(TaskState.CANCELED);
  });
});

describe('streams: hot, and complete on stop', () => {
  for (const kind of ['AsyncScheduler', 'SchedulerThread'] as const) {
    it(`${kind}: a subscriber after stop() gets complete at once and no values`, async () => {
      const s = kind === 'AsyncScheduler' ? scheduler().start() : lane('late-sub').start();
      await s.stop();
      const seen: string[] = [];
      s.transitions$.subscribe({
        next: () => seen.push('next'),
        complete: () => seen.push('t:complete'),
      });
      s.errors$.subscribe({
        next: () => seen.push('next'),
        complete: () => seen.push('e:complete'),
      });
      expect(seen).toEqual(['t:complete', 'e:complete']);
    });

    it(`${kind}: the final transitions of a drain reach subscribers before complete`, async () => {
      const s = kind === 'AsyncScheduler' ? scheduler() : lane('drain-order');
      const events: string[] = [];
      s.transitions$.subscribe({
        next: (t) => events.push(t.to),
        complete: () => events.push('complete'),
      });
      s.start();
      const id =
        s instanceof SchedulerThread
          ? s.submitTask(new AsyncTask('d', { module: bodies, export: 'delay' }), 5)
          : s.submitTask(new AsyncTask('d', () => sleep(5)));
      await s.stop();
      expect(s.taskState(id)).toBe(TaskState.DONE);
      expect(events).toEqual(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE', 'complete']);
    });

    it(`${kind}: submitTask after stop() throws and emits nothing`, async () => {
      const s = kind === 'AsyncScheduler' ? scheduler().start() : lane('after-stop').start();
      await s.stop();
      const task =
        kind === 'AsyncScheduler'
          ? value(1)
          : new AsyncTask('d', { module: bodies, export: 'delay' });
      expect(thrownBy(() => s.submitTask(task))).toBeInstanceOf(SchedulerStoppedError);
      expect(s.dumpTask()).toEqual([]);
    });
  }

  it('errors$ is hot too: a late subscriber does not get earlier errors', async () => {
    const s = scheduler({
      onDone: () => {
        throw new Error('callback');
      },
    }).start();
    const early: unknown[] = [];
    s.errors$.subscribe((e) => early.push(e));
    await s.waitTask(s.submitTask(value(1)));
    await sleep(5);
    const late: unknown[] = [];
    s.errors$.subscribe((e) => late.push(e));
    await sleep(5);
    expect(early).toHaveLength(1);
    expect(late).toHaveLength(0);
  });
});
