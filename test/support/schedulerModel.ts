import { expect } from 'vitest';
import {
  isFinished,
  type TaskContext,
  type TaskState,
  type TaskTimestamps,
} from '../../src/index.js';
import type { ManualClock } from './ManualClock.js';
import { ENTRY_TIMESTAMP, runsBefore, type ThrowPatterns } from './schedulerObserver.js';

/*
 * What the contract says a lane does, as a plain simulation for the command-model property
 * test of AsyncScheduler, and the task bodies both sides run.
 */

// ── Task bodies ───────────────────────────────────────────────────────────────

/** How a body ends. `hang` never settles but rejects when its signal aborts. */
export type Outcome =
  | { readonly kind: 'resolve'; readonly delayMs: number; readonly value: number }
  | { readonly kind: 'reject'; readonly delayMs: number }
  | { readonly kind: 'rejectNonError'; readonly delayMs: number; readonly thrown: unknown }
  | { readonly kind: 'throwSync' }
  | { readonly kind: 'returnSync'; readonly value: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'ignoreAbort'; readonly delayMs: number; readonly value: number };

const OUTCOME_STATE: Record<Outcome['kind'], TaskState | undefined> = {
  resolve: 'DONE',
  reject: 'FAILED',
  rejectNonError: 'FAILED',
  throwSync: 'FAILED',
  returnSync: 'DONE',
  hang: undefined,
  ignoreAbort: 'DONE',
};

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'resolve':
    case 'ignoreAbort':
      return `${outcome.kind}(${outcome.value} after ${outcome.delayMs} ms)`;
    case 'reject':
      return `reject(after ${outcome.delayMs} ms)`;
    case 'rejectNonError':
      return `rejectNonError(${outcome.thrown === undefined ? 'undefined' : JSON.stringify(outcome.thrown)} after ${outcome.delayMs} ms)`;
    case 'returnSync':
      return `returnSync(${outcome.value})`;
    default:
      return outcome.kind;
  }
}

export type Body = (ctx: TaskContext<[]>) => unknown;

export function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/** A body that ends as `outcome` says, on the ManualClock; `failure` is what it throws. */
export function clockBody(outcome: Outcome, clock: ManualClock, failure: Error): Body {
  switch (outcome.kind) {
    case 'resolve':
      return () =>
        new Promise((resolve) => {
          clock.setTimeout(() => {
            resolve(outcome.value);
          }, outcome.delayMs);
        });
    case 'reject':
      return () =>
        new Promise((_, reject) => {
          clock.setTimeout(() => {
            reject(failure);
          }, outcome.delayMs);
        });
    case 'rejectNonError':
      return () =>
        new Promise((_, reject) => {
          clock.setTimeout(() => {
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
            reject(outcome.thrown);
          }, outcome.delayMs);
        });
    case 'throwSync':
      return () => {
        throw failure;
      };
    case 'returnSync':
      return () => outcome.value;
    case 'hang':
      return ({ signal }) => rejectOnAbort(signal);
    case 'ignoreAbort':
      return ({ signal }) =>
        new Promise((resolve) => {
          // Reads its signal, then carries on regardless: its late result must be discarded.
          expect(signal).toBeInstanceOf(AbortSignal);
          clock.setTimeout(() => {
            resolve(outcome.value);
          }, outcome.delayMs);
        });
  }
}

// ── The model: what the contract says a lane does ─────────────────────────────

export interface RunConfig {
  readonly concurrency: number;
  readonly maxFinished: number;
  readonly maxAgeMs: number;
  readonly startAtOnce: boolean;
  readonly finalCancel: boolean;
  readonly throwing: ThrowPatterns;
  /** With an `inspect` observer: the lane keeps live actors for waiting tasks too. */
  readonly watched?: boolean;
}

export interface ExpectedTransition {
  readonly from: TaskState;
  readonly to: TaskState;
  readonly at: number;
}

export interface ModelTask {
  readonly id: string;
  readonly seq: number;
  readonly priority: number;
  readonly timeoutMs: number | undefined;
  readonly outcome: Outcome;
  /** What the body throws (Error outcomes) — `result()` must reject with this very value. */
  readonly failure: unknown;
  state: TaskState;
  ts: Partial<Record<keyof TaskTimestamps, number>>;
  readonly transitions: ExpectedTransition[];
  endedAt?: number;
  reason?: string;
}

export interface ModelTimer {
  /** Creation order: ManualClock fires timers due at the same time in this order. */
  readonly order: number;
  readonly dueAt: number;
  readonly kind: 'body' | 'timeout' | 'stop' | 'notStarted';
  readonly task?: ModelTask;
}

export type LaneStatus = 'idle' | 'running' | 'stopping' | 'stopped';

