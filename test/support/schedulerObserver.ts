import { expect } from 'vitest';
import {
  AsyncScheduler,
  SchedulerError,
  SchedulerErrorCode,
  UnknownTaskError,
  isFinished,
  type TaskCallbacks,
  type TaskInfo,
  type TaskState,
  type TaskTimestamps,
} from '../../src/index.js';
import { ManualClock } from './ManualClock.js';
import { stopAfterTest } from './stopAfterTest.js';

/*
 * Watching a real AsyncScheduler for the property tests: every transition, callback call and
 * reported error, and the checks of the contract's invariants (docs/contract.md) that need nothing but that record.
 */

// ── The contract (docs/contract.md) ───────────────────────────────────────────

const ALLOWED_EDGES: ReadonlySet<string> = new Set([
  'NEW→SUBMITTED',
  'SUBMITTED→SCHEDULED',
  'SCHEDULED→STARTED',
  'STARTED→DONE',
  'STARTED→FAILED',
  'STARTED→TIMED_OUT',
  'NEW→CANCELED',
  'SUBMITTED→CANCELED',
  'SCHEDULED→CANCELED',
  'STARTED→CANCELED',
]);

export const ENTRY_TIMESTAMP: Record<Exclude<TaskState, 'NEW'>, keyof TaskTimestamps> = {
  SUBMITTED: 'submit',
  SCHEDULED: 'schedule',
  STARTED: 'start',
  DONE: 'done',
  FAILED: 'error',
  TIMED_OUT: 'timeout',
  CANCELED: 'cancel',
};

/** The lifecycle order of the timestamps: each one is at least the one before. */
const TIMESTAMP_ORDER = ['submit', 'schedule', 'start'] as const;
const END_TIMESTAMPS = ['done', 'error', 'timeout', 'cancel'] as const;

const CALLBACK_FOR_STATE: Record<Exclude<TaskState, 'NEW'>, keyof TaskCallbacks> = {
  SUBMITTED: 'onSubmit',
  SCHEDULED: 'onSchedule',
  STARTED: 'onStart',
  DONE: 'onDone',
  FAILED: 'onError',
  TIMED_OUT: 'onTimeout',
  CANCELED: 'onCancel',
};
const CALLBACK_NAMES = Object.values(CALLBACK_FOR_STATE);

/** Runs first in a lane's queue: higher priority, then earlier submit. */
export function runsBefore(
  a: { priority: number; seq: number },
  b: { priority: number; seq: number },
): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

// ── Observing a real scheduler ────────────────────────────────────────────────

export interface LoggedTransition {
  readonly id: string;
  readonly from: TaskState;
  readonly to: TaskState;
  readonly at: number;
  readonly info: TaskInfo;
}

export interface CallbackCall {
  readonly id: string;
  readonly name: keyof TaskCallbacks;
  readonly state: TaskState;
  readonly frozen: boolean;
}

/** Everything the tests watch on one scheduler. */
export interface Observed {
  readonly scheduler: AsyncScheduler;
  readonly clock: ManualClock;
  readonly log: LoggedTransition[];
  readonly errors: SchedulerError[];
  readonly callbackCalls: CallbackCall[];
  readonly thrown: { callbacks: number; subscriber: number; taskCallbacks: number };
  readonly completed: { transitions: boolean; errors: boolean };
  stop: { promise: Promise<void>; resolved: boolean; rejected: unknown } | undefined;
}

/** A cyclic pattern of booleans, read one step per call: deterministic "random" throwing. */
function patternReader(pattern: readonly boolean[]): () => boolean {
  let calls = 0;
  return () => pattern[calls++ % pattern.length] ?? false;
}

export interface ThrowPatterns {
  /** Which calls of the scheduler-wide callbacks throw. */
  readonly callbacks: readonly boolean[];
  /** Which deliveries to a second transitions$ subscriber throw. */
  readonly subscriber: readonly boolean[];
}

