import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFinished, TaskState, type TaskTransition } from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';
import { flushMicrotasks } from '../support/ManualClock.js';

/*
 * Flow control under random sequences of submit / pause / resume / setPriority / concurrency
 * changes / cancel / body settlements, on an AsyncScheduler with a manual clock and bodies the
 * test settles: every task ends in exactly one final state, no more than `concurrency` tasks
 * run at once, nothing starts while paused, and each start takes the queued task that comes
 * first by (current priority desc, submit order).
 */

const NUM_RUNS = Number(process.env['FC_NUM_RUNS'] ?? 100);

type Op =
  | { readonly kind: 'submit'; readonly priority: number }
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  | {
      readonly kind: 'setPriority';
      /** Among the queued tasks only (else among all: most have started or ended). */
      readonly queuedOnly: boolean;
      readonly pick: number;
      readonly priority: number;
    }
  | { readonly kind: 'concurrency'; readonly value: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'settle'; readonly pick: number; readonly ok: boolean };

const priorityArb = fc.integer({ min: -2, max: 2 });
/** Mostly small: a queue forms only while the slots are full. */
const concurrencyArb = fc.constantFrom(1, 1, 2, 3, Infinity);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: priorityArb.map((priority) => ({ kind: 'submit' as const, priority })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.boolean(), fc.nat(), priorityArb)
      .map(([queuedOnly, pick, priority]) => ({
        kind: 'setPriority' as const,
        queuedOnly,
        pick,
        priority,
      })),
  },
  {
    weight: 1,
    arbitrary: concurrencyArb.map((value) => ({ kind: 'concurrency' as const, value })),
  },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.nat(), fc.boolean())
      .map(([pick, ok]) => ({ kind: 'settle' as const, pick, ok })),
  },
);

/** What the test knows of one task: its submit order and its priority as last set. */
interface Known {
  readonly id: string;
  readonly seq: number;
  priority: number;
}

/** `a` must start before `b`: higher priority, then earlier submit. */
function comesFirst(a: Known, b: Known): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** Checks every STARTED as it happens, against what the test has asked of the scheduler. */
class FlowObserver {
  readonly known = new Map<string, Known>();
  /** SCHEDULED tasks, as reported. */
  readonly queued = new Set<string>();
  readonly running = new Set<string>();
  readonly finals = new Map<string, TaskState[]>();
  readonly violations: string[] = [];
  paused = false;
  concurrency: number;

  constructor(concurrency: number) {
    this.concurrency = concurrency;
  }

  see(t: TaskTransition): void {
    if (t.to === TaskState.SCHEDULED) this.queued.add(t.id);
    if (t.to === TaskState.STARTED) this.#started(t.id);
    if (isFinished(t.to)) {
      this.queued.delete(t.id);
      this.running.delete(t.id);
      this.finals.set(t.id, [...(this.finals.get(t.id) ?? []), t.to]);
    }
  }

  #started(id: string): void {
    if (this.paused) this.violations.push(`${id} started while paused`);
    if (this.running.size >= this.concurrency) {
      this.violations.push(
        `${id} started with ${this.running.size} running of ${this.concurrency}`,
      );
    }
    const task = this.known.get(id) as Known;
    for (const other of this.queued) {
      const waiting = this.known.get(other) as Known;
      if (other !== id && comesFirst(waiting, task)) {
        this.violations.push(
          `${id} (p${task.priority}) started before ${other} (p${waiting.priority})`,
        );
      }
    }
    this.queued.delete(id);
    this.running.add(id);
  }
}

describe('AsyncScheduler flow control', () => {
  it('keeps its promises under any mix of pauses, priority and concurrency changes and cancels', async () => {
    await fc.assert(
      fc.asyncProperty(
        concurrencyArb,
        fc.array(opArb, { maxLength: 60, size: 'medium' }),
        async (initialConcurrency, ops) => {
          const { scheduler } = createHarness({ concurrency: initialConcurrency });
          const observer = new FlowObserver(initialConcurrency);
          scheduler.transitions$.subscribe((t) => {
            observer.see(t);
          });
          const gate = new Gate<string>('gated');
          const ids: string[] = [];
          const pick = (n: number): string | undefined => ids[n % Math.max(1, ids.length)];

          for (const op of ops) {
            switch (op.kind) {
              case 'submit': {
                const seq = ids.length;
                const id = scheduler.submit(gate.task, { priority: op.priority }).id;
                // Known once it is submitted: it may have started within the call.
                ids.push(id);
                observer.known.set(id, { id, seq, priority: op.priority });
                break;
              }
              case 'pause':
                scheduler.pause();
                observer.paused = true;
                break;
              case 'resume':
                observer.paused = false;
                scheduler.resume();
                break;
              case 'setPriority': {
                const among = op.queuedOnly ? [...observer.queued] : ids;
                const id = among[op.pick % Math.max(1, among.length)];
                if (id === undefined) break;
                const waiting = scheduler.taskState(id);
                const known = observer.known.get(id) as Known;
                const previous = known.priority;
                // Set first: the scheduler may reorder before the call returns.
                known.priority = op.priority;
                const changed = scheduler.setPriority(id, op.priority);
                const shouldChange =
                  waiting === TaskState.SUBMITTED || waiting === TaskState.SCHEDULED;
                expect(changed).toBe(shouldChange);
                if (!changed) known.priority = previous;
                expect(scheduler.taskInfo(id).priority).toBe(known.priority);
                break;
              }
              case 'concurrency':
                // Raised, tasks start within the call: the observer must know the new value.
                observer.concurrency = op.value;
                scheduler.concurrency = op.value;
                break;
              case 'cancel': {
                const id = pick(op.pick);
                if (id !== undefined) await scheduler.cancelTask(id);
                break;
              }
              case 'settle': {
                const started = [...observer.running];
                const id = started[op.pick % Math.max(1, started.length)];
                if (id === undefined) break;
                if (op.ok) await gate.resolve(id, 'ok');
                else await gate.reject(id, new Error('body failed'));
                break;
              }
            }
            await flushMicrotasks();
            expect(observer.violations).toEqual([]);
          }

          observer.paused = false;
          await scheduler.stop({ cancel: true });
          expect(observer.violations).toEqual([]);
          for (const id of ids) expect(observer.finals.get(id)).toHaveLength(1);
          expect(observer.finals.size).toBe(ids.length);
          expect(scheduler.runningCount).toBe(0);
          expect(scheduler.queuedCount).toBe(0);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
