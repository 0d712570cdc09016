import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordEscapes } from '../support/escapedErrors.js';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerThread,
  SyncTask,
  isFinished,
  type TaskCallbacks,
  type TaskTransition,
} from '../../src/index.js';
import { flushMicrotasks, ManualClock } from '../support/ManualClock.js';
import {
  bodyKindArb,
  hostileBody,
  hostileNumberArb,
  hostileValueArb,
  TrapError,
  type BodyKind,
} from '../support/hostileValues.js';

/*
 * Hostile inputs (issue #16): every public entry point of AsyncScheduler, driven with values a
 * careless or malicious caller might hand in — NaN and negative numbers, throwing getters,
 * Proxies whose traps throw, revoked Proxies — and with task bodies, callbacks and subscribers
 * that return or throw such values, never settle, or call back into the scheduler.
 *
 * Whatever happens: no uncaught exception and no unhandled rejection; every call returns, or
 * throws a TypeError, a RangeError or a SchedulerError; every id a submit returned ends in
 * exactly one final state once stop() resolves. Time moves only through a ManualClock.
 */

const NUM_RUNS = Number(process.env['FC_NUM_RUNS'] ?? 100);

/** What escaped to the process while a property ran. */
const escaped = recordEscapes();

/** One macrotask: rejections nobody handled are reported by then. */
const nextMacrotask = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

function isBoundaryError(error: unknown): boolean {
  return (
    error instanceof TypeError || error instanceof RangeError || error instanceof SchedulerError
  );
}

/** A call back into the scheduler, from a body, a callback or a subscriber. */
type Reentry = 'submit' | 'cancelFirst' | 'stop' | 'stopCancel' | 'dump' | 'none';
const reentryArb = fc.constantFrom<Reentry>(
  'submit',
  'cancelFirst',
  'stop',
  'stopCancel',
  'dump',
  'none',
);

/** What a callback or subscriber does. */
type CallbackKind = 'quiet' | 'throwTrapProxy' | 'throwError' | 'rejectTrapProxy' | 'reenter';
const callbackKindArb = fc.constantFrom<CallbackKind>(
  'quiet',
  'throwTrapProxy',
  'throwError',
  'rejectTrapProxy',
  'reenter',
);

type Call =
  | {
      op: 'submit';
      body: BodyKind;
      reentry: Reentry;
      timeoutMs: number;
      priority: number;
      callback: CallbackKind;
    }
  | { op: 'submitHostile'; value: () => unknown }
  | { op: 'task'; name: () => unknown; run: () => unknown; options: () => unknown }
  | { op: 'cancel'; index: number; reason: () => unknown; hostileId: boolean }
  | { op: 'query'; which: Query; index: number; hostile: () => unknown }
  | { op: 'advance'; ms: number }
  | { op: 'start' }
  | { op: 'stop'; options: () => unknown; valid: boolean };

type Query = 'taskState' | 'taskInfo' | 'dumpTask' | 'slowest' | 'waitTask' | 'result';

const callArb: fc.Arbitrary<Call> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('submit' as const),
      body: bodyKindArb,
      reentry: reentryArb,
      timeoutMs: fc.constantFrom(0, 0, 5, 20),
      priority: fc.integer({ min: -2, max: 2 }),
      callback: callbackKindArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('submitHostile' as const), value: hostileValueArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('task' as const),
      name: fc.oneof(
        hostileValueArb,
        fc.constant(() => 'named'),
      ),
      run: hostileValueArb,
      options: hostileValueArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('cancel' as const),
      index: fc.nat(30),
      reason: fc.oneof(
        hostileValueArb,
        fc.constant(() => undefined),
      ),
      hostileId: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('query' as const),
      which: fc.constantFrom<Query>(
        'taskState',
        'taskInfo',
        'dumpTask',
        'slowest',
        'waitTask',
        'result',
      ),
      index: fc.nat(30),
      hostile: fc.oneof(
        hostileValueArb,
        fc.constant(() => undefined),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.nat(25) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'start' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('stop' as const),
      options: hostileValueArb,
      valid: fc.boolean(),
    }),
  },
);

