// AsyncScheduler against the public API in docs/contract.md, as an outside user reads it.
import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerStoppedError,
  TaskCanceledError,
  TaskState,
  TaskTimeoutError,
  UnknownTaskError,
  WaitTimeoutError,
} from '../../src/index.js';
import {
  CALLBACKS,
  CALLBACK_STATE,
  TS_KEY,
  deferred,
  failureOf,
  maxStarted,
  ownSchedulers,
  recordTransitions,
  rejectionOf,
  sleep,
  thrownBy,
  until,
  type Info,
} from './helpers.js';
import { ManualClock } from '../support/ManualClock.js';

const { scheduler } = ownSchedulers();

/**
 * A scheduler on a ManualClock (the public `clock` option): time passes only when the test
 * advances it, and advancing it runs everything the scheduler had due by then.
 */
function clocked(options?: Parameters<typeof scheduler>[0]) {
  const clock = new ManualClock();
  return { clock, s: scheduler({ ...options, clock }) };
}

const value = (v: unknown) => new AsyncTask('value', () => v);
/** A body that runs until the test opens its gate (or its signal aborts). */
function gated(name = 'gated', options?: ConstructorParameters<typeof AsyncTask>[2]) {
  const gate = deferred<unknown>();
  let calls = 0;
  let signal: AbortSignal | undefined;
  const task = new AsyncTask(
    name,
    async (ctx) => {
      calls++;
      signal = ctx.signal;
      return gate.promise;
    },
    options,
  );
  return {
    task,
    open: (v: unknown = 'opened') => {
      gate.resolve(v);
    },
    get calls() {
      return calls;
    },
    get signal() {
      return signal;
    },
  };
}

