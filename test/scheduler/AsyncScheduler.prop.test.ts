import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerError,
  SchedulerErrorCode,
  SchedulerStoppedError,
  TaskCanceledError,
  TaskTimeoutError,
  UnknownTaskError,
  isFinished,
  type TaskOptions,
  type TaskState,
} from '../../src/index.js';
import { flushMicrotasks } from '../support/ManualClock.js';
import {
  SchedulerModel,
  clockBody,
  describeOutcome,
  rejectOnAbort,
  type Body,
  type ModelTask,
  type Outcome,
  type RunConfig,
  STOP_REASON,
} from '../support/schedulerModel.js';
import {
  callStop,
  createObserved,
  expectCallbacksAndErrors,
  expectLawfulLog,
  stateOrEvicted,
  throwingTaskCallbacks,
  type Observed,
} from '../support/schedulerObserver.js';

/*
 * Property tests of AsyncScheduler against the contract's invariants (docs/contract.md).
 *
 * 1. A command model (fc.commands): submit / cancel / advance time / start / stop run against
 *    the real scheduler and against a small simulation of what the contract says must happen.
 *    After every command the two must agree on every task's state and timestamps, the start
 *    order, the running count, the retained records and the pending timers; and the transition
 *    log must obey the invariants on its own.
 * 2. fc.scheduler(): bodies settle in whatever order fast-check picks, interleaved with
 *    cancels and clock moves; no exact model, but every invariant must still hold.
 *
 * Time moves only through the ManualClock; nothing sleeps. The model lives in
 * ../support/schedulerModel.ts, the observer and the log checks in ../support/schedulerObserver.ts.
 */

const NUM_RUNS = Number(process.env['FC_NUM_RUNS'] ?? 100);

// ── Task outcomes ─────────────────────────────────────────────────────────────

const delayArb = fc.integer({ min: 1, max: 12 });
const valueArb = fc.integer({ min: 0, max: 99 });
const nonErrorArb = fc.constantFrom<unknown>('a string', 42, null, undefined, { code: 'E_PLAIN' });

const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  fc.record({ kind: fc.constant('resolve' as const), delayMs: delayArb, value: valueArb }),
  fc.record({ kind: fc.constant('reject' as const), delayMs: delayArb }),
  fc.record({
    kind: fc.constant('rejectNonError' as const),
    delayMs: delayArb,
    thrown: nonErrorArb,
  }),
  fc.constant({ kind: 'throwSync' as const }),
  fc.record({ kind: fc.constant('returnSync' as const), value: valueArb }),
  fc.constant({ kind: 'hang' as const }),
  fc.record({ kind: fc.constant('ignoreAbort' as const), delayMs: delayArb, value: valueArb }),
);

// ── Model ⇄ real ──────────────────────────────────────────────────────────────

/** Enough rounds for the longest chain of same-instant settlements a run can build. */
const FLUSH_ROUNDS = 60;
const MAX_TASKS = 12;

async function settle(model: SchedulerModel): Promise<void> {
  model.runMicrotasks();
  await flushMicrotasks(FLUSH_ROUNDS);
}