/** How long held tasks wait on a never-started scheduler before it warns (its one timer). */
const NOT_STARTED_WARNING_MS = 1_000;

/** The model's reason for a stop's cancels: the real one only has to mention the stop. */
export const STOP_REASON = 'stop';

/**
 * A direct simulation of the contract: a priority queue, a running count, the clock's timers
 * and the microtask-settled bodies. It knows nothing of actors, streams or callbacks.
 *
 * @remarks Where the contract leaves the order of same-instant events open, the model takes
 * the lane's: held tasks are scheduled in submit order, a stop's cancels go in submit order
 * (which decides which records a small retention keeps), and a final transition comes before
 * the start that reuses its slot. A lane that changes one of these changes one line here.
 */
export class SchedulerModel {
  now: number;
  lane: LaneStatus = 'idle';
  readonly tasks: ModelTask[] = [];
  readonly queue: ModelTask[] = [];
  readonly held: ModelTask[] = [];
  readonly timers: ModelTimer[] = [];
  /** Bodies whose outcome is reported on the next microtask (sync throw or return). */
  readonly microtasks: ModelTask[] = [];
  readonly finished: ModelTask[] = [];
  readonly startOrder: string[] = [];
  /** Every transition of every task, in the order they happen. */
  readonly log: (ExpectedTransition & { readonly id: string })[] = [];
  running = 0;
  #timerOrder = 0;
  /** The never-started warning was given, or start()/stop() came: its timer is never armed again. */
  #notStartedSettled = false;

  constructor(
    readonly config: RunConfig,
    startAt: number,
  ) {
    this.now = startAt;
  }

  get stopCalled(): boolean {
    return this.lane === 'stopping' || this.lane === 'stopped';
  }

  isRetained(task: ModelTask): boolean {
    if (!isFinished(task.state)) return true;
    const rank = this.finished.length - this.finished.indexOf(task);
    return rank <= this.config.maxFinished && this.now - task.endedAt! <= this.config.maxAgeMs;
  }

  submit(task: Omit<ModelTask, 'state' | 'ts' | 'transitions' | 'seq'>): ModelTask {
    const created: ModelTask = {
      ...task,
      seq: this.tasks.length,
      state: 'NEW',
      ts: {},
      transitions: [],
    };
    this.tasks.push(created);
    this.#enter(created, 'SUBMITTED');
    if (this.lane === 'running') {
      this.#enqueue(created);
      this.#pump();
    } else {
      this.held.push(created);
      // The first task held before start() arms the scheduler's one never-started timer.
      if (!this.#notStartedSettled && !this.timers.some((t) => t.kind === 'notStarted')) {
        this.#addTimer(NOT_STARTED_WARNING_MS, 'notStarted');
      }
    }
    return created;
  }

  start(): void {
    if (this.lane !== 'idle') return;
    this.#settleNotStarted();
    this.lane = 'running';
    this.#scheduleHeld();
  }

  cancel(task: ModelTask, reason: string): boolean {
    if (isFinished(task.state)) return false;
    this.#cancel(task, reason);
    this.#afterFinish();
    return true;
  }

  stop(cancel: boolean, timeoutMs: number): void {
    if (this.stopCalled) {
      if (this.lane !== 'stopping') return;
      // A later call can only tighten the stop: a nearer deadline, or a cancel.
      if (timeoutMs > 0) this.#tightenStopTimer(timeoutMs);
      if (cancel) {
        this.#cancelAll(STOP_REASON);
        this.#afterFinish();
      }
      return;
    }
    this.#settleNotStarted();
    if (timeoutMs > 0) this.#addTimer(timeoutMs, 'stop');
    if (cancel) this.#cancelAll(STOP_REASON);
    this.lane = 'stopping';
    this.#scheduleHeld();
    this.#checkStopped();
  }

  advance(ms: number): void {
    const target = this.now + ms;
    this.runMicrotasks();
    for (;;) {
      let next: ModelTimer | undefined;
      for (const timer of this.timers) {
        if (timer.dueAt > target) continue;
        if (
          next === undefined ||
          timer.dueAt < next.dueAt ||
          (timer.dueAt === next.dueAt && timer.order < next.order)
        )
          next = timer;
      }
      if (next === undefined) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.now = Math.max(this.now, next.dueAt);
      this.#fire(next);
      this.runMicrotasks();
    }
    this.now = target;
  }

  runMicrotasks(): void {
    for (let task = this.microtasks.shift(); task !== undefined; task = this.microtasks.shift()) {
      this.#settleBody(task);
    }
  }

