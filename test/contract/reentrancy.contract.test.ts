// Calling back into the scheduler from inside every callback and from a transitions$ subscriber,
// on AsyncScheduler and SchedulerThread (docs/contract.md: the public API, invariants 1, 2, 3, 4).
import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerStoppedError,
  SchedulerThread,
  SyncTask,
  TaskState,
} from '../../src/index.js';
import {
  CALLBACKS,
  CALLBACK_STATE,
  EDGES,
  FINAL_STATES,
  TS_KEY,
  contractFixture,
  deferred,
  maxStarted,
  ownSchedulers,
  recordTransitions,
  sleep,
  until,
  type CallbackName,
  type Info,
  type SchedulerOptions,
  type Transition,
  HANG_GUARD_MS,
} from './helpers.js';

type AnyScheduler = AsyncScheduler | SchedulerThread;
const { scheduler, lane } = ownSchedulers();

const bodies = contractFixture('anywhere.mjs');

/**
 * Checks per-task machine order and ts bookkeeping over what one subscriber saw. With
 * `joinedLate`, a task's first transition seen may start past NEW (the subscriber came later).
 */
function checkOrder(all: Transition[], joinedLate = false): string[] {
  const problems: string[] = [];
  const last = new Map<string, string>();
  for (const t of all) {
    const previous = last.get(t.id) ?? (joinedLate ? t.from : TaskState.NEW);
    if (t.from !== previous) problems.push(`${t.name}: ${t.from}>${t.to} after ${previous}`);
    if (!EDGES.has(`${t.from}>${t.to}`)) problems.push(`${t.name}: edge ${t.from}>${t.to}`);
    if (t.info.state !== t.to) problems.push(`${t.name}: info.state ${t.info.state} for ${t.to}`);
    const key = TS_KEY[t.to] as keyof Info['ts'];
    if (t.info.ts[key] !== t.at) problems.push(`${t.name}: ts.${key} != at`);
    last.set(t.id, t.to);
  }
  return problems;
}

/** A body for each outcome, on the main loop. */
function outcomeTask(outcome: 'done' | 'fail' | 'timeout' | 'cancel', options = {}) {
  switch (outcome) {
    case 'done':
      return new AsyncTask('done', () => 'v', options);
    case 'fail':
      return new AsyncTask(
        'fail',
        () => {
          throw new Error('planned');
        },
        options,
      );
    case 'timeout':
      return new AsyncTask('timeout', () => new Promise(() => undefined), {
        ...options,
        timeoutMs: 5,
      });
    case 'cancel':
      return new AsyncTask('cancel', () => new Promise(() => undefined), options);
  }
}
const OUTCOME_OF: Record<CallbackName, 'done' | 'fail' | 'timeout' | 'cancel'> = {
  onSubmit: 'done',
  onSchedule: 'done',
  onStart: 'done',
  onDone: 'done',
  onError: 'fail',
  onTimeout: 'timeout',
  onCancel: 'cancel',
};

