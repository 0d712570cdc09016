// The contract's invariants 1-4 and 6 (docs/contract.md), with small randomized checks (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerThread,
  SchedulerErrorCode,
  TaskCanceledError,
  TaskState,
  TaskTimeoutError,
} from '../../src/index.js';
import {
  EDGES,
  FINAL_STATES,
  TS_KEY,
  contractFixture,
  deferred,
  recordTransitions,
  sleep,
  type Info,
  type Transition,
  HANG_GUARD_MS,
} from './helpers.js';
import { stopAfterTest } from '../support/stopAfterTest.js';

const NUM_RUNS = 25;

type Behaviour = 'ok' | 'throw' | 'throwString' | 'reject' | 'hang' | 'slow';
interface Plan {
  behaviour: Behaviour;
  priority: number;
  timeoutMs: number;
  cancelAfterMs: number | undefined;
  delayMs: number;
}

const planArb = fc.record<Plan>({
  behaviour: fc.constantFrom<Behaviour>('ok', 'throw', 'throwString', 'reject', 'hang', 'slow'),
  priority: fc.integer({ min: -2, max: 2 }),
  timeoutMs: fc.constantFrom(0, 0, 3, 15),
  cancelAfterMs: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  delayMs: fc.integer({ min: 0, max: 6 }),
});

function bodyFor(plan: Plan) {
  return async ({ signal }: { signal: AbortSignal }): Promise<unknown> => {
    if (plan.delayMs > 0) await sleep(plan.delayMs);
    switch (plan.behaviour) {
      case 'ok':
        return 'ok';
      case 'throw':
        throw new Error('planned');
      case 'throwString':
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'planned string';
      case 'reject':
        return Promise.reject(new TypeError('planned rejection'));
      case 'hang':
        return new Promise(() => undefined);
      case 'slow':
        await sleep(20);
        return signal.aborted ? 'ignored abort' : 'slow';
    }
  };
}

/** Checks invariants 1 and 2 over one scheduler's recorded transitions. */
function checkLifecycle(ids: string[], transitions: Transition[], infos: Map<string, Info>) {
  const byId = new Map<string, Transition[]>();
  for (const t of transitions) {
    expect(ids).toContain(t.id);
    byId.set(t.id, [...(byId.get(t.id) ?? []), t]);
  }
  for (const id of ids) {
    const ts = byId.get(id) ?? [];
    // invariant 1: exactly one final state, once, and it is the last transition
    const finals = ts.filter((t) => FINAL_STATES.includes(t.to));
    expect(finals, `finals of ${id}`).toHaveLength(1);
    expect(ts.at(-1)).toBe(finals[0]);
    expect(infos.get(id)?.state).toBe(finals[0]!.to);
    // invariant 2: only the machine's edges, chained, starting from NEW
    expect(ts[0]!.from).toBe(TaskState.NEW);
    let previous: string = TaskState.NEW;
    const seenTs: Record<string, number> = {};
    let lastAt = -Infinity;
    for (const t of ts) {
      expect(EDGES.has(`${t.from}>${t.to}`), `${t.from}>${t.to}`).toBe(true);
      expect(t.from).toBe(previous);
      previous = t.to;
      expect(t.at).toBeGreaterThanOrEqual(lastAt);
      lastAt = t.at;
      const key = TS_KEY[t.to]!;
      expect(seenTs[key], `${key} set twice`).toBeUndefined();
      seenTs[key] = t.at;
      // each timestamp is set once, when its state is entered, and never changes afterwards
      for (const [k, v] of Object.entries(seenTs)) {
        expect(t.info.ts[k as keyof Info['ts']], `ts.${k} in ${t.to}`).toBe(v);
      }
      const set = Object.entries(t.info.ts).filter(([, v]) => v !== undefined);
      expect(set.length).toBe(Object.keys(seenTs).length);
    }
    const { submit, schedule, start } = infos.get(id)!.ts;
    const end = finals[0]!.at;
    const chain = [submit, schedule, start, end].filter((v): v is number => v !== undefined);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!).toBeGreaterThanOrEqual(chain[i - 1]!);
  }
}