export function createObserved(
  options: { concurrency: number; maxFinished: number; maxAgeMs: number; watched?: boolean },
  throwing: ThrowPatterns,
): Observed {
  const clock = new ManualClock();
  const callbackCalls: CallbackCall[] = [];
  const thrown = { callbacks: 0, subscriber: 0, taskCallbacks: 0 };
  const callbackThrows = patternReader(throwing.callbacks);
  const callbacks: TaskCallbacks = {};
  for (const name of CALLBACK_NAMES) {
    callbacks[name] = (info) => {
      callbackCalls.push({ id: info.id, name, state: info.state, frozen: Object.isFrozen(info) });
      if (callbackThrows()) {
        thrown.callbacks++;
        throw new Error(`scheduler ${name} throws`);
      }
    };
  }
  const scheduler = stopAfterTest(
    new AsyncScheduler({
      clock,
      concurrency: options.concurrency,
      retention: { maxFinished: options.maxFinished, maxAgeMs: options.maxAgeMs },
      // Watched, every task actor is live from its submit; unwatched, a waiting one is passivated.
      ...(options.watched === true ? { inspect: () => undefined } : {}),
      ...callbacks,
    }),
  );
  const observed: Observed = {
    scheduler,
    clock,
    log: [],
    errors: [],
    callbackCalls,
    thrown,
    completed: { transitions: false, errors: false },
    stop: undefined,
  };
  scheduler.transitions$.subscribe({
    next: (t) => {
      observed.log.push({ id: t.id, from: t.from, to: t.to, at: t.at, info: t.info });
    },
    complete: () => {
      observed.completed.transitions = true;
    },
  });
  const subscriberThrows = patternReader(throwing.subscriber);
  scheduler.transitions$.subscribe(() => {
    if (subscriberThrows()) {
      thrown.subscriber++;
      throw new Error('subscriber throws');
    }
  });
  scheduler.errors$.subscribe({
    next: (error) => observed.errors.push(error),
    complete: () => {
      observed.completed.errors = true;
    },
  });
  return observed;
}

/** Per-task callbacks that always throw: they must change nothing either. */
export function throwingTaskCallbacks(thrown: Observed['thrown']): TaskCallbacks {
  const callbacks: TaskCallbacks = {};
  for (const name of CALLBACK_NAMES) {
    callbacks[name] = () => {
      thrown.taskCallbacks++;
      throw new Error(`task ${name} throws`);
    };
  }
  return callbacks;
}

export function callStop(real: Observed, options: { cancel?: boolean; timeoutMs?: number }): void {
  const promise = real.scheduler.stop(options);
  if (real.stop !== undefined) {
    // Every call returns the one stop of this scheduler.
    expect(promise).toBe(real.stop.promise);
    return;
  }
  const stop = { promise, resolved: false, rejected: undefined as unknown };
  real.stop = stop;
  promise.then(
    () => {
      stop.resolved = true;
    },
    (error: unknown) => {
      stop.rejected = error ?? new Error('stop() rejected with nothing');
    },
  );
}

// ── Invariants read from the transition log alone ─────────────────────────────

export interface LogFacts {
  /** Final transitions seen per task id. */
  readonly finals: Map<string, LoggedTransition[]>;
  /** Ids in the order they entered STARTED. */
  readonly startOrder: string[];
}

/**
 * Checks invariants 1–3 on a transition log: only allowed edges, at most one final state per
 * task, timestamps set once on entry and growing, never more STARTED than `concurrency`, and
 * each start taking the best task then SCHEDULED (higher priority, then earlier submit).
 */