describe('start() and submitTask()', () => {
  it('queues tasks submitted before start(): SUBMITTED, and nothing runs until start()', async () => {
    const { clock, s } = clocked();
    let ran = 0;
    const task = new AsyncTask('early', () => ++ran);
    const id = s.submitTask(task);
    expect(typeof id).toBe('string');
    expect(s.taskState(id)).toBe(TaskState.SUBMITTED);
    await clock.advance(30);
    expect(ran).toBe(0);
    expect(s.taskState(id)).toBe(TaskState.SUBMITTED);
    s.start();
    await expect(s.result(id)).resolves.toBe(1);
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('start() returns the scheduler (README chains it)', async () => {
    const s = scheduler();
    expect(s.start()).toBe(s);
  });

  it('passes args and the context { id, name, lane, args, signal } to the body', async () => {
    const s = scheduler();
    s.start();
    let seen: unknown;
    const task = new AsyncTask('ctx', (ctx) => {
      seen = ctx;
      return (ctx.args as number[]).reduce((a, b) => a + b, 0);
    });
    const id = s.submitTask(task, 1, 2, 3);
    await expect(s.result(id)).resolves.toBe(6);
    const ctx = seen as {
      id: string;
      name: string;
      lane: string;
      args: unknown[];
      signal: unknown;
    };
    expect(ctx.id).toBe(id);
    expect(ctx.name).toBe('ctx');
    expect(ctx.lane).toBe('main');
    expect(ctx.args).toEqual([1, 2, 3]);
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(s.taskInfo(id).args).toEqual([1, 2, 3]);
  });

  it('a task object can be submitted many times, each with its own id', async () => {
    const s = scheduler();
    s.start();
    const task = new AsyncTask('double', ({ args: [x] }) => (x as number) * 2);
    const ids = [1, 2, 3, 4].map((x) => s.submitTask(task, x));
    expect(new Set(ids).size).toBe(4);
    await expect(Promise.all(ids.map((id) => s.result(id)))).resolves.toEqual([2, 4, 6, 8]);
  });

  it('ids are time-ordered (UUID v7)', () => {
    const s = scheduler();
    const ids = Array.from({ length: 20 }, () => s.submitTask(value(1)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/i);
    expect([...ids].sort()).toEqual(ids);
  });

  it('a function body may be sync or async, and may return undefined', async () => {
    const s = scheduler().start();
    const a = s.submitTask(new AsyncTask('sync', () => 'plain'));
    const b = s.submitTask(new AsyncTask('async', async () => 'promised'));
    const c = s.submitTask(new AsyncTask('void', () => undefined));
    await expect(s.result(a)).resolves.toBe('plain');
    await expect(s.result(b)).resolves.toBe('promised');
    await expect(s.result(c)).resolves.toBeUndefined();
    expect(s.taskState(c)).toBe(TaskState.DONE);
  });
});

describe('taskState() / taskInfo()', () => {
  it('throw UnknownTaskError for an id never submitted', () => {
    const s = scheduler();
    for (const call of [() => s.taskState('nope'), () => s.taskInfo('nope')]) {
      const error = thrownBy(call);
      expect(error).toBeInstanceOf(UnknownTaskError);
      expect(error).toBeInstanceOf(SchedulerError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('an id from another scheduler is unknown here', () => {
    const a = scheduler();
    const b = scheduler();
    const id = a.submitTask(value(1));
    expect(() => b.taskState(id)).toThrow(UnknownTaskError);
  });

  it('taskInfo is a frozen snapshot that later transitions do not change', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task, 'x');
    await until(() => s.taskState(id) === TaskState.STARTED);
    const running = s.taskInfo(id);
    expect(Object.isFrozen(running)).toBe(true);
    expect(running.state).toBe(TaskState.STARTED);
    g.open('v');
    await s.waitTask(id);
    expect(running.state).toBe(TaskState.STARTED);
    expect(running.ts.done).toBeUndefined();
    expect(running.result).toBeUndefined();
    expect(s.taskInfo(id).state).toBe(TaskState.DONE);
    expect(() => {
      (running as { state: string }).state = 'DONE';
    }).toThrow(TypeError);
  });

  it('TaskInfo of a DONE task has every contract field', async () => {
    const s = scheduler().start();
    const task = new AsyncTask(
      'fields',
      async () => {
        await sleep(15);
        return { ok: true };
      },
      { priority: 3, timeoutMs: 1_000 },
    );
    const id = s.submitTask(task, 'a', 2);
    const info = await s.waitTask(id);
    expect(info).toMatchObject({
      id,
      name: 'fields',
      type: 'async',
      lane: 'main',
      state: TaskState.DONE,
      args: ['a', 2],
      priority: 3,
      timeoutMs: 1_000,
      result: { ok: true },
    });
    expect(info.error).toBeUndefined();
    expect(info.reason).toBeUndefined();
    const { submit, schedule, start, done } = info.ts;
    for (const t of [submit, schedule, start, done]) expect(typeof t).toBe('number');
    expect(info.ts.error).toBeUndefined();
    expect(info.ts.timeout).toBeUndefined();
    expect(info.ts.cancel).toBeUndefined();
    // epoch ms
    expect(Math.abs(submit! - Date.now())).toBeLessThan(10_000);
    expect(submit!).toBeLessThanOrEqual(schedule!);
    expect(schedule!).toBeLessThanOrEqual(start!);
    expect(start!).toBeLessThanOrEqual(done!);
    expect(info.waitMs).toBeCloseTo(start! - submit!, 3);
    expect(info.runMs).toBeCloseTo(done! - start!, 3);
    expect(info.runMs!).toBeGreaterThanOrEqual(10);
  });

  it('priority defaults to 0 and timeoutMs is absent when not given', async () => {
    const s = scheduler().start();
    const id = s.submitTask(value(1));
    const info = await s.waitTask(id);
    expect(info.priority).toBe(0);
    expect(info.timeoutMs === undefined || info.timeoutMs === 0).toBe(true);
  });

  it('a running task has runMs so far, growing; no waitMs before it starts', async () => {
    const { clock, s } = clocked({ concurrency: 1 });
    s.start();
    const g = gated();
    const id = s.submitTask(g.task);
    const queued = s.submitTask(value(1));
    await until(() => s.taskState(id) === TaskState.STARTED);
    const queuedInfo = s.taskInfo(queued);
    expect(queuedInfo.waitMs).toBeUndefined();
    expect(queuedInfo.runMs).toBeUndefined();
    expect(queuedInfo.ts.start).toBeUndefined();
    const first = s.taskInfo(id).runMs!;
    expect(typeof first).toBe('number');
    await clock.advance(25);
    const second = s.taskInfo(id).runMs!;
    expect(second).toBe(first + 25);
    g.open();
    await s.waitTask(queued);
  });

  it('a failed task records error { name, message } and ts.error', async () => {
    const s = scheduler().start();
    const id = s.submitTask(
      new AsyncTask('fails', () => {
        throw new RangeError('out of range');
      }),
    );
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.FAILED);
    expect(info.error).toMatchObject({ name: 'RangeError', message: 'out of range' });
    expect(typeof info.ts.error).toBe('number');
    expect(info.ts.done).toBeUndefined();
    expect(info.result).toBeUndefined();
  });

  it('a non-Error throw still fails the task, with an error record', async () => {
    const s = scheduler().start();
    const id = s.submitTask(
      new AsyncTask('throws-string', () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'plain string';
      }),
    );
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.FAILED);
    expect(typeof info.error?.name).toBe('string');
    expect(info.error?.message).toContain('plain string');
    await expect(s.result(id)).rejects.toBeDefined();
  });

  it('a rejected promise with undefined fails the task', async () => {
    const s = scheduler().start();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const id = s.submitTask(new AsyncTask('rejects-undefined', () => Promise.reject(undefined)));
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.FAILED);
    expect(info.error).toBeDefined();
  });
});

describe('waitTask()', () => {
  it('resolves with the final TaskInfo whatever the outcome', async () => {
    const s = scheduler().start();
    const ok = s.submitTask(value(7));
    const bad = s.submitTask(
      new AsyncTask('bad', () => {
        throw new Error('bad');
      }),
    );
    const slow = s.submitTask(new AsyncTask('slow', () => sleep(500), { timeoutMs: 10 }));
    const g = gated();
    const canceled = s.submitTask(g.task);
    await s.cancelTask(canceled);
    const infos = await Promise.all([ok, bad, slow, canceled].map((id) => s.waitTask(id)));
    expect(infos.map((i) => i.state)).toEqual([
      TaskState.DONE,
      TaskState.FAILED,
      TaskState.TIMED_OUT,
      TaskState.CANCELED,
    ]);
    expect(infos[0]!.result).toBe(7);
    for (const info of infos) expect(Object.isFrozen(info)).toBe(true);
  });

  it('resolves at once for a task already final', async () => {
    const s = scheduler().start();
    const id = s.submitTask(value(1));
    await s.waitTask(id);
    const info = await s.waitTask(id, { timeoutMs: 50 });
    expect(info.state).toBe(TaskState.DONE);
  });

  it('rejects WaitTimeoutError when its own limit passes, leaving the task untouched', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task);
    const error = await rejectionOf(s.waitTask(id, { timeoutMs: 20 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toBeInstanceOf(SchedulerError);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    expect(g.signal?.aborted).toBe(false);
    g.open('later');
    await expect(s.result(id)).resolves.toBe('later');
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('WaitTimeoutError for a task still queued before start() leaves it queued', async () => {
    const s = scheduler();
    const id = s.submitTask(value(1));
    await expect(s.waitTask(id, { timeoutMs: 10 })).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(s.taskState(id)).toBe(TaskState.SUBMITTED);
    s.start();
    await expect(s.result(id)).resolves.toBe(1);
  });

  it('rejects when the caller’s signal aborts, leaving the task untouched', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task);
    const controller = new AbortController();
    const waiting = s.waitTask(id, { signal: controller.signal });
    const why = new Error('caller gave up');
    controller.abort(why);
    // rejects with the signal's reason, as AbortSignal-taking APIs do
    await expect(waiting).rejects.toBe(why);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    expect(g.signal?.aborted).toBe(false);
    g.open();
    await expect(s.waitTask(id)).resolves.toMatchObject({ state: TaskState.DONE });
  });

  it('rejects for an already-aborted signal, without touching the task', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task);
    await expect(s.waitTask(id, { signal: AbortSignal.abort() })).rejects.toBeDefined();
    expect(s.taskState(id)).not.toBe(TaskState.CANCELED);
    g.open();
    await s.waitTask(id);
  });

  it('rejects UnknownTaskError for an unknown id (does not hang)', async () => {
    const s = scheduler().start();
    await expect(s.waitTask('nope')).rejects.toBeInstanceOf(UnknownTaskError);
    await expect(s.result('nope')).rejects.toBeInstanceOf(UnknownTaskError);
  });

  it('validates timeoutMs', () => {
    const s = scheduler().start();
    const id = s.submitTask(value(1));
    const bad = (timeoutMs: unknown) =>
      failureOf(() => s.waitTask(id, { timeoutMs } as { timeoutMs: number }));
    return Promise.all([
      expect(bad(-1)).resolves.toBeInstanceOf(RangeError),
      expect(bad(Number.NaN)).resolves.toBeInstanceOf(RangeError),
      expect(bad('10')).resolves.toBeInstanceOf(TypeError),
    ]);
  });
});

