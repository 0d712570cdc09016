import { createActor, type SnapshotFrom } from 'xstate';
import {
  adjacencyMapToArray,
  getAdjacencyMap,
  getShortestPaths,
  getSimplePaths,
  toDirectedGraph,
  type StatePath,
} from 'xstate/graph';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  FINISHED_TAG,
  RUNNING_TAG,
  TaskState,
  isFinished,
  isRunning,
  taskMachine,
  type TaskEvent,
  type TaskTimestamps,
} from '../../src/index.js';
import {
  cancelEvent,
  doneEvent,
  failEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
  retryEvent,
  timeoutEvent,
} from '../../src/machines/taskEvents.js';

/*
 * Graph tests of the task machine. Everything below is generated from the machine itself
 * (its states, its event types, the edges a traversal finds); only the contract (docs/contract.md) is
 * written down by hand. A new edge (STARTED → SCHEDULED for retries) or a new event type is
 * therefore traversed, replayed and checked without rewriting a test: it fails the contract
 * checks until the contract below is widened on purpose.
 */

type TaskSnapshot = SnapshotFrom<typeof taskMachine>;
type TaskPath = StatePath<TaskSnapshot, TaskEvent>;

// ── The contract (docs/contract.md), the only hand-written part ───────────────

const FINAL_STATES: readonly TaskState[] = ['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED'];

/** The forward edges of the lifecycle; CANCELED from any non-final state is added below. */
const FORWARD_EDGES: readonly (readonly [TaskState, TaskState])[] = [
  ['NEW', 'SUBMITTED'],
  ['SUBMITTED', 'SCHEDULED'],
  ['SCHEDULED', 'STARTED'],
  ['STARTED', 'DONE'],
  ['STARTED', 'FAILED'],
  ['STARTED', 'TIMED_OUT'],
  // A retry: the attempt failed or timed out, and the task waits for its next one.
  ['STARTED', 'SCHEDULED'],
];

/** The edge of a retry, which sets `schedule` anew and drops `start` (the latest attempt's). */
const RETRY_EDGE = 'STARTED → SCHEDULED';

const edgeKey = (from: string, to: string): string => `${from} → ${to}`;

const ALLOWED_EDGES: ReadonlySet<string> = new Set([
  ...FORWARD_EDGES.map(([from, to]) => edgeKey(from, to)),
  ...Object.values(TaskState)
    .filter((state) => !isFinished(state))
    .map((state) => edgeKey(state, 'CANCELED')),
]);

/** The timestamp each state sets when it is entered. */
const ENTRY_TIMESTAMP: Partial<Record<TaskState, keyof TaskTimestamps>> = {
  SUBMITTED: 'submit',
  SCHEDULED: 'schedule',
  STARTED: 'start',
  DONE: 'done',
  FAILED: 'error',
  TIMED_OUT: 'timeout',
  CANCELED: 'cancel',
};

// ── Events: one builder per event type; the type makes a new event type a compile error here ──

const ERROR = { name: 'Error', message: 'boom' } as const;
const EVENT_BUILDERS: { [K in TaskEvent['type']]: (at: number) => TaskEvent } = {
  'task.submit': submitEvent,
  'task.schedule': scheduleEvent,
  'task.start': startEvent,
  'task.done': (at) => doneEvent(at, { value: at }),
  'task.fail': (at) => failEvent(at, ERROR),
  'task.timeout': (at) => timeoutEvent(at, 'timed out', ERROR),
  'task.cancel': (at) => cancelEvent(at, 'canceled', ERROR),
  'task.retry': (at) => retryEvent(at, 'FAILED', ERROR, at + 1),
};

function buildEvent(type: string, at: number): TaskEvent {
  const build = (EVENT_BUILDERS as Record<string, ((at: number) => TaskEvent) | undefined>)[type];
  if (build === undefined) throw new Error(`No event builder for machine event type "${type}"`);
  return build(at);
}

/** Every event type some state of the machine handles, read from the machine. */
const MACHINE_EVENT_TYPES: readonly string[] = taskMachine.events;
const STATE_KEYS: readonly string[] = Object.keys(taskMachine.root.states);
const TRAVERSAL_AT = 1;

/** Traversal options: every event the machine knows, offered where the state accepts it. */
const traversal = {
  events: (snapshot: TaskSnapshot): TaskEvent[] =>
    MACHINE_EVENT_TYPES.map((type) => buildEvent(type, TRAVERSAL_AT)).filter((event) =>
      snapshot.can(event),
    ),
  // States are their values: context (timestamps) is checked by replaying paths, not traversed,
  // so a loop in the machine (a retry edge) still leaves a finite graph.
  serializeState: (snapshot: TaskSnapshot): string => JSON.stringify(snapshot.value),
};