function expectMatchesModel(model: SchedulerModel, real: Observed): void {
  const { scheduler, clock } = real;
  const { config } = model;
  expect(clock.now()).toBe(model.now);

  // (1) every task is where the contract puts it, with the timestamps it says; (5)/(6) a
  // finished record is kept exactly as long as retention says
  for (const task of model.tasks) {
    const label = `task #${task.seq} (${describeOutcome(task.outcome)})`;
    if (!model.isRetained(task)) {
      expect(() => scheduler.taskState(task.id), label).toThrow(UnknownTaskError);
      continue;
    }
    const info = scheduler.taskInfo(task.id);
    expect(info.state, label).toBe(task.state);
    expect(info.ts, label).toEqual(task.ts);
    expect(info.priority, label).toBe(task.priority);
    if (task.reason === undefined) expect(info.reason, label).toBeUndefined();
    else if (task.reason === STOP_REASON) expect(info.reason, label).toMatch(/stop/);
    else if (task.state === 'TIMED_OUT') expect(info.reason, label).toMatch(/time/);
    else expect(info.reason, label).toBe(task.reason);
  }
  const retained = model.tasks.filter((t) => isFinished(t.state) && model.isRetained(t));
  const dump = scheduler.dumpTask();
  expect(dump.filter((i) => isFinished(i.state)).length).toBe(retained.length);
  expect(retained.length).toBeLessThanOrEqual(config.maxFinished);
  expect(dump.length).toBe(model.tasks.filter((t) => model.isRetained(t)).length);

  // (3) running and queued counts
  expect(scheduler.runningCount).toBe(model.running);
  expect(scheduler.runningCount).toBeLessThanOrEqual(config.concurrency);
  expect(scheduler.queuedCount).toBe(model.queue.length + model.held.length);

  // no timer is left behind: only the bodies' own (the lane's are cleared when a task ends)
  expect(clock.pendingTimers).toBe(model.timers.length);

  // (1)–(3) on the log itself, then the log against the model, task by task
  const seqOf = (id: string): number => model.tasks.findIndex((t) => t.id === id);
  const facts = expectLawfulLog(real.log, config.concurrency, seqOf);
  for (const task of model.tasks) {
    const seen = real.log
      .filter((t) => t.id === task.id)
      .map(({ from, to, at }) => ({ from, to, at }));
    expect(seen, `transitions of task #${task.seq}`).toEqual(task.transitions);
  }
  expect(facts.startOrder).toEqual(model.startOrder);
  // transitions$ carries every transition of every task, in the order they happened
  expect(real.log.map(({ id, from, to, at }) => ({ id, from, to, at }))).toEqual(model.log);

  // (4) callbacks called once per entered state; every throw reported, nothing else
  expectCallbacksAndErrors(real);

  // stop() resolves exactly when every task is final, and completes both streams
  expect(real.stop?.rejected).toBeUndefined();
  expect(real.stop?.resolved ?? false).toBe(model.lane === 'stopped');
  expect(real.completed.transitions).toBe(model.lane === 'stopped');
  expect(real.completed.errors).toBe(model.lane === 'stopped');
}

type SchedulerCommand = fc.AsyncCommand<SchedulerModel, Observed>;

class SubmitCommand implements SchedulerCommand {
  constructor(
    readonly priority: number,
    readonly timeoutMs: number | undefined,
    readonly outcome: Outcome,
    readonly throwingCallbacks: boolean,
  ) {}

  check(model: Readonly<SchedulerModel>): boolean {
    return model.tasks.length < MAX_TASKS;
  }

  async run(model: SchedulerModel, real: Observed): Promise<void> {
    const failure = new Error(`body #${model.tasks.length} failed`);
    const options: TaskOptions = {
      priority: this.priority,
      ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }),
      ...(this.throwingCallbacks ? throwingTaskCallbacks(real.thrown) : {}),
    };
    const task = new AsyncTask(
      `t${model.tasks.length}`,
      clockBody(this.outcome, real.clock, failure),
      options,
    );
    if (model.stopCalled) {
      expect(() => real.scheduler.submitTask(task)).toThrow(SchedulerStoppedError);
    } else {
      const id = real.scheduler.submitTask(task);
      model.submit({
        id,
        priority: this.priority,
        timeoutMs: this.timeoutMs,
        outcome: this.outcome,
        failure: this.outcome.kind === 'rejectNonError' ? this.outcome.thrown : failure,
      });
    }
    await settle(model);
    expectMatchesModel(model, real);
  }

  toString(): string {
    const timeout = this.timeoutMs === undefined ? '' : `, timeoutMs ${this.timeoutMs}`;
    const throwing = this.throwingCallbacks ? ', throwing callbacks' : '';
    return `submit(priority ${this.priority}${timeout}, ${describeOutcome(this.outcome)}${throwing})`;
  }
}

class CancelCommand implements SchedulerCommand {
  constructor(
    readonly pick: number,
    readonly unknownId: boolean,
  ) {}

  check(model: Readonly<SchedulerModel>): boolean {
    return this.unknownId || model.tasks.length > 0;
  }

