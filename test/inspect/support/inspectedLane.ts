import { createActor, setup, type InspectionEvent } from 'xstate';
import { TASK_ACTOR_ID, TASK_DONE_EVENT } from '../../../src/machines/laneMachine.js';
import {
  doneEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
} from '../../../src/machines/taskEvents.js';
import { taskMachine } from '../../../src/machines/taskMachine.js';
import type { InspectionObserver } from '../../../src/scheduler/schedulerOptions.js';
import { toWireInspectionEvent } from '../../../src/scheduler/placements/thread/wireInspection.js';

/** The time every event of these tasks carries (what a test checks is the order, not time). */
const AT = 0;

/** A task actor made by {@link createInspectedLane}. */
export type LaneTaskActor = ReturnType<typeof createTaskActor>;

function createTaskActor(
  parent: ReturnType<typeof createSupervisor>,
  systemId: string,
  name: string | undefined,
) {
  return createActor(taskMachine, {
    id: TASK_ACTOR_ID,
    systemId,
    parent,
    ...(name === undefined ? {} : { input: { name } }),
  });
}

/** Sent to the supervisor: runs `finish` inside its macrostep (as a lane starts a task). */
interface SupervisorRunEvent {
  readonly type: 'test.run';
  readonly run: () => void;
}

/**
 * A supervisor with an action on each task's done event, so each done event is a macrostep of
 * its own that the filters must place (the lane's supervisor no longer acts on done events, but a
 * user's may). `test.run` runs a function inside its own macrostep, so a task can end while it
 * is busy (the done event then waits).
 */
function createSupervisor(lane: string, inspect: InspectionObserver) {
  const machine = setup({
    types: { events: {} as SupervisorRunEvent | { type: typeof TASK_DONE_EVENT } },
    actions: {
      releaseSlot: () => undefined,
      run: ({ event }) => {
        if (event.type === 'test.run') event.run();
      },
    },
  }).createMachine({
    id: 'lane',
    on: { [TASK_DONE_EVENT]: { actions: 'releaseSlot' }, 'test.run': { actions: 'run' } },
  });
  return createActor(machine, { id: `lane:${lane}`, inspect });
}

/**
 * A lane supervisor and its task actors, made as LaneEngine makes them (the task's name as the
 * actor's input), so a test drives each task's lifecycle by hand.
 */
export function createInspectedLane(inspect: InspectionObserver, lane = 'test') {
  const supervisor = createSupervisor(lane, inspect);
  supervisor.start();
  let created = 0;
  return {
    supervisor,
    /** Creates and starts a task actor, NEW → SUBMITTED; `name` undefined: no input. */
    submit(name: string | undefined): LaneTaskActor {
      const actor = createTaskActor(supervisor, `task-${created++}`, name);
      actor.start();
      actor.send(submitEvent(AT));
      return actor;
    },
    /** Runs a submitted task to DONE with `result`. */
    finish(actor: LaneTaskActor, result: unknown = null): void {
      actor.send(scheduleEvent(AT));
      actor.send(startEvent(AT));
      actor.send(doneEvent(AT, result));
    },
    /** Runs `run` inside a macrostep of the supervisor. */
    insideSupervisor(run: () => void): void {
      supervisor.send({ type: 'test.run', run });
    },
    /** A whole lifecycle: created, submitted … DONE. */
    run(name: string | undefined, result: unknown = null): LaneTaskActor {
      const actor = this.submit(name);
      this.finish(actor, result);
      return actor;
    },
  };
}

/** An observer that sends every event on as the lane thread does: as wire data. */
export function asWireData(
  observer: (event: InspectionEvent) => void,
): (event: InspectionEvent) => void {
  return (event) => {
    observer(toWireInspectionEvent(event) as unknown as InspectionEvent);
  };
}

/** The session id of the actor an event is about. */
export function sessionOf(event: InspectionEvent): string {
  return event.actorRef.sessionId;
}

/** Whether an event is about a lane supervisor. */
export function isSupervisorEvent(event: InspectionEvent): boolean {
  return (event.actorRef as { id?: string }).id?.startsWith('lane:') === true;
}

/** Whether an event is about a task actor. */
export function isTaskEvent(event: InspectionEvent): boolean {
  return (event.actorRef as { id?: string }).id === TASK_ACTOR_ID;
}
