import type { InspectionEvent } from 'xstate';
import { SchedulerError, SchedulerErrorCode } from '../errors.js';
import { TASK_ACTOR_ID } from '../machines/laneMachine.js';
import {
  assertInspectionObserver,
  toInspectionNext,
  type InspectionNext,
} from '../scheduler/inspectionObserver.js';
import type { InspectionObserver } from '../scheduler/schedulerOptions.js';
import {
  assertOptionalFunction,
  assertOptionsObject,
  assertWholeNumber,
  describeValue,
} from '../validate.js';
import { ActorTable, isLive } from './ActorTable.js';
import { reportOncePerMessage } from './reportOncePerMessage.js';
import { SupervisorMacrosteps } from './SupervisorMacrosteps.js';
import { toNameMatcher, type NameMatcher, type TaskNameFilter } from './taskNameFilter.js';
import { ThreadGenerations } from './ThreadGenerations.js';

/** Which of a lane supervisor's events {@link filterInspection} forwards. */
export type SupervisorEvents = 'selected' | 'all';

const SUPERVISOR_EVENTS: readonly SupervisorEvents[] = ['selected', 'all'];

/** Which inspection events {@link filterInspection} forwards. */
export interface FilterInspectionOptions {
  /**
   * Keep every event of one task actor in N, counted as the actors are created: the 1st,
   * the N+1st, … (among those `taskName` keeps, when both are given).
   * @default 1 (every task actor)
   */
  sampleEvery?: number;
  /**
   * Keep only the task actors of the tasks with this name: the name itself, a RegExp it
   * matches, or a predicate.
   * @remarks The name is read from the task actor's `xstate.init` event (`input.name`), so the
   * actor's creation event is held until that event, which XState sends right after it.
   * @default every task name
   */
  taskName?: TaskNameFilter;
  /**
   * Which events of the lane supervisors pass: `'selected'`, all but those about the task
   * actors that `sampleEvery` and `taskName` dropped; `'all'`, every one.
   * @remarks A supervisor hears of each task that ends (`xstate.done.actor.task`) and reports
   * that as about 4 events of its own (the event, its action, microstep and snapshot): more
   * than the task actors kept when few are. With `'selected'` the whole macrostep caused by a
   * dropped task's event is dropped; the supervisor's other events (its creation, `lane.start`,
   * `lane.stop`, …) pass. With `'all'` its snapshots count every task that ended.
   * @default 'selected'
   */
  supervisorEvents?: SupervisorEvents;
  /**
   * A last say on every event that the other options kept, task actor or not.
   * @remarks If it throws, the event is dropped and the error goes to `onError`.
   * @default keep every event
   */
  filter?: (event: InspectionEvent) => boolean;
  /**
   * Receives what a `filter` or `taskName` predicate, or the downstream observer, threw: a
   * `SchedulerError` with code `ERR_CALLBACK_FAILED` and the thrown value as `cause`.
   * Inspection goes on either way.
   * @default console.error, once per distinct message (at most 100 messages)
   */
  onError?: (error: SchedulerError) => void;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'sampleEvery',
  'taskName',
  'supervisorEvents',
  'filter',
  'onError',
]);

/** What a filter decided about one task actor. */
interface ActorSelection {
  /** Whether its events pass; `undefined` while the filter waits for the task's name. */
  selected: boolean | undefined;
  /** Its creation event, held while `selected` is undecided. */
  held: InspectionEvent | undefined;
}

/** The fields of an inspection event the filter reads (live actors and wire data alike). */
interface EventFields {
  readonly type: string;
  readonly actorRef?: { readonly id?: unknown; readonly sessionId?: unknown } | null;
  readonly sourceRef?: { readonly id?: unknown } | null;
  readonly event?: { readonly type?: unknown; readonly input?: { readonly name?: unknown } };
  readonly snapshot?: { readonly status?: unknown } | null;
}