describe('every query works from inside every callback (AsyncScheduler)', () => {
  for (const where of ['task', 'scheduler'] as const) {
    for (const name of CALLBACKS) {
      it(`${where} ${name}: taskState/taskInfo/dumpTask/slowest/waitTask/submitTask/cancelTask`, async () => {
        const seen: Record<string, unknown> = {};
        const followUp = new AsyncTask('follow-up', () => 'followed');
        let otherId = '';
        const callback = (info: Info) => {
          if (info.name === 'follow-up' || info.name === 'other') return;
          seen['state'] = s.taskState(info.id);
          seen['info'] = s.taskInfo(info.id).state;
          seen['dumpOne'] = s.dumpTask(info.id).map((i) => i.state);
          seen['dumpAll'] = s.dumpTask().length;
          seen['slowest'] = Array.isArray(s.slowest(3));
          seen['wait'] = s.waitTask(info.id);
          seen['followUp'] = s.submitTask(followUp);
          seen['cancelOther'] = s.cancelTask(otherId, 'from a callback');
        };
        const cb = { [name]: callback };
        const s: AsyncScheduler = scheduler(where === 'scheduler' ? cb : {});
        const errors: unknown[] = [];
        s.errors$.subscribe((e) => errors.push(e));
        const rec = recordTransitions(s);
        s.start();
        otherId = s.submitTask(new AsyncTask('other', () => new Promise(() => undefined)));
        const id = s.submitTask(outcomeTask(OUTCOME_OF[name], where === 'task' ? cb : {}));
        if (name === 'onCancel') {
          await until(() => s.taskState(id) === TaskState.STARTED);
          await s.cancelTask(id);
        }
        const info = await s.waitTask(id);
        expect(info.state).toBe(
          { done: 'DONE', fail: 'FAILED', timeout: 'TIMED_OUT', cancel: 'CANCELED' }[
            OUTCOME_OF[name]
          ],
        );
        expect(seen['state']).toBe(CALLBACK_STATE[name]);
        expect(seen['info']).toBe(CALLBACK_STATE[name]);
        expect(seen['dumpOne']).toEqual([CALLBACK_STATE[name]]);
        expect(seen['dumpAll']).toBeGreaterThanOrEqual(2);
        expect(seen['slowest']).toBe(true);
        await expect(seen['wait']).resolves.toMatchObject({ id, state: info.state });
        await expect(seen['cancelOther']).resolves.toBe(true);
        expect(s.taskState(otherId)).toBe(TaskState.CANCELED);
        await expect(s.result(seen['followUp'] as string)).resolves.toBe('followed');
        await s.stop();
        expect(errors).toEqual([]);
        expect(checkOrder(rec.all)).toEqual([]);
      });
    }
  }
});

describe('non-Error throws and rejections from callbacks', () => {
  it('a callback that throws a string, or whose promise rejects with undefined, goes to errors$ as a SchedulerError with the task id', async () => {
    const s = scheduler({
      onStart: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'a string';
      },
      // Typed `(info) => void`; an async callback is accepted by the types.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      onDone: (() => Promise.reject(undefined)) as unknown as () => void,
    });
    const errors: unknown[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    s.start();
    const id = s.submitTask(new AsyncTask('t', () => 'fine'));
    await expect(s.result(id)).resolves.toBe('fine');
    await until(() => errors.length === 2);
    for (const e of errors) {
      expect(e).toBeInstanceOf(SchedulerError);
      expect((e as SchedulerError).taskId).toBe(id);
    }
    expect((errors[0] as Error).message).toContain('a string');
  });
});

describe('SchedulerThread: concurrent cancels', () => {
  for (const kind of ['AsyncTask', 'SyncTask'] as const) {
    it(`${kind}: three cancelTask calls at once → exactly one true, the first reason kept`, async () => {
      const s = lane(`triple-${kind}`, { threads: 1 }).start();
      const task =
        kind === 'AsyncTask'
          ? new AsyncTask('d', { module: bodies, export: 'delay' })
          : new SyncTask('h', { module: bodies, export: 'markAndHold' });
      const args = kind === 'AsyncTask' ? [10_000] : [new SharedArrayBuffer(64), 0, 5_000];
      const id = s.submitTask(task, ...args);
      await until(() => s.taskState(id) === TaskState.STARTED);
      const answers = await Promise.all(['a', 'b', 'c'].map((r) => s.cancelTask(id, r)));
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(s.taskState(id)).toBe(TaskState.CANCELED);
      expect(s.taskInfo(id).reason).toBe(['a', 'b', 'c'][answers.indexOf(true)]);
    });
  }
});