  async run(model: SchedulerModel, real: Observed): Promise<void> {
    if (this.unknownId) {
      await expect(real.scheduler.cancelTask('no-such-task')).resolves.toBe(false);
    } else {
      const task = model.tasks[this.pick % model.tasks.length]!;
      const reason = `cancel #${task.seq}`;
      const returned = real.scheduler.cancelTask(task.id, reason);
      const expected = model.cancel(task, reason);
      // Once it resolves, the task is final (or already evicted, which only a final one can be).
      const stateWhenResolved = returned.then(() => stateOrEvicted(real.scheduler, task.id));
      await expect(returned).resolves.toBe(expected);
      expect(await stateWhenResolved).toSatisfy(
        (state: TaskState | 'EVICTED') => state === 'EVICTED' || isFinished(state),
      );
    }
    await settle(model);
    expectMatchesModel(model, real);
  }

  toString(): string {
    return this.unknownId ? 'cancel(unknown id)' : `cancel(#${this.pick})`;
  }
}

class AdvanceCommand implements SchedulerCommand {
  constructor(readonly ms: number) {}

  check(): boolean {
    return true;
  }

  async run(model: SchedulerModel, real: Observed): Promise<void> {
    const advanced = real.clock.advance(this.ms);
    model.advance(this.ms);
    await advanced;
    await settle(model);
    expectMatchesModel(model, real);
  }

  toString(): string {
    return `advance(${this.ms} ms)`;
  }
}

class StartCommand implements SchedulerCommand {
  check(): boolean {
    return true;
  }

  async run(model: SchedulerModel, real: Observed): Promise<void> {
    // A stopped scheduler never runs again: start() after stop() throws, and changes nothing.
    if (model.stopCalled) {
      expect(() => real.scheduler.start()).toThrow(SchedulerStoppedError);
    } else {
      expect(real.scheduler.start()).toBe(real.scheduler);
      model.start();
    }
    await settle(model);
    expectMatchesModel(model, real);
  }

  toString(): string {
    return 'start()';
  }
}

class StopCommand implements SchedulerCommand {
  constructor(
    readonly cancel: boolean,
    readonly timeoutMs: number | undefined,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: SchedulerModel, real: Observed): Promise<void> {
    callStop(real, {
      cancel: this.cancel,
      ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }),
    });
    model.stop(this.cancel, this.timeoutMs ?? 0);
    await settle(model);
    expectMatchesModel(model, real);
  }

  toString(): string {
    const timeout = this.timeoutMs === undefined ? '' : `, timeoutMs: ${this.timeoutMs}`;
    return `stop({ cancel: ${this.cancel}${timeout} })`;
  }
}

const timeoutArb = fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined });

const submitArb = fc
  .tuple(fc.integer({ min: -1, max: 2 }), timeoutArb, outcomeArb, fc.boolean())
  .map(([priority, timeoutMs, outcome, throwing]) => {
    return new SubmitCommand(priority, timeoutMs, outcome, throwing);
  });
const cancelArb = fc.oneof(
  { weight: 9, arbitrary: fc.nat().map((pick) => new CancelCommand(pick, false)) },
  { weight: 1, arbitrary: fc.constant(new CancelCommand(0, true)) },
);
const advanceArb = fc.integer({ min: 0, max: 15 }).map((ms) => new AdvanceCommand(ms));
const startArb = fc.constant(new StartCommand());
const stopArb = fc
  .tuple(fc.boolean(), fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }))
  .map(([cancel, timeoutMs]) => new StopCommand(cancel, timeoutMs));

/** Weights by repetition: mostly submits and clock moves; a stop() ends the submitting. */
const commandsArb = fc.commands(
  [
    ...Array.from({ length: 6 }, () => submitArb),
    ...Array.from({ length: 4 }, () => advanceArb),
    ...Array.from({ length: 2 }, () => cancelArb),
    startArb,
    stopArb,
  ],
  { maxCommands: 40, size: 'medium' },
);

const throwPatternArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 6 });

const runConfigArb: fc.Arbitrary<RunConfig> = fc.record({
  concurrency: fc.constantFrom(1, 2, 3, Infinity),
  maxFinished: fc.constantFrom(0, 1, 3, 10_000),
  maxAgeMs: fc.constantFrom(Infinity, Infinity, 10),
  startAtOnce: fc.boolean(),
  finalCancel: fc.boolean(),
  throwing: fc.record({ callbacks: throwPatternArb, subscriber: throwPatternArb }),
  watched: fc.boolean(),
});

/** Long enough for every body and timeout of a run to be over. */
const FINAL_STOP_MS = 50;

