import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { TASK_DONE_EVENT } from '../../src/machines/laneMachine.js';
import { doneEvent, scheduleEvent, startEvent } from '../../src/machines/taskEvents.js';
import {
  filterInspection,
  InspectionFilter,
  type FilterInspectionOptions,
} from '../../src/inspect/filterInspection.js';
import {
  createInspectedLane,
  isSupervisorEvent,
  sessionOf,
  type LaneTaskActor,
} from './support/inspectedLane.js';

/** A filter over a synthetic lane, with what it forwarded. */
function filtered(options: FilterInspectionOptions = {}) {
  const kept: InspectionEvent[] = [];
  const all: InspectionEvent[] = [];
  const filter = new InspectionFilter((event: InspectionEvent) => kept.push(event), options);
  const lane = createInspectedLane((event) => {
    all.push(event);
    filter.next(event);
  });
  return { kept, all, lane, filter };
}

interface EventFields {
  readonly type: string;
  readonly sourceRef?: { readonly sessionId: string };
  readonly event?: { readonly type: string };
}

/** What `event` is, in a line a failure message can show. */
function describeEvent(event: InspectionEvent): string {
  const { type, sourceRef, event: inner } = event as unknown as EventFields;
  const from = sourceRef === undefined ? '' : ` from ${sourceRef.sessionId}`;
  return `${sessionOf(event)} ${type} ${inner?.type ?? ''}${from}`;
}

/**
 * The supervisor's events in `all` that are not part of a macrostep caused by an event from
 * one of the `dropped` sessions: from that `@xstate.event` to the supervisor's next snapshot
 * (true when the supervisor is never busy as a task ends, as in these lanes).
 */
function supervisorEventsWithout(
  all: readonly InspectionEvent[],
  dropped: ReadonlySet<string>,
): InspectionEvent[] {
  let dropping = false;
  return all.filter(isSupervisorEvent).filter((event) => {
    const { type, sourceRef } = event as unknown as EventFields;
    if (type === '@xstate.event')
      dropping = sourceRef !== undefined && dropped.has(sourceRef.sessionId);
    const keep = !dropping;
    if (type === '@xstate.snapshot') dropping = false;
    return keep;
  });
}

describe('filterInspection', () => {
  describe('supervisorEvents', () => {
    it("refuses a value other than 'selected' or 'all'", () => {
      const observer = () => undefined;
      expect(() => filterInspection(observer, { supervisorEvents: 'some' as never })).toThrow(
        new TypeError('Expected `supervisorEvents` to be "selected" or "all", got "some" (string)'),
      );
    });

    it("by default drops the supervisor's macrostep about each dropped task, and nothing else", () => {
      const { kept, all, lane } = filtered({ sampleEvery: 3 });
      const actors = Array.from({ length: 7 }, (_, i) => lane.run('job', i));
      const dropped = new Set(
        actors.filter((_, i) => i % 3 !== 0).map((actor: LaneTaskActor) => actor.sessionId),
      );
      const expected = supervisorEventsWithout(all, dropped);
      expect(kept.filter(isSupervisorEvent).map(describeEvent)).toEqual(
        expected.map(describeEvent),
      );
      // 3 kept tasks' done events, each with its action, microstep and snapshot; and the
      // supervisor's own creation, init event and snapshot.
      expect(expected).toHaveLength(3 * 4 + 3);
      expect(all.filter(isSupervisorEvent)).toHaveLength(7 * 4 + 3);
    });

    it("passes every supervisor event with 'all'", () => {
      const { kept, all, lane } = filtered({ sampleEvery: 1000, supervisorEvents: 'all' });
      for (let i = 0; i < 5; i++) lane.run('job');
      const laneEvents = all.filter(isSupervisorEvent);
      expect(laneEvents.length).toBeGreaterThan(5 * 4);
      expect(kept.filter(isSupervisorEvent)).toEqual(laneEvents);
    });

    it('drops the macrostep of a done event that waited while the supervisor was busy', () => {
      const { kept, all, lane } = filtered({ taskName: 'shown' });
      const hidden = lane.submit('hidden');
      const shown = lane.submit('shown');
      lane.insideSupervisor(() => {
        // Both end inside the supervisor's `test.run` macrostep: their done events wait.
        for (const actor of [hidden, shown]) {
          actor.send(scheduleEvent(0));
          actor.send(startEvent(0));
          actor.send(doneEvent(0, null));
        }
      });
      const lines = (events: InspectionEvent[]) =>
        events.filter(isSupervisorEvent).map(describeEvent).slice(3);
      const root = lane.supervisor.sessionId;
      // The order XState reports them in: both done events relayed during `test.run`.
      expect(lines(all)).toEqual([
        `${root} @xstate.event test.run`,
        `${root} @xstate.action `,
        `${root} @xstate.event ${TASK_DONE_EVENT} from ${hidden.sessionId}`,
        `${root} @xstate.event ${TASK_DONE_EVENT} from ${shown.sessionId}`,
        `${root} @xstate.microstep test.run`,
        `${root} @xstate.snapshot test.run`,
        `${root} @xstate.action `,
        `${root} @xstate.microstep ${TASK_DONE_EVENT}`,
        `${root} @xstate.snapshot ${TASK_DONE_EVENT}`,
        `${root} @xstate.action `,
        `${root} @xstate.microstep ${TASK_DONE_EVENT}`,
        `${root} @xstate.snapshot ${TASK_DONE_EVENT}`,
      ]);
      // Hidden's done event (3rd) and its macrostep (the first to follow test.run's) go.
      const hiddenLines = new Set([2, 6, 7, 8]);
      expect(lines(kept)).toEqual(lines(all).filter((_, i) => !hiddenLines.has(i)));
    });

    it('forgets a supervisor once its final snapshot has passed', () => {
      const { filter, lane } = filtered({ sampleEvery: 2 });
      lane.run('job');
      expect(filter.trackedSupervisors).toBe(1);
      lane.supervisor.stop();
      expect(filter.trackedSupervisors).toBe(0);
    });
  });
});
