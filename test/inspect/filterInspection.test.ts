import type { InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SchedulerError } from '../../src/errors.js';
import {
  filterInspection,
  InspectionFilter,
  type FilterInspectionOptions,
} from '../../src/inspect/filterInspection.js';
import { fromWireInspectionEvent } from '../../src/scheduler/placements/thread/fromWireInspectionEvent.js';
import { toWireInspectionEvent } from '../../src/scheduler/placements/thread/wireInspection.js';
import { createHarness, echoTask } from '../support/harness.js';
import {
  asWireData,
  createInspectedLane,
  isSupervisorEvent,
  isTaskEvent,
  sessionOf,
  type LaneTaskActor,
} from './support/inspectedLane.js';

/**
 * Whether a real lane gives each task actor its task name (as the actor's input, which its
 * `xstate.init` event carries): LaneEngine must pass `input: { name }` when inspected.
 */
async function laneGivesTaskNames(): Promise<boolean> {
  let named = false;
  const { scheduler } = createHarness({
    inspect: (event) => {
      const inner = (event as { event?: { type?: string; input?: { name?: unknown } } }).event;
      if (inner?.type === 'xstate.init' && inner.input?.name === 'probe') named = true;
    },
  });
  await scheduler.waitTask(scheduler.submitTask(echoTask('probe')));
  await scheduler.stop();
  return named;
}
const TASK_NAMES_INSPECTED = await laneGivesTaskNames();

/** A filter over a synthetic lane, with what it forwarded and what it reported. */
function filtered(options: FilterInspectionOptions = {}) {
  const kept: InspectionEvent[] = [];
  const errors: SchedulerError[] = [];
  const all: InspectionEvent[] = [];
  const filter = filterInspection((event) => kept.push(event), {
    onError: (error) => errors.push(error),
    ...options,
  });
  const lane = createInspectedLane((event) => {
    all.push(event);
    filter(event);
  });
  return { kept, errors, all, lane };
}

/** The session ids of the task actors in `events`, in order of first appearance. */
function taskSessions(events: readonly InspectionEvent[]): string[] {
  return [...new Set(events.filter(isTaskEvent).map(sessionOf))];
}

/** The events of one actor. */
function eventsOf(events: readonly InspectionEvent[], actor: LaneTaskActor): InspectionEvent[] {
  return events.filter((event) => sessionOf(event) === actor.sessionId);
}