describe('result()', () => {
  it('resolves with the value', async () => {
    const s = scheduler().start();
    await expect(s.result(s.submitTask(value({ a: [1] })))).resolves.toEqual({ a: [1] });
  });

  it('rejects with the task’s own error', async () => {
    class MyError extends Error {
      override name = 'MyError';
    }
    const thrown = new MyError('mine');
    const s = scheduler().start();
    const id = s.submitTask(
      new AsyncTask('mine', async () => {
        await sleep(1);
        throw thrown;
      }),
    );
    const error = await rejectionOf(s.result(id));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('mine');
    expect((error as Error).name).toBe('MyError');
    expect(error).toBe(thrown);
  });

  it('rejects TaskTimeoutError for a timed-out task', async () => {
    const s = scheduler().start();
    const id = s.submitTask(new AsyncTask('slow', () => sleep(300), { timeoutMs: 10 }));
    const error = await rejectionOf(s.result(id));
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error).toBeInstanceOf(SchedulerError);
    expect((error as SchedulerError).taskId).toBe(id);
  });

  it('rejects TaskCanceledError for a canceled task', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task);
    const pending = rejectionOf(s.result(id));
    await s.cancelTask(id, 'no longer needed');
    const error = await pending;
    expect(error).toBeInstanceOf(TaskCanceledError);
    expect(error).toBeInstanceOf(SchedulerError);
    expect((error as SchedulerError).taskId).toBe(id);
  });

  it('can be called after the task finished, many times', async () => {
    const s = scheduler().start();
    const id = s.submitTask(value(5));
    await s.waitTask(id);
    await expect(s.result(id)).resolves.toBe(5);
    await expect(s.result(id)).resolves.toBe(5);
  });
});