export function expectLawfulLog(
  log: readonly LoggedTransition[],
  concurrency: number,
  seqOf: (id: string) => number,
): LogFacts {
  const current = new Map<string, TaskState>();
  const stamps = new Map<string, TaskTimestamps>();
  const finals = new Map<string, LoggedTransition[]>();
  const scheduled = new Map<string, { priority: number; seq: number }>();
  const startOrder: string[] = [];
  let running = 0;
  for (const t of log) {
    const where = `${t.id.slice(-6)} ${t.from}→${t.to} at ${t.at}`;
    // (2) the edge is one the machine allows, and continues this task's chain
    expect(ALLOWED_EDGES.has(`${t.from}→${t.to}`), where).toBe(true);
    expect(t.from, where).toBe(current.get(t.id) ?? 'NEW');
    current.set(t.id, t.to);
    expect(t.info.id, where).toBe(t.id);
    expect(t.info.state, where).toBe(t.to);
    expect(Object.isFrozen(t.info), where).toBe(true);

    // (2) the entered state's timestamp is set now, once; no other one changes
    const before = stamps.get(t.id) ?? {};
    const key = ENTRY_TIMESTAMP[t.to as Exclude<TaskState, 'NEW'>];
    expect(before[key], `${where}: ts.${key} set twice`).toBeUndefined();
    expect(t.info.ts, where).toEqual({ ...before, [key]: t.at });
    stamps.set(t.id, t.info.ts);
    const ordered = [...TIMESTAMP_ORDER, ...END_TIMESTAMPS.filter((k) => k === key)]
      .map((k) => t.info.ts[k])
      .filter((at) => at !== undefined);
    expect(ordered, `${where}: submit ≤ schedule ≤ start ≤ end`).toEqual(
      [...ordered].sort((a, b) => a - b),
    );

    // (1) at most one final state per task
    if (isFinished(t.to)) {
      const seen = finals.get(t.id) ?? [];
      seen.push(t);
      finals.set(t.id, seen);
      expect(seen, `${where}: a second final state`).toHaveLength(1);
    }

    // (3) concurrency, and priority then FIFO order at each start
    if (t.to === 'SCHEDULED') scheduled.set(t.id, { priority: t.info.priority, seq: seqOf(t.id) });
    if (t.from === 'SCHEDULED') {
      const entry = scheduled.get(t.id)!;
      scheduled.delete(t.id);
      if (t.to === 'STARTED') {
        const better = [...scheduled.entries()].filter(([, other]) => runsBefore(other, entry));
        expect(
          better.map(([id]) => id.slice(-6)),
          `${where}: started before better queued tasks`,
        ).toEqual([]);
      }
    }
    if (t.to === 'STARTED') {
      running++;
      startOrder.push(t.id);
    }
    if (t.from === 'STARTED') running--;
    expect(running, `${where}: STARTED count`).toBeLessThanOrEqual(concurrency);
  }
  return { finals, startOrder };
}

/** Invariant 4's bookkeeping: each callback called once per entered state; each throw reported. */
export function expectCallbacksAndErrors(real: Observed): void {
  expect(real.callbackCalls.map((c) => `${c.id}:${c.name}:${c.state}`)).toEqual(
    real.log.map((t) => `${t.id}:${CALLBACK_FOR_STATE[t.to as Exclude<TaskState, 'NEW'>]}:${t.to}`),
  );
  expect(real.callbackCalls.every((c) => c.frozen)).toBe(true);
  const codes = real.errors.map((e) => e.code);
  expect(codes.filter((c) => c === SchedulerErrorCode.CALLBACK_FAILED)).toHaveLength(
    real.thrown.callbacks + real.thrown.taskCallbacks,
  );
  expect(codes.filter((c) => c === SchedulerErrorCode.SUBSCRIBER_FAILED)).toHaveLength(
    real.thrown.subscriber,
  );
  expect(codes).toHaveLength(
    real.thrown.callbacks + real.thrown.taskCallbacks + real.thrown.subscriber,
  );
  expect(real.errors.every((e) => e instanceof SchedulerError)).toBe(true);
}

export function stateOrEvicted(scheduler: AsyncScheduler, id: string): TaskState | 'EVICTED' {
  try {
    return scheduler.taskState(id);
  } catch (error) {
    if (error instanceof UnknownTaskError) return 'EVICTED';
    throw error;
  }
}