/** One run: the scheduler, the ids it handed out, and what went wrong. */
class HostileRun {
  readonly clock = new ManualClock();
  readonly scheduler: AsyncScheduler;
  readonly ids: string[] = [];
  readonly transitions: TaskTransition[] = [];
  /** Calls that threw something other than TypeError/RangeError/SchedulerError. */
  readonly violations: { call: string; error: unknown }[] = [];
  /** Settled promises of the run's async calls (their outcomes are not checked). */
  readonly pending: Promise<unknown>[] = [];

  constructor(subscriber: CallbackKind, subscriberReentry: Reentry) {
    this.scheduler = new AsyncScheduler({ clock: this.clock, concurrency: 3 });
    // First: it records every transition before a hostile subscriber can do anything.
    this.scheduler.transitions$.subscribe((transition) => this.transitions.push(transition));
    // What it returns matters: a rejected promise must be caught by the stream, not escape.
    this.scheduler.transitions$.subscribe((transition): unknown =>
      transition.to === 'STARTED' ? this.#act(subscriber, subscriberReentry) : undefined,
    );
  }

  /** Calls `fn` as a caller would: a throw must be one of the boundary's error classes. */
  call(name: string, fn: () => unknown): unknown {
    try {
      const returned = fn();
      if (returned instanceof Promise) this.pending.push(returned.catch((error: unknown) => error));
      return returned;
    } catch (error) {
      if (!isBoundaryError(error)) this.violations.push({ call: name, error });
      return undefined;
    }
  }

  submit(task: AsyncTask): void {
    const id = this.call('submitTask', () => this.scheduler.submitTask(task));
    if (typeof id === 'string') this.ids.push(id);
  }

  reenter(reentry: Reentry): void {
    switch (reentry) {
      case 'submit':
        this.submit(new AsyncTask('reentered', () => 'inner'));
        return;
      case 'cancelFirst':
        this.call('cancelTask', () => this.scheduler.cancelTask(this.ids[0] ?? 'none', 'reentry'));
        return;
      case 'stop':
        this.call('stop', () => this.scheduler.stop());
        return;
      case 'stopCancel':
        this.call('stop', () => this.scheduler.stop({ cancel: true }));
        return;
      case 'dump':
        this.call('dumpTask', () => this.scheduler.dumpTask());
        return;
      case 'none':
        return;
    }
  }

  #act(kind: CallbackKind, reentry: Reentry): unknown {
    switch (kind) {
      case 'quiet':
        return undefined;
      case 'throwTrapProxy':
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point of the test
        throw new Proxy(
          {},
          {
            getPrototypeOf: () => {
              throw new TrapError('getPrototypeOf trap');
            },
          },
        );
      case 'throwError':
        throw new TrapError('callback threw');
      case 'rejectTrapProxy':
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point of the test
        return Promise.reject(
          new Proxy(
            {},
            {
              get: () => {
                throw new TrapError('get trap');
              },
            },
          ),
        );
      case 'reenter':
        this.reenter(reentry);
        return undefined;
    }
  }

  callbacks(kind: CallbackKind, reentry: Reentry): TaskCallbacks {
    const callback = (): unknown => this.#act(kind, reentry);
    return { onSubmit: callback, onStart: callback, onDone: callback, onCancel: callback };
  }

  id(index: number): string {
    return this.ids.length === 0
      ? 'never-submitted'
      : (this.ids[index % this.ids.length] as string);
  }

  async run(calls: readonly Call[]): Promise<void> {
    const s = this.scheduler;
    for (const c of calls) {
      switch (c.op) {
        case 'submit': {
          const task = new AsyncTask(
            `body-${c.body}`,
            hostileBody(c.body, () => {
              this.reenter(c.reentry);
            }),
            {
              timeoutMs: c.timeoutMs,
              priority: c.priority,
              ...this.callbacks(c.callback, c.reentry),
            },
          );
          this.submit(task);
          break;
        }
        case 'submitHostile':
          this.call('submitTask', () => s.submitTask(c.value() as AsyncTask));
          break;
        case 'task':
          this.call(
            'new AsyncTask',
            () => new AsyncTask(c.name() as string, c.run() as () => void, c.options() as object),
          );
          this.call(
            'new SyncTask',
            () =>
              new SyncTask(
                c.name() as string,
                c.run() as { module: string },
                c.options() as object,
              ),
          );
          break;
        case 'cancel': {
          const id = c.hostileId ? c.reason() : this.id(c.index);
          this.call('cancelTask', () => s.cancelTask(id as string, c.reason() as string));
          break;
        }
        case 'query':
          this.#query(c.which, this.id(c.index), c.hostile());
          break;
        case 'advance':
          await this.clock.advance(c.ms);
          break;
        case 'start':
          this.call('start', () => s.start());
          break;
        case 'stop':
          this.call('stop', () => s.stop((c.valid ? { cancel: false } : c.options()) as object));
          await flushMicrotasks();
          break;
      }
    }
  }

  #query(which: Query, id: string, hostile: unknown): void {
    const s = this.scheduler;
    switch (which) {
      case 'taskState':
        this.call('taskState', () => s.taskState(id));
        this.call('taskState', () => s.taskState(hostile as string));
        return;
      case 'taskInfo':
        this.call('taskInfo', () => s.taskInfo(hostile as string));
        return;
      case 'dumpTask':
        this.call('dumpTask', () => s.dumpTask(hostile as string));
        return;
      case 'slowest':
        this.call('slowest', () => s.slowest(hostile as number, hostile as object));
        return;
      case 'waitTask':
        this.call('waitTask', () => s.waitTask(id, hostile as object));
        return;
      case 'result':
        this.call('result', () => s.result(hostile as string));
        this.call('result', () => s.result(id));
        return;
    }
  }
}

