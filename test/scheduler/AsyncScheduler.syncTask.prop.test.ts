import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchedulerErrorCode, isFinished, type SyncTask, type TaskInfo } from '../../src/index.js';
import { expectLawfulLog } from '../support/schedulerObserver.js';
import { addOneTask, createSyncHarness, workTask, type SyncHarness } from '../support/syncTasks.js';

/*
 * A fast-check command model over a SyncTask lane on real executor threads: submit tiny,
 * busy (with a timeout), crashing and throwing tasks, cancel any of them, wait for one, let
 * the threads answer; then stop (drain or cancel). Bodies run on real threads, so the exact
 * order is not predicted; what the contract promises whatever the order is checked:
 * - every task ends in exactly one final state, of those its body allows;
 * - transitions follow the machine's edges, timestamps grow, FIFO by priority (expectLawfulLog);
 * - never more STARTED SyncTasks than threads;
 * - cancelTask's boolean is true iff that call moved the task to CANCELED.
 * Each run starts real threads (~50 ms), so runs are capped: see NUM_RUNS.
 */

/** fast-check runs; each run starts real threads (100 runs: about 6 s on 2 cores), so at most 200. */
const NUM_RUNS = Math.min(Number(process.env['FC_NUM_RUNS'] ?? 100), 200);
/** A safety net for a wait in a run: a task not final by then is a failure, not a hang. */
const WAIT_LIMIT_MS = 10_000;

const { WORKER_CRASHED, EXECUTOR_DEGRADED } = SchedulerErrorCode;

type Kind = 'tiny' | 'busy' | 'crash' | 'throw';

interface RealTask {
  readonly id: string;
  readonly kind: Kind;
  readonly arg: number;
}

interface CancelCall {
  readonly id: string;
  readonly reason: string;
  readonly wasFinal: boolean;
  readonly returned: boolean;
}

interface Real {
  readonly h: SyncHarness;
  readonly tasks: RealTask[];
  readonly cancels: CancelCall[];
}

interface Model {
  submitted: number;
}

type SyncCommand = fc.AsyncCommand<Model, Real>;

function taskFor(kind: Kind, timeoutMs: number, priority: number) {
  switch (kind) {
    case 'tiny':
      return addOneTask({ priority });
    case 'busy':
      return workTask('busyLoop', { timeoutMs, priority });
    case 'crash':
      return workTask('exitProcess', { priority });
    case 'throw':
      return workTask('throwError', { priority });
  }
}

class SubmitCommand implements SyncCommand {
  constructor(
    readonly kind: Kind,
    readonly timeoutMs: number,
    readonly priority: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const arg = model.submitted++;
    const task = taskFor(this.kind, this.timeoutMs, this.priority);
    // A busy loop given no buffer just spins.
    const id =
      this.kind === 'busy'
        ? real.h.scheduler.submitTask(task as SyncTask<[]>)
        : real.h.scheduler.submitTask(task, arg);
    real.tasks.push({ id, kind: this.kind, arg });
  }
  toString(): string {
    const timeout = this.kind === 'busy' ? `, ${this.timeoutMs} ms` : '';
    return `submit(${this.kind}${timeout}, p${this.priority})`;
  }
}

class CancelCommand implements SyncCommand {
  constructor(readonly pick: number) {}
  check(model: Readonly<Model>): boolean {
    return model.submitted > 0;
  }
  async run(_: Model, real: Real): Promise<void> {
    const task = real.tasks[this.pick % real.tasks.length]!;
    const reason = `cancel #${real.cancels.length}`;
    const wasFinal = isFinished(real.h.scheduler.taskState(task.id));
    const returned = await real.h.scheduler.cancelTask(task.id, reason);
    real.cancels.push({ id: task.id, reason, wasFinal, returned });
    // Once cancelTask resolves the task is final.
    expect(isFinished(real.h.scheduler.taskState(task.id))).toBe(true);
  }
  toString(): string {
    return `cancel(#${this.pick})`;
  }
}

class WaitCommand implements SyncCommand {
  constructor(readonly pick: number) {}
  check(model: Readonly<Model>): boolean {
    return model.submitted > 0;
  }
  async run(_: Model, real: Real): Promise<void> {
    const task = real.tasks[this.pick % real.tasks.length]!;
    await real.h.scheduler.waitTask(task.id, { timeoutMs: WAIT_LIMIT_MS });
  }
  toString(): string {
    return `wait(#${this.pick})`;
  }
}

/** Lets the loop turn a few times, so thread answers interleave with the next commands. */
class YieldCommand implements SyncCommand {
  constructor(readonly turns: number) {}
  check(): boolean {
    return true;
  }
  async run(): Promise<void> {
    for (let i = 0; i < this.turns; i++) await new Promise<void>((r) => setImmediate(r));
  }
  toString(): string {
    return `yield(${this.turns})`;
  }
}