describe('invariants 1 and 2 (AsyncScheduler, randomized)', () => {
  it('every task reaches exactly one final state, along the machine’s edges, timestamps growing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(planArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<'drain' | 'cancel' | 'timeout'>('drain', 'cancel', 'timeout'),
        fc.boolean(),
        async (plans, concurrency, stopMode, startFirst) => {
          const s = new AsyncScheduler({ concurrency });
          stopAfterTest(s);
          const rec = recordTransitions(s);
          if (startFirst) s.start();
          const ids = plans.map((plan, i) =>
            s.submitTask(
              new AsyncTask(`t${i}`, bodyFor(plan), {
                priority: plan.priority,
                timeoutMs: plan.timeoutMs,
              }),
            ),
          );
          const results = ids.map((id) =>
            s.result(id).then(
              (v) => ({ ok: true as const, v }),
              (e: unknown) => ({ ok: false as const, e }),
            ),
          );
          if (!startFirst) s.start();
          const cancels = plans.map(async (plan, i) => {
            if (plan.cancelAfterMs === undefined) return undefined;
            await sleep(plan.cancelAfterMs);
            const before = s.taskState(ids[i]!);
            const canceled = await s.cancelTask(ids[i]!, 'random');
            expect(FINAL_STATES).toContain(s.taskState(ids[i]!));
            if (canceled) expect(s.taskState(ids[i]!)).toBe(TaskState.CANCELED);
            if (FINAL_STATES.includes(before)) expect(canceled).toBe(false);
            return canceled;
          });
          // make sure hanging tasks end
          const stop =
            stopMode === 'drain'
              ? sleep(40).then(() => s.stop({ timeoutMs: 30 }))
              : stopMode === 'cancel'
                ? sleep(8).then(() => s.stop({ cancel: true }))
                : s.stop({ timeoutMs: 25 });
          const canceledByCall = await Promise.all(cancels);
          await stop;
          const infos = new Map(ids.map((id) => [id, s.taskInfo(id)]));
          for (const id of ids) expect(FINAL_STATES).toContain(infos.get(id)!.state);
          checkLifecycle(ids, rec.all, infos);
          // result() agrees with the final state
          const settled = await Promise.all(results);
          settled.forEach((r, i) => {
            const info = infos.get(ids[i]!)!;
            if (info.state === 'DONE') expect(r.ok).toBe(true);
            else expect(r.ok).toBe(false);
            if (info.state === 'TIMED_OUT') expect(!r.ok && r.e).toBeInstanceOf(TaskTimeoutError);
            if (info.state === 'CANCELED') expect(!r.ok && r.e).toBeInstanceOf(TaskCanceledError);
            if (canceledByCall[i] === true) expect(info.state).toBe('CANCELED');
          });
          // a task that never failed on purpose did not FAIL
          plans.forEach((plan, i) => {
            const state = infos.get(ids[i]!)!.state;
            if (['ok', 'slow', 'hang'].includes(plan.behaviour)) expect(state).not.toBe('FAILED');
            if (['throw', 'throwString', 'reject'].includes(plan.behaviour)) {
              expect(state).not.toBe('DONE');
            }
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  }, 30_000);
});

describe('invariants 1 and 2 (SchedulerThread)', () => {
  it('holds for module-ref tasks with cancels, timeouts and a stop', async () => {
    const s = new SchedulerThread('invariants', { concurrency: 2 });
    stopAfterTest(s);
    const rec = recordTransitions(s);
    s.start();
    const module = contractFixture('thread.mjs');
    const delay = (priority: number, timeoutMs: number) =>
      new AsyncTask('delay', { module, export: 'delay' }, { priority, timeoutMs });
    const fail = new AsyncTask('fail', { module, export: 'fail' });
    const forever = new AsyncTask('forever', { module, export: 'forever' });
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const kind = i % 4;
      if (kind === 0) ids.push(s.submitTask(delay(i % 3, 0), i % 7));
      if (kind === 1) ids.push(s.submitTask(fail));
      if (kind === 2) ids.push(s.submitTask(delay(1, 5), 50));
      if (kind === 3) ids.push(s.submitTask(forever));
    }
    await Promise.all(ids.filter((_, i) => i % 5 === 0).map((id) => s.cancelTask(id)));
    await sleep(30);
    await s.stop({ timeoutMs: 40 });
    await sleep(5);
    const infos = new Map(ids.map((id) => [id, s.taskInfo(id)]));
    checkLifecycle(ids, rec.all, infos);
  });
});

describe('invariants 1 and 2 with SyncTasks and lane threads (randomized races)', () => {
  const syncModule = contractFixture('sync.mjs');
  const threadModule = contractFixture('thread.mjs');
  type SyncKind = 'sum' | 'sleep' | 'fail' | 'exit' | 'spin';
  const syncPlan = fc.record({
    kind: fc.constantFrom<SyncKind>('sum', 'sleep', 'fail', 'exit', 'spin'),
    timeoutMs: fc.constantFrom(0, 0, 20),
    cancelAfterMs: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  });

  it('SyncTasks: one final state each, along the edges, whatever the crash/cancel/timeout mix', async () => {
    const s = new AsyncScheduler({ threads: 2 });
    stopAfterTest(s);
    const rec = recordTransitions(s);
    s.start();
    const { SyncTask } = await import('../../src/index.js');
    await fc.assert(
      fc.asyncProperty(fc.array(syncPlan, { minLength: 1, maxLength: 6 }), async (plans) => {
        const ids = plans.map((plan) => {
          const task = new SyncTask(
            plan.kind,
            { module: syncModule, export: plan.kind },
            {
              timeoutMs: plan.kind === 'spin' && plan.timeoutMs === 0 ? 25 : plan.timeoutMs,
            },
          );
          if (plan.kind === 'spin') return s.submitTask(task, new SharedArrayBuffer(4));
          if (plan.kind === 'sleep') return s.submitTask(task, 10);
          return s.submitTask(task, 1, 2);
        });
        await Promise.all(
          plans.map(async (plan, i) => {
            if (plan.cancelAfterMs === undefined) return;
            await sleep(plan.cancelAfterMs);
            const canceled = await s.cancelTask(ids[i]!);
            expect(FINAL_STATES).toContain(s.taskState(ids[i]!));
            if (canceled) expect(s.taskState(ids[i]!)).toBe(TaskState.CANCELED);
          }),
        );
        const infos = new Map<string, Info>();
        for (const id of ids) infos.set(id, await s.waitTask(id, { timeoutMs: HANG_GUARD_MS }));
        await sleep(2);
        checkLifecycle(
          ids,
          rec.all.filter((t) => ids.includes(t.id)),
          infos,
        );
        plans.forEach((plan, i) => {
          const info = infos.get(ids[i]!)!;
          if (plan.kind === 'exit' && info.state === 'FAILED') {
            // Past the restart limit (5 crashes in 10 s, which the runs together can pass) the
            // executor is degraded: a queued task then fails at once with that error instead.
            const degraded = info.error?.code === SchedulerErrorCode.EXECUTOR_DEGRADED;
            expect(info.error?.name).toBe(degraded ? 'SchedulerError' : 'WorkerCrashedError');
          }
          if (plan.kind === 'sum' && info.state === 'DONE') expect(info.result).toBe(3);
          if (plan.kind === 'spin') expect(info.state).not.toBe('DONE');
        });
      }),
      { numRuns: 12 },
    );
    await s.stop();
  }, 30_000);

  it('SchedulerThread: cancel racing completion keeps one truth (randomized)', async () => {
    const s = new SchedulerThread('races', { concurrency: 3 });
    stopAfterTest(s);
    const rec = recordTransitions(s);
    s.start();
    const delay = new AsyncTask('delay', { module: threadModule, export: 'delay' });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ms: fc.integer({ min: 0, max: 4 }),
            cancelAfter: fc.integer({ min: 0, max: 5 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (plans) => {
          const ids = plans.map((p) => s.submitTask(delay, p.ms, 'v'));
          const results = ids.map((id) =>
            s.result(id).then(
              (v) => ({ ok: true as const, v }),
              (e: unknown) => ({ ok: false as const, e }),
            ),
          );
          const canceled = await Promise.all(
            plans.map(async (p, i) => {
              await sleep(p.cancelAfter);
              return s.cancelTask(ids[i]!);
            }),
          );
          const infos = new Map<string, Info>();
          for (const id of ids) infos.set(id, await s.waitTask(id, { timeoutMs: HANG_GUARD_MS }));
          await sleep(5);
          checkLifecycle(
            ids,
            rec.all.filter((t) => ids.includes(t.id)),
            infos,
          );
          const settled = await Promise.all(results);
          ids.forEach((id, i) => {
            const info = infos.get(id)!;
            expect(info.state).toBe(canceled[i] ? 'CANCELED' : 'DONE');
            expect(s.taskState(id)).toBe(info.state);
            expect(settled[i]!.ok).toBe(info.state === 'DONE');
          });
        },
      ),
      { numRuns: 20 },
    );
    await s.stop();
  }, 30_000);

  it('transitions$ is in order across tasks: at never goes back', async () => {
    const s = new AsyncScheduler({ concurrency: 3, threads: 1 });
    stopAfterTest(s);
    const rec = recordTransitions(s);
    s.start();
    const { SyncTask } = await import('../../src/index.js');
    const sum = new SyncTask('sum', { module: syncModule, export: 'sum' });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        i % 3 === 0
          ? s.submitTask(sum, i)
          : s.submitTask(new AsyncTask('a', () => sleep(i % 4)), i),
      );
    }
    await s.stop();
    for (let i = 1; i < rec.all.length; i++) {
      expect(rec.all[i]!.at, `transition ${i}`).toBeGreaterThanOrEqual(rec.all[i - 1]!.at);
    }
  });
});