/** A task's name from its actor's `xstate.init` event, if this is that event and has one. */
function taskNameOf(event: EventFields): string | undefined {
  if (event.type !== '@xstate.event' || event.event?.type !== 'xstate.init') return undefined;
  const name = event.event.input?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The last event of an actor: its snapshot once it is done, errored or stopped. */
function isLastEvent(event: EventFields): boolean {
  const status = event.snapshot?.status;
  return event.type === '@xstate.snapshot' && status !== undefined && status !== 'active';
}

/**
 * The filter behind {@link filterInspection}, with the count of actors it tracks.
 * @internal
 */
export class InspectionFilter {
  readonly #forward: InspectionNext;
  readonly #sampleEvery: number;
  readonly #matchName: NameMatcher | undefined;
  readonly #filter: ((event: InspectionEvent) => boolean) | undefined;
  readonly #report: (error: SchedulerError) => void;
  /** Undefined with `supervisorEvents: 'all'`. */
  readonly #macrosteps: SupervisorMacrosteps | undefined;
  readonly #selections = new ActorTable<ActorSelection>();
  readonly #generations = new ThreadGenerations();
  /** Task actors counted for sampling so far. */
  #counted = 0;

  /** The filter as an inspection observer. */
  readonly next: InspectionNext = (event) => {
    this.#next(event);
  };

  constructor(observer: unknown, options: unknown) {
    assertInspectionObserver(observer, 'observer');
    assertOptionsObject(options, 'options');
    const given = (options ?? {}) as FilterInspectionOptions;
    for (const key of Object.keys(given)) {
      if (!OPTION_NAMES.has(key)) throw new TypeError(`Unknown filterInspection option \`${key}\``);
    }
    const { sampleEvery = 1, taskName, supervisorEvents = 'selected', filter, onError } = given;
    assertWholeNumber(sampleEvery, 'sampleEvery', { min: 1 });
    if (!SUPERVISOR_EVENTS.includes(supervisorEvents)) {
      throw new TypeError(
        `Expected \`supervisorEvents\` to be "selected" or "all", got ${describeValue(supervisorEvents)}`,
      );
    }
    assertOptionalFunction(filter, 'filter');
    assertOptionalFunction(onError, 'onError');
    this.#forward = toInspectionNext(observer);
    this.#sampleEvery = sampleEvery;
    this.#matchName = toNameMatcher(taskName);
    this.#filter = filter;
    this.#report = guardReport(onError);
    this.#macrosteps = supervisorEvents === 'all' ? undefined : new SupervisorMacrosteps();
  }

  /** Task actors whose selection is held (0 once all that were seen have finished). */
  get trackedActors(): number {
    return this.#selections.size;
  }

  /** Supervisors whose pending macrosteps are held (0 once all that were seen have stopped). */
  get trackedSupervisors(): number {
    return this.#macrosteps?.size ?? 0;
  }

  #next(event: InspectionEvent): void {
    const fields = event as unknown as EventFields;
    const ref = fields.actorRef;
    if (typeof ref !== 'object' || ref === null) {
      this.#pass(event);
      return;
    }
    if (!isLive(ref) && typeof ref.sessionId === 'string') {
      this.#forgetReplacedThread(ref.sessionId);
    }
    if (ref.id === TASK_ACTOR_ID) this.#nextOfTask(event, fields, ref);
    else if (this.#macrosteps === undefined || this.#macrosteps.keeps(ref, fields, this.#dropped)) {
      this.#pass(event);
    }
  }

  /** Whether an event from `source` is about a task actor that is not shown. */
  readonly #dropped = (source: object): boolean =>
    (source as { id?: unknown }).id === TASK_ACTOR_ID &&
    this.#selections.get(source)?.selected !== true;

  /**
   * Forgets what is held about the actors of a lane thread that was replaced: a crashed one
   * never sends their last events.
   */
  #forgetReplacedThread(sessionId: string): void {
    const replaced = this.#generations.replaced(sessionId);
    if (replaced === undefined) return;
    this.#selections.deleteSessions(replaced);
    this.#macrosteps?.deleteSessions(replaced);
  }

  #nextOfTask(event: InspectionEvent, fields: EventFields, ref: object): void {
    let selection = this.#selections.get(ref);
    if (selection === undefined) {
      selection = { selected: undefined, held: undefined };
      this.#selections.set(ref, selection);
      if (event.type !== '@xstate.actor') {
        // Seen after its creation (forgotten, or filtered upstream): never shown in part.
        selection.selected = false;
      } else if (this.#matchName === undefined) {
        selection.selected = this.#decide(undefined);
      } else {
        selection.held = event;
        return;
      }
    } else if (selection.selected === undefined) {
      selection.selected = this.#decide(taskNameOf(fields));
      const held = selection.held;
      selection.held = undefined;
      if (selection.selected && held !== undefined) this.#pass(held);
    }
    if (selection.selected) this.#pass(event);
    if (isLastEvent(fields)) this.#selections.delete(ref);
  }

  /** Whether a new task actor is kept: its name matches, and it is the sample's turn. */
  #decide(name: string | undefined): boolean {
    if (this.#matchName !== undefined) {
      if (name === undefined) return false;
      try {
        if (!this.#matchName(name)) return false;
      } catch (error) {
        this.#reportThrow('The `taskName` predicate threw', error);
        return false;
      }
    }
    return this.#counted++ % this.#sampleEvery === 0;
  }

  #pass(event: InspectionEvent): void {
    if (this.#filter !== undefined) {
      try {
        if (!this.#filter(event)) return;
      } catch (error) {
        this.#reportThrow('The `filter` predicate threw', error);
        return;
      }
    }
    try {
      this.#forward(event);
    } catch (error) {
      this.#reportThrow('The inspect observer threw', error);
    }
  }

  #reportThrow(message: string, cause: unknown): void {
    this.#report(new SchedulerError(SchedulerErrorCode.CALLBACK_FAILED, message, { cause }));
  }
}

