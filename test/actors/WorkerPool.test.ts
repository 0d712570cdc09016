import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionJob } from '../../src/actors/executor.js';
import { WorkerPool } from '../../src/actors/fromWorkerPool.js';
import { DEFAULT_RESTART_POLICY } from '../../src/actors/restartPolicy.js';
import { systemClock } from '../../src/clock.js';

const ADD_MODULE = { module: new URL('../fixtures/add.mjs', import.meta.url) };

function job(args: readonly unknown[]): ExecutionJob {
  return { id: 't1', name: 'add', lane: 'test', args, body: ADD_MODULE };
}

describe('WorkerPool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('fails a run whose args cannot be sent, and keeps the thread for the next run', async () => {
    let free: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      free = resolve;
    });
    pool = new WorkerPool({
      size: 1,
      resourceLimits: undefined,
      restart: DEFAULT_RESTART_POLICY,
      clock: systemClock,
      events: {
        slotFree: () => {
          free();
        },
        crashed: () => undefined,
        degraded: () => undefined,
        recovered: () => undefined,
      },
    });
    expect(pool.freeSlots).toBe(0); // starts the thread
    await ready;
    const outcome = await new Promise<{ ok: boolean; value: unknown }>((resolve) => {
      pool?.execute(job([() => 1]), {
        succeed: (_job, value) => {
          resolve({ ok: true, value });
        },
        fail: (_job, error) => {
          resolve({ ok: false, value: error });
        },
      });
      // Busy until the failure is recorded: the lane counts the run as running until then.
      expect(pool?.freeSlots).toBe(0);
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.value).toBeInstanceOf(TypeError);
    expect((outcome.value as Error).message).toMatch(
      /args could not be sent to an executor thread/,
    );
    expect(pool.freeSlots).toBe(1);
    const next = await new Promise((resolve) => {
      pool?.execute(job([2, 3]), {
        succeed: (_job, value) => {
          resolve(value);
        },
        fail: (_job, error) => {
          resolve(error);
        },
      });
    });
    expect(next).toBe(5);
  });
});
