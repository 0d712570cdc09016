import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerError,
  type AsyncScheduler,
  type TaskCallbacks,
  type TaskInfo,
  type TaskState,
} from '../../src/index.js';
import { createHarness, echoTask, Gate, hangingTask } from '../support/harness.js';

type CallbackName = keyof TaskCallbacks;
interface Call {
  readonly owner: 'task' | 'scheduler';
  readonly name: CallbackName;
  readonly info: TaskInfo;
  /** `taskState(id)` as read inside the callback. */
  readonly stateThen: TaskState;
  readonly frozen: boolean;
}

const NAMES: CallbackName[] = [
  'onSubmit',
  'onSchedule',
  'onStart',
  'onDone',
  'onError',
  'onTimeout',
  'onCancel',
];

/** Callbacks for every state that record each call; `scheduler()` is set once it exists. */
function recorder(owner: Call['owner'], calls: Call[], scheduler: () => AsyncScheduler) {
  const callbacks: TaskCallbacks = {};
  for (const name of NAMES) {
    callbacks[name] = (info) => {
      calls.push({
        owner,
        name,
        info,
        stateThen: scheduler().taskState(info.id),
        frozen: Object.isFrozen(info),
      });
    };
  }
  return callbacks;
}

function setup(options: { concurrency?: number } = {}) {
  const calls: Call[] = [];
  const holder: { scheduler?: AsyncScheduler } = {};
  const schedulerOf = (): AsyncScheduler => holder.scheduler!;
  const harness = createHarness({ ...options, ...recorder('scheduler', calls, schedulerOf) });
  holder.scheduler = harness.scheduler;
  const taskCallbacks = recorder('task', calls, schedulerOf);
  return { ...harness, calls, taskCallbacks };
}