/** One model run: the generated commands, then a final stop(), then every check. */
async function runModel(config: RunConfig, commands: Iterable<SchedulerCommand>): Promise<void> {
  const real = createObserved(config, config.throwing);
  const model = new SchedulerModel(config, real.clock.now());
  if (config.startAtOnce) {
    real.scheduler.start();
    model.start();
  }
  await fc.asyncModelRun(() => ({ model, real }), commands);

  // A final stop(): drained (bounded) or canceled, then every task is final, exactly once.
  await new StopCommand(config.finalCancel, FINAL_STOP_MS).run(model, real);
  await new AdvanceCommand(FINAL_STOP_MS).run(model, real);
  if (model.lane !== 'stopped') await new StopCommand(true, undefined).run(model, real);
  expect(model.lane).toBe('stopped');
  expect(real.stop?.resolved).toBe(true);
  const seqOf = (id: string): number => model.tasks.findIndex((t) => t.id === id);
  const { finals } = expectLawfulLog(real.log, config.concurrency, seqOf);
  for (const task of model.tasks) {
    expect(finals.get(task.id), `task #${task.seq}`).toHaveLength(1);
  }
  // Only the bodies' own timers may be left; letting them fire changes nothing.
  expect(model.timers.every((t) => t.kind === 'body')).toBe(true);
  await new AdvanceCommand(FINAL_STOP_MS).run(model, real);
  expect(real.clock.pendingTimers).toBe(0);

  // What waitTask() and result() answer for the tasks still retained.
  for (const task of model.tasks.filter((t) => model.isRetained(t))) {
    await expectResult(real.scheduler, task);
  }
}

async function expectResult(scheduler: AsyncScheduler, task: ModelTask): Promise<void> {
  const info = await scheduler.waitTask(task.id);
  expect(info.state).toBe(task.state);
  const result = scheduler.result(task.id);
  switch (task.state) {
    case 'DONE':
      await expect(result).resolves.toBe((task.outcome as { value: number }).value);
      break;
    case 'TIMED_OUT':
      await expect(result).rejects.toBeInstanceOf(TaskTimeoutError);
      break;
    case 'CANCELED':
      await expect(result).rejects.toBeInstanceOf(TaskCanceledError);
      break;
    case 'FAILED':
      if (task.outcome.kind === 'rejectNonError') {
        const error = await result.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SchedulerError);
        expect((error as SchedulerError).code).toBe(SchedulerErrorCode.NON_ERROR_THROWN);
        expect((error as Error).cause).toBe(task.failure);
      } else {
        await expect(result).rejects.toBe(task.failure);
      }
      break;
    default:
      throw new Error(`task #${task.seq} is not final: ${task.state}`);
  }
}

// ── fc.scheduler(): bodies settle in any order ────────────────────────────────

type RaceKind = 'resolve' | 'reject' | 'rejectNonError' | 'hang' | 'ignoreAbort';

interface RaceTask {
  readonly priority: number;
  readonly timeoutMs: number | undefined;
  readonly kind: RaceKind;
}

type RaceAction =
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'submit'; readonly task: RaceTask };

/** The final states each kind of body may end in (which one depends on the race). */
const RACE_FINALS: Record<RaceKind, readonly TaskState[]> = {
  resolve: ['DONE', 'TIMED_OUT', 'CANCELED'],
  ignoreAbort: ['DONE', 'TIMED_OUT', 'CANCELED'],
  reject: ['FAILED', 'TIMED_OUT', 'CANCELED'],
  rejectNonError: ['FAILED', 'TIMED_OUT', 'CANCELED'],
  hang: ['TIMED_OUT', 'CANCELED'],
};

const raceTaskArb: fc.Arbitrary<RaceTask> = fc.record({
  priority: fc.integer({ min: -1, max: 2 }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  kind: fc.constantFrom<RaceKind>('resolve', 'reject', 'rejectNonError', 'hang', 'ignoreAbort'),
});

const raceActionArb: fc.Arbitrary<RaceAction> = fc.oneof(
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('submit' as const), task: raceTaskArb }),
);

type RaceConfig = Omit<RunConfig, 'finalCancel'>;