describe('AsyncScheduler', () => {
  describe('driven with hostile values at every entry point', () => {
    it('throws only TypeError/RangeError/SchedulerError, lets nothing escape, and ends every id exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(callArb, { minLength: 1, maxLength: 30 }),
          callbackKindArb,
          reentryArb,
          async (calls, subscriber, subscriberReentry) => {
            escaped.length = 0;
            const run = new HostileRun(subscriber, subscriberReentry);
            await run.run(calls);
            run.call('start', () => run.scheduler.start());
            const stopped = run.scheduler.stop({ cancel: true });
            await run.clock.advance(0);
            await stopped;
            await Promise.all(run.pending);
            await nextMacrotask();

            expect(run.violations).toEqual([]);
            expect(escaped).toEqual([]);
            for (const id of run.ids) {
              expect(isFinished(run.scheduler.taskState(id))).toBe(true);
              const finals = run.transitions.filter((t) => t.id === id && isFinished(t.to));
              expect(finals).toHaveLength(1);
            }
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });

    it('ends the hostile bodies of issue #16 FAILED with ERR_HOSTILE_VALUE, whether submitted before or after start()', async () => {
      const kinds: BodyKind[] = [
        'thenThrows',
        'thenGetterThrows',
        'returnTrapProxy',
        'returnRevokedProxy',
        'throwTrapProxy',
        'throwErrorWithThrowingFields',
      ];
      for (const startFirst of [true, false]) {
        const clock = new ManualClock();
        const s = new AsyncScheduler({ clock, concurrency: 1 });
        if (startFirst) s.start();
        const ids = kinds.map((kind) =>
          s.submitTask(
            new AsyncTask(
              kind,
              hostileBody(kind, () => undefined),
            ),
          ),
        );
        const after = s.submitTask(new AsyncTask('after', () => 'ran'));
        if (!startFirst) s.start();
        expect(await s.result(after)).toBe('ran');
        for (const id of ids) {
          const info = s.taskInfo(id);
          expect(info.state).toBe('FAILED');
          expect(info.error?.code).toBe('ERR_HOSTILE_VALUE');
          expect(info.error?.message).toMatch(/^Task "\w+" (returned|threw) /);
        }
        await s.stop();
      }
    });
  });

  describe('constructors given hostile options', () => {
    it('refuse them with a TypeError or RangeError, or build a working scheduler', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            'concurrency',
            'threads',
            'metricsIntervalMs',
            'slowTaskMs',
            'retention',
            'restart',
            'clock',
          ),
          hostileNumberArb,
          hostileValueArb,
          async (key, number, whole) => {
            for (const options of [
              { [key]: number() },
              whole(),
              { retention: { maxFinished: number() } },
            ]) {
              let built: AsyncScheduler | SchedulerThread | undefined;
              try {
                built = new AsyncScheduler(options as object);
              } catch (error) {
                expect(isBoundaryError(error), String(error)).toBe(true);
              }
              if (built !== undefined) await built.stop();
            }
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
