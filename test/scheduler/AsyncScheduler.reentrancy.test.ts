import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  SchedulerStoppedError,
  type AsyncScheduler,
  type AsyncSchedulerOptions,
} from '../../src/index.js';
import { isSettled } from '../support/deferred.js';
import { createHarness, echoTask, Gate, hangingTask } from '../support/harness.js';

/** A harness whose callbacks can reach the scheduler they belong to. */
function withSelf(
  makeOptions: (self: () => AsyncScheduler) => Omit<AsyncSchedulerOptions, 'clock'>,
  start = true,
) {
  const holder: { scheduler?: AsyncScheduler } = {};
  const harness = createHarness(
    makeOptions(() => holder.scheduler!),
    { start },
  );
  holder.scheduler = harness.scheduler;
  return harness;
}

describe('AsyncScheduler', () => {
  describe('callbacks that call back into the scheduler', () => {
    it('may cancel their own task from onStart: the body then never runs', async () => {
      const { scheduler } = withSelf((self) => ({
        onStart: (info) => {
          void self().cancelTask(info.id, 'vetoed');
        },
      }));
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const info = await scheduler.waitTask(id);
      expect(info.state).toBe('CANCELED');
      expect(info.reason).toBe('vetoed');
      expect(gate.has(id)).toBe(false);
      expect(scheduler.runningCount).toBe(0);
    });

    it('may cancel their own task from onSchedule: it never takes a slot', async () => {
      const { scheduler, steps } = withSelf((self) => ({
        concurrency: 1,
        onSchedule: (info) => {
          if (info.name === 'vetoed') void self().cancelTask(info.id);
        },
      }));
      const gate = new Gate('kept');
      const vetoed = scheduler.submitTask(new AsyncTask('vetoed', () => 'never'));
      const kept = scheduler.submitTask(gate.task);
      await gate.started(kept);
      expect(steps(vetoed)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→SCHEDULED', 'SCHEDULED→CANCELED']);
      expect(scheduler.queuedCount).toBe(0);
      expect(scheduler.runningCount).toBe(1);
    });

    it('may cancel their own task from onSubmit, before the lane started', async () => {
      const { scheduler, steps } = withSelf(
        (self) => ({
          onSubmit: (info) => {
            void self().cancelTask(info.id);
          },
        }),
        false,
      );
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      expect(scheduler.taskState(id)).toBe('CANCELED');
      scheduler.start();
      await scheduler.stop();
      expect(gate.has(id)).toBe(false);
      expect(steps(id)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→CANCELED']);
    });

    it('may submit from onDone; every listener sees transitions in the order they happened', async () => {
      const children: string[] = [];
      const { scheduler, transitions } = withSelf((self) => ({
        onDone: (info) => {
          if (info.name === 'parent') children.push(self().submitTask(echoTask('child'), 'c'));
        },
      }));
      const id = scheduler.submitTask(new AsyncTask('parent', () => 'p'));
      await scheduler.waitTask(id);
      await scheduler.waitTask(children[0]!);
      const seen = transitions.map((t) => `${t.name}:${t.to}`);
      expect(seen).toEqual([
        'parent:SUBMITTED',
        'parent:SCHEDULED',
        'parent:STARTED',
        'parent:DONE',
        'child:SUBMITTED',
        'child:SCHEDULED',
        'child:STARTED',
        'child:DONE',
      ]);
    });

    it('may take the freed slot from onDone without exceeding concurrency', async () => {
      const { scheduler } = withSelf((self) => ({
        concurrency: 1,
        onDone: (info) => {
          if (info.name === 'first')
            self().submitTask(hangingTask('from-callback', { priority: 9 }));
        },
      }));
      const gate = new Gate('first');
      const first = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(hangingTask('queued'));
      await gate.resolve(first, 'x');
      await scheduler.waitTask(first);
      expect(scheduler.runningCount).toBe(1);
      expect(scheduler.queuedCount).toBe(1);
      // The callback's task has the higher priority, so it took the slot.
      expect(scheduler.taskState(queued)).toBe('SCHEDULED');
    });

    it('may stop the scheduler from onDone, and the stop completes', async () => {
      const stops: Promise<void>[] = [];
      const { scheduler } = withSelf((self) => ({
        onDone: () => {
          stops.push(self().stop());
        },
      }));
      let completed = false;
      scheduler.transitions$.subscribe({ complete: () => (completed = true) });
      const id = scheduler.submitTask(echoTask(), 'last');
      await scheduler.waitTask(id);
      expect(stops).toHaveLength(1);
      await stops[0];
      expect(completed).toBe(true);
      expect(() => scheduler.submitTask(echoTask())).toThrow(SchedulerStoppedError);
    });

    it('may cancel every other task from onError', async () => {
      const { scheduler } = withSelf((self) => ({
        onError: () => {
          for (const info of self().dumpTask()) void self().cancelTask(info.id, 'sibling failed');
        },
      }));
      const gate = new Gate();
      const siblings = [1, 2, 3].map(() => scheduler.submitTask(hangingTask()));
      const failing = scheduler.submitTask(gate.task);
      await gate.reject(failing, new Error('boom'));
      await Promise.all(siblings.map((id) => scheduler.waitTask(id)));
      for (const id of siblings) {
        expect(scheduler.taskInfo(id)).toMatchObject({
          state: 'CANCELED',
          reason: 'sibling failed',
        });
      }
      expect(scheduler.taskState(failing)).toBe('FAILED');
    });

    it('are refused a submit once stop() was called, even from a callback stop() itself runs', async () => {
      const submitted: unknown[] = [];
      const { scheduler, errors } = withSelf((self) => ({
        onCancel: () => {
          submitted.push(self().submitTask(echoTask('late')));
        },
      }));
      scheduler.submitTask(hangingTask());
      await scheduler.stop({ cancel: true });
      expect(submitted).toEqual([]);
      expect(scheduler.dumpTask().map((i) => i.name)).toEqual(['hang']);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.code).toBe('ERR_CALLBACK_FAILED');
      expect(errors[0]!.cause).toBeInstanceOf(SchedulerStoppedError);
    });

    it('cannot keep stop({ cancel: true }) from resolving by submitting from onCancel', async () => {
      const { scheduler } = withSelf((self) => ({
        onCancel: (info) => {
          if (info.name === 'hang') self().submitTask(hangingTask('sneaked-in'));
        },
      }));
      scheduler.submitTask(hangingTask());
      const stopped = scheduler.stop({ cancel: true });
      expect(await isSettled(stopped)).toBe(true);
      const states = scheduler.dumpTask().map((i) => i.state);
      expect(states.every((state) => state === 'CANCELED')).toBe(true);
    });
  });
});