const stateOf = (snapshot: TaskSnapshot): TaskState => snapshot.value;
const isFinal = (snapshot: TaskSnapshot): boolean => snapshot.status === 'done';

interface Edge {
  readonly from: TaskState;
  readonly to: TaskState;
  readonly eventType: string;
}

/** Every edge the machine really takes, found by traversing it from NEW. */
function traversedEdges(): Edge[] {
  return adjacencyMapToArray(getAdjacencyMap(taskMachine, traversal)).map(
    ({ state, event, nextState }) => ({
      from: stateOf(state),
      to: stateOf(nextState),
      eventType: event.type,
    }),
  );
}

/** Every edge the machine declares, read from its definition. */
function declaredEdges(): Edge[] {
  return toDirectedGraph(taskMachine).children.flatMap((node) =>
    node.edges.map((edge) => ({
      from: edge.source.key as TaskState,
      to: edge.target.key as TaskState,
      eventType: edge.label.text,
    })),
  );
}

const EDGES = traversedEdges();
const REACHABLE = [...new Set<TaskState>([...EDGES.flatMap((e) => [e.from, e.to]), 'NEW'])];

/** The shortest path from NEW to each reachable state. */
function shortestPathsByState(): Map<TaskState, TaskPath> {
  const byState = new Map<TaskState, TaskPath>();
  for (const path of getShortestPaths(taskMachine, traversal)) {
    byState.set(stateOf(path.state), path);
  }
  return byState;
}

/** The events of a path, without the synthetic `xstate.init` first step. */
function eventTypesOf(path: TaskPath): string[] {
  // The step types say TaskEvent, but xstate/graph puts `{ type: 'xstate.init' }` first.
  const types: string[] = path.steps.map((step) => step.event.type);
  return types.filter((type) => type !== 'xstate.init');
}

/** For each edge: NEW → its source (shortest) → the edge → the nearest final state. */
function edgeCoveringPaths(): { edge: Edge; eventTypes: string[] }[] {
  const toState = shortestPathsByState();
  return EDGES.map((edge) => {
    const prefix = toState.get(edge.from);
    if (prefix === undefined) throw new Error(`No path from NEW to ${edge.from}`);
    const [afterEdge] = replay([...eventTypesOf(prefix), edge.eventType]).slice(-1);
    const suffixes = getShortestPaths(taskMachine, {
      ...traversal,
      fromState: afterEdge!.snapshot,
      toState: isFinal,
    }).sort((a, b) => a.weight - b.weight);
    const suffix = suffixes[0];
    if (suffix === undefined) throw new Error(`No final state reachable after ${edge.to}`);
    return { edge, eventTypes: [...eventTypesOf(prefix), edge.eventType, ...eventTypesOf(suffix)] };
  });
}

/** Every simple path from NEW that ends in a final state. */
function simplePathsToFinals(): string[][] {
  return getSimplePaths(taskMachine, { ...traversal, toState: isFinal }).map(eventTypesOf);
}

interface ReplayStep {
  readonly event: TaskEvent;
  readonly before: TaskSnapshot;
  readonly snapshot: TaskSnapshot;
}

const REPLAY_START_AT = 1_000;
const REPLAY_STEP_MS = 7;

/** Sends a path's events to a real task actor, each stamped later than the one before. */
function replay(eventTypes: readonly string[]): ReplayStep[] {
  const actor = createActor(taskMachine).start();
  const steps: ReplayStep[] = [];
  eventTypes.forEach((type, index) => {
    const before = actor.getSnapshot();
    const event = buildEvent(type, REPLAY_START_AT + (index + 1) * REPLAY_STEP_MS);
    actor.send(event);
    steps.push({ event, before, snapshot: actor.getSnapshot() });
  });
  return steps;
}

const describePath = (eventTypes: readonly string[]): string => eventTypes.join(' → ');