describe('AsyncScheduler', () => {
  describe('on* callbacks', () => {
    it.each([
      ['DONE', 'onDone'],
      ['FAILED', 'onError'],
      ['TIMED_OUT', 'onTimeout'],
      ['CANCELED', 'onCancel'],
    ] as const)(
      'calls each of a task ending %s once, task first then scheduler, with a frozen info after its state is entered',
      async (final, finalCallback) => {
        const { scheduler, clock, calls, taskCallbacks } = setup();
        const gate = new Gate('cb', { ...taskCallbacks, timeoutMs: 100 });
        const id = scheduler.submitTask(gate.task);
        if (final === 'DONE') await gate.resolve(id, 'ok');
        if (final === 'FAILED') await gate.reject(id, new Error('no'));
        if (final === 'TIMED_OUT') await clock.advance(100);
        if (final === 'CANCELED') await scheduler.cancelTask(id);
        await scheduler.waitTask(id);
        const expected: [string, CallbackName, TaskState][] = [];
        for (const [name, state] of [
          ['onSubmit', 'SUBMITTED'],
          ['onSchedule', 'SCHEDULED'],
          ['onStart', 'STARTED'],
          [finalCallback, final],
        ] as const) {
          expected.push(['task', name, state], ['scheduler', name, state]);
        }
        expect(calls.map((c) => [c.owner, c.name, c.info.state])).toEqual(expected);
        for (const call of calls) {
          expect(call.frozen).toBe(true);
          expect(call.info.id).toBe(id);
          expect(call.stateThen).toBe(call.info.state);
        }
        await clock.advance(1000);
        expect(calls).toHaveLength(8);
      },
    );

    it('calls onCancel of a task canceled while queued, and no onStart', async () => {
      const { scheduler, calls, taskCallbacks } = setup({ concurrency: 1 });
      scheduler.submitTask(hangingTask());
      const id = scheduler.submitTask(new AsyncTask('queued', () => 1, taskCallbacks));
      await scheduler.cancelTask(id);
      const mine = calls.filter((c) => c.info.id === id && c.owner === 'task');
      expect(mine.map((c) => c.name)).toEqual(['onSubmit', 'onSchedule', 'onCancel']);
    });

    it('gives each callback the info as it was when its state was entered', async () => {
      const { scheduler, clock, calls, taskCallbacks } = setup();
      const gate = new Gate('t', taskCallbacks);
      const id = scheduler.submitTask(gate.task);
      await clock.advance(30);
      await gate.resolve(id, 'r');
      await scheduler.waitTask(id);
      const start = calls.find((c) => c.name === 'onStart' && c.owner === 'task')!.info;
      const done = calls.find((c) => c.name === 'onDone' && c.owner === 'task')!.info;
      expect(start.runMs).toBe(0);
      expect(start.ts.done).toBeUndefined();
      expect(done.runMs).toBe(30);
      expect(done.result).toBe('r');
    });

    describe('that throw', () => {
      it('report a CALLBACK_FAILED error on errors$ and change nothing about the outcome', async () => {
        const boom = new Error('callback broke');
        const { scheduler, errors, steps } = createHarness({
          onStart: () => {
            throw boom;
          },
        });
        let doneCalls = 0;
        const task = new AsyncTask('victim', () => 'fine', {
          onDone: () => {
            doneCalls++;
            // A callback may throw anything; the reporter must cope.
            // eslint-disable-next-line @typescript-eslint/only-throw-error
            throw 'not even an Error';
          },
        });
        const id = scheduler.submitTask(task);
        await expect(scheduler.result(id)).resolves.toBe('fine');
        expect(steps(id).at(-1)).toBe('STARTED→DONE');
        expect(doneCalls).toBe(1);
        expect(errors).toHaveLength(2);
        const [first, second] = errors;
        expect(first).toBeInstanceOf(SchedulerError);
        expect(first!.code).toBe('ERR_CALLBACK_FAILED');
        expect(first!.taskId).toBe(id);
        expect(first!.cause).toBe(boom);
        expect(first!.message).toContain('onStart');
        expect(first!.message).toContain('"victim"');
        expect(first!.message).toContain('callback broke');
        expect(second!.code).toBe('ERR_CALLBACK_FAILED');
        expect(second!.cause).toBe('not even an Error');
        expect(second!.message).toContain('onDone');
      });

      it('still call the scheduler callback when the task callback threw', async () => {
        let schedulerCalls = 0;
        const { scheduler, errors } = createHarness({ onSubmit: () => schedulerCalls++ });
        const task = echoTask('t', {
          onSubmit: () => {
            throw new Error('task callback');
          },
        });
        const id = scheduler.submitTask(task, 1);
        await scheduler.waitTask(id);
        expect(schedulerCalls).toBe(1);
        expect(errors.map((e) => e.code)).toEqual(['ERR_CALLBACK_FAILED']);
      });

      it('report the rejection of an async callback on errors$, outcome unchanged', async () => {
        const boom = new Error('async callback broke');
        const { scheduler, errors } = createHarness({
          // Typed `(info) => void`, so an async function is accepted (this rule would refuse it).
          // eslint-disable-next-line @typescript-eslint/no-misused-promises
          onDone: async () => {
            await Promise.resolve();
            throw boom;
          },
        });
        const id = scheduler.submitTask(echoTask(), 5);
        await expect(scheduler.result(id)).resolves.toBe(5);
        await new Promise((resolve) => setImmediate(resolve));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ code: 'ERR_CALLBACK_FAILED', taskId: id, cause: boom });
        expect(errors[0]!.message).toMatch(/onDone of task "echo" rejected: async callback broke/);
      });

      it('report a rejection that comes after stop() resolved as a process warning', async () => {
        let rejectLate: (error: Error) => void = () => undefined;
        const { scheduler, errors } = createHarness({
          // eslint-disable-next-line @typescript-eslint/no-misused-promises -- what is under test
          onDone: () =>
            new Promise<undefined>((_resolve, reject) => {
              rejectLate = reject;
            }),
        });
        await scheduler.waitTask(scheduler.submitTask(echoTask(), 1));
        await scheduler.stop();
        const warned = new Promise<Error>((resolve) => {
          process.once('warning', resolve);
        });
        rejectLate(new Error('too late'));
        const warning = await warned;
        expect(warning.message).toMatch(/onDone of task "echo" rejected: too late/);
        expect((warning as Error & { code?: string }).code).toBe('ERR_CALLBACK_FAILED');
        expect(errors).toEqual([]);
      });

      it('report a thenable whose then() throws', async () => {
        const { scheduler, errors } = createHarness({
          onDone: () =>
            ({
              then: () => {
                throw new Error('bad thenable');
              },
            }) as unknown as undefined,
        });
        await scheduler.waitTask(scheduler.submitTask(echoTask(), 1));
        expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/bad thenable/)]);
      });

      it('never make submitTask throw', () => {
        const { scheduler } = createHarness({
          onSubmit: () => {
            throw new Error('x');
          },
          onSchedule: () => {
            throw new Error('y');
          },
        });
        expect(() => scheduler.submitTask(echoTask())).not.toThrow();
      });
    });
  });
});