  #settleNotStarted(): void {
    this.#notStartedSettled = true;
    const timer = this.timers.findIndex((t) => t.kind === 'notStarted');
    if (timer !== -1) this.timers.splice(timer, 1);
  }

  #fire(timer: ModelTimer): void {
    const task = timer.task;
    if (timer.kind === 'notStarted') {
      // It warns (once) if tasks still wait; if all were canceled, the next submit re-arms it.
      if (this.tasks.some((t) => t.state === 'SUBMITTED')) this.#notStartedSettled = true;
      return;
    }
    if (timer.kind === 'stop') {
      this.#cancelAll(STOP_REASON);
    } else if (timer.kind === 'timeout' && task?.state === 'STARTED') {
      task.reason = 'timed out';
      this.#finish(task, 'TIMED_OUT');
    } else if (timer.kind === 'body' && task !== undefined) {
      this.#settleBody(task);
      return;
    }
    this.#afterFinish();
  }

  #settleBody(task: ModelTask): void {
    // A late outcome (after a timeout or cancel) is discarded.
    if (task.state !== 'STARTED') return;
    const state = OUTCOME_STATE[task.outcome.kind];
    if (state === undefined) return;
    this.#finish(task, state);
    this.#afterFinish();
  }

  #scheduleHeld(): void {
    for (const task of this.held.splice(0)) this.#enqueue(task);
    this.#pump();
  }

  #enqueue(task: ModelTask): void {
    this.#enter(task, 'SCHEDULED');
    const at = this.queue.findIndex((queued) => runsBefore(task, queued));
    if (at === -1) this.queue.push(task);
    else this.queue.splice(at, 0, task);
  }

  #pump(): void {
    while (this.running < this.config.concurrency) {
      const task = this.queue.shift();
      if (task === undefined) return;
      this.#start(task);
    }
  }

  #start(task: ModelTask): void {
    this.#enter(task, 'STARTED');
    this.running++;
    this.startOrder.push(task.id);
    // The lane arms the timeout before it runs the body (whose own timer comes second).
    if (task.timeoutMs !== undefined && task.timeoutMs > 0) {
      this.#addTimer(task.timeoutMs, 'timeout', task);
    }
    const { outcome } = task;
    if (outcome.kind === 'throwSync' || outcome.kind === 'returnSync') this.microtasks.push(task);
    else if (outcome.kind !== 'hang') this.#addTimer(outcome.delayMs, 'body', task);
  }

  #cancel(task: ModelTask, reason: string): void {
    for (const list of [this.queue, this.held]) {
      const at = list.indexOf(task);
      if (at !== -1) list.splice(at, 1);
    }
    task.reason = reason;
    this.#finish(task, 'CANCELED');
  }

  /** Cancels every live task in submit order; the freed slots are refilled only afterwards. */
  #cancelAll(reason: string): void {
    for (const task of this.tasks) if (!isFinished(task.state)) this.#cancel(task, reason);
  }

  #finish(task: ModelTask, state: TaskState): void {
    if (task.state === 'STARTED') this.running--;
    this.#enter(task, state);
    task.endedAt = this.now;
    this.finished.push(task);
    const timeout = this.timers.findIndex((t) => t.kind === 'timeout' && t.task === task);
    if (timeout !== -1) this.timers.splice(timeout, 1);
  }

  #tightenStopTimer(timeoutMs: number): void {
    const current = this.timers.findIndex((t) => t.kind === 'stop');
    if (current !== -1) {
      if ((this.timers[current] as ModelTimer).dueAt <= this.now + timeoutMs) return;
      this.timers.splice(current, 1);
    }
    this.#addTimer(timeoutMs, 'stop');
  }

  #afterFinish(): void {
    if (this.lane === 'running' || this.lane === 'stopping') this.#pump();
    this.#checkStopped();
  }

  #checkStopped(): void {
    if (this.lane !== 'stopping' || !this.tasks.every((t) => isFinished(t.state))) return;
    this.lane = 'stopped';
    const stopTimer = this.timers.findIndex((t) => t.kind === 'stop');
    if (stopTimer !== -1) this.timers.splice(stopTimer, 1);
  }

  #enter(task: ModelTask, to: TaskState): void {
    task.transitions.push({ from: task.state, to, at: this.now });
    this.log.push({ id: task.id, from: task.state, to, at: this.now });
    task.ts[ENTRY_TIMESTAMP[to as Exclude<TaskState, 'NEW'>]] = this.now;
    task.state = to;
  }

  #addTimer(delayMs: number, kind: ModelTimer['kind'], task?: ModelTask): void {
    const timer: ModelTimer = { order: this.#timerOrder++, dueAt: this.now + delayMs, kind };
    this.timers.push(task === undefined ? timer : { ...timer, task });
  }
}