/** The contract checks of one replayed path. */
function expectContractAlong(eventTypes: readonly string[]): void {
  const steps = replay(eventTypes);
  const label = describePath(eventTypes);
  const entered: TaskState[] = ['NEW'];
  for (const { event, before, snapshot } of steps) {
    const from = stateOf(before);
    const to = stateOf(snapshot);
    expect(snapshot.status, `${label}: ${from} on ${event.type}`).not.toBe('error');
    expect(ALLOWED_EDGES.has(edgeKey(from, to)), `${label}: edge ${edgeKey(from, to)}`).toBe(true);
    entered.push(to);

    // The entered state's timestamp is set now, to the event's time; no other one changes.
    const key = ENTRY_TIMESTAMP[to];
    expect(key, `${label}: ${to} has an entry timestamp`).toBeDefined();
    const previous: TaskTimestamps = before.context.ts;
    if (edgeKey(from, to) === RETRY_EDGE) {
      // A new attempt: its schedule is now, and the last attempt's start is gone.
      const kept: Record<string, number | undefined> = { ...previous, schedule: event.at };
      delete kept['start'];
      expect(snapshot.context.ts).toEqual(kept);
      expect(snapshot.context.attempt).toBe((before.context.attempt ?? 1) + 1);
      continue;
    }
    expect(previous[key!], `${label}: ts.${key!} set only once per attempt`).toBeUndefined();
    expect(snapshot.context.ts).toEqual({ ...previous, [key!]: event.at });
  }

  // Exactly one final state, and it is the last one.
  const finals = entered.filter((state) => FINAL_STATES.includes(state));
  expect(finals, label).toHaveLength(1);
  expect(FINAL_STATES, label).toContain(entered.at(-1));
  const last = steps.at(-1)!.snapshot;
  expect(last.status, label).toBe('done');

  // Timestamps grow along the path: submit ≤ schedule ≤ start ≤ end (the latest attempt's).
  const scheduledAt = entered.lastIndexOf('SCHEDULED');
  const lastAttempt =
    scheduledAt < 0 ? entered : (['SUBMITTED', ...entered.slice(scheduledAt)] as TaskState[]);
  const stamps = lastAttempt
    .map((state) => ENTRY_TIMESTAMP[state])
    .filter((key) => key !== undefined)
    .map((key) => last.context.ts[key]);
  expect(stamps.every((at) => at !== undefined)).toBe(true);
  expect(stamps, label).toEqual([...stamps].sort((a, b) => a! - b!));
}