/** `onError`, or the default; a throwing `onError` falls back to the default. */
function guardReport(
  onError: ((error: SchedulerError) => void) | undefined,
): (error: SchedulerError) => void {
  const fallback = reportOncePerMessage();
  if (onError === undefined) return fallback;
  return (error) => {
    try {
      onError(error);
    } catch (thrown) {
      fallback(error);
      fallback(
        new SchedulerError(SchedulerErrorCode.CALLBACK_FAILED, 'The `onError` callback threw', {
          cause: thrown,
        }),
      );
    }
  };
}

/**
 * Wraps an inspection observer so it receives only some events: one task actor in N, the
 * task actors of one task name, what a predicate keeps.
 *
 * @remarks An inspector needs about 9 events per task; with thousands of tasks a viewer
 * drowns, and each event costs throughput. Whole actors are kept or dropped, chosen when each
 * is created, so a kept actor's history is complete. A lane supervisor's events about a
 * dropped task (the macrostep its `xstate.done.actor.task` causes) are dropped with it, unless
 * `supervisorEvents` is `'all'`; the supervisor's other events pass, and only `filter` may
 * drop them.
 *
 * It works on live events and on those of a SchedulerThread, whose actor references are data.
 * A predicate or the observer that throws is reported to `onError`, and inspection goes on.
 * Memory is bounded: an actor is forgotten once its final snapshot passes; the actors of a
 * lane thread that crashed, once the events of its replacement (session prefix `<lane>#<n>/`,
 * n greater) arrive; and past 100,000 actors known as data, the oldest.
 *
 * @param observer - where kept events go: a function or an observer with `next`, e.g.
 * `createWebSocketInspector(…).inspect`.
 * @returns an observer (a function) for a scheduler's `inspect` option. Give each scheduler its own: the
 * count behind `sampleEvery` is per filter.
 * @throws TypeError/RangeError for a bad observer or option (an unknown one included).
 *
 * @example
 * ```ts
 * import { createWebSocketInspector } from '@statelyai/inspect';
 * import { AsyncScheduler } from 'async-scheduler';
 * import { filterInspection } from 'async-scheduler/inspect';
 *
 * const inspector = createWebSocketInspector({ url: 'ws://localhost:8080' });
 * const scheduler = new AsyncScheduler({
 *   inspect: filterInspection(inspector.inspect, { sampleEvery: 100, taskName: /^resize/ }),
 * });
 * ```
 */
export function filterInspection(
  observer: InspectionObserver,
  options: FilterInspectionOptions = {},
): (event: InspectionEvent) => void {
  return new InspectionFilter(observer, options).next;
}