const raceConfigArb: fc.Arbitrary<RaceConfig> = fc.record({
  concurrency: fc.constantFrom(1, 2, 3, Infinity),
  maxFinished: fc.constantFrom(0, 2, 10_000),
  maxAgeMs: fc.constant(Infinity),
  startAtOnce: fc.boolean(),
  throwing: fc.record({ callbacks: throwPatternArb, subscriber: throwPatternArb }),
  watched: fc.boolean(),
});

/** A body that waits for fast-check's scheduler to release it, then ends as `kind` says. */
function racingBody(fcs: fc.Scheduler, kind: RaceKind, index: number, failure: unknown): Body {
  return ({ signal }) => {
    if (kind === 'hang') return rejectOnAbort(signal);
    if (kind === 'ignoreAbort') expect(signal).toBeInstanceOf(AbortSignal);
    const released = fcs.schedule(Promise.resolve(index), `body #${index} (${kind})`);
    if (kind === 'reject' || kind === 'rejectNonError') {
      return released.then(() => {
        throw failure;
      });
    }
    return released;
  };
}

interface Submitted {
  readonly id: string;
  readonly task: RaceTask;
  readonly failure: unknown;
}

interface CancelCall {
  readonly id: string;
  readonly reason: string;
  readonly returned: boolean;
}

const RACE_STOP_STEPS = 10;

/** One run: submit, start, let fast-check order settlements, cancels and clock moves; stop. */
async function runRace(
  fcs: fc.Scheduler,
  config: RaceConfig,
  tasks: readonly RaceTask[],
  actions: readonly RaceAction[],
): Promise<void> {
  const real = createObserved(config, config.throwing);
  const { scheduler, clock } = real;
  const submitted: Submitted[] = [];
  const cancels: CancelCall[] = [];
  const submit = (task: RaceTask): void => {
    const index = submitted.length;
    const failure = task.kind === 'rejectNonError' ? `non-Error #${index}` : new Error(`#${index}`);
    const id = scheduler.submitTask(
      new AsyncTask(`r${index}`, racingBody(fcs, task.kind, index, failure), {
        priority: task.priority,
        ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
      }),
    );
    submitted.push({ id, task, failure });
  };

  if (config.startAtOnce) scheduler.start();
  tasks.forEach(submit);
  if (!config.startAtOnce) scheduler.start();

  const acted = actions.map((action, i) =>
    fcs.schedule(Promise.resolve(), `action #${i}: ${JSON.stringify(action)}`).then(async () => {
      switch (action.kind) {
        case 'cancel': {
          const { id } = submitted[action.pick % submitted.length]!;
          const before = stateOrEvicted(scheduler, id);
          const reason = `race cancel #${i}`;
          const returned = await scheduler.cancelTask(id, reason);
          cancels.push({ id, reason, returned });
          // true iff this call moved the task to CANCELED: iff it was not final before
          expect(returned).toBe(before !== 'EVICTED' && !isFinished(before));
          break;
        }
        case 'advance':
          await clock.advance(action.ms);
          break;
        case 'submit':
          submit(action.task);
          break;
      }
    }),
  );
  do {
    await fcs.waitIdle();
    await Promise.all(acted);
  } while (fcs.count() > 0);

  // A bounded drain: whatever still hangs is canceled when the stop's own timeout passes.
  callStop(real, { timeoutMs: FINAL_STOP_MS });
  for (let step = 0; step < RACE_STOP_STEPS && real.stop?.resolved !== true; step++) {
    await fcs.waitIdle();
    await clock.advance(FINAL_STOP_MS / (RACE_STOP_STEPS / 2));
  }
  expect(real.stop?.resolved).toBe(true);
  expect(real.completed).toEqual({ transitions: true, errors: true });
  // Nothing left running, queued or armed (these bodies set no timers of their own).
  expect(scheduler.runningCount).toBe(0);
  expect(scheduler.queuedCount).toBe(0);
  expect(clock.pendingTimers).toBe(0);

  // (1)–(3) on the log: allowed edges, timestamps, concurrency, priority/FIFO at each start
  const seqOf = (id: string): number => submitted.findIndex((s) => s.id === id);
  const { finals } = expectLawfulLog(real.log, config.concurrency, seqOf);
  expect(real.log.every((t) => seqOf(t.id) !== -1)).toBe(true);
  // (4) callbacks and subscribers that throw: reported, and changed nothing below
  expectCallbacksAndErrors(real);

  for (const [index, { id, task, failure }] of submitted.entries()) {
    const label = `task #${index} (${JSON.stringify(task)})`;
    // (1) exactly one final state, once
    expect(finals.get(id), label).toHaveLength(1);
    const end = finals.get(id)![0]!;
    expect(RACE_FINALS[task.kind], label).toContain(end.to);
    const byCaller = cancels.filter((c) => c.id === id && c.returned);
    expect(byCaller.length, label).toBeLessThanOrEqual(1);
    switch (end.to) {
      case 'DONE':
        expect(end.info.result, label).toBe(index);
        break;
      case 'FAILED':
        if (failure instanceof Error) {
          expect(end.info.error, label).toMatchObject({ name: 'Error', message: failure.message });
        } else {
          expect(end.info.error?.code, label).toBe(SchedulerErrorCode.NON_ERROR_THROWN);
        }
        break;
      case 'TIMED_OUT':
        // The timeout's clock starts at STARTED, and the ManualClock fires it on the dot.
        expect(end.info.runMs, label).toBe(task.timeoutMs);
        break;
      case 'CANCELED':
        if (byCaller.length === 1) expect(end.info.reason, label).toBe(byCaller[0]!.reason);
        else expect(end.info.reason, label).toMatch(/stop/);
        break;
      default:
        throw new Error(`${label} ended in ${end.to}`);
    }
    if (end.to !== 'CANCELED') expect(byCaller, label).toEqual([]);
  }

  // (5)/(6) retention: at most maxFinished records are kept, the last ones to finish
  const kept = scheduler.dumpTask();
  expect(kept.length).toBe(Math.min(config.maxFinished, submitted.length));
  const lastFinished = real.log
    .filter((t) => isFinished(t.to))
    .map((t) => t.id)
    .slice(submitted.length - kept.length);
  expect(kept.map((i) => i.id).sort()).toEqual([...lastFinished].sort());
}