describe('filterInspection', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('options', () => {
    it('refuses an observer that is neither a function nor has `next`', () => {
      expect(() => filterInspection({})).toThrow(
        new TypeError(
          'Expected `observer` to be a function or an observer with `next`, got an object (Object)',
        ),
      );
    });

    it('refuses a sampleEvery that is not a whole number >= 1', () => {
      const observer = () => undefined;
      expect(() => filterInspection(observer, { sampleEvery: 0 })).toThrow(
        new RangeError('Expected `sampleEvery` to be a whole number >= 1, got 0 (number)'),
      );
      expect(() => filterInspection(observer, { sampleEvery: 2.5 })).toThrow(RangeError);
      expect(() => filterInspection(observer, { sampleEvery: '3' as never })).toThrow(TypeError);
    });

    it('refuses a taskName that is not a non-empty string, a RegExp or a function', () => {
      const observer = () => undefined;
      expect(() => filterInspection(observer, { taskName: 3 as never })).toThrow(
        new TypeError('Expected `taskName` to be a string, a RegExp or a function, got 3 (number)'),
      );
      expect(() => filterInspection(observer, { taskName: '' })).toThrow(RangeError);
    });

    it('refuses unknown options, and a filter or onError that is not a function', () => {
      const observer = () => undefined;
      expect(() => filterInspection(observer, { sampleEach: 2 } as never)).toThrow(
        new TypeError('Unknown filterInspection option `sampleEach`'),
      );
      expect(() => filterInspection(observer, { filter: true as never })).toThrow(TypeError);
      expect(() => filterInspection(observer, { onError: 'log' as never })).toThrow(TypeError);
      expect(() => filterInspection(observer, null as never)).toThrow(TypeError);
    });

    it('takes an observer object', () => {
      const kept: InspectionEvent[] = [];
      const lane = createInspectedLane(filterInspection({ next: (event) => kept.push(event) }));
      lane.run('a');
      expect(kept.length).toBeGreaterThan(0);
    });
  });

  describe('sampleEvery', () => {
    it('keeps every event of the 1st, N+1st, … task actor, and none of the others', () => {
      const { kept, all, lane } = filtered({ sampleEvery: 3 });
      const actors = Array.from({ length: 7 }, (_, i) => lane.run('job', i));
      const keptActors = [actors[0], actors[3], actors[6]] as LaneTaskActor[];
      expect(taskSessions(kept)).toEqual(keptActors.map((actor) => actor.sessionId));
      for (const actor of keptActors) {
        expect(eventsOf(kept, actor)).toEqual(eventsOf(all, actor));
        expect(eventsOf(kept, actor)[0]?.type).toBe('@xstate.actor');
      }
    });
  });

  describe('taskName', () => {
    it.each([
      ['a string', 'resize'],
      ['a RegExp, even a global one', /^resi/g],
      ['a predicate', (name: string) => name.startsWith('resize')],
    ])('keeps only the task actors whose name matches %s', (_, taskName) => {
      const { kept, lane } = filtered({ taskName });
      const actors = ['resize', 'email', 'resize', 'resize', 'email'].map((name) => lane.run(name));
      expect(taskSessions(kept)).toEqual(
        [actors[0], actors[2], actors[3]].map((actor) => actor?.sessionId),
      );
    });

    it("forwards a kept actor's creation event first, once its name is known", () => {
      const { kept, all, lane } = filtered({ taskName: 'resize' });
      const actor = lane.run('resize');
      expect(eventsOf(kept, actor)).toEqual(eventsOf(all, actor));
      expect(
        eventsOf(kept, actor)
          .map((event) => event.type)
          .slice(0, 2),
      ).toEqual(['@xstate.actor', '@xstate.event']);
    });

    it('counts sampleEvery among the task actors whose name matches', () => {
      const { kept, lane } = filtered({ taskName: 'resize', sampleEvery: 2 });
      const names = ['resize', 'email', 'resize', 'email', 'resize', 'resize'];
      const actors = names.map((name) => lane.run(name));
      expect(taskSessions(kept)).toEqual([actors[0]?.sessionId, actors[4]?.sessionId]);
    });

    it('drops a task actor whose name never arrives', () => {
      const { kept, lane } = filtered({ taskName: () => true });
      lane.run(undefined);
      const named = lane.run('named');
      expect(taskSessions(kept)).toEqual([named.sessionId]);
    });
  });

  describe('filter', () => {
    it('has the last say on every kept event, lane supervisor included', () => {
      const { kept, lane } = filtered({
        sampleEvery: 2,
        filter: (event) => event.type === '@xstate.snapshot',
      });
      const actors = [lane.run('a'), lane.run('b')];
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.every((event) => event.type === '@xstate.snapshot')).toBe(true);
      expect(kept.some((event) => !isTaskEvent(event))).toBe(true);
      expect(taskSessions(kept)).toEqual([actors[0]?.sessionId]);
    });
  });

  describe('events from a lane thread (wire data)', () => {
    it('selects the same actors from wire data as from live events', () => {
      const live: InspectionEvent[] = [];
      const wire: InspectionEvent[] = [];
      const options = { taskName: /^r/, sampleEvery: 2 };
      const liveFilter = filterInspection((event) => live.push(event), options);
      const wireFilter = filterInspection((event) => wire.push(event), options);
      const lane = createInspectedLane((event) => {
        liveFilter(event);
        asWireData(wireFilter)(event);
      });
      ['r1', 'e1', 'r2', 'r3', 'e2', 'r4', 'r5'].forEach((name) => lane.run(name));
      expect(wire.length).toBe(live.length);
      expect(wire.map(sessionOf)).toEqual(live.map(sessionOf));
      expect(wire.map((event) => event.type)).toEqual(live.map((event) => event.type));
      expect(taskSessions(live)).toHaveLength(3);
      // The supervisor's creation, init and snapshot, and 4 events about each kept task.
      expect(live.filter(isSupervisorEvent)).toHaveLength(3 + 3 * 4);
    });
  });

  describe('memory', () => {
    it('forgets every task actor once its final snapshot has passed', () => {
      const options = { taskName: /^job/, sampleEvery: 7 };
      const liveFilter = new InspectionFilter(() => undefined, options);
      const wireFilter = new InspectionFilter(() => undefined, options);
      const lane = createInspectedLane((event) => {
        liveFilter.next(event);
        asWireData(wireFilter.next)(event);
      });
      const running = Array.from({ length: 50 }, (_, i) => lane.submit(`job-${i}`));
      expect(liveFilter.trackedActors).toBe(50);
      expect(wireFilter.trackedActors).toBe(50);
      for (const actor of running) lane.finish(actor);
      for (let i = 0; i < 2_000; i++) lane.run(i % 2 === 0 ? 'job' : 'other');
      expect(liveFilter.trackedActors).toBe(0);
      expect(wireFilter.trackedActors).toBe(0);
    });

    it("forgets a crashed lane thread's actors once its replacement's events arrive", () => {
      const filter = new InspectionFilter(() => undefined, { sampleEvery: 3 });
      let generation = 1;
      const fromThread = (event: InspectionEvent) => {
        const wire = toWireInspectionEvent(event);
        filter.next(fromWireInspectionEvent(wire, { sessionPrefix: `urgent#${generation}/` }));
      };
      const crashed = createInspectedLane(fromThread);
      for (let i = 0; i < 20; i++) crashed.submit(`job-${i}`);
      crashed.run('ended');
      expect(filter.trackedActors).toBe(20);
      expect(filter.trackedSupervisors).toBe(1);
      // The thread died: its actors send nothing more. The host starts generation 2.
      generation = 2;
      const replacement = createInspectedLane(fromThread);
      expect(filter.trackedActors).toBe(0);
      expect(filter.trackedSupervisors).toBe(1);
      const running = replacement.submit('job');
      expect(filter.trackedActors).toBe(1);
      replacement.finish(running);
      replacement.supervisor.stop();
      expect(filter.trackedActors).toBe(0);
      expect(filter.trackedSupervisors).toBe(0);
    });

    it('drops, and never shows in part, a task actor first seen after its creation', () => {
      const kept: InspectionEvent[] = [];
      let attached = false;
      const filter = filterInspection((event) => kept.push(event));
      const lane = createInspectedLane((event) => {
        if (attached) filter(event);
      });
      const early = lane.submit('early');
      attached = true;
      lane.finish(early);
      const late = lane.run('late');
      expect(taskSessions(kept)).toEqual([late.sessionId]);
    });
  });

  describe('bad input', () => {
    it('reports a filter that throws, drops that event and goes on', () => {
      const boom = new Error('filter boom');
      const { kept, errors, lane } = filtered({
        filter: (event) => {
          if (event.type === '@xstate.event') throw boom;
          return true;
        },
      });
      const actor = lane.run('a', 42);
      expect(actor.getSnapshot().value).toBe('DONE');
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.some((event) => event.type === '@xstate.event')).toBe(false);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toBeInstanceOf(SchedulerError);
      expect(errors[0]?.code).toBe('ERR_CALLBACK_FAILED');
      expect(errors[0]?.message).toBe('The `filter` predicate threw');
      expect(errors[0]?.cause).toBe(boom);
    });

    it('reports a downstream observer that throws, and goes on', () => {
      const errors: SchedulerError[] = [];
      let calls = 0;
      const filter = filterInspection(
        () => {
          calls++;
          throw new Error('observer boom');
        },
        { onError: (error) => errors.push(error) },
      );
      const lane = createInspectedLane(filter);
      const actor = lane.run('a');
      expect(actor.getSnapshot().value).toBe('DONE');
      expect(errors).toHaveLength(calls);
      expect(errors[0]?.message).toBe('The inspect observer threw');
    });

    it('reports a taskName predicate that throws, and drops that actor', () => {
      const { kept, errors, lane } = filtered({
        taskName: (name) => {
          if (name === 'bad') throw new Error('name boom');
          return true;
        },
      });
      lane.run('bad');
      const good = lane.run('good');
      expect(taskSessions(kept)).toEqual([good.sessionId]);
      expect(errors.map((error) => error.message)).toEqual(['The `taskName` predicate threw']);
    });

    it('prints each distinct error once by default', () => {
      const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      let n = 0;
      const lane = createInspectedLane(
        filterInspection(() => {
          throw new Error(n++ % 2 === 0 ? 'even boom' : 'odd boom');
        }),
      );
      for (let i = 0; i < 20; i++) lane.run('a');
      expect(n).toBeGreaterThan(100);
      expect(printed).toHaveBeenCalledTimes(2);
      expect(printed.mock.calls[0]?.[0]).toBeInstanceOf(SchedulerError);
    });

    it('falls back to console.error when onError throws', () => {
      const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const lane = createInspectedLane(
        filterInspection(
          () => {
            throw new Error('observer boom');
          },
          {
            onError: () => {
              throw new Error('onError boom');
            },
          },
        ),
      );
      const actor = lane.run('a');
      expect(actor.getSnapshot().value).toBe('DONE');
      const messages = printed.mock.calls.map(([error]) => (error as Error).message);
      expect(messages).toEqual(['The inspect observer threw', 'The `onError` callback threw']);
    });
  });

  describe('on a real AsyncScheduler', () => {
    it("leaves outcomes alone, and passes each kept actor's whole history", async () => {
      const all: InspectionEvent[] = [];
      const kept: InspectionEvent[] = [];
      const filter = filterInspection((event) => kept.push(event), { sampleEvery: 2 });
      const { scheduler } = createHarness({
        inspect: (event) => {
          all.push(event);
          filter(event);
        },
      });
      const ids = Array.from({ length: 6 }, (_, i) => scheduler.submitTask(echoTask(), i));
      await expect(Promise.all(ids.map((id) => scheduler.result(id)))).resolves.toEqual([
        0, 1, 2, 3, 4, 5,
      ]);
      const systemIdOf = (event: InspectionEvent) =>
        (event.actorRef as { systemId?: string }).systemId;
      const keptIds = [...new Set(kept.filter(isTaskEvent).map(systemIdOf))];
      expect(keptIds).toEqual([ids[0], ids[2], ids[4]]);
      for (const id of keptIds) {
        const history = (events: InspectionEvent[]) => events.filter((e) => systemIdOf(e) === id);
        expect(history(kept)).toEqual(history(all));
      }
    });

    it.skipIf(!TASK_NAMES_INSPECTED)('keeps the task actors of one task name', async () => {
      const kept: InspectionEvent[] = [];
      const { scheduler } = createHarness({
        inspect: filterInspection((event) => kept.push(event), { taskName: 'resize' }),
      });
      const ids = ['resize', 'email', 'resize'].map((name) =>
        scheduler.submitTask(echoTask(name), name),
      );
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      const systemIdOf = (event: InspectionEvent) =>
        (event.actorRef as { systemId?: string }).systemId;
      expect([...new Set(kept.filter(isTaskEvent).map(systemIdOf))]).toEqual([ids[0], ids[2]]);
    });
  });
});