describe('invariant 3: concurrency and priority', () => {
  it('never more STARTED than concurrency; start order is priority, then FIFO (randomized)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        async (priorities, concurrency) => {
          const s = new AsyncScheduler({ concurrency });
          stopAfterTest(s);
          let started = 0;
          let maxStarted = 0;
          const startOrder: number[] = [];
          s.transitions$.subscribe((t) => {
            if (t.to === 'STARTED') {
              started++;
              startOrder.push(t.info.args[0] as number);
            }
            if (t.from === 'STARTED') started--;
            maxStarted = Math.max(maxStarted, started);
          });
          const task = (p: number) => new AsyncTask(`p${p}`, () => sleep(1), { priority: p });
          priorities.forEach((p, i) => s.submitTask(task(p), i));
          s.start();
          await s.stop();
          expect(maxStarted).toBeLessThanOrEqual(concurrency);
          expect(maxStarted).toBe(Math.min(concurrency, priorities.length));
          const expected = priorities
            .map((p, i) => ({ p, i }))
            .sort((a, b) => b.p - a.p || a.i - b.i)
            .map(({ i }) => i);
          expect(startOrder).toEqual(expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a big queue does not slow each dequeue (no O(n) shift)', async () => {
    const perTaskMs = async (n: number) => {
      const s = new AsyncScheduler({ concurrency: 1, retention: { maxFinished: 10 } });
      stopAfterTest(s);
      const task = new AsyncTask('noop', () => 0);
      for (let i = 0; i < n; i++) s.submitTask(task);
      const last = s.submitTask(task);
      const started = performance.now();
      s.start();
      await s.waitTask(last);
      const ms = (performance.now() - started) / (n + 1);
      await s.stop();
      return ms;
    };
    await perTaskMs(2_000); // warm up
    const small = await perTaskMs(2_000);
    const big = await perTaskMs(20_000);
    // an O(n) dequeue would make the big queue's per-task time many times the small one's
    expect(big).toBeLessThan(Math.max(small * 5, 0.2));
  }, 30_000);

  it('SyncTasks waiting for an executor thread do not count toward their timeout', async () => {
    const s = new AsyncScheduler({ threads: 1 }).start();
    stopAfterTest(s);
    const { SyncTask } = await import('../../src/index.js');
    const module = contractFixture('sync.mjs');
    const sleepTask = (timeoutMs?: number) =>
      new SyncTask(
        'sleep',
        { module, export: 'sleep' },
        timeoutMs === undefined ? {} : { timeoutMs },
      );
    const first = s.submitTask(sleepTask(), 150);
    const second = s.submitTask(sleepTask(100), 5);
    const infos = await Promise.all([s.waitTask(first), s.waitTask(second)]);
    await s.stop();
    expect(infos.map((i) => i.state)).toEqual(['DONE', 'DONE']);
  });
});