const submitArb = fc
  .tuple(
    fc.constantFrom<Kind>('tiny', 'tiny', 'busy', 'crash', 'throw'),
    fc.integer({ min: 5, max: 40 }),
    fc.integer({ min: 0, max: 1 }),
  )
  .map(([kind, timeoutMs, priority]) => new SubmitCommand(kind, timeoutMs, priority));

const commandsArb = fc.commands(
  [
    // Submits come twice as often as the other commands.
    submitArb,
    submitArb,
    fc.nat().map((pick) => new CancelCommand(pick)),
    fc.nat().map((pick) => new WaitCommand(pick)),
    fc.integer({ min: 1, max: 5 }).map((turns) => new YieldCommand(turns)),
  ],
  { maxCommands: 12 },
);

const configArb = fc.record({
  threads: fc.integer({ min: 1, max: 2 }),
  finalCancel: fc.boolean(),
  // Lenient: no run degrades the lane. Strict: a second crash in a run degrades it.
  maxRestarts: fc.constantFrom(1, 1_000),
});

/** The final states a task of `kind` may end in, and how. */
function expectAllowedOutcome(task: RealTask, info: TaskInfo): void {
  const label = `task #${task.arg} (${task.kind}) ended ${info.state} ${info.error?.code ?? ''}`;
  if (info.state === 'CANCELED') return;
  if (info.state === 'FAILED' && info.error?.code === EXECUTOR_DEGRADED) return;
  switch (task.kind) {
    case 'tiny':
      expect(info.state, label).toBe('DONE');
      expect(info.result, label).toBe(task.arg + 1);
      return;
    case 'busy':
      expect(info.state, label).toBe('TIMED_OUT');
      return;
    case 'crash':
      expect(info.state, label).toBe('FAILED');
      expect(info.error?.code, label).toBe(WORKER_CRASHED);
      return;
    case 'throw':
      expect(info.state, label).toBe('FAILED');
      expect(info.error, label).toMatchObject({ name: 'RangeError', message: 'bad input' });
      return;
  }
}

function expectContractKept(real: Real, threads: number): void {
  const { h, tasks, cancels } = real;
  const seq = new Map(tasks.map((t) => [t.id, t.arg]));
  const { finals } = expectLawfulLog(h.transitions, threads, (id) => seq.get(id)!);
  for (const task of tasks) {
    const info = h.scheduler.taskInfo(task.id);
    expect(
      finals.get(task.id)?.map((t) => t.to),
      `finals of #${task.arg}`,
    ).toEqual([info.state]);
    expectAllowedOutcome(task, info);
    if (info.state === 'CANCELED') {
      const by = cancels.filter((c) => c.id === task.id && c.returned);
      const stopped = info.reason?.startsWith('scheduler stop') ?? false;
      expect(by.length, `cancels that moved #${task.arg}`).toBe(stopped ? 0 : 1);
      if (!stopped) expect(info.reason).toBe(by[0]!.reason);
    }
  }
  for (const call of cancels) {
    // true iff this call moved the task to CANCELED: it was not final yet, and is now.
    expect(call.returned, call.reason).toBe(!call.wasFinal);
  }
  for (const error of h.errors) expect([WORKER_CRASHED, EXECUTOR_DEGRADED]).toContain(error.code);
  const crashedTasks = tasks.filter(
    (t) => h.scheduler.taskInfo(t.id).error?.code === WORKER_CRASHED,
  );
  for (const task of crashedTasks) {
    expect(h.errors.filter((e) => e.taskId === task.id && e.code === WORKER_CRASHED)).toHaveLength(
      1,
    );
  }
}

describe('AsyncScheduler', () => {
  describe('SyncTask lane (property)', () => {
    it('keeps every invariant under any mix of submits, cancels, crashes and a final stop', async () => {
      await fc.assert(
        fc.asyncProperty(configArb, commandsArb, async (config, commands) => {
          const h = createSyncHarness({
            threads: config.threads,
            restart: {
              maxRestarts: config.maxRestarts,
              windowMs: 60_000,
              baseDelayMs: 1,
              maxDelayMs: 20,
            },
          });
          const real: Real = { h, tasks: [], cancels: [] };
          try {
            await fc.asyncModelRun(() => ({ model: { submitted: 0 }, real }), commands);
            await h.scheduler.stop(
              config.finalCancel ? { cancel: true } : { timeoutMs: WAIT_LIMIT_MS },
            );
            expect(h.stopped()).toBe(true);
            expectContractKept(real, config.threads);
          } finally {
            if (!h.stopped()) await h.scheduler.stop({ cancel: true });
          }
        }),
        { numRuns: NUM_RUNS },
      );
    }, 120_000);
  });
});
