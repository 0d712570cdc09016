import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createHarness, echoTask, Gate } from '../support/harness.js';

/** The id of the actor an inspection event is about (task actors are named by task id). */
function actorId(event: InspectionEvent): string | undefined {
  return (event.actorRef as { id?: string }).id;
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
