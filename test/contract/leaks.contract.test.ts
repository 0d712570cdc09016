// Leaks and crashes seen from the outside.
// docs/contract.md: stop() "When it resolves every task is final and no timer or thread keeps the process
// alive"; errors$ "callback and subscriber errors; never crash the scheduler"; invariant 4 "A
// callback or subscriber that throws changes nothing about any task's outcome".
import { getEventListeners, setMaxListeners } from 'node:events';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerThread,
  SyncTask,
  TaskCanceledError,
  TaskTimeoutError,
  WaitTimeoutError,
} from '../../src/index.js';
import { runChild } from './childProcess.js';
import { contractFixture, deferred, sleep } from './helpers.js';

const bodies = contractFixture('outcomes.mjs');
/** Only so that a child that does not exit fails the test instead of hanging it. */
const EXIT_LIMIT_MS = 25_000;

const stderrTail = (err: string) =>
  err
    .split('\n')
    .filter((line) => !line.includes('ERR_SUBSCRIBER_FAILED') && !line.includes('trace-warnings'))
    .slice(-20)
    .join('\n');

describe('a busy mixed workload in a plain node process (child on dist/)', () => {
  interface LeakReport {
    total: number;
    notFinal: number;
    states: Record<string, number>;
    recorded: unknown[];
    warnings: string[];
    subscriberWarnings: number;
    leftover: string[];
    errorsSeen: number;
    errorCodes: string[];
  }

  it('records no unhandled rejection or uncaught exception, leaves no handle, and exits by itself with 0', async () => {
    // AsyncScheduler + 2 SchedulerThreads, AsyncTasks and SyncTasks that succeed, fail, throw
    // non-Errors, hang, time out, spin, crash their executor thread, get canceled; callbacks and
    // subscribers that throw or reject; waitTask timeouts and aborts; result() with a catch; an
    // inspect observer that throws sometimes; metrics$ and warnings$ subscribed. Two seeds.
    const runs = await Promise.all(
      ['1', '2'].map((seed) => runChild('mixedWorkload.mjs', [seed], { limitMs: EXIT_LIMIT_MS })),
    );
    for (const { code, out, err } of runs) {
      expect(code, stderrTail(err)).toBe(0);
      const report = JSON.parse(out) as LeakReport;
      expect(report.recorded).toEqual([]);
      expect(report.warnings).toEqual([]);
      // nothing the library started is left: no timer, worker, port or socket beyond the
      // resources the process had before it loaded the library
      expect(report.leftover).toEqual([]);
      expect(report.notFinal).toBe(0);
      // the workload did what it says: every kind of outcome, and hostile observers reported
      for (const state of ['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED']) {
        expect(report.states[state], state).toBeGreaterThan(0);
      }
      expect(report.errorCodes).toEqual(
        expect.arrayContaining(['ERR_CALLBACK_FAILED', 'ERR_SUBSCRIBER_FAILED']),
      );
    }
  }, 40_000);
});

// ---------------------------------------------------------------------------------------------

type Lane = AsyncScheduler | SchedulerThread;
const owned: Lane[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.race([
    Promise.all(owned.splice(0).map((s) => s.stop({ cancel: true }))),
    sleep(3_000),
  ]);
});

/** Lets pending rejections surface: unhandled ones are reported after the microtask queue. */
async function settleDown() {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await sleep(5);
  }
}

const laneKinds = [
  {
    name: 'AsyncScheduler, function body',
    make: () => new AsyncScheduler({ threads: 1 }),
    task: (behaviour: string, timeoutMs = 0) =>
      new AsyncTask(behaviour, { module: bodies, export: behaviour }, { timeoutMs }),
  },
  {
    name: 'AsyncScheduler, SyncTask',
    make: () => new AsyncScheduler({ threads: 1 }),
    task: (behaviour: string, timeoutMs = 0) =>
      new SyncTask(behaviour, { module: bodies, export: behaviour }, { timeoutMs }),
  },
  {
    name: 'SchedulerThread, AsyncTask',
    make: () => new SchedulerThread('unhandled-async', { threads: 1 }),
    task: (behaviour: string, timeoutMs = 0) =>
      new AsyncTask(behaviour, { module: bodies, export: behaviour }, { timeoutMs }),
  },
  {
    name: 'SchedulerThread, SyncTask',
    make: () => new SchedulerThread('unhandled-sync', { threads: 1 }),
    task: (behaviour: string, timeoutMs = 0) =>
      new SyncTask(behaviour, { module: bodies, export: behaviour }, { timeoutMs }),
  },
];

