import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordEscapes } from '../../support/escapedErrors.js';
import {
  AsyncScheduler,
  AsyncTask,
  SchedulerThread,
  SyncTask,
  isFinished,
  type SchedulerError,
  type TaskTransition,
} from '../../../src/index.js';

/*
 * Chaos for threads (issue #16): lane threads and executor threads that exit, throw, run out of
 * memory (small resourceLimits), hang past their timeouts, and return hostile values, mixed with
 * cancels and a stop. Whatever happens: nothing escapes to the process, stop() resolves, and every
 * id a submit returned ends in exactly one final state.
 *
 * Each run starts real threads, so the run count is a twentieth of FC_NUM_RUNS.
 */

const NUM_RUNS = Math.max(3, Math.round(Number(process.env['FC_NUM_RUNS'] ?? 100) / 20));
const CHAOS = new URL('../../fixtures/thread/chaos.mjs', import.meta.url);

/** Small enough that outOfMemory ends its thread at once. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 };
/** Fast restarts, so a run's crashes do not make it wait. */
const RESTART = { maxRestarts: 3, windowMs: 1_000, baseDelayMs: 1, maxDelayMs: 20 };

const escaped = recordEscapes();

type Body =
  | 'ok'
  | 'throwError'
  | 'throwNonError'
  | 'throwTrapProxy'
  | 'thenThrows'
  | 'exitThread'
  | 'uncaught'
  | 'outOfMemory'
  | 'hang'
  | 'spin';

/** Bodies an AsyncTask runs in the lane thread (no OOM: resourceLimits bound executors only). */
const LANE_BODIES: readonly Body[] = [
  'ok',
  'throwError',
  'throwNonError',
  'throwTrapProxy',
  'thenThrows',
  'exitThread',
  'uncaught',
  'hang',
  'spin',
];
const laneBodyArb = fc.constantFrom(...LANE_BODIES);
const executorBodyArb = fc.constantFrom<Body>(...LANE_BODIES, 'outOfMemory');

interface Submit {
  readonly kind: 'async' | 'sync';
  readonly body: Body;
  readonly timeoutMs: number;
  /** Cancel it right after submitting the whole batch. */
  readonly cancel: boolean;
}

const submitArb: fc.Arbitrary<Submit> = fc.oneof(
  fc.record({
    kind: fc.constant('async' as const),
    body: laneBodyArb,
    timeoutMs: fc.constantFrom(0, 30),
    cancel: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('sync' as const),
    body: executorBodyArb,
    timeoutMs: fc.constantFrom(0, 30),
    cancel: fc.boolean(),
  }),
);

type Scheduler = AsyncScheduler | SchedulerThread;

/** Submits the batch, cancels some, stops (draining up to a bound, then canceling), and accounts. */
async function runChaos(
  scheduler: Scheduler,
  submits: readonly Submit[],
  lane: boolean,
): Promise<void> {
  const transitions: TaskTransition[] = [];
  const errors: SchedulerError[] = [];
  scheduler.transitions$.subscribe((transition) => transitions.push(transition));
  scheduler.errors$.subscribe((error) => errors.push(error));
  scheduler.start();
  const ids: string[] = [];
  for (const [index, submit] of submits.entries()) {
    const options = submit.timeoutMs > 0 ? { timeoutMs: submit.timeoutMs } : {};
    const ref = { module: CHAOS, export: submit.body };
    // An AsyncScheduler runs only the SyncTasks: its AsyncTasks would run on this very loop.
    const task =
      submit.kind === 'async' && lane
        ? new AsyncTask(`${submit.body}#${index}`, ref, options)
        : new SyncTask(`${submit.body}#${index}`, ref, options);
    ids.push(scheduler.submitTask(task, index));
  }
  const cancels = submits.flatMap((submit, index) =>
    submit.cancel ? [scheduler.cancelTask(ids[index] as string, 'chaos')] : [],
  );
  await scheduler.stop({ timeoutMs: 300 });
  await Promise.all(cancels);
  await new Promise((resolve) => {
    setImmediate(resolve);
  });
  expect(escaped).toEqual([]);
  for (const id of ids) {
    expect(isFinished(scheduler.taskState(id))).toBe(true);
    expect(transitions.filter((t) => t.id === id && isFinished(t.to))).toHaveLength(1);
  }
}

describe('SchedulerThread', () => {
  describe('under thread chaos (exit, throw, OOM, timeouts, crashing lane threads)', () => {
    it('lets nothing escape, stops, and ends every id exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(submitArb, { minLength: 1, maxLength: 10 }), async (submits) => {
          escaped.length = 0;
          const scheduler = new SchedulerThread('chaos', {
            concurrency: 4,
            threads: 2,
            resourceLimits: RESOURCE_LIMITS,
            restart: RESTART,
          });
          await runChaos(scheduler, submits, true);
        }),
        { numRuns: NUM_RUNS },
      );
    }, 120_000);
  });
});

describe('SchedulerThread', () => {
  describe('given the hostile bodies of issue #16', () => {
    it('ends them FAILED with ERR_HOSTILE_VALUE in the lane and executor threads, before and after start(), and runs the next task', async () => {
      for (const startFirst of [true, false]) {
        const scheduler = new SchedulerThread('hostile', { concurrency: 1, threads: 1 });
        if (startFirst) scheduler.start();
        const hostile = (['thenThrows', 'throwTrapProxy'] as const).flatMap((body) => [
          scheduler.submitTask(new AsyncTask(body, { module: CHAOS, export: body })),
          scheduler.submitTask(new SyncTask(body, { module: CHAOS, export: body })),
        ]);
        const next = scheduler.submitTask(new AsyncTask('ok', { module: CHAOS, export: 'ok' }), 7);
        if (!startFirst) scheduler.start();
        expect(await scheduler.result(next)).toBe(7);
        for (const id of hostile) {
          const info = await scheduler.waitTask(id);
          expect(info.state).toBe('FAILED');
          expect(info.error?.code).toBe('ERR_HOSTILE_VALUE');
        }
        await scheduler.stop();
      }
      expect(escaped).toEqual([]);
    });
  });
});

describe('AsyncScheduler', () => {
  describe('under executor-thread chaos (exit, throw, OOM, timeouts)', () => {
    it('lets nothing escape, stops, and ends every id exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(submitArb, { minLength: 1, maxLength: 10 }), async (submits) => {
          escaped.length = 0;
          const scheduler = new AsyncScheduler({
            threads: 2,
            resourceLimits: RESOURCE_LIMITS,
            restart: RESTART,
          });
          await runChaos(scheduler, submits, false);
        }),
        { numRuns: NUM_RUNS },
      );
    }, 120_000);
  });
});