describe('invariant 4: throwing callbacks and subscribers change nothing', () => {
  it('the same plan ends the same with and without throwing observers (randomized)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            behaviour: fc.constantFrom<Behaviour>('ok', 'throw', 'throwString', 'reject', 'slow'),
            priority: fc.integer({ min: -1, max: 1 }),
            timeoutMs: fc.constantFrom(0, 5),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.subarray([
          'onSubmit',
          'onSchedule',
          'onStart',
          'onDone',
          'onError',
          'onTimeout',
          'onCancel',
        ]),
        async (plans, throwingCallbacks) => {
          const run = async (hostile: boolean) => {
            const thrower = () => {
              throw new Error('hostile observer');
            };
            const callbacks = Object.fromEntries(
              hostile ? throwingCallbacks.map((n) => [n, thrower]) : [],
            );
            const s = new AsyncScheduler({ concurrency: 1, ...callbacks });
            stopAfterTest(s);
            const errors: unknown[] = [];
            s.errors$.subscribe((e) => errors.push(e));
            if (hostile) s.transitions$.subscribe(thrower);
            const rec = recordTransitions(s);
            s.start();
            const ids = plans.map((plan, i) =>
              s.submitTask(
                new AsyncTask(`t${i}`, bodyFor({ ...plan, cancelAfterMs: undefined, delayMs: 0 }), {
                  priority: plan.priority,
                  timeoutMs: plan.timeoutMs,
                  ...callbacks,
                }),
              ),
            );
            await s.stop();
            const infos = ids.map((id) => s.taskInfo(id));
            return {
              // Each run has its own ids, which a timeout's message names.
              outcomes: infos.map((i) => [
                i.state,
                i.result,
                i.error?.message.replaceAll(i.id, '<id>'),
              ]),
              order: rec.all.filter((t) => t.to === 'STARTED').map((t) => t.name),
              transitions: rec.all.length,
              errors: errors.length,
            };
          };
          const calm = await run(false);
          const hostile = await run(true);
          expect(hostile.outcomes).toEqual(calm.outcomes);
          expect(hostile.order).toEqual(calm.order);
          expect(hostile.transitions).toBe(calm.transitions);
          expect(calm.errors).toBe(0);
          expect(hostile.errors).toBeGreaterThan(0);
        },
      ),
      { numRuns: 15 },
    );
  }, 30_000);

  it('a throwing onSubmit does not make submitTask throw', async () => {
    const s = new AsyncScheduler({
      onSubmit: () => {
        throw new Error('onSubmit threw');
      },
    });
    stopAfterTest(s);
    const errors: unknown[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    const id = s.submitTask(new AsyncTask('t', () => 'fine'));
    s.start();
    await expect(s.result(id)).resolves.toBe('fine');
    expect(errors).toHaveLength(1);
    await s.stop();
  });

  it('a callback that calls back into the scheduler works', async () => {
    const followUps: string[] = [];
    const next = new AsyncTask('next', () => 'next');
    const s: AsyncScheduler = new AsyncScheduler({
      onDone: (info) => {
        if (info.name === 'first') followUps.push(s.submitTask(next));
      },
    });
    stopAfterTest(s);
    const gate = deferred<string>();
    const canceledInStart = new AsyncTask('cancel-me', () => gate.promise, {
      onStart: (info) => {
        void s.cancelTask(info.id, 'from onStart');
      },
    });
    s.start();
    const first = s.submitTask(new AsyncTask('first', () => 'first'));
    const other = s.submitTask(canceledInStart);
    await s.waitTask(first);
    await s.waitTask(other);
    expect(s.taskState(other)).toBe(TaskState.CANCELED);
    expect(followUps).toHaveLength(1);
    await expect(s.result(followUps[0]!)).resolves.toBe('next');
    await s.stop();
  });
});

describe('invariant 6: memory bounded by retention', () => {
  it('many finished tasks leave no more than maxFinished records', async () => {
    const maxFinished = 50;
    const s = new AsyncScheduler({ concurrency: 16, retention: { maxFinished } });
    stopAfterTest(s);
    let worst = 0;
    let checks = 0;
    s.transitions$.subscribe((t) => {
      if (FINAL_STATES.includes(t.to) && ++checks % 250 === 0) {
        const finished = s.dumpTask().filter((i) => FINAL_STATES.includes(i.state)).length;
        worst = Math.max(worst, finished);
      }
    });
    s.start();
    const task = new AsyncTask('n', ({ args: [i] }) => {
      if ((i as number) % 7 === 0) throw new Error('some fail');
      return i;
    });
    let last = '';
    for (let i = 0; i < 10_000; i++) last = s.submitTask(task, i);
    await s.waitTask(last);
    await s.stop();
    expect(worst).toBeLessThanOrEqual(maxFinished);
    expect(s.dumpTask().length).toBeLessThanOrEqual(maxFinished);
  }, 30_000);
});