describe('cancelTask()', () => {
  it('unknown id → false', async () => {
    const s = scheduler().start();
    await expect(s.cancelTask('nope')).resolves.toBe(false);
  });

  it('a queued task (before start) → true, CANCELED, and never runs', async () => {
    const s = scheduler();
    let ran = false;
    const id = s.submitTask(
      new AsyncTask('never', () => {
        ran = true;
      }),
    );
    await expect(s.cancelTask(id, 'changed my mind')).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    s.start();
    // A task submitted later runs after the canceled one would have: once it is done, the lane
    // has gone past it.
    await expect(s.result(s.submitTask(value('after')))).resolves.toBe('after');
    expect(ran).toBe(false);
    const info = s.taskInfo(id);
    expect(info.state).toBe(TaskState.CANCELED);
    expect(info.reason).toBe('changed my mind');
    expect(typeof info.ts.cancel).toBe('number');
    expect(info.ts.start).toBeUndefined();
  });

  it('a SCHEDULED task waiting for a slot → true, and never runs', async () => {
    const s = scheduler({ concurrency: 1 }).start();
    const g = gated();
    const first = s.submitTask(g.task);
    let ran = false;
    const second = s.submitTask(
      new AsyncTask('queued', () => {
        ran = true;
      }),
    );
    await until(() => s.taskState(first) === TaskState.STARTED);
    expect(s.taskState(second)).toBe(TaskState.SCHEDULED);
    await expect(s.cancelTask(second)).resolves.toBe(true);
    expect(s.taskState(second)).toBe(TaskState.CANCELED);
    g.open();
    await s.waitTask(first);
    await expect(s.result(s.submitTask(value('after')))).resolves.toBe('after');
    expect(ran).toBe(false);
  });

  it('a running task → true, its signal aborts, and what it returns later is discarded', async () => {
    const { clock, s } = clocked();
    s.start();
    const g = gated();
    let doneCalls = 0;
    const id = s.submitTask(g.task);
    await until(() => s.taskState(id) === TaskState.STARTED);
    await expect(s.cancelTask(id, 'stop it')).resolves.toBe(true);
    // once it resolves the task is final
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    expect(g.signal?.aborted).toBe(true);
    s.transitions$.subscribe((t) => {
      if (t.id === id) doneCalls++;
    });
    g.open('too late');
    await clock.advance(10);
    const info = s.taskInfo(id);
    expect(info.state).toBe(TaskState.CANCELED);
    expect(info.result).toBeUndefined();
    expect(info.reason).toBe('stop it');
    expect(doneCalls).toBe(0);
  });

  it('twice → the second is false', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task);
    const [a, b] = await Promise.all([s.cancelTask(id), s.cancelTask(id)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    await expect(s.cancelTask(id)).resolves.toBe(false);
  });

  it('a finished task → false, and its outcome is unchanged', async () => {
    const s = scheduler().start();
    const id = s.submitTask(value(1));
    await s.waitTask(id);
    await expect(s.cancelTask(id)).resolves.toBe(false);
    expect(s.taskState(id)).toBe(TaskState.DONE);
    await expect(s.result(id)).resolves.toBe(1);
  });

  it('frees the slot for the next task at once', async () => {
    const s = scheduler({ concurrency: 1 }).start();
    const g = gated();
    const first = s.submitTask(g.task);
    const next = s.submitTask(value('next'));
    await until(() => s.taskState(first) === TaskState.STARTED);
    await s.cancelTask(first);
    await expect(s.result(next)).resolves.toBe('next');
  });
});

describe('dumpTask() and slowest()', () => {
  it('dumpTask() lists every retained task in submit order; dumpTask(id) the one', async () => {
    const s = scheduler({ concurrency: 1 });
    const ids = [3, 1, 2].map((p) =>
      s.submitTask(new AsyncTask(`p${p}`, () => p, { priority: p })),
    );
    const before = s.dumpTask();
    expect(before.map((i) => i.id)).toEqual(ids);
    for (const info of before) {
      expect(info.state).toBe(TaskState.SUBMITTED);
      expect(Object.isFrozen(info)).toBe(true);
    }
    s.start();
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(s.dumpTask().map((i) => i.id)).toEqual(ids);
    const one = s.dumpTask(ids[1]);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ id: ids[1], name: 'p1', state: TaskState.DONE, result: 1 });
  });

  it('slowest(n) orders by run time, longest first, and defaults to one', async () => {
    const { clock, s } = clocked();
    s.start();
    const ms = [5, 100, 20, 60];
    const gates = ms.map((m) => gated(`t${m}`));
    const ids = gates.map((g) => s.submitTask(g.task));
    let elapsed = 0;
    for (const m of [...ms].sort((a, b) => a - b)) {
      await clock.advance(m - elapsed);
      elapsed = m;
      gates[ms.indexOf(m)]!.open();
    }
    await Promise.all(ids.map((id) => s.waitTask(id)));
    const top2 = s.slowest(2);
    expect(top2.map((i) => i.name)).toEqual(['t100', 't60']);
    expect(top2.map((i) => i.runMs)).toEqual([100, 60]);
    expect(s.slowest().map((i) => i.name)).toEqual(['t100']);
    expect(s.slowest(10)).toHaveLength(4);
  });

  it('slowest counts running tasks with their time so far; { running } filters', async () => {
    const { clock, s } = clocked();
    s.start();
    const g = gated('still-running');
    const running = s.submitTask(g.task);
    const quick = gated('quick');
    const finished = s.submitTask(quick.task);
    await clock.advance(5);
    quick.open();
    await s.waitTask(finished);
    await clock.advance(35);
    expect(s.slowest(1).map((i) => i.id)).toEqual([running]);
    expect(s.slowest(5, { running: true }).map((i) => i.id)).toEqual([running]);
    expect(s.slowest(5, { running: false }).map((i) => i.id)).toEqual([finished]);
    const both = s.slowest(5);
    expect(both.map((i) => i.id)).toEqual([running, finished]);
    expect(both[0]!.state).toBe(TaskState.STARTED);
    expect(both[0]!.runMs!).toBe(40);
    expect(both[1]!.runMs!).toBe(5);
    g.open();
    await s.waitTask(running);
  });

  it('slowest ignores tasks that never started', () => {
    const s = scheduler();
    s.submitTask(value(1));
    expect(s.slowest(3)).toEqual([]);
  });
});