describe('a task cancels itself from its own callback', () => {
  const cases = [
    ['onSubmit', 'SUBMITTED'],
    ['onSchedule', 'SCHEDULED'],
    ['onStart', 'STARTED'],
  ] as const;
  for (const [name, from] of cases) {
    for (const started of [true, false]) {
      it(`${name} (${started ? 'started' : 'not started'} scheduler): CANCELED from ${from}, exactly once`, async () => {
        let canceled: Promise<boolean> | undefined;
        let cancels = 0;
        let ran = false as boolean;
        let signal: AbortSignal | undefined;
        const gate = deferred<string>();
        const task = new AsyncTask(
          'self-cancel',
          (ctx) => {
            ran = true;
            signal = ctx.signal;
            return gate.promise;
          },
          {
            [name]: (info: Info) => {
              canceled = s.cancelTask(info.id, `from ${name}`);
            },
            onCancel: () => {
              cancels++;
            },
          },
        );
        const s: AsyncScheduler = scheduler();
        const errors: unknown[] = [];
        s.errors$.subscribe((e) => errors.push(e));
        const early = recordTransitions(s);
        if (started) s.start();
        const id = s.submitTask(task);
        const late = recordTransitions(s);
        if (!started) s.start();
        await expect(canceled).resolves.toBe(true);
        expect(s.taskState(id)).toBe(TaskState.CANCELED);
        const info = await s.waitTask(id);
        expect(info.reason).toBe(`from ${name}`);
        expect(cancels).toBe(1);
        if (name !== 'onStart') {
          expect(ran).toBe(false);
          expect(info.ts.start).toBeUndefined();
        } else if (ran) {
          expect(signal?.aborted).toBe(true);
        }
        gate.resolve('late');
        await s.stop(); // whatever the late result would change has happened by now
        expect(s.taskState(id)).toBe(TaskState.CANCELED);
        const path = early.of(id).map((t) => `${t.from}>${t.to}`);
        expect(path.at(-1)).toBe(`${from}>CANCELED`);
        expect(checkOrder(early.all)).toEqual([]);
        expect(checkOrder(late.all, true)).toEqual([]);
        expect(errors).toEqual([]);
      });
    }
  }

  it('cancelTask(own id) from onSubmit on a SchedulerThread: true, CANCELED, once', async () => {
    let canceled: Promise<boolean> | undefined;
    let cancels = 0;
    const s: SchedulerThread = lane('self-cancel', {
      onSubmit: (info) => {
        canceled = s.cancelTask(info.id, 'from onSubmit');
      },
      onCancel: () => cancels++,
    }).start();
    const rec = recordTransitions(s);
    const id = s.submitTask(new AsyncTask('w', { module: bodies, export: 'delay' }), 20, 'x');
    await expect(canceled).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    expect((await s.waitTask(id)).reason).toBe('from onSubmit');
    // Every event of the lane thread has reached the main side once stop() resolves.
    await s.stop();
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    expect(cancels).toBe(1);
    expect(checkOrder(rec.all)).toEqual([]);
    // Not checked: whether its body ran first. The lane thread gets the submit before the
    // cancel and may start it (AsyncScheduler would not): reported for a maintainer's look.
  });
});

describe('transitions$ subscribers that call back in', () => {
  it('a subscriber that submits on DONE: every subscriber sees each task in machine order', async () => {
    const s = scheduler().start();
    const before = recordTransitions(s);
    const chain = new AsyncTask('link', ({ args: [n] }) => n);
    let links = 0;
    s.transitions$.subscribe((t) => {
      if (t.to === 'DONE' && links < 5) {
        links++;
        s.submitTask(chain, links);
      }
    });
    const after = recordTransitions(s);
    s.submitTask(chain, 0);
    await until(() => after.all.filter((t) => t.to === 'DONE').length === 6);
    for (const rec of [before, after]) expect(checkOrder(rec.all)).toEqual([]);
  });

  it('a subscriber that cancels a task on STARTED: later subscribers never see CANCELED before STARTED', async () => {
    const s = scheduler().start();
    const before = recordTransitions(s);
    s.transitions$.subscribe((t) => {
      if (t.to === 'STARTED') void s.cancelTask(t.id, 'from a subscriber');
    });
    const after = recordTransitions(s);
    const id = s.submitTask(new AsyncTask('c', () => new Promise(() => undefined)));
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.CANCELED);
    for (const rec of [before, after]) {
      expect(rec.of(id).map((t) => t.to)).toEqual([
        'SUBMITTED',
        'SCHEDULED',
        'STARTED',
        'CANCELED',
      ]);
    }
  });

  it('a subscriber that cancels on SUBMITTED: later subscribers see SUBMITTED first', async () => {
    const s = scheduler().start();
    s.transitions$.subscribe((t) => {
      if (t.to === 'SUBMITTED') void s.cancelTask(t.id, 'at once');
    });
    const after = recordTransitions(s);
    const id = s.submitTask(new AsyncTask('c', () => 'never'));
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.CANCELED);
    expect(after.of(id).map((t) => t.to)).toEqual(['SUBMITTED', 'CANCELED']);
  });

  it('a subscriber that calls stop() on the first DONE: every task still ends once, streams complete', async () => {
    const s = scheduler({ concurrency: 1 }).start();
    let stopping: Promise<void> | undefined;
    s.transitions$.subscribe((t) => {
      if (t.to === 'DONE' && stopping === undefined) stopping = s.stop();
    });
    const rec = recordTransitions(s);
    let completed = false;
    s.transitions$.subscribe({ complete: () => (completed = true) });
    const ids = [1, 2, 3].map((n) => s.submitTask(new AsyncTask(`t${n}`, () => sleep(n))));
    await until(() => stopping !== undefined);
    await stopping;
    for (const id of ids) expect(s.taskState(id)).toBe(TaskState.DONE);
    expect(completed).toBe(true);
    expect(checkOrder(rec.all)).toEqual([]);
  });

  it('unsubscribing inside next stops that subscriber only', async () => {
    const s = scheduler().start();
    const seen: string[] = [];
    const subscription = s.transitions$.subscribe((t) => {
      seen.push(t.to);
      subscription.unsubscribe();
    });
    const rec = recordTransitions(s);
    const id = s.submitTask(new AsyncTask('u', () => 1));
    await s.waitTask(id);
    expect(seen).toEqual(['SUBMITTED']);
    expect(rec.of(id)).toHaveLength(4);
  });

  it('a subscriber that unsubscribes another one inside next: the other gets nothing more', async () => {
    const s = scheduler().start();
    const seen: string[] = [];
    // eslint-disable-next-line prefer-const
    let second: { unsubscribe: () => void } | undefined;
    s.transitions$.subscribe((t) => {
      if (t.to === 'STARTED') second?.unsubscribe();
    });
    second = s.transitions$.subscribe((t) => seen.push(t.to));
    const id = s.submitTask(new AsyncTask('u', () => 1));
    await s.waitTask(id);
    expect(seen).toEqual(['SUBMITTED', 'SCHEDULED']);
  });
});

