import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createHarness, echoTask, Gate } from '../support/harness.js';

/**
 * Who an inspection event is about: a task actor's `systemId` is its task id (its `id` is the
 * shared 'task'); the supervisor has no systemId and is named by its id.
 */
function actorId(event: InspectionEvent): string | undefined {
  const ref = event.actorRef as { id?: string; systemId?: string };
  return ref.systemId ?? ref.id;
}

describe('AsyncScheduler', () => {
  describe('inspect option', () => {
    it('receives the inspection events of the lane supervisor and of every task actor', async () => {
      const events: InspectionEvent[] = [];
      const { scheduler } = createHarness({ inspect: (event) => events.push(event) });
      const a = scheduler.submitTask(echoTask(), 1);
      const b = scheduler.submitTask(echoTask(), 2);
      await Promise.all([scheduler.waitTask(a), scheduler.waitTask(b)]);
      const actorIds = new Set(events.map(actorId));
      expect(actorIds).toContain(a);
      expect(actorIds).toContain(b);
      expect([...actorIds].some((id) => id?.startsWith('lane:'))).toBe(true);
      const taskActorIds = new Set(
        events.filter((e) => actorId(e) === a).map((e) => (e.actorRef as { id?: string }).id),
      );
      expect(taskActorIds).toEqual(new Set(['task']));
      const snapshotsOfA = events
        .filter((e) => e.type === '@xstate.snapshot' && actorId(e) === a)
        .map((e) =>
          e.type === '@xstate.snapshot' ? (e.snapshot as { value?: unknown }).value : undefined,
        );
      expect(snapshotsOfA).toEqual(
        expect.arrayContaining(['SUBMITTED', 'SCHEDULED', 'STARTED', 'DONE']),
      );
      const eventTypes = events
        .filter((e) => e.type === '@xstate.event' && actorId(e) === a)
        .map((e) => (e.type === '@xstate.event' ? e.event.type : ''));
      expect(eventTypes).toEqual(
        expect.arrayContaining(['task.submit', 'task.schedule', 'task.start', 'task.done']),
      );
    });

    it('sends the supervisor one done-event type whatever the number of tasks', async () => {
      // XState memoizes transition candidates per event type forever: a type per task would
      // grow the supervisor by one cache entry per task (a million tasks: hundreds of MB).
      const laneEventTypes = new Set<string>();
      const { scheduler } = createHarness({
        inspect: (event) => {
          if (event.type === '@xstate.event' && actorId(event)?.startsWith('lane:')) {
            laneEventTypes.add(event.event.type);
          }
        },
      });
      const ids = Array.from({ length: 20 }, (_, i) => scheduler.submitTask(echoTask(), i));
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      const doneTypes = [...laneEventTypes].filter((type) => type.startsWith('xstate.done.actor'));
      expect(doneTypes).toEqual(['xstate.done.actor.task']);
    });

    it('accepts an observer object', async () => {
      const seen: string[] = [];
      const { scheduler } = createHarness({
        inspect: { next: (event) => seen.push(actorId(event) ?? '') },
      });
      const gate = new Gate();
      const id = scheduler.submitTask(gate.task);
      await gate.started(id);
      expect(seen).toContain(id);
    });

    it('does not change outcomes', async () => {
      const { scheduler } = createHarness({ inspect: () => undefined });
      const id = scheduler.submitTask(echoTask(), 'same');
      await expect(scheduler.result(id)).resolves.toBe('same');
    });
  });
});