describe('taskMachine (graph)', () => {
  describe('states and edges', () => {
    it('has exactly the states of TaskState, all reachable from NEW', () => {
      expect([...STATE_KEYS].sort()).toEqual(Object.values(TaskState).sort());
      expect([...REACHABLE].sort()).toEqual([...STATE_KEYS].sort());
      expect(createActor(taskMachine).getSnapshot().value).toBe('NEW');
    });

    it('has exactly the final states of the contract', () => {
      const finals = Object.entries(taskMachine.root.states)
        .filter(([, node]) => node.type === 'final')
        .map(([key]) => key);
      expect(finals.sort()).toEqual([...FINAL_STATES].sort());
      expect(Object.values(TaskState).filter(isFinished).sort()).toEqual(finals);
    });

    it('takes only the edges the contract allows', () => {
      const outside = EDGES.filter((e) => !ALLOWED_EDGES.has(edgeKey(e.from, e.to))).map((e) =>
        edgeKey(e.from, e.to),
      );
      expect(outside).toEqual([]);
    });

    it('takes every edge the contract allows', () => {
      const taken = new Set(EDGES.map((e) => edgeKey(e.from, e.to)));
      expect([...ALLOWED_EDGES].filter((edge) => !taken.has(edge))).toEqual([]);
    });

    it('takes every edge it declares, and declares every edge it takes (no guard hides one)', () => {
      const key = (e: Edge): string => `${edgeKey(e.from, e.to)} on ${e.eventType}`;
      expect(EDGES.map(key).sort()).toEqual(declaredEdges().map(key).sort());
    });

    it('leaves no final state, and leaves every other state', () => {
      for (const state of REACHABLE) {
        const outgoing = EDGES.filter((e) => e.from === state && e.to !== state);
        if (FINAL_STATES.includes(state)) expect(outgoing, state).toEqual([]);
        else expect(outgoing.length, state).toBeGreaterThan(0);
      }
    });

    it('can reach a final state from every reachable state', () => {
      const byState = shortestPathsByState();
      for (const state of REACHABLE) {
        const path = byState.get(state);
        expect(path, state).toBeDefined();
        const toFinal = getShortestPaths(taskMachine, {
          ...traversal,
          fromState: path!.state,
          toState: isFinal,
        });
        expect(toFinal.length, state).toBeGreaterThan(0);
      }
    });
  });

  describe('paths from NEW', () => {
    const simplePaths = simplePathsToFinals();
    const coveringPaths = edgeCoveringPaths();

    it('are generated for every final state and cover every edge', () => {
      const endings = new Set(simplePaths.map((types) => stateOf(replay(types).at(-1)!.snapshot)));
      expect([...endings].sort()).toEqual([...FINAL_STATES].sort());
      expect(coveringPaths).toHaveLength(EDGES.length);
      expect(coveringPaths.length).toBeGreaterThanOrEqual(ALLOWED_EDGES.size);
    });

    it.each(simplePaths.map((types) => [describePath(types), types] as const))(
      'simple path %s: allowed edges, one final state, timestamps set once and growing',
      (_label, types) => {
        expectContractAlong(types);
      },
    );

    it.each(
      coveringPaths.map(
        ({ edge, eventTypes }) =>
          [edgeKey(edge.from, edge.to), describePath(eventTypes), eventTypes] as const,
      ),
    )('path through %s (%s): same checks', (_edge, _label, types) => {
      expectContractAlong(types);
    });

    it('records the outcome carried by the final event', () => {
      for (const types of simplePaths) {
        const last = replay(types).at(-1)!;
        const { context } = last.snapshot;
        const event = last.event;
        switch (event.type) {
          case 'task.done':
            expect(context.result).toEqual(event.result);
            expect(context.error).toBeUndefined();
            break;
          case 'task.fail':
            expect(context.error).toEqual(event.error);
            expect(context.result).toBeUndefined();
            break;
          case 'task.timeout':
          case 'task.cancel':
            expect(context.error).toEqual(event.error);
            expect(context.reason).toBe(event.reason);
            break;
          default:
            throw new Error(`A path ended on ${event.type}, which enters no final state`);
        }
      }
    });
  });

  describe('tags', () => {
    it('tags STARTED with RUNNING and the final states with FINISHED, nothing else', () => {
      for (const [key, node] of Object.entries(taskMachine.root.states)) {
        const state = key as TaskState;
        const expected = [
          ...(isRunning(state) ? [RUNNING_TAG] : []),
          ...(isFinished(state) ? [FINISHED_TAG] : []),
        ];
        expect([...node.tags].sort(), key).toEqual(expected.sort());
      }
      expect(taskMachine.root.states['STARTED']?.tags).toContain(RUNNING_TAG);
    });

    it('shows the tags on the snapshot of every state a path enters', () => {
      const byState = shortestPathsByState();
      for (const state of REACHABLE) {
        const types = eventTypesOf(byState.get(state)!);
        const snapshot =
          types.length === 0
            ? createActor(taskMachine).getSnapshot()
            : replay(types).at(-1)!.snapshot;
        expect(stateOf(snapshot)).toBe(state);
        expect(snapshot.hasTag(RUNNING_TAG), state).toBe(state === 'STARTED');
        expect(snapshot.hasTag(FINISHED_TAG), state).toBe(FINAL_STATES.includes(state));
      }
    });
  });

  describe('illegal events', () => {
    let error: MockInstance<typeof console.error>;
    beforeEach(() => {
      // XState's development build warns about events sent to an actor that reached a final
      // state: that is the case under test, so the warnings are muted (errors are not).
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('ignores every event type in every state that does not accept it, without a crash', () => {
      const byState = shortestPathsByState();
      let tried = 0;
      for (const state of REACHABLE) {
        for (const type of MACHINE_EVENT_TYPES) {
          const actor = createActor(taskMachine);
          const errors: unknown[] = [];
          actor.subscribe({ error: (err: unknown) => errors.push(err) });
          actor.start();
          eventTypesOf(byState.get(state)!).forEach((t, i) => {
            actor.send(buildEvent(t, REPLAY_START_AT + i));
          });
          const before = actor.getSnapshot();
          const event = buildEvent(type, REPLAY_START_AT + 1_000);
          if (before.can(event)) continue;
          tried++;
          expect(() => {
            actor.send(event);
          }, `${state} on ${type}`).not.toThrow();
          const after = actor.getSnapshot();
          expect(after.value, `${state} on ${type}`).toBe(before.value);
          expect(after.status, `${state} on ${type}`).toBe(before.status);
          expect(after.context, `${state} on ${type}`).toEqual(before.context);
          expect(errors, `${state} on ${type}`).toEqual([]);
        }
      }
      // Each state accepts only a few of the event types: most pairs are illegal ones.
      expect(tried).toBe(REACHABLE.length * MACHINE_EVENT_TYPES.length - EDGES.length);
      expect(error).not.toHaveBeenCalled();
    });
  });
});