describe('stop() and submitTask() from callbacks', () => {
  it('stop() inside onDone of the first task drains the others and resolves', async () => {
    let stopping: Promise<void> | undefined;
    const s: AsyncScheduler = scheduler({
      concurrency: 1,
      onDone: () => {
        stopping ??= s.stop();
      },
    }).start();
    const ids = [1, 2, 3].map((n) => s.submitTask(new AsyncTask(`t${n}`, () => sleep(n))));
    await until(() => stopping !== undefined);
    const outcome = await Promise.race([stopping, sleep(HANG_GUARD_MS).then(() => 'hung')]);
    expect(outcome).toBeUndefined();
    for (const id of ids) expect(s.taskState(id)).toBe(TaskState.DONE);
  });

  it('stop({ cancel: true }) inside onStart: that task and the queue end CANCELED', async () => {
    let stopping: Promise<void> | undefined;
    const s: AsyncScheduler = scheduler({
      concurrency: 1,
      onStart: () => {
        stopping ??= s.stop({ cancel: true });
      },
    });
    const rec = recordTransitions(s);
    const ids = [1, 2, 3].map((n) =>
      s.submitTask(new AsyncTask(`t${n}`, () => new Promise(() => undefined))),
    );
    s.start();
    await until(() => stopping !== undefined);
    await stopping;
    for (const id of ids) expect(s.taskState(id)).toBe(TaskState.CANCELED);
    expect(s.taskInfo(ids[0]!).ts.start).toBeDefined();
    expect(s.taskInfo(ids[1]!).ts.start).toBeUndefined();
    expect(checkOrder(rec.all)).toEqual([]);
  });

  it('submitTask inside onDone while stop() drains throws SchedulerStoppedError', async () => {
    const thrown: unknown[] = [];
    const accepted: string[] = [];
    const late = new AsyncTask('late', () => 'late');
    const s: AsyncScheduler = scheduler({
      onDone: (info) => {
        if (info.name === 'late') return;
        try {
          accepted.push(s.submitTask(late));
        } catch (error) {
          thrown.push(error);
        }
      },
    }).start();
    const gate = deferred();
    const id = s.submitTask(new AsyncTask('draining', () => gate.promise));
    await until(() => s.taskState(id) === TaskState.STARTED);
    const stopping = s.stop();
    gate.resolve();
    await stopping;
    expect(accepted).toEqual([]);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(SchedulerStoppedError);
  });

  it('submitTask inside onSubmit (before start) runs both; the nested one is SUBMITTED too', async () => {
    const nested: string[] = [];
    const inner = new AsyncTask('inner', () => 'inner');
    const s: AsyncScheduler = scheduler({
      onSubmit: (info) => {
        if (info.name === 'outer') nested.push(s.submitTask(inner));
      },
    });
    const rec = recordTransitions(s);
    const outer = s.submitTask(new AsyncTask('outer', () => 'outer'));
    expect(nested).toHaveLength(1);
    expect(s.taskState(nested[0]!)).toBe(TaskState.SUBMITTED);
    s.start();
    await expect(s.result(outer)).resolves.toBe('outer');
    await expect(s.result(nested[0]!)).resolves.toBe('inner');
    expect(checkOrder(rec.all)).toEqual([]);
  });

  it('submitTask inside onStart with concurrency 1: the nested task waits its turn', async () => {
    const nested: string[] = [];
    const gate = deferred<string>();
    const inner = new AsyncTask('inner', () => 'inner');
    const s: AsyncScheduler = scheduler({
      concurrency: 1,
      onStart: (info) => {
        if (info.name === 'outer') nested.push(s.submitTask(inner));
      },
    }).start();
    const outer = s.submitTask(new AsyncTask('outer', () => gate.promise));
    await until(() => nested.length === 1 && s.taskState(nested[0]!) === TaskState.SCHEDULED);
    await sleep(10);
    expect(s.taskState(nested[0]!)).toBe(TaskState.SCHEDULED);
    gate.resolve('outer');
    await expect(s.result(nested[0]!)).resolves.toBe('inner');
    expect(s.taskState(outer)).toBe(TaskState.DONE);
  });

  it('callbacks of nested submissions keep each task’s own order (per-task and scheduler-wide)', async () => {
    const log: string[] = [];
    const inner = new AsyncTask('inner', () => 'i');
    const record = (info: Info) => log.push(`${info.name}:${info.state}`);
    const s: AsyncScheduler = scheduler({
      onSubmit: record,
      onSchedule: record,
      onStart: record,
      onDone: (info) => {
        record(info);
        if (info.name === 'outer') s.submitTask(inner);
      },
    }).start();
    const rec = recordTransitions(s);
    s.submitTask(new AsyncTask('outer', () => 'o'));
    await until(() => log.includes('inner:DONE'));
    for (const name of ['outer', 'inner']) {
      expect(log.filter((l) => l.startsWith(`${name}:`))).toEqual([
        `${name}:SUBMITTED`,
        `${name}:SCHEDULED`,
        `${name}:STARTED`,
        `${name}:DONE`,
      ]);
    }
    expect(checkOrder(rec.all)).toEqual([]);
    // the callbacks saw the states in the order transitions$ carried them
    expect(log).toEqual(rec.all.map((t) => `${t.name}:${t.to}`));
  });
});

