import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  TaskState,
  UnrecoverableError,
  isFinished,
  type TaskContext,
  type TaskInfo,
} from '../../src/index.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
  untilState,
} from './support/bullmqTestKit.js';

/**
 * Runs per property: each run goes through Redis and real workers, so a handful (the run's
 * FC_NUM_RUNS is for in-memory properties).
 */
const RUNS = 8;
const TIMEOUT_MS = 100;
/** How long a run's tasks may take to end before the run fails instead of hanging: a bound on liveness. */
const LIVENESS_BOUND_MS = 5_000;
const LOST_WORKER_MS = 1_000;

/** What a task's body does. */
type Outcome = 'done' | 'fail' | 'unrecoverable' | 'timeout' | 'untilCanceled';
/** When the test cancels it. */
type CancelAt = 'never' | 'atSubmit' | 'whenStarted';

interface Plan {
  readonly outcome: Outcome;
  readonly cancelAt: CancelAt;
  readonly attempts: 1 | 2;
}

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    outcome: fc.constantFrom<Outcome>('done', 'fail', 'unrecoverable', 'timeout', 'untilCanceled'),
    cancelAt: fc.constantFrom<CancelAt>('never', 'atSubmit', 'whenStarted'),
    attempts: fc.constantFrom<1 | 2>(1, 2),
  })
  // A body that waits for its cancel needs one.
  .map((plan) =>
    plan.outcome === 'untilCanceled' && plan.cancelAt === 'never'
      ? { ...plan, cancelAt: 'whenStarted' as const }
      : plan,
  );

/** The final state a plan must reach, or undefined where a race may decide either way. */
function expectedState(plan: Plan): TaskState | undefined {
  if (plan.cancelAt === 'atSubmit') return TaskState.CANCELED;
  if (plan.outcome === 'untilCanceled') return TaskState.CANCELED;
  if (plan.cancelAt === 'whenStarted') return undefined;
  return {
    done: TaskState.DONE,
    fail: TaskState.FAILED,
    unrecoverable: TaskState.FAILED,
    timeout: TaskState.TIMED_OUT,
  }[plan.outcome];
}

const ALLOWED_EDGES = new Set([
  'NEW→SUBMITTED',
  'SUBMITTED→SCHEDULED',
  'SCHEDULED→STARTED',
  'STARTED→SCHEDULED',
  'STARTED→DONE',
  'STARTED→FAILED',
  'STARTED→TIMED_OUT',
  'STARTED→CANCELED',
  'NEW→CANCELED',
  'SUBMITTED→CANCELED',
  'SCHEDULED→CANCELED',
]);

/** The worker's body: does what the plan (its first argument) says. */
function act({ args: [outcome], signal }: TaskContext): unknown {
  const untilAborted = (): Promise<never> =>
    new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        reject(signal.reason as Error);
      });
    });
  switch (outcome as Outcome) {
    case 'done':
      return 'done';
    case 'fail':
      throw new Error('planned failure');
    case 'unrecoverable':
      throw new UnrecoverableError('planned, for good');
    default:
      return untilAborted();
  }
}

const task = new AsyncTask<[Outcome]>('act', { handler: 'act' });

describeWithRedis('BullMQScheduler (properties)', () => {
  describe('random mixes of outcomes, retries and cancels', () => {
    it('end every task in exactly one final state, by allowed edges, with ordered stamps', async () => {
      const lane = queueUnderTest('outcomes');
      await fc.assert(
        fc.asyncProperty(fc.array(planArb, { minLength: 1, maxLength: 8 }), async (plans) => {
          // A worker per run: whatever a run leaves running there ends with it.
          const worker = await lane.worker({ concurrency: 4, handlers: { act } });
          const finals: string[] = [];
          const s = lane.scheduler({
            name: `run-${Math.random().toString(36).slice(2)}`,
            // A cancel no worker heeds ends here soon (cancel.test.ts tests that workers heed them).
            lostWorkerMs: LOST_WORKER_MS,
            onDone: (info) => finals.push(info.id),
            onError: (info) => finals.push(info.id),
            onTimeout: (info) => finals.push(info.id),
            onCancel: (info) => finals.push(info.id),
          });
          const log = logTransitions(s);
          const ids = plans.map((plan) => {
            const id = s.submit(task, {
              args: [plan.outcome],
              retry: { attempts: plan.attempts },
              ...(plan.outcome === 'timeout' ? { timeoutMs: TIMEOUT_MS } : {}),
            }).id;
            if (plan.cancelAt === 'atSubmit') void s.cancelTask(id, 'at submit');
            if (plan.cancelAt === 'whenStarted') {
              void untilState(s, id, TaskState.STARTED).then(
                () => s.cancelTask(id, 'when started'),
                () => false,
              );
            }
            return id;
          });
          const infos: TaskInfo[] = await Promise.all(
            ids.map((id) => s.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS })),
          );
          await s.stop();
          await worker.close({ force: true });

          infos.forEach((info, i) => {
            const plan = plans[i]!;
            const expected = expectedState(plan);
            if (expected !== undefined) expect(info.state, JSON.stringify(plan)).toBe(expected);
            expect(stampProblems(info)).toEqual([]);
            const steps = log.steps(info.id);
            expect(steps.filter((step) => !ALLOWED_EDGES.has(step))).toEqual([]);
            expect(log.all.filter((t) => t.id === info.id && isFinished(t.to))).toHaveLength(1);
            expect(finals.filter((id) => id === info.id)).toHaveLength(1);
            expect(info.attempt).toBeLessThanOrEqual(plan.attempts);
            if (plan.outcome === 'unrecoverable') expect(info.attempt).toBe(1);
          });
        }),
        { numRuns: RUNS },
      );
    });
  });
});