/**
 * XState's development build warns on the console when an event reaches a stopped actor, which
 * `start()` or `stop()` after the lane has stopped do: those are no-ops by contract, so their
 * warnings are kept out of the test output (and only those).
 */
function muteStoppedLaneWarnings(): void {
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && /sent to stopped actor "lane:/.test(args[0])) return;
    warn(...args);
  });
}

describe('AsyncScheduler (properties)', () => {
  beforeEach(muteStoppedLaneWarnings);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('command model: submit, cancel, advance time, start, stop', () => {
    it('agrees with the contract after every command, and every task ends exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(runConfigArb, commandsArb, async (config, commands) => {
          await runModel(config, commands);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    // Counterexamples the model found, kept as fixed runs. Shrunk command lists are pinned
    // rather than seeds: a seed replays only while every arbitrary above stays as it is.
    const quiet: RunConfig = {
      concurrency: 1,
      maxFinished: 0,
      maxAgeMs: Infinity,
      startAtOnce: false,
      finalCancel: false,
      throwing: { callbacks: [false], subscriber: [false] },
    };

    it('stop() before start() drains a held task and resolves once it is done', async () => {
      // A held task that runs and ends DONE must still let stop() resolve and transitions$
      // complete.
      await runModel(quiet, [
        new SubmitCommand(0, undefined, { kind: 'resolve', delayMs: 1, value: 0 }, false),
        new StopCommand(false, undefined),
        new AdvanceCommand(0),
      ]);
    });

    it('a started, drained task resolves stop() once it is done', async () => {
      await runModel({ ...quiet, startAtOnce: true, maxFinished: 10 }, [
        new SubmitCommand(0, undefined, { kind: 'resolve', delayMs: 1, value: 0 }, false),
        new StopCommand(false, undefined),
        new AdvanceCommand(1),
      ]);
    });
  });

  describe('fc.scheduler(): any order of settlements, cancels and clock moves', () => {
    it('keeps every invariant, and every task ends exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          raceConfigArb,
          fc.array(raceTaskArb, { minLength: 1, maxLength: 6 }),
          fc.array(raceActionArb, { maxLength: 6 }),
          async (fcs, config, tasks, actions) => {
            await runRace(fcs, config, tasks, actions);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
