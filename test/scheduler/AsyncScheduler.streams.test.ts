import { map } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SchedulerError, SchedulerErrorCode, type TaskTransition } from '../../src/index.js';
import { createHarness, echoTask, Gate, hangingTask } from '../support/harness.js';

const TS_KEY = {
  SUBMITTED: 'submit',
  SCHEDULED: 'schedule',
  STARTED: 'start',
  DONE: 'done',
  FAILED: 'error',
  TIMED_OUT: 'timeout',
  CANCELED: 'cancel',
} as const;

describe('AsyncScheduler', () => {
  describe('.transitions$', () => {
    it('carries every transition of a task, in order, each with its time and info', async () => {
      const { scheduler, clock, transitions } = createHarness({ name: 'lane-x' });
      const gate = new Gate('job');
      const id = scheduler.submitTask(gate.task, 7);
      await clock.advance(12);
      await gate.resolve(id, 'r');
      await scheduler.waitTask(id);
      const mine = transitions.filter((t) => t.id === id);
      expect(mine.map((t) => [t.from, t.to])).toEqual([
        ['NEW', 'SUBMITTED'],
        ['SUBMITTED', 'SCHEDULED'],
        ['SCHEDULED', 'STARTED'],
        ['STARTED', 'DONE'],
      ]);
      for (const t of mine) {
        expect(t.name).toBe('job');
        expect(t.lane).toBe('lane-x');
        expect(t.info.state).toBe(t.to);
        expect(t.info.id).toBe(id);
        expect(t.info.args).toEqual([7]);
        expect(Object.isFrozen(t.info)).toBe(true);
        expect(t.at).toBe(t.info.ts[TS_KEY[t.to as keyof typeof TS_KEY]]);
      }
      expect(mine.at(-1)!.info.result).toBe('r');
      expect(mine.at(-1)!.at - mine[2]!.at).toBe(12);
    });

    it('keeps every timestamp once set, and times only grow, across a mix of outcomes', async () => {
      const { scheduler, clock, transitions } = createHarness({ concurrency: 2 });
      const gate = new Gate('g', { timeoutMs: 30 });
      const ids = Array.from({ length: 6 }, () => scheduler.submitTask(gate.task));
      await clock.advance(10);
      await gate.resolve(ids[0]!, 'a');
      await scheduler.cancelTask(ids[3]!);
      await gate.reject(ids[1]!, new Error('b'));
      await clock.advance(30);
      await clock.advance(30);
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      for (let i = 1; i < transitions.length; i++) {
        expect(transitions[i]!.at).toBeGreaterThanOrEqual(transitions[i - 1]!.at);
      }
      for (const id of ids) {
        const mine = transitions.filter((t) => t.id === id);
        for (let i = 1; i < mine.length; i++) {
          expect(mine[i]!.from).toBe(mine[i - 1]!.to);
          // Every stamp seen earlier is unchanged later.
          expect(mine[i]!.info.ts).toMatchObject(mine[i - 1]!.info.ts);
        }
        expect(
          mine.filter((t) => t.to in { DONE: 1, FAILED: 1, TIMED_OUT: 1, CANCELED: 1 }),
        ).toHaveLength(1);
      }
    });

    it('gives each transition the info of its moment, even when first read after the task ended', async () => {
      const { scheduler, clock, transitions } = createHarness();
      const gate = new Gate('g');
      const id = scheduler.submitTask(gate.task);
      await clock.advance(5);
      await gate.resolve(id, 'r');
      await scheduler.waitTask(id);
      // The info of every transition is read only now, after DONE.
      expect(transitions.map((t) => [t.to, Object.keys(t.info.ts), t.info.state])).toEqual([
        ['SUBMITTED', ['submit'], 'SUBMITTED'],
        ['SCHEDULED', ['submit', 'schedule'], 'SCHEDULED'],
        ['STARTED', ['submit', 'schedule', 'start'], 'STARTED'],
        ['DONE', ['submit', 'schedule', 'start', 'done'], 'DONE'],
      ]);
      expect(transitions[2]!.info.runMs).toBe(0);
      expect(transitions[2]!.info.result).toBeUndefined();
      expect(transitions[3]!.info).toMatchObject({ result: 'r', runMs: 5 });
    });

    it('serializes a transition to JSON with its info', async () => {
      const { scheduler, transitions } = createHarness();
      const id = scheduler.submitTask(echoTask(), { n: 1 });
      await scheduler.waitTask(id);
      const last = JSON.parse(JSON.stringify(transitions.at(-1))) as TaskTransition;
      expect(last).toMatchObject({ id, from: 'STARTED', to: 'DONE', name: 'echo', lane: 'main' });
      expect(last.info).toMatchObject({ id, state: 'DONE', result: { n: 1 }, args: [{ n: 1 }] });
    });

    it('is hot: a late subscriber sees only later transitions', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      const late: TaskTransition[] = [];
      scheduler.transitions$.subscribe((t) => late.push(t));
      await gate.resolve(id, 1);
      await scheduler.waitTask(id);
      expect(late.map((t) => t.to)).toEqual(['DONE']);
    });

    it('stops delivering to a subscriber that unsubscribed', async () => {
      const { scheduler } = createHarness();
      const seen: string[] = [];
      const subscription = scheduler.transitions$.subscribe((t) => seen.push(t.to));
      await scheduler.waitTask(scheduler.submitTask(echoTask()));
      subscription.unsubscribe();
      await scheduler.waitTask(scheduler.submitTask(echoTask()));
      expect(seen).toEqual(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE']);
    });

    describe('a subscriber that throws', () => {
      it('is reported on errors$ as SUBSCRIBER_FAILED; tasks and other subscribers go on', async () => {
        const { scheduler, errors, transitions } = createHarness();
        const boom = new Error('subscriber broke');
        scheduler.transitions$.subscribe((t) => {
          if (t.to === 'STARTED') throw boom;
        });
        const after: string[] = [];
        scheduler.transitions$.subscribe((t) => after.push(t.to));
        const id = scheduler.submitTask(echoTask(), 'v');
        await expect(scheduler.result(id)).resolves.toBe('v');
        expect(after).toEqual(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE']);
        expect(transitions.filter((t) => t.id === id)).toHaveLength(4);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toBeInstanceOf(SchedulerError);
        expect(errors[0]!.code).toBe('ERR_SUBSCRIBER_FAILED');
        expect(errors[0]!.cause).toBe(boom);
        // The transition it was handed names the task.
        expect(errors[0]!.taskId).toBe(id);
        expect(errors[0]!.message).toBe('A transitions$ subscriber threw');
      });

      it('keeps receiving later transitions', async () => {
        const { scheduler, errors } = createHarness();
        let calls = 0;
        scheduler.transitions$.subscribe(() => {
          calls++;
          throw new Error('always');
        });
        await scheduler.waitTask(scheduler.submitTask(echoTask()));
        expect(calls).toBe(4);
        expect(errors).toHaveLength(4);
      });

      it('in an operator chain errors only that chain', async () => {
        const { scheduler } = createHarness();
        const chainErrors: unknown[] = [];
        scheduler.transitions$
          .pipe(
            map((t) => {
              if (t.to === 'SCHEDULED') throw new Error('map broke');
              return t.to;
            }),
          )
          .subscribe({ error: (e: unknown) => chainErrors.push(e) });
        const id = scheduler.submitTask(echoTask(), 'ok');
        await expect(scheduler.result(id)).resolves.toBe('ok');
        expect(chainErrors).toEqual([new Error('map broke')]);
      });

      describe('in its complete handler', () => {
        afterEach(() => {
          vi.restoreAllMocks();
        });

        // Only errors$ subscribers' own errors, and failures that arrive after stop() resolved,
        // become a process warning: errors$ is still open while transitions$ completes.
        it('is reported on errors$, which is still open, not as a process warning', async () => {
          const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
          const h = createHarness();
          h.scheduler.transitions$.subscribe({
            complete: () => {
              throw new Error('complete handler broke');
            },
          });

          await h.scheduler.stop();

          expect(emitWarning).not.toHaveBeenCalled();
          expect(h.errors.map((e) => e.code)).toEqual([SchedulerErrorCode.SUBSCRIBER_FAILED]);
        });
      });
    });
  });

  describe('.errors$', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('carries nothing while callbacks and subscribers behave', async () => {
      const { scheduler, errors, clock } = createHarness();
      scheduler.submitTask(hangingTask('t', { timeoutMs: 5 }));
      const failing = scheduler.submitTask(
        echoTask('f', {
          onDone: () => undefined,
        }),
      );
      await scheduler.waitTask(failing);
      await clock.advance(5);
      expect(errors).toEqual([]);
    });

    it('turns an errors$ subscriber that throws into a process warning, not a crash', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const { scheduler } = createHarness({
        onDone: () => {
          throw new Error('callback');
        },
      });
      scheduler.errors$.subscribe(() => {
        throw new Error('errors$ subscriber broke');
      });
      const id = scheduler.submitTask(echoTask(), 1);
      await expect(scheduler.result(id)).resolves.toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain('errors$ subscriber broke');
    });
  });
});