describe('SchedulerThread: calling back in from callbacks and subscribers', () => {
  for (const name of ['onSubmit', 'onSchedule', 'onStart', 'onDone'] as const) {
    it(`${name}: queries answer, submitTask and cancelTask work`, async () => {
      const seen: Record<string, unknown> = {};
      let otherId = '';
      const followUp = new AsyncTask('follow-up', { module: bodies, export: 'delay' });
      const s: SchedulerThread = lane(`re-${name}`, {
        [name]: (info: Info) => {
          if (info.name !== 'main-task' || seen['state'] !== undefined) return;
          seen['state'] = s.taskState(info.id);
          seen['dump'] = s.dumpTask(info.id).map((i) => i.state);
          seen['wait'] = s.waitTask(info.id);
          seen['followUp'] = s.submitTask(followUp, 1, 'followed');
          seen['cancelOther'] = s.cancelTask(otherId);
        },
      });
      const errors: unknown[] = [];
      s.errors$.subscribe((e) => errors.push(e));
      const rec = recordTransitions(s);
      s.start();
      otherId = s.submitTask(new AsyncTask('other', { module: bodies, export: 'delay' }), 10_000);
      const id = s.submitTask(
        new AsyncTask('main-task', { module: bodies, export: 'delay' }),
        1,
        'v',
      );
      await expect(s.result(id)).resolves.toBe('v');
      expect(seen['state']).toBe(CALLBACK_STATE[name]);
      expect(seen['dump']).toEqual([CALLBACK_STATE[name]]);
      await expect(seen['wait']).resolves.toMatchObject({ id, state: 'DONE' });
      await expect(seen['cancelOther']).resolves.toBe(true);
      await expect(s.result(seen['followUp'] as string)).resolves.toBe('followed');
      await s.stop();
      expect(errors).toEqual([]);
      expect(checkOrder(rec.all)).toEqual([]);
    });
  }

  it('stop() inside onDone resolves; a submitTask after it throws SchedulerStoppedError', async () => {
    let stopping: Promise<void> | undefined;
    const thrown: unknown[] = [];
    const delay = new AsyncTask('d', { module: bodies, export: 'delay' });
    const s: SchedulerThread = lane('stop-in-done', {
      onDone: () => {
        if (stopping !== undefined) return;
        stopping = s.stop();
        try {
          s.submitTask(delay, 1);
        } catch (error) {
          thrown.push(error);
        }
      },
    }).start();
    const first = s.submitTask(delay, 1, 'a');
    const second = s.submitTask(delay, 30, 'b');
    await until(() => stopping !== undefined);
    const outcome = await Promise.race([stopping, sleep(HANG_GUARD_MS).then(() => 'hung')]);
    expect(outcome).toBeUndefined();
    expect(s.taskState(first)).toBe(TaskState.DONE);
    expect(s.taskState(second)).toBe(TaskState.DONE);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(SchedulerStoppedError);
  });

  it('a subscriber that cancels on STARTED: later subscribers see STARTED before CANCELED', async () => {
    const s = lane('sub-cancel').start();
    s.transitions$.subscribe((t) => {
      if (t.to === 'STARTED') void s.cancelTask(t.id);
    });
    const after = recordTransitions(s);
    const id = s.submitTask(new AsyncTask('d', { module: bodies, export: 'delay' }), 10_000);
    const info = await s.waitTask(id);
    expect(info.state).toBe(TaskState.CANCELED);
    expect(after.of(id).map((t) => t.to)).toEqual([
      'SUBMITTED',
      'SCHEDULED',
      'STARTED',
      'CANCELED',
    ]);
  });

  it('cancelTask(own id) inside onStart: CANCELED from STARTED, once', async () => {
    let canceled: Promise<boolean> | undefined;
    let cancels = 0;
    const s: SchedulerThread = lane('start-cancel', {
      onStart: (info) => {
        canceled = s.cancelTask(info.id, 'from onStart');
      },
      onCancel: () => cancels++,
    }).start();
    const rec = recordTransitions(s);
    const id = s.submitTask(new AsyncTask('d', { module: bodies, export: 'delay' }), 10_000);
    await until(() => canceled !== undefined);
    await expect(canceled).resolves.toBe(true);
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    await s.stop(); // every event of the lane thread has reached the main side by now
    expect(cancels).toBe(1);
    expect(rec.of(id).map((t) => t.to)).toEqual(['SUBMITTED', 'SCHEDULED', 'STARTED', 'CANCELED']);
  });
});