describe('transitions$', () => {
  it('emits every transition of a task in order, with the contract shape', async () => {
    const s = scheduler();
    const rec = recordTransitions(s);
    const id = s.submitTask(value('v'), 1);
    s.start();
    await s.waitTask(id);
    const ts = rec.of(id);
    expect(ts.map((t) => `${t.from}>${t.to}`)).toEqual([
      'NEW>SUBMITTED',
      'SUBMITTED>SCHEDULED',
      'SCHEDULED>STARTED',
      'STARTED>DONE',
    ]);
    let lastAt = -Infinity;
    for (const t of ts) {
      expect(t).toMatchObject({ id, name: 'value', lane: 'main' });
      expect(typeof t.at).toBe('number');
      expect(t.at).toBeGreaterThanOrEqual(lastAt);
      lastAt = t.at;
      expect(t.info.state).toBe(t.to);
      expect(t.info.id).toBe(id);
      expect(Object.isFrozen(t.info)).toBe(true);
      const key = TS_KEY[t.to]!;
      expect(t.info.ts[key]).toBe(t.at);
    }
    expect(ts.at(-1)!.info.result).toBe('v');
  });

  it('emits the final transition of each outcome', async () => {
    const s = scheduler().start();
    const rec = recordTransitions(s);
    const failed = s.submitTask(
      new AsyncTask('f', () => {
        throw new Error('x');
      }),
    );
    const timedOut = s.submitTask(new AsyncTask('t', () => sleep(200), { timeoutMs: 5 }));
    const g = gated();
    const canceled = s.submitTask(g.task);
    await until(() => s.taskState(canceled) === TaskState.STARTED);
    await s.cancelTask(canceled);
    await Promise.all([failed, timedOut].map((id) => s.waitTask(id)));
    expect(rec.of(failed).at(-1)).toMatchObject({ from: 'STARTED', to: 'FAILED' });
    expect(rec.of(timedOut).at(-1)).toMatchObject({ from: 'STARTED', to: 'TIMED_OUT' });
    expect(rec.of(canceled).at(-1)).toMatchObject({ from: 'STARTED', to: 'CANCELED' });
    expect(rec.of(timedOut).at(-1)!.info.reason).toEqual(expect.any(String));
  });

  it('is hot: a late subscriber sees only later transitions', async () => {
    const s = scheduler().start();
    const first = s.submitTask(value(1));
    await s.waitTask(first);
    const rec = recordTransitions(s);
    const second = s.submitTask(value(2));
    await s.waitTask(second);
    expect(rec.of(first)).toEqual([]);
    expect(rec.of(second)).toHaveLength(4);
  });

  it('when a transition is seen, taskState already reports it', async () => {
    const s = scheduler().start();
    const mismatches: string[] = [];
    s.transitions$.subscribe((t) => {
      const now = s.taskState(t.id);
      if (now !== t.to) mismatches.push(`${t.to} but taskState ${now}`);
    });
    const ids = [1, 2, 3].map((v) => s.submitTask(value(v)));
    await Promise.all(ids.map((id) => s.waitTask(id)));
    expect(mismatches).toEqual([]);
  });

  it('transitions$ and errors$ complete when stop() resolves', async () => {
    const s = scheduler().start();
    let transitionsDone = false;
    let errorsDone = false;
    s.transitions$.subscribe({
      complete: () => {
        transitionsDone = true;
      },
    });
    s.errors$.subscribe({
      complete: () => {
        errorsDone = true;
      },
    });
    await s.waitTask(s.submitTask(value(1)));
    await s.stop();
    expect(transitionsDone).toBe(true);
    expect(errorsDone).toBe(true);
  });
});

describe('errors$', () => {
  it('gets a throwing callback’s error; the task’s outcome is unchanged', async () => {
    const s = scheduler({
      onStart: () => {
        throw new Error('scheduler-wide callback failed');
      },
    }).start();
    const errors: unknown[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    const task = new AsyncTask('cb', () => 42, {
      onDone: () => {
        throw new Error('per-task callback failed');
      },
    });
    const id = s.submitTask(task);
    await expect(s.result(id)).resolves.toBe(42);
    await s.stop(); // errors$ has delivered everything by the time stop() resolves
    expect(s.taskState(id)).toBe(TaskState.DONE);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const e of errors) {
      expect(e).toBeInstanceOf(SchedulerError);
      expect(typeof (e as SchedulerError).code).toBe('string');
    }
    expect(errors.some((e) => (e as SchedulerError).taskId === id)).toBe(true);
  });

  it('gets a throwing transitions$ subscriber’s error; others still see every transition', async () => {
    const s = scheduler().start();
    const errors: SchedulerError[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    s.transitions$.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const rec = recordTransitions(s);
    const ids = [1, 2].map((v) => s.submitTask(value(v)));
    await expect(Promise.all(ids.map((id) => s.result(id)))).resolves.toEqual([1, 2]);
    for (const id of ids) expect(rec.of(id)).toHaveLength(4);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toBeInstanceOf(SchedulerError);
  });

  it('a throwing callback does not turn a failure into something else', async () => {
    const s = scheduler({
      onError: () => {
        throw new Error('onError threw');
      },
    }).start();
    const id = s.submitTask(
      new AsyncTask('fails', () => {
        throw new Error('original');
      }),
    );
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.FAILED);
    expect(info.error?.message).toBe('original');
  });
});

