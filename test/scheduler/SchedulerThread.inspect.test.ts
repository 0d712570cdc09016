import { isMainThread } from 'node:worker_threads';
import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { laneTask, useThreadHarness } from '../support/schedulerThreads.js';

/** Who an inspection event is about: a task actor's systemId is its task id. */
function actorId(event: InspectionEvent): string | undefined {
  const ref = event.actorRef as { id?: string; systemId?: string };
  return ref.systemId ?? ref.id;
}

describe('SchedulerThread', () => {
  const harness = useThreadHarness();

  describe('inspect option', () => {
    it("sees, on the main thread, the actors that live in the lane's thread", async () => {
      const events: InspectionEvent[] = [];
      const threads = new Set<boolean>();
      let id = '';
      let sawTaskDone: () => void = () => undefined;
      const taskDone = new Promise<void>((resolve) => (sawTaskDone = resolve));
      const { scheduler } = harness('inspected', {
        inspect: (event) => {
          threads.add(isMainThread);
          events.push(event);
          const value = (event as { snapshot?: { value?: unknown } }).snapshot?.value;
          if (event.type === '@xstate.snapshot' && actorId(event) === id && value === 'DONE') {
            sawTaskDone();
          }
        },
      });
      id = scheduler.submitTask(laneTask('default'), 1);
      // The DONE snapshot is inspected after the transition is reported: wait for it.
      await taskDone;
      expect(threads).toEqual(new Set([true]));
      const actorIds = new Set(events.map(actorId));
      expect(actorIds).toContain(id);
      expect(actorIds).toContain('lane:inspected');
      const snapshotsOfTask = events
        .filter((e) => e.type === '@xstate.snapshot' && actorId(e) === id)
        .map((e) => (e as { snapshot: { value?: unknown } }).snapshot.value);
      expect(snapshotsOfTask).toEqual(
        expect.arrayContaining(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE']),
      );
      const eventTypes = events
        .filter((e) => e.type === '@xstate.event' && actorId(e) === id)
        .map((e) => (e.type === '@xstate.event' ? e.event.type : ''));
      expect(eventTypes).toEqual(
        expect.arrayContaining(['task.submit', 'task.schedule', 'task.start', 'task.done']),
      );
      const withSession = events.filter((e) => e.actorRef.sessionId !== '');
      expect(withSession).toHaveLength(events.length);
    });

    it('takes an observer object too, and sends its throws to errors$', async () => {
      let calls = 0;
      const { scheduler, errors } = harness('inspect-observer', {
        inspect: {
          next: () => {
            calls++;
            throw new Error('observer boom');
          },
        },
      });
      const id = scheduler.submitTask(laneTask('default'), 1);
      await expect(scheduler.result(id)).resolves.toBe(1);
      expect(calls).toBeGreaterThan(0);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.code).toBe('ERR_CALLBACK_FAILED');
    });
  });
});
