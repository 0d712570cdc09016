import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, isFinished, type TaskTransition } from '../../../src/index.js';
import { flushMicrotasks, ManualClock } from '../../support/ManualClock.js';
import { T0 } from '../../support/harness.js';

/*
 * Properties of the queueing policies (retries, delays, the rate limit) under random mixes of
 * them, with cancels, pauses, priority changes and clock moves, on the injected clock: whatever happens, every task ends
 * in exactly one final state, no task runs more attempts than its policy allows, no task starts
 * before its runAfter, no window of perMs holds more than max starts, nothing starts while the
 * scheduler is paused, and the lane never runs more than its concurrency.
 */

const NUM_RUNS = Number(process.env['FC_NUM_RUNS'] ?? 100);

interface PlannedTask {
  /** Attempts that fail before one succeeds (may exceed `attempts`: then it ends FAILED). */
  readonly failures: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly exponential: boolean;
  readonly delayMs: number;
  readonly priority: number;
  /** How long each attempt runs, ms. */
  readonly runMs: number;
  /** A limit that some attempts exceed (runMs > timeoutMs: every attempt times out). */
  readonly timeoutMs: number;
}

type Op =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'cancel'; readonly task: number }
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'setPriority'; readonly task: number; readonly priority: number };

const taskArb: fc.Arbitrary<PlannedTask> = fc.record({
  failures: fc.integer({ min: 0, max: 4 }),
  attempts: fc.integer({ min: 1, max: 4 }),
  backoffMs: fc.integer({ min: 0, max: 30 }),
  exponential: fc.boolean(),
  delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
  priority: fc.integer({ min: 0, max: 3 }),
  runMs: fc.integer({ min: 0, max: 20 }),
  timeoutMs: fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 25 })),
});

const opArb = (tasks: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        ms: fc.integer({ min: 0, max: 40 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('cancel' as const),
        task: fc.nat({ max: tasks - 1 }),
      }),
    },
  );

const scenarioArb = fc
  .record({
    tasks: fc.array(taskArb, { minLength: 1, maxLength: 10 }),
    concurrency: fc.integer({ min: 1, max: 3 }),
    rateLimit: fc.option(
      fc.record({ max: fc.integer({ min: 1, max: 3 }), perMs: fc.integer({ min: 1, max: 30 }) }),
      {
        nil: undefined,
      },
    ),
  })
  .chain((scenario) =>
    fc.record({
      scenario: fc.constant(scenario),
      ops: fc.array(opArb(scenario.tasks.length), { maxLength: 25 }),
    }),
  );

/** A body that runs `runMs` on the clock, then fails while its task has failures left. */
function plannedTask(clock: ManualClock, plan: PlannedTask, index: number): AsyncTask {
  let calls = 0;
  return new AsyncTask(`t${index}`, ({ signal }) => {
    calls++;
    const fails = calls <= plan.failures;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        if (fails) reject(new Error(`failure ${calls}`));
        else resolve(calls);
      }, plan.runMs);
      signal.addEventListener('abort', () => {
        clock.clearTimeout(timer);
        reject(signal.reason as Error);
      });
    });
  });
}

describe('queueing policies (property)', () => {
  it('keep every invariant under random retries, delays, rate limits, cancels, pauses, priority changes and clock moves', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ scenario, ops }) => {
        const clock = new ManualClock(T0);
        const scheduler = new AsyncScheduler({
          clock,
          concurrency: scenario.concurrency,
          ...(scenario.rateLimit === undefined ? {} : { rateLimit: scenario.rateLimit }),
          autoStart: true,
        });
        const log: TaskTransition[] = [];
        let running = 0;
        let maxRunning = 0;
        let startedWhilePaused = 0;
        scheduler.transitions$.subscribe((t) => {
          log.push(t);
          if (t.to === 'STARTED') {
            maxRunning = Math.max(maxRunning, ++running);
            if (scheduler.isPaused) startedWhilePaused++;
          }
          if (t.from === 'STARTED') running--;
        });
        const handles = scenario.tasks.map((plan, i) =>
          scheduler.submit(plannedTask(clock, plan, i), {
            priority: plan.priority,
            ...(plan.delayMs > 0 ? { delayMs: plan.delayMs } : {}),
            ...(plan.timeoutMs > 0 ? { timeoutMs: plan.timeoutMs } : {}),
            retry: {
              attempts: plan.attempts,
              backoff: {
                type: plan.exponential ? 'exponential' : 'fixed',
                delayMs: plan.backoffMs,
                jitter: false,
              },
            },
          }),
        );
        for (const op of ops) {
          if (op.kind === 'advance') await clock.advance(op.ms);
          else if (op.kind === 'cancel') await handles[op.task]?.cancel('property cancel');
          else if (op.kind === 'pause') scheduler.pause();
          else if (op.kind === 'resume') scheduler.resume();
          else {
            const handle = handles[op.task] as (typeof handles)[number];
            const waiting = handle.state === 'SUBMITTED' || handle.state === 'SCHEDULED';
            expect(scheduler.setPriority(handle.id, op.priority)).toBe(waiting);
            if (waiting) expect(handle.info().priority).toBe(op.priority);
          }
          await flushMicrotasks();
        }
        scheduler.resume();
        // Let everything finish: the longest chain is bounded by the plan's numbers.
        for (let i = 0; i < 200 && scheduler.queuedCount + scheduler.runningCount > 0; i++) {
          await clock.advance(50);
        }
        await scheduler.stop({ cancel: true });

        for (const [i, handle] of handles.entries()) {
          const plan = scenario.tasks[i] as PlannedTask;
          const own = log.filter((t) => t.id === handle.id);
          // Exactly one final state, and it is the last transition.
          expect(own.filter((t) => isFinished(t.to))).toHaveLength(1);
          expect(isFinished(own.at(-1)?.to ?? 'NEW')).toBe(true);
          // Never more attempts than the policy allows; a retry only with attempts left.
          const starts = own.filter((t) => t.to === 'STARTED');
          expect(starts.length).toBeLessThanOrEqual(plan.attempts);
          expect(own.filter((t) => t.reason === 'retry').length).toBeLessThanOrEqual(
            plan.attempts - 1,
          );
          // Never started before the runAfter it waited for.
          own.forEach((t, k) => {
            if (t.to !== 'STARTED') return;
            const runAfter = own[k - 1]?.info.runAfter;
            if (runAfter !== undefined) expect(t.at).toBeGreaterThanOrEqual(runAfter);
          });
          // The attempt is the current one: a task canceled while waiting out a backoff is on
          // the attempt after its last start.
          const retries = own.filter((t) => t.reason === 'retry').length;
          expect(handle.info().attempt).toBe(1 + retries);
          expect(handle.info().attempts).toHaveLength(retries);
        }
        expect(maxRunning).toBeLessThanOrEqual(scenario.concurrency);
        expect(startedWhilePaused).toBe(0);
        if (scenario.rateLimit !== undefined) {
          const { max, perMs } = scenario.rateLimit;
          const starts = log.filter((t) => t.to === 'STARTED').map((t) => t.at);
          for (let k = 0; k + max < starts.length; k++) {
            expect(starts[k + max]! - starts[k]!).toBeGreaterThanOrEqual(perMs);
          }
        }
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