describe('stop()', () => {
  it('by default drains queued and running tasks, then submitTask throws SchedulerStoppedError', async () => {
    const s = scheduler({ concurrency: 1 }).start();
    const ids = [20, 10, 10].map((ms, i) => s.submitTask(new AsyncTask(`d${i}`, () => sleep(ms))));
    await s.stop();
    for (const id of ids) expect(s.taskState(id)).toBe(TaskState.DONE);
    const error = thrownBy(() => s.submitTask(value(1)));
    expect(error).toBeInstanceOf(SchedulerStoppedError);
    expect(error).toBeInstanceOf(SchedulerError);
  });

  it('stops accepting at once, while draining', async () => {
    const s = scheduler().start();
    const g = gated();
    const id = s.submitTask(g.task);
    const stopping = s.stop();
    expect(() => s.submitTask(value(1))).toThrow(SchedulerStoppedError);
    g.open();
    await stopping;
    expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('{ cancel: true } cancels queued and running tasks; queued ones never run', async () => {
    const { clock, s } = clocked({ concurrency: 1 });
    s.start();
    const g = gated();
    const running = s.submitTask(g.task);
    let queuedRan = false;
    const queued = s.submitTask(
      new AsyncTask('queued', () => {
        queuedRan = true;
      }),
    );
    await until(() => s.taskState(running) === TaskState.STARTED);
    await s.stop({ cancel: true });
    expect(s.taskState(running)).toBe(TaskState.CANCELED);
    expect(s.taskState(queued)).toBe(TaskState.CANCELED);
    expect(g.signal?.aborted).toBe(true);
    g.open();
    await clock.advance(5);
    expect(queuedRan).toBe(false);
    expect(s.taskState(running)).toBe(TaskState.CANCELED);
  });

  it('{ timeoutMs } drains for at most that long, then cancels the rest', async () => {
    const { clock, s } = clocked();
    s.start();
    const q = gated('quick');
    const quick = s.submitTask(q.task);
    const g = gated();
    const stuck = s.submitTask(g.task);
    const stopped = s.stop({ timeoutMs: 50 });
    await clock.advance(5);
    q.open();
    await clock.advance(44);
    expect(s.taskState(stuck)).toBe(TaskState.STARTED);
    await clock.advance(1);
    await stopped;
    expect(s.taskState(quick)).toBe(TaskState.DONE);
    expect(s.taskState(stuck)).toBe(TaskState.CANCELED);
    expect(s.taskInfo(stuck).reason).toMatch(/50 ms/);
    expect(g.signal?.aborted).toBe(true);
  });

  it('a later stop({ timeoutMs }) bounds a drain already under way', async () => {
    const { clock, s } = clocked();
    s.start();
    const g = gated('stuck');
    const id = s.submitTask(g.task);
    const first = s.stop();
    const second = s.stop({ timeoutMs: 20 });
    await clock.advance(20);
    await second;
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    expect(g.signal?.aborted).toBe(true);
    await first;
  });

  it('{ cancel: true } on a never-started scheduler cancels the queued tasks', async () => {
    const s = scheduler();
    const id = s.submitTask(value(1));
    await s.stop({ cancel: true });
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
  });

  it('when stop() resolves every task is final, and a second stop() resolves too', async () => {
    const s = scheduler({ concurrency: 2 }).start();
    const ids = Array.from({ length: 6 }, (_, i) =>
      s.submitTask(new AsyncTask(`t${i}`, () => sleep(i * 3))),
    );
    await s.stop();
    for (const id of ids) expect(isFinal(s.taskState(id))).toBe(true);
    await expect(s.stop()).resolves.toBeUndefined();
    // records are still readable after stop
    expect(s.dumpTask().length).toBe(6);
  });

  it('validates timeoutMs', async () => {
    const s = scheduler().start();
    await expect(failureOf(() => s.stop({ timeoutMs: -5 }))).resolves.toBeInstanceOf(RangeError);
  });
});

function isFinal(state: string): boolean {
  return ['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED'].includes(state);
}

describe('timeoutMs', () => {
  it('counts from STARTED, not from submit', async () => {
    const { clock, s } = clocked({ concurrency: 1 });
    s.start();
    const b = gated('blocker');
    const blocker = s.submitTask(b.task);
    const p = gated('patient', { timeoutMs: 40 });
    const patient = s.submitTask(p.task);
    await clock.advance(80); // twice the patient's limit, all of it waiting for the slot
    b.open();
    await s.waitTask(blocker);
    await clock.advance(5);
    p.open();
    const info = await s.waitTask(patient);
    expect(info.state).toBe(TaskState.DONE);
    expect(info.waitMs).toBe(80);
    expect(info.runMs).toBe(5);
  });

  it('TIMED_OUT with a reason, ts.timeout, the body’s signal aborted, a late result discarded', async () => {
    const { clock, s } = clocked();
    s.start();
    let signal: AbortSignal | undefined;
    let onDone = 0;
    let onTimeout = 0;
    const late = deferred<string>();
    const task = new AsyncTask(
      'late',
      (ctx) => {
        signal = ctx.signal;
        return late.promise;
      },
      {
        timeoutMs: 20,
        onDone: () => {
          onDone++;
        },
        onTimeout: () => {
          onTimeout++;
        },
      },
    );
    const id = s.submitTask(task);
    const waiting = s.waitTask(id);
    await clock.advance(19);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    await clock.advance(1);
    const info = await waiting;
    expect(info.state).toBe(TaskState.TIMED_OUT);
    expect(info.reason).toEqual(expect.any(String));
    expect(info.reason!.length).toBeGreaterThan(0);
    expect(typeof info.ts.timeout).toBe('number');
    expect(info.ts.timeout! - info.ts.start!).toBe(20);
    expect(info.timeoutMs).toBe(20);
    expect(signal?.aborted).toBe(true);
    late.resolve('too late');
    await clock.advance(10);
    expect(s.taskState(id)).toBe(TaskState.TIMED_OUT);
    expect(s.taskInfo(id).result).toBeUndefined();
    expect(onDone).toBe(0);
    expect(onTimeout).toBe(1);
    await expect(s.result(id)).rejects.toBeInstanceOf(TaskTimeoutError);
  });

  it('a late rejection after a timeout is discarded too', async () => {
    const { clock, s } = clocked();
    s.start();
    const late = deferred<string>();
    const errors: unknown[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    const id = s.submitTask(new AsyncTask('late-reject', () => late.promise, { timeoutMs: 5 }));
    const waiting = s.waitTask(id);
    await clock.advance(5);
    await waiting;
    late.reject(new Error('late failure'));
    await clock.advance(10);
    expect(s.taskState(id)).toBe(TaskState.TIMED_OUT);
    expect(s.taskInfo(id).error?.message ?? '').not.toContain('late failure');
  });

  it('timeoutMs 0 means no timeout', async () => {
    const { clock, s } = clocked();
    s.start();
    const g = gated('zero', { timeoutMs: 0 });
    const id = s.submitTask(g.task);
    await clock.advance(60_000);
    expect(s.taskState(id)).toBe(TaskState.STARTED);
    g.open('ok');
    await expect(s.result(id)).resolves.toBe('ok');
  });
});

describe('on* callbacks', () => {
  function spyCallbacks(s: () => AsyncScheduler, tag: string, log: string[]) {
    const callbacks: Record<string, (info: Info) => void> = {};
    for (const name of CALLBACKS) {
      callbacks[name] = (info: Info) => {
        log.push(`${tag}:${name}`);
        expect(Object.isFrozen(info)).toBe(true);
        expect(info.state).toBe(CALLBACK_STATE[name]);
        const key = TS_KEY[info.state]!;
        expect(typeof info.ts[key]).toBe('number');
        // after the state is entered
        expect(s().taskState(info.id)).toBe(info.state);
      };
    }
    return callbacks;
  }

  async function run(
    body: ConstructorParameters<typeof AsyncTask>[1],
    extra: { timeoutMs?: number; cancelWhenStarted?: boolean } = {},
  ) {
    const log: string[] = [];
    const failures: unknown[] = [];
    const s: AsyncScheduler = scheduler({ ...spyCallbacks(() => s, 'all', log) });
    s.errors$.subscribe((e) => failures.push(e));
    const task = new AsyncTask('cb', body, {
      ...spyCallbacks(() => s, 'task', log),
      ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
    });
    s.start();
    const id = s.submitTask(task);
    if (extra.cancelWhenStarted === true) {
      await until(() => s.taskState(id) === TaskState.STARTED);
      await s.cancelTask(id);
    }
    await s.waitTask(id);
    await s.stop(); // every callback has run, and errors$ delivered, once stop() resolves
    // assertion failures inside callbacks go to errors$: none expected
    expect(failures).toEqual([]);
    return log;
  }

  const count = (log: string[], entry: string) => log.filter((l) => l === entry).length;

  it('DONE: onSubmit, onSchedule, onStart, onDone each once, per task and scheduler-wide', async () => {
    const log = await run(() => 1);
    for (const tag of ['all', 'task']) {
      for (const n of ['onSubmit', 'onSchedule', 'onStart', 'onDone']) {
        expect(count(log, `${tag}:${n}`), `${tag}:${n}`).toBe(1);
      }
      for (const n of ['onError', 'onTimeout', 'onCancel'])
        expect(count(log, `${tag}:${n}`)).toBe(0);
    }
    const order = log.filter((l) => l.startsWith('task:'));
    expect(order).toEqual(['task:onSubmit', 'task:onSchedule', 'task:onStart', 'task:onDone']);
  });

  it('FAILED: onError once', async () => {
    const log = await run(() => {
      throw new Error('x');
    });
    expect(count(log, 'all:onError')).toBe(1);
    expect(count(log, 'task:onError')).toBe(1);
    expect(count(log, 'task:onDone')).toBe(0);
  });

  it('TIMED_OUT: onTimeout once', async () => {
    const log = await run(() => sleep(200), { timeoutMs: 5 });
    expect(count(log, 'all:onTimeout')).toBe(1);
    expect(count(log, 'task:onTimeout')).toBe(1);
    expect(count(log, 'task:onDone') + count(log, 'task:onError')).toBe(0);
  });

  it('CANCELED: onCancel once', async () => {
    const log = await run(() => new Promise(() => undefined), { cancelWhenStarted: true });
    expect(count(log, 'all:onCancel')).toBe(1);
    expect(count(log, 'task:onCancel')).toBe(1);
  });

  it('onSubmit runs with a known id during submitTask', () => {
    let seen: Info | undefined;
    const s = scheduler({
      onSubmit: (info) => {
        seen = info;
      },
    });
    const id = s.submitTask(value(1), 'a');
    expect(seen?.id).toBe(id);
    expect(seen?.args).toEqual(['a']);
  });
});

describe('priority and concurrency', () => {
  it('with concurrency 1, higher priority starts first, FIFO among equals', async () => {
    const s = scheduler({ concurrency: 1 });
    const order: string[] = [];
    const priorities = [0, 5, 1, 5, 0, 10, -2, 1];
    priorities.forEach((p, i) => {
      s.submitTask(
        new AsyncTask(
          `t${i}`,
          () => {
            order.push(`p${p}#${i}`);
          },
          { priority: p },
        ),
      );
    });
    s.start();
    await s.stop();
    expect(order).toEqual(['p10#5', 'p5#1', 'p5#3', 'p1#2', 'p1#7', 'p0#0', 'p0#4', 'p-2#6']);
  });

  it('tasks arriving while the slot is busy are ordered by priority too', async () => {
    const s = scheduler({ concurrency: 1 }).start();
    const g = gated();
    const order: number[] = [];
    const first = s.submitTask(g.task);
    await until(() => s.taskState(first) === TaskState.STARTED);
    for (const p of [1, 3, 2, 3]) {
      s.submitTask(new AsyncTask(`p${p}`, () => order.push(p), { priority: p }));
    }
    g.open();
    await s.stop();
    expect(order).toEqual([3, 3, 2, 1]);
  });

  it('fractional and large priorities order as numbers', async () => {
    const s = scheduler({ concurrency: 1 });
    const order: number[] = [];
    const priorities = [0.5, 0.25, 0.75, 1e9, -1e9, 1e-9, Number.MAX_SAFE_INTEGER];
    for (const p of priorities) {
      s.submitTask(new AsyncTask('p', () => order.push(p), { priority: p }));
    }
    s.start();
    await s.stop();
    expect(order).toEqual([...priorities].sort((a, b) => b - a));
  });

  it('concurrency limits AsyncTasks only: a running SyncTask does not hold their slot', async () => {
    const { SyncTask } = await import('../../src/index.js');
    const s = scheduler({ concurrency: 1, threads: 1 }).start();
    const sleepy = new SyncTask('sleep', {
      module: new URL('./fixtures/sync.mjs', import.meta.url),
      export: 'sleep',
    });
    const syncId = s.submitTask(sleepy, 150);
    await until(() => s.taskState(syncId) === TaskState.STARTED);
    const asyncId = s.submitTask(value('quick'));
    await expect(s.result(asyncId)).resolves.toBe('quick');
    expect(s.taskState(syncId)).toBe(TaskState.STARTED);
    await s.waitTask(syncId);
  });

  it('never has more STARTED tasks than concurrency, and does reach it', async () => {
    const s = scheduler({ concurrency: 3 }).start();
    let running = 0;
    let maxRunning = 0;
    const maxStartedSoFar = maxStarted(s);
    const task = new AsyncTask('work', async ({ args: [ms] }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(ms as number);
      running--;
    });
    for (let i = 0; i < 20; i++) s.submitTask(task, (i * 7) % 11);
    await s.stop();
    expect(maxRunning).toBe(3);
    expect(maxStartedSoFar()).toBe(3);
  });
});

describe('retention', () => {
  it('maxFinished keeps only the newest finished records; evicted ids are unknown', async () => {
    const s = scheduler({ retention: { maxFinished: 3 } }).start();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = s.submitTask(value(i));
      ids.push(id);
      await s.waitTask(id);
    }
    const kept = s.dumpTask().map((i) => i.id);
    expect(kept).toEqual(ids.slice(-3));
    expect(() => s.taskState(ids[0]!)).toThrow(UnknownTaskError);
    expect(() => s.taskInfo(ids[6]!)).toThrow(UnknownTaskError);
    expect(s.taskState(ids[9]!)).toBe(TaskState.DONE);
  });

  it('maxFinished never evicts unfinished tasks', async () => {
    const s = scheduler({ retention: { maxFinished: 1 } }).start();
    const g = gated();
    const running = s.submitTask(g.task);
    for (let i = 0; i < 5; i++) await s.waitTask(s.submitTask(value(i)));
    expect(s.taskState(running)).toBe(TaskState.STARTED);
    g.open('kept');
    await expect(s.result(running)).resolves.toBe('kept');
  });

  it('maxAgeMs evicts finished records older than that', async () => {
    const { clock, s } = clocked({ retention: { maxAgeMs: 40 } });
    s.start();
    const old = s.submitTask(value(1));
    await s.waitTask(old);
    expect(s.taskState(old)).toBe(TaskState.DONE);
    await clock.advance(39);
    expect(s.taskState(old)).toBe(TaskState.DONE);
    await clock.advance(81);
    const fresh = s.submitTask(value(2));
    await s.waitTask(fresh);
    expect(() => s.taskState(old)).toThrow(UnknownTaskError);
    expect(s.dumpTask().map((i) => i.id)).toEqual([fresh]);
  });

  it('maxAgeMs evicts even when nothing else happens', async () => {
    const { clock, s } = clocked({ retention: { maxAgeMs: 30 } });
    s.start();
    const old = s.submitTask(value(1));
    await s.waitTask(old);
    await clock.advance(120);
    expect(() => s.taskState(old)).toThrow(UnknownTaskError);
    expect(s.dumpTask()).toEqual([]);
  });

  it('slowest() still sees the slowest tasks ever finished (README)', async () => {
    const s = scheduler({ retention: { maxFinished: 2 } }).start();
    const slow = s.submitTask(new AsyncTask('slowest', () => sleep(40)));
    await s.waitTask(slow);
    for (let i = 0; i < 5; i++) await s.waitTask(s.submitTask(value(i)));
    expect(() => s.taskState(slow)).toThrow(UnknownTaskError);
    expect(s.slowest(1)[0]?.id).toBe(slow);
  });
});
