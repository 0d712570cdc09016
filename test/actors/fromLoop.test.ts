import { describe, expect, it } from 'vitest';
import type { ExecutionJob, ExecutionSink } from '../../src/actors/executor.js';
import { fromLoop } from '../../src/actors/fromLoop.js';
import type { TaskContext, TaskFn } from '../../src/index.js';
import { deferred } from '../support/deferred.js';

type Outcome = { kind: 'succeed'; value: unknown } | { kind: 'fail'; error: unknown };

function job(body: ExecutionJob['body'], args: unknown[] = []): ExecutionJob {
  return { id: 'job-1', name: 'job', lane: 'main', args, body };
}

/** A sink that records outcomes and resolves `first` on the first one. */
function createSink() {
  const outcomes: Outcome[] = [];
  const first = deferred<Outcome>();
  const sink: ExecutionSink = {
    succeed: (_, value) => {
      outcomes.push({ kind: 'succeed', value });
      first.resolve({ kind: 'succeed', value });
    },
    fail: (_, error) => {
      outcomes.push({ kind: 'fail', error });
      first.resolve({ kind: 'fail', error });
    },
  };
  return { sink, outcomes, first: first.promise };
}

describe('fromLoop()', () => {
  describe('.execute()', () => {
    it('calls the body at once with its context', () => {
      const { sink } = createSink();
      let seen: TaskContext | undefined;
      fromLoop().execute(
        job(
          ((ctx: TaskContext) => {
            seen = ctx;
          }) as TaskFn<readonly unknown[]>,
          [1, 2],
        ),
        sink,
      );
      expect(seen).toMatchObject({ id: 'job-1', name: 'job', lane: 'main', args: [1, 2] });
      expect(seen?.signal).toBeInstanceOf(AbortSignal);
    });

    it('reports a synchronous value later, never inside execute()', async () => {
      const { sink, outcomes, first } = createSink();
      fromLoop().execute(
        job(() => 42),
        sink,
      );
      expect(outcomes).toEqual([]);
      expect(await first).toEqual({ kind: 'succeed', value: 42 });
    });

    it('reports a synchronous throw later, as a failure', async () => {
      const { sink, outcomes, first } = createSink();
      const boom = new Error('sync');
      fromLoop().execute(
        job(() => {
          throw boom;
        }),
        sink,
      );
      expect(outcomes).toEqual([]);
      expect(await first).toEqual({ kind: 'fail', error: boom });
    });

    it('reports a rejection with whatever was rejected', async () => {
      const { sink, first } = createSink();
      fromLoop().execute(
        job(() => {
          // A body may reject with anything; the executor must pass it on as it came.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          return Promise.reject('not an error');
        }),
        sink,
      );
      expect(await first).toEqual({ kind: 'fail', error: 'not an error' });
    });

    it('follows a non-Promise thenable', async () => {
      const { sink, first } = createSink();
      const thenable = {
        then(resolve: (v: string) => void) {
          resolve('from thenable');
        },
      };
      fromLoop().execute(
        job(() => thenable as unknown as Promise<string>),
        sink,
      );
      expect(await first).toEqual({ kind: 'succeed', value: 'from thenable' });
    });
  });

  describe('Execution.abort()', () => {
    it("aborts the body's signal with the reason", async () => {
      const { sink } = createSink();
      const aborted = deferred();
      const execution = fromLoop().execute(
        job(({ signal }) => {
          signal.addEventListener('abort', () => {
            aborted.resolve(signal.reason);
          });
          return new Promise(() => undefined);
        }),
        sink,
      );
      const reason = new Error('stop');
      execution.abort(reason);
      expect(await aborted.promise).toBe(reason);
    });

    it('gives a body that reads its signal only after the abort an aborted signal', async () => {
      const { sink } = createSink();
      const gate = deferred<undefined>();
      const seen = deferred<AbortSignal>();
      const execution = fromLoop().execute(
        job(async (ctx) => {
          await gate.promise;
          seen.resolve(ctx.signal);
        }),
        sink,
      );
      const reason = new Error('late reader');
      execution.abort(reason);
      gate.resolve(undefined);
      const signal = await seen.promise;
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe(reason);
    });

    it('keeps the first reason when aborted twice', async () => {
      const { sink } = createSink();
      let signal: AbortSignal | undefined;
      const execution = fromLoop().execute(
        job((ctx) => {
          signal = ctx.signal;
          return new Promise(() => undefined);
        }),
        sink,
      );
      const first = new Error('first');
      execution.abort(first);
      execution.abort(new Error('second'));
      expect(signal?.reason).toBe(first);
    });
  });

  describe('module references', () => {
    it('loads the module and calls its export', async () => {
      const { sink, first } = createSink();
      fromLoop().execute(
        job({ module: new URL('../fixtures/add.mjs', import.meta.url) }, [2, 3]),
        sink,
      );
      expect(await first).toEqual({ kind: 'succeed', value: 5 });
    });

    it('fails with a TypeError for an export that is not a function', async () => {
      const { sink, first } = createSink();
      fromLoop().execute(
        job({ module: new URL('../fixtures/add.mjs', import.meta.url), export: 'notAFunction' }),
        sink,
      );
      const outcome = await first;
      expect(outcome.kind).toBe('fail');
      expect(outcome.kind === 'fail' && outcome.error).toBeInstanceOf(TypeError);
    });
  });
});