describe('SchedulerThread: final-state callbacks call back in', () => {
  const plans = {
    onError: { exportName: 'failCoded', options: {}, state: 'FAILED' },
    onTimeout: { exportName: 'delay', options: { timeoutMs: 5 }, state: 'TIMED_OUT' },
    onCancel: { exportName: 'delay', options: {}, state: 'CANCELED' },
  } as const;
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: queries answer, cancelTask(own id) is false, submitTask works`, async () => {
      const seen: Record<string, unknown> = {};
      const followUp = new AsyncTask('follow-up', { module: bodies, export: 'delay' });
      const s: SchedulerThread = lane(`final-${name}`, {
        [name]: (info: Info) => {
          if (info.name !== 'main-task') return;
          seen['state'] = s.taskState(info.id);
          seen['info'] = s.taskInfo(info.id).state;
          seen['slowest'] = s.slowest(1).length;
          seen['ownCancel'] = s.cancelTask(info.id, 'too late');
          seen['wait'] = s.waitTask(info.id);
          seen['followUp'] = s.submitTask(followUp, 1, 'followed');
        },
      });
      const errors: unknown[] = [];
      s.errors$.subscribe((e) => errors.push(e));
      s.start();
      const id = s.submitTask(
        new AsyncTask('main-task', { module: bodies, export: plan.exportName }, plan.options),
        10_000,
      );
      if (name === 'onCancel') {
        await until(() => s.taskState(id) === TaskState.STARTED);
        await s.cancelTask(id, 'by test');
      }
      await until(() => seen['followUp'] !== undefined);
      expect(seen['state']).toBe(plan.state);
      expect(seen['info']).toBe(plan.state);
      expect(seen['slowest']).toBe(1);
      await expect(seen['ownCancel']).resolves.toBe(false);
      await expect(seen['wait']).resolves.toMatchObject({ id, state: plan.state });
      await expect(s.result(seen['followUp'] as string)).resolves.toBe('followed');
      expect(s.taskState(id)).toBe(plan.state);
      expect(errors).toEqual([]);
    });
  }
});

describe('stop() from inside each callback, drain or cancel, on both schedulers', () => {
  for (const name of ['onSubmit', 'onSchedule', 'onStart', 'onDone'] as const) {
    it(`${name}: stop() resolves, every task final, and a drain completes what it accepted`, async () => {
      for (const cancel of [false, true]) {
        for (const kind of ['main', 'thread'] as const) {
          let stopping: Promise<void> | undefined;
          const options = {
            concurrency: 1,
            [name]: () => {
              stopping ??= s.stop({ cancel });
            },
          };
          const s: AnyScheduler =
            kind === 'main' ? scheduler(options) : lane(`stop-${name}`, options);
          s.start();
          const task =
            kind === 'main'
              ? new AsyncTask('a', () => sleep(3).then(() => 'ok'))
              : new AsyncTask('a', { module: bodies, export: 'delay' });
          const ids: string[] = [];
          const refused: unknown[] = [];
          for (let i = 0; i < 2; i++) {
            try {
              ids.push(s.submitTask(task, 3, 'ok'));
            } catch (error) {
              refused.push(error);
            }
          }
          for (const error of refused) expect(error).toBeInstanceOf(SchedulerStoppedError);
          await until(() => stopping !== undefined);
          const outcome = await Promise.race([stopping, sleep(HANG_GUARD_MS).then(() => 'hung')]);
          expect(outcome, `${kind} ${cancel ? 'cancel' : 'drain'}`).toBeUndefined();
          for (const id of ids) {
            const state = s.taskState(id);
            expect(FINAL_STATES).toContain(state);
            if (!cancel) expect(state, `${kind} drain`).toBe(TaskState.DONE);
          }
        }
      }
    });
  }
});

describe('a task canceled from its own onStart gives its slot back exactly once', () => {
  for (const kind of [
    'AsyncTask',
    'SyncTask',
    'SchedulerThread AsyncTask',
    'SchedulerThread SyncTask',
  ] as const) {
    it(`${kind}: the next tasks all run, never more than one at once`, async () => {
      const options: NonNullable<SchedulerOptions> = {
        concurrency: 1,
        threads: 1,
        onStart: (info) => {
          if (info.name === 'self') void s.cancelTask(info.id, 'self');
        },
      };
      const s: AnyScheduler = kind.startsWith('SchedulerThread')
        ? lane('slot', options)
        : scheduler(options);
      const maxStartedSoFar = maxStarted(s);
      s.start();
      const buffer = new SharedArrayBuffer(64);
      const view = new Int32Array(buffer);
      const make = (name: string) =>
        kind.endsWith('SyncTask')
          ? new SyncTask(name, { module: bodies, export: 'markAndHold' })
          : kind === 'AsyncTask'
            ? new AsyncTask(name, async ({ args: [, slot] }) => {
                Atomics.store(view, 1 + (slot as number), 1);
                await sleep(10);
              })
            : new AsyncTask(name, { module: bodies, export: 'markAndHold' });
      // On a SchedulerThread the body may already run when onStart is called on the main side:
      // it holds until the cancel stops it (its thread, or its signal), not for a time the
      // cancel must beat.
      const self =
        kind === 'SchedulerThread AsyncTask'
          ? s.submitTask(new AsyncTask('self', { module: bodies, export: 'delay' }), HANG_GUARD_MS)
          : s.submitTask(make('self'), buffer, 0, kind.endsWith('SyncTask') ? HANG_GUARD_MS : 10);
      const others = [1, 2, 3].map((i) => s.submitTask(make('other'), buffer, i, 10));
      const infos = await Promise.all(others.map((id) => s.waitTask(id)));
      expect(infos.map((i) => i.state)).toEqual(['DONE', 'DONE', 'DONE']);
      expect(s.taskState(self)).toBe(TaskState.CANCELED);
      expect(maxStartedSoFar()).toBe(1);
      // On the main side onStart runs before the body is handed over: it never ran.
      if (!kind.startsWith('SchedulerThread')) expect(Atomics.load(view, 1)).toBe(0);
    });
  }
});

describe('the FINAL transition is the last one for each task (re-entrant mix)', () => {
  it('callbacks that cancel, submit and query at every state never produce a transition after a final one', async () => {
    let budget = 30;
    const child = new AsyncTask('child', ({ args: [n] }) => sleep((n as number) % 3));
    const poke = (info: Info) => {
      s.taskInfo(info.id);
      s.dumpTask();
      if (budget-- > 0) {
        const id = s.submitTask(child, budget);
        if (budget % 4 === 0) void s.cancelTask(id, 'poked');
      }
      if (info.state === 'STARTED' && budget % 3 === 0) void s.cancelTask(info.id);
    };
    const s: AsyncScheduler = scheduler({
      concurrency: 2,
      onSubmit: poke,
      onSchedule: poke,
      onStart: poke,
      onDone: poke,
      onCancel: poke,
    });
    const rec = recordTransitions(s);
    s.start();
    s.submitTask(child, 0);
    await until(() => budget <= 0, HANG_GUARD_MS, 'the budget to run out');
    await s.stop();
    expect(checkOrder(rec.all)).toEqual([]);
    const finals = new Map<string, number>();
    for (const t of rec.all) {
      if (FINAL_STATES.includes(t.to)) finals.set(t.id, (finals.get(t.id) ?? 0) + 1);
    }
    const ids = new Set(rec.all.map((t) => t.id));
    for (const id of ids) expect(finals.get(id), id).toBe(1);
    for (const info of s.dumpTask()) expect(FINAL_STATES).toContain(info.state);
  });
});

describe('FIFO among equals, for a task submitted from a callback or subscriber', () => {
  // Invariant 3: higher priority starts first, FIFO among equals. A's SUBMITTED and SCHEDULED
  // callbacks (and transitions$) run before A is in the queue, yet a task B submitted from them
  // is submitted after A and must start after it.
  const hooks = ['onSubmit', 'onSchedule', 'transitions$ SUBMITTED', 'transitions$ SCHEDULED'];
  for (const hook of hooks) {
    for (const type of ['AsyncTask', 'SyncTask'] as const) {
      it(`${type}, B submitted from A’s ${hook}: A (submitted and queued first) starts first`, async () => {
        const starts: string[] = [];
        const make = (name: string) =>
          type === 'AsyncTask'
            ? new AsyncTask(name, () => sleep(2))
            : new SyncTask(name, { module: bodies, export: 'asyncExport' });
        const submitB = (name: string) => {
          if (name === 'A') s.submitTask(make('B'), 2);
        };
        const s: AsyncScheduler = scheduler({
          concurrency: 1,
          threads: 1,
          ...(hook === 'onSubmit'
            ? {
                onSubmit: (i: Info) => {
                  submitB(i.name);
                },
              }
            : {}),
          ...(hook === 'onSchedule'
            ? {
                onSchedule: (i: Info) => {
                  submitB(i.name);
                },
              }
            : {}),
        });
        s.transitions$.subscribe((t) => {
          if (hook === `transitions$ ${t.to}`) submitB(t.name);
          if (t.to === 'STARTED') starts.push(t.name);
        });
        s.start();
        // A warm executor thread (a booting pool holds both, and hides the problem).
        if (type === 'SyncTask') await s.result(s.submitTask(make('warm-up'), 1));
        starts.length = 0;
        const a = s.submitTask(make('A'), 2);
        await until(() => starts.length === 2);
        // A.ts.submit < B.ts.submit (and, from onSchedule, A.ts.schedule < B.ts.submit), both
        // priority 0.
        expect(starts).toEqual(['A', 'B']);
        await s.waitTask(a);
      });
    }
  }
});