describe('result() and waitTask() add no unhandled rejection of their own', () => {
  for (const kind of laneKinds) {
    it(`${kind.name}: result() called before a failure, a timeout and a cancel, each with a catch`, async () => {
      const s = kind.make();
      owned.push(s);
      s.start();
      const asyncBody = !kind.name.includes('SyncTask');
      // a body that fails later, one that runs past its timeout, one canceled while running
      const failing = s.submitTask(kind.task('rejectLater'), 5, 'x');
      const timedOut = s.submitTask(
        kind.task(asyncBody ? 'hang' : 'block', 5),
        asyncBody ? 0 : 2_000,
      );
      const canceled = s.submitTask(kind.task(asyncBody ? 'hangRespect' : 'block'), 2_000);
      const seen: unknown[] = [];
      const keep = (e: unknown) => {
        seen.push(e);
      };
      // called at once, while the tasks are not final; the user handles the failure
      void s.result(failing).catch(keep);
      void s.result(timedOut).catch(keep);
      void s.result(canceled).catch(keep);
      // and many more times, also through then(onFulfilled, onRejected) and waitTask timeouts
      for (let i = 0; i < 20; i++) {
        void s.result(failing).then(undefined, keep);
        void s.waitTask(canceled, { timeoutMs: 1 }).catch(keep);
      }
      // The waiters' 1 ms limits pass first. Not a fixed sleep: inside a timers phase under load,
      // Node can fire a 1 ms timer after a 5 ms one set later (seen: 1 ms timers still pending
      // after a 5 ms sleep and a cancel).
      const timedOutWaits = () => seen.filter((e) => e instanceof WaitTimeoutError).length;
      for (const until = Date.now() + 2_000; timedOutWaits() < 20 && Date.now() < until;) {
        await sleep(2);
      }
      while (s.taskState(canceled) !== 'STARTED') await sleep(2);
      await s.cancelTask(canceled, 'by the test');
      await Promise.all([failing, timedOut, canceled].map((id) => s.waitTask(id)));
      await s.stop();
      await settleDown();
      expect(unhandled).toEqual([]);
      expect(seen.filter((e) => e instanceof TaskTimeoutError)).toHaveLength(1);
      expect(seen.filter((e) => e instanceof TaskCanceledError)).toHaveLength(1);
      expect(seen.filter((e) => (e as Error).name === 'RangeError')).toHaveLength(21);
      expect(timedOutWaits()).toBe(20);
    });
  }

  it('stop({ cancel: true }) with pending result() calls that are caught: no unhandled rejection', async () => {
    const lanes = [new AsyncScheduler(), new SchedulerThread('unhandled-stop')];
    owned.push(...lanes);
    let caught = 0;
    for (const s of lanes) {
      s.start();
      for (let i = 0; i < 50; i++) {
        const id = s.submitTask(
          new AsyncTask('hang', { module: bodies, export: i % 2 ? 'hang' : 'hangRespect' }),
        );
        void s.result(id).catch(() => caught++);
      }
    }
    await Promise.all(lanes.map((s) => s.stop({ cancel: true })));
    await settleDown();
    expect(unhandled).toEqual([]);
    expect(caught).toBe(100);
  });
});

describe('many waiters leave nothing behind', () => {
  for (const [laneName, make] of [
    ['AsyncScheduler', () => new AsyncScheduler()],
    ['SchedulerThread', () => new SchedulerThread('waiters', { concurrency: 2 })],
  ] as const) {
    it(`${laneName}: 1000 waitTask and 1000 result calls sharing one AbortSignal remove every listener once settled`, async () => {
      const s = make();
      owned.push(s);
      s.start();
      const gate = new AbortController();
      const { signal } = gate;
      setMaxListeners(2_000, signal); // 1000 waiting at once is what this test does on purpose
      const id = s.submitTask(
        new AsyncTask('slow', { module: bodies, export: 'delayRespect' }),
        30,
        'v',
      );
      const waits = Array.from({ length: 1_000 }, () => s.waitTask(id, { signal }));
      const results = Array.from({ length: 1_000 }, () => s.result(id));
      // while they wait, whatever the library added is there; once they settle it must be gone
      const infos = await Promise.all(waits);
      await Promise.all(results);
      expect(infos.every((i) => i.state === 'DONE')).toBe(true);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);

      // waiters that give up (their own timeout) before the task ends remove theirs too
      const hanging = s.submitTask(
        new AsyncTask('hang', { module: bodies, export: 'hangRespect' }),
      );
      // A SchedulerThread reports STARTED from its thread a moment later; an AsyncScheduler has
      // started it already. Taken now, before anything can be missed.
      const hangingStarted =
        s.taskState(hanging) === 'STARTED'
          ? Promise.resolve()
          : firstValueFrom(
              s.transitions$.pipe(filter((t) => t.id === hanging && t.to === 'STARTED')),
            );
      const timedOut = await Promise.allSettled(
        Array.from({ length: 1_000 }, () => s.waitTask(hanging, { timeoutMs: 1, signal })),
      );
      expect(
        timedOut.every((r) => r.status === 'rejected' && r.reason instanceof WaitTimeoutError),
      ).toBe(true);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);

      // and so do waiters on a task that is already final
      await Promise.all(Array.from({ length: 1_000 }, () => s.waitTask(id, { signal })));
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);

      // aborting the signal rejects those still waiting, and the task is untouched
      const aborted = Array.from({ length: 100 }, () => s.waitTask(hanging, { signal }));
      gate.abort(new Error('caller gave up'));
      const settled = await Promise.allSettled(aborted);
      expect(settled.every((r) => r.status === 'rejected')).toBe(true);
      // Waiters giving up never touch the task: it runs on, STARTED, until canceled.
      await hangingStarted;
      expect(s.taskState(hanging)).toBe('STARTED');
      await s.cancelTask(hanging);
    });
  }

  it('a waiter whose task is evicted right after it ends still settles, and its timer does not fire late', async () => {
    const s = new AsyncScheduler({ retention: { maxFinished: 1 } });
    owned.push(s);
    s.start();
    const gate = deferred<string>();
    const id = s.submitTask(new AsyncTask('gated', () => gate.promise));
    const waiters = Array.from({ length: 200 }, () => s.waitTask(id, { timeoutMs: 60_000 }));
    gate.resolve('done');
    for (let i = 0; i < 5; i++) await s.waitTask(s.submitTask(new AsyncTask('next', () => i)));
    const infos = await Promise.all(waiters);
    expect(infos.every((i) => i.state === 'DONE' && i.result === 'done')).toBe(true);
    await settleDown();
    expect(unhandled).toEqual([]);
  });
});
