import { describe, expect, it } from 'vitest';
import { settleReturned, type ReturnedOutcome } from '../../src/actors/settleReturned.js';
import { SchedulerError } from '../../src/errors.js';

const TASK = { name: 'job', id: 'id-1' };

/** Records the outcome, and whether it came inside the settleReturned call. */
function record(returned: unknown): {
  outcomes: { kind: 'succeed' | 'fail'; value: unknown }[];
  reportedInside: boolean;
  settled: Promise<void>;
} {
  const outcomes: { kind: 'succeed' | 'fail'; value: unknown }[] = [];
  let resolveSettled: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    resolveSettled = resolve;
  });
  const outcome: ReturnedOutcome = {
    succeed: (value) => {
      outcomes.push({ kind: 'succeed', value });
      resolveSettled();
    },
    fail: (value) => {
      outcomes.push({ kind: 'fail', value });
      resolveSettled();
    },
  };
  settleReturned(returned, TASK, outcome);
  const reportedInside = outcomes.length > 0;
  return { outcomes, reportedInside, settled };
}

describe('settleReturned()', () => {
  it('reports a plain value on a later microtask, never inside the call', async () => {
    const run = record(42);
    expect(run.reportedInside).toBe(false);
    await run.settled;
    expect(run.outcomes).toEqual([{ kind: 'succeed', value: 42 }]);
  });

  it('follows a native promise to its value or its rejection', async () => {
    const ok = record(Promise.resolve('v'));
    const bad = record(Promise.reject(new Error('no')));
    await Promise.all([ok.settled, bad.settled]);
    expect(ok.outcomes).toEqual([{ kind: 'succeed', value: 'v' }]);
    expect(bad.outcomes[0]?.kind).toBe('fail');
  });

  it.each([
    [
      'a thenable whose then throws',
      () => ({
        then() {
          throw new Error('then threw');
        },
      }),
      /^Task "job" returned a thenable whose `then` threw: then threw$/,
    ],
    [
      'a then getter that throws',
      () =>
        Object.defineProperty({}, 'then', {
          get() {
            throw new Error('getter threw');
          },
        }),
      /^Task "job" returned a value whose `then` throws when read: getter threw$/,
    ],
    [
      'a Proxy whose get trap throws',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap threw');
            },
          },
        ),
      /^Task "job" returned a value whose `then` throws when read: trap threw$/,
    ],
  ])('fails %s with ERR_HOSTILE_VALUE, never throwing', async (_what, make, message) => {
    const run = record(make());
    expect(run.reportedInside).toBe(false);
    await run.settled;
    const failure = run.outcomes[0]?.value as SchedulerError;
    expect(run.outcomes).toHaveLength(1);
    expect(failure).toBeInstanceOf(SchedulerError);
    expect(failure.code).toBe('ERR_HOSTILE_VALUE');
    expect(failure.taskId).toBe('id-1');
    expect(failure.message).toMatch(message);
  });

  it('defers a home-made thenable that calls back at once, and keeps only its first call', async () => {
    const run = record({
      then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
        resolve('first');
        reject(new Error('second'));
      },
    });
    expect(run.reportedInside).toBe(false);
    await run.settled;
    await Promise.resolve();
    expect(run.outcomes).toEqual([{ kind: 'succeed', value: 'first' }]);
  });
});
