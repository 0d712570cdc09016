import { createActor, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { AsyncScheduler, SchedulerError } from '../../src/index.js';
import { submitEvent } from '../../src/machines/taskEvents.js';
import { taskMachine } from '../../src/machines/taskMachine.js';
import { guardInspection } from '../../src/scheduler/guardInspection.js';
import { createHarness, echoTask } from '../support/harness.js';

/** An observer that throws on every event of one inspection type, and counts its calls. */
function throwingOn(type: InspectionEvent['type']) {
  const observer = (event: InspectionEvent) => {
    observer.calls++;
    if (event.type === type) throw new Error(`boom on ${type}`);
  };
  observer.calls = 0;
  return observer;
}

/**
 * Whether AsyncScheduler guards its `inspect` observer yet: unguarded, a throw on the
 * supervisor's first inspection event escapes from the constructor.
 */
function schedulerGuardsInspect(): boolean {
  try {
    new AsyncScheduler({
      inspect: () => {
        throw new Error('probe');
      },
    });
    return true;
  } catch (error) {
    return !(error instanceof Error && error.message === 'probe');
  }
}

describe('guardInspection', () => {
  it('leaves no observer as no observer', () => {
    expect(guardInspection(undefined, () => undefined)).toBeUndefined();
  });

  // Unguarded, each of these breaks the actor (see the function's remarks).
  it.each(['@xstate.event', '@xstate.snapshot', '@xstate.microstep'] as const)(
    'reports a throw on %s, and the actor goes on',
    (type) => {
      const reported: SchedulerError[] = [];
      const observer = throwingOn(type);
      const actor = createActor(taskMachine, {
        inspect: guardInspection(observer, (error) => reported.push(error)),
      });
      actor.start();
      actor.send(submitEvent(1));
      actor.send({ type: 'task.schedule', at: 2 });
      expect(actor.getSnapshot().status).toBe('active');
      expect(actor.getSnapshot().value).toBe('SCHEDULED');
      expect(reported.length).toBeGreaterThan(0);
      expect(reported[0]).toBeInstanceOf(SchedulerError);
      expect(reported[0]?.code).toBe('ERR_CALLBACK_FAILED');
      expect((reported[0]?.cause as Error).message).toBe(`boom on ${type}`);
    },
  );

  it('takes an observer object', () => {
    const reported: SchedulerError[] = [];
    const seen: string[] = [];
    const guarded = guardInspection(
      {
        next: (event) => {
          seen.push(event.type);
          throw new Error('object boom');
        },
      },
      (error) => reported.push(error),
    );
    createActor(taskMachine, { inspect: guarded }).start();
    expect(seen.length).toBeGreaterThan(0);
    expect(reported).toHaveLength(seen.length);
  });

  it.skipIf(!schedulerGuardsInspect())(
    'keeps a lane working under an observer that always throws (once LaneEngine uses it)',
    async () => {
      const observer = throwingOn('@xstate.snapshot');
      const { scheduler, errors } = createHarness({ inspect: observer });
      const id = scheduler.submitTask(echoTask(), 'still here');
      await expect(scheduler.result(id)).resolves.toBe('still here');
      await scheduler.stop();
      expect(observer.calls).toBeGreaterThan(0);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.code).toBe('ERR_CALLBACK_FAILED');
    },
  );
});
