// The `inspect` option (docs/contract.md: "passed to every actor (XState `inspect`)"), dumpTask()
// and slowest() on both lanes, and the exported formatTasks() helper (README: "`formatTasks()`
// (millisecond precision)"). Inspection events are read as XState 5 documents them: one
// `actorRef.sessionId` per actor, `@xstate.snapshot` events carrying `snapshot.value` and
// `snapshot.context`. Task actors are matched to task ids by their `context.ts`, which the
// contract says holds the task's timestamps (the same ones TaskInfo.ts carries). No wall-clock
// thresholds: slowest() is checked against the runMs every task reported on transitions$.
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  AsyncTask,
  formatTasks,
  type InspectionObserver,
  SchedulerError,
  SyncTask,
  TaskState,
  UnknownTaskError,
} from '../../src/index.js';
import {
  delay,
  FINAL_STATES,
  type Info,
  ownSchedulers,
  type SchedulerOptions,
  syncBodies,
  threadBodies,
  until,
  HANG_GUARD_MS,
} from './helpers.js';

const { scheduler, lane } = ownSchedulers();

type Lane = ReturnType<typeof scheduler> | ReturnType<typeof lane>;
type LaneKind = 'main' | 'thread';
const KINDS: readonly LaneKind[] = ['main', 'thread'];

let laneCount = 0;
const make = (kind: LaneKind, options?: SchedulerOptions): Lane =>
  kind === 'main'
    ? scheduler(options).start()
    : lane(`inspected-${String(++laneCount)}`, options).start();

/** What this file reads of an XState inspection event. */
interface Seen {
  type: string;
  rootId?: string;
  actorRef?: { sessionId?: string };
  snapshot?: { value?: unknown; context?: { ts?: Record<string, number> } };
  thread: number;
}

const TASK_STATES: readonly string[] = Object.values(TaskState);

/** An inspection observer that records events; as a function or as an object `{ next }`. */
function recorder(shape: 'function' | 'object') {
  const events: Seen[] = [];
  const next = (event: unknown): void => {
    events.push({ ...(event as Omit<Seen, 'thread'>), thread: threadId });
  };
  const inspect = shape === 'function' ? next : { next };
  return { events, inspect: inspect as InspectionObserver };
}

/** The snapshot events of each actor, by session id. */
function bySession(events: readonly Seen[]): Map<string, Seen[]> {
  const sessions = new Map<string, Seen[]>();
  for (const e of events) {
    const session = e.actorRef?.sessionId;
    if (e.type !== '@xstate.snapshot' || session === undefined) continue;
    sessions.set(session, [...(sessions.get(session) ?? []), e]);
  }
  return sessions;
}

const isTaskActor = (snapshots: readonly Seen[]): boolean =>
  snapshots.every((e) => TASK_STATES.includes(String(e.snapshot?.value)));

/**
 * A task's timestamps but its submit time, to match actors to tasks. (That a SchedulerThread's
 * actor carries the main side's submit time is checked on its own, below.)
 */
const afterSubmit = (ts: object | undefined): string =>
  JSON.stringify({ ...ts, submit: undefined });

/** The task actors' snapshot lists, keyed by the task whose final ts they end with. */
function taskActors(events: readonly Seen[], infos: readonly Info[]) {
  const found = new Map<string, Seen[][]>();
  for (const snapshots of bySession(events).values()) {
    if (!isTaskActor(snapshots)) continue;
    const last = afterSubmit(snapshots.at(-1)?.snapshot?.context?.ts);
    const info = infos.find((i) => afterSubmit(i.ts) === last);
    const key = info?.id ?? 'unmatched';
    found.set(key, [...(found.get(key) ?? []), snapshots]);
  }
  return found;
}

/** The states a list of snapshots walks through, repeats collapsed. */
const walk = (snapshots: readonly Seen[]): string[] =>
  snapshots
    .map((e) => String(e.snapshot?.value))
    .filter((value, i, all) => i === 0 || all[i - 1] !== value);

const failing = new AsyncTask('fail', { module: threadBodies, export: 'fail' });
const hanging = new AsyncTask('forever', { module: threadBodies, export: 'forever' });
const timingOut = delay({ timeoutMs: 20 });
const echo = new SyncTask('echo', { module: syncBodies, export: 'echo' });

/** One task per outcome; resolves when every one is final. */
async function runEveryOutcome(s: Lane) {
  const done = s.submitTask(delay(), 1, 'v');
  const sync = s.submitTask(echo, 'sync');
  const failed = s.submitTask(failing);
  const timedOut = s.submitTask(timingOut, 60_000, 'never');
  const canceled = s.submitTask(hanging);
  await until(() => s.taskState(canceled) === TaskState.STARTED, HANG_GUARD_MS, 'a started task');
  await s.cancelTask(canceled, 'canceled by the test');
  const ids = { done, sync, failed, timedOut, canceled };
  const infos = await Promise.all(Object.values(ids).map((id) => s.waitTask(id)));
  return { ids, infos };
}

const EXPECTED_END = {
  done: TaskState.DONE,
  sync: TaskState.DONE,
  failed: TaskState.FAILED,
  timedOut: TaskState.TIMED_OUT,
  canceled: TaskState.CANCELED,
} as const;

describe.each(KINDS)('inspect on the %s lane', (kind) => {
  it.each(['function', 'object'] as const)(
    'an observer %s sees the supervisor and one actor per task, walking NEW → … → final with context.ts',
    async (shape) => {
      const { events, inspect } = recorder(shape);
      const s = make(kind, { inspect });
      const { ids, infos } = await runEveryOutcome(s);
      // A lane thread forwards its events by message: wait until every task actor has ended.
      await until(
        () => {
          const actors = taskActors(events, infos);
          return infos.every((i) =>
            FINAL_STATES.includes(String(actors.get(i.id)?.[0]?.at(-1)?.snapshot?.value)),
          );
        },
        HANG_GUARD_MS,
        'every task actor to be seen final',
      );
      const actors = taskActors(events, infos);
      for (const [key, id] of Object.entries(ids)) {
        const sessions = actors.get(id) ?? [];
        expect(sessions, `${key}: one actor`).toHaveLength(1);
        const snapshots = sessions[0]!;
        const states = walk(snapshots);
        const end = EXPECTED_END[key as keyof typeof EXPECTED_END];
        const expected =
          end === TaskState.CANCELED && !states.includes('STARTED')
            ? ['NEW', 'SUBMITTED', 'SCHEDULED', end]
            : ['NEW', 'SUBMITTED', 'SCHEDULED', 'STARTED', end];
        // A first snapshot may already be SUBMITTED if the actor is created and sent its submit
        // in one go; everything after NEW is required.
        expect(
          states.filter((v) => v !== 'NEW'),
          key,
        ).toEqual(expected.slice(1));
        // context.ts only ever gains keys, never changes one (invariant 2 through the inspector).
        let previous: Record<string, number> = {};
        for (const e of snapshots) {
          const ts = e.snapshot?.context?.ts ?? {};
          for (const [k, v] of Object.entries(previous)) expect(ts[k], `${key} ts.${k}`).toBe(v);
          previous = ts;
        }
        const info = infos.find((i) => i.id === id)!;
        if (kind === 'main') expect(previous).toEqual(info.ts);
        else {
          expect(previous).toEqual({ ...info.ts, submit: previous['submit'] });
          expect(previous['submit']).toBeGreaterThanOrEqual(info.ts.submit!);
        }
      }
      expect(actors.get('unmatched') ?? []).toEqual([]);
      // The lane's supervisor is an actor too, and is not one of the task actors.
      const others = [...bySession(events).values()].filter((snaps) => !isTaskActor(snaps));
      expect(others.length, 'a supervisor actor').toBeGreaterThanOrEqual(1);
      // Every task actor runs in its supervisor's actor system (XState `rootId`).
      const roots = new Set(others.map((snaps) => snaps[0]!.actorRef!.sessionId));
      for (const e of events.filter((x) => x.type === '@xstate.snapshot')) {
        expect(roots.has(e.rootId)).toBe(true);
      }
      // Everything is seen on the main thread, also for a SchedulerThread.
      expect(new Set(events.map((e) => e.thread))).toEqual(new Set([threadId]));
    },
  );

  it('an observer that throws (an Error, or a string from an object observer) changes no outcome; errors$ gets it', async () => {
    for (const shape of ['function', 'object'] as const) {
      const boom = (): never => {
        if (shape === 'function') throw new Error('observer failed');
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a non-Error throw on purpose
        throw 'observer failed as a string';
      };
      const inspect = (shape === 'function' ? boom : { next: boom }) as InspectionObserver;
      const s = make(kind, { inspect });
      const errors: unknown[] = [];
      s.errors$.subscribe((e) => errors.push(e));
      const { ids, infos } = await runEveryOutcome(s);
      for (const [key, id] of Object.entries(ids)) {
        expect(infos.find((i) => i.id === id)!.state, key).toBe(
          EXPECTED_END[key as keyof typeof EXPECTED_END],
        );
      }
      await expect(s.result(ids.done)).resolves.toBe('v');
      await expect(s.result(ids.sync)).resolves.toBe('sync');
      // The lane still works after all that.
      await expect(s.result(s.submitTask(delay(), 0, 'after'))).resolves.toBe('after');
      await until(
        () => errors.length > 0,
        HANG_GUARD_MS,
        `errors$ to report the ${shape} observer`,
      );
      for (const e of errors) expect(e, shape).toBeInstanceOf(SchedulerError);
      await s.stop();
    }
  });

  it('without inspect nothing is observed: an observer of another scheduler sees none of its actors', async () => {
    const { events, inspect } = recorder('function');
    const watched = make(kind, { inspect });
    const plain = make(kind);
    const mine = await runEveryOutcome(plain);
    const seenBefore = await watched.waitTask(watched.submitTask(delay(), 0, 'w'));
    await until(
      () => taskActors(events, [seenBefore]).has(seenBefore.id),
      HANG_GUARD_MS,
      'the watched task',
    );
    const actors = taskActors(events, mine.infos);
    for (const id of Object.values(mine.ids)) expect(actors.has(id)).toBe(false);
    await expect(plain.result(mine.ids.done)).resolves.toBe('v');
    await plain.stop();
  });
});

describe('inspect on a SchedulerThread', () => {
  // Invariant 2: each timestamp is set once, when its state is entered, and `inspect` is passed
  // to every actor: the task actor in the lane thread carries the submit time the main side
  // stamped at submitTask(), not the time the thread received the task.
  it("a task actor's context.ts.submit is the task's TaskInfo ts.submit", async () => {
    const { events, inspect } = recorder('function');
    const s = make('thread', { inspect });
    const id = s.submitTask(delay(), 1, 'v');
    const info = await s.waitTask(id);
    const doneSnapshot = () =>
      events.find((e) => e.type === '@xstate.snapshot' && e.snapshot?.value === TaskState.DONE);
    await until(() => doneSnapshot() !== undefined, HANG_GUARD_MS, 'the DONE snapshot');
    const ts = doneSnapshot()!.snapshot!.context!.ts!;
    expect(threadId).toBe(0);
    expect(ts['start']).toBe(info.ts.start); // the later timestamps agree
    expect(ts['submit']).toBe(info.ts.submit);
  });
});

describe.each(KINDS)('dumpTask() and slowest() on the %s lane', (kind) => {
  it('dumpTask() keeps submit order over finished, running and queued tasks of any priority; each info is a frozen snapshot', async () => {
    const s = make(kind, { concurrency: 1 });
    const first = s.submitTask(delay(), 0, 'first');
    await s.waitTask(first);
    const running = s.submitTask(hanging);
    await until(() => s.taskState(running) === TaskState.STARTED, HANG_GUARD_MS, 'running');
    const low = s.submitTask(delay({ priority: -1 }), 0, 'low');
    const high = s.submitTask(delay({ priority: 5 }), 0, 'high');
    const ids = [first, running, low, high];
    await until(() => s.taskState(high) === TaskState.SCHEDULED, HANG_GUARD_MS, 'queued');
    const during = s.dumpTask();
    expect(during.map((i) => i.id)).toEqual(ids);
    expect(during.map((i) => i.state)).toEqual([
      TaskState.DONE,
      TaskState.STARTED,
      TaskState.SCHEDULED,
      TaskState.SCHEDULED,
    ]);
    for (const info of during) {
      expect(Object.isFrozen(info) && Object.isFrozen(info.ts) && Object.isFrozen(info.args)).toBe(
        true,
      );
    }
    // The returned list is the caller's: changing it changes nothing in the scheduler.
    during.splice(0, 2);
    expect(s.dumpTask().map((i) => i.id)).toEqual(ids);
    await s.cancelTask(running);
    await Promise.all(ids.map((id) => s.waitTask(id)));
    // high started before low, but the dump stays in submit order.
    expect(s.taskInfo(high).ts.start!).toBeLessThan(s.taskInfo(low).ts.start!);
    const after = s.dumpTask();
    expect(after.map((i) => i.id)).toEqual(ids);
    expect(after.map((i) => i.state)).toEqual([
      TaskState.DONE,
      TaskState.CANCELED,
      TaskState.DONE,
      TaskState.DONE,
    ]);
    // The infos read before are snapshots: they still say what was true then.
    expect(during.map((i) => i.state)).toEqual([TaskState.SCHEDULED, TaskState.SCHEDULED]);
    expect(s.dumpTask(low)).toEqual([after[2]]);
  });

  it('after eviction by maxFinished, slowest(n) answers over every task ever finished, slowest first', async () => {
    const s = make(kind, { retention: { maxFinished: 2 } });
    const finals = new Map<string, Info>();
    s.transitions$.subscribe((t) => {
      if (FINAL_STATES.includes(t.to)) finals.set(t.id, t.info);
    });
    const ms = [30, 0, 50, 5, 0, 10, 40, 0, 0, 20];
    for (const m of ms) await s.waitTask(s.submitTask(delay(), m, m));
    // A task that ran and failed, timed out or was canceled ran too: it counts.
    await s.waitTask(s.submitTask(timingOut, 60_000));
    await s.waitTask(s.submitTask(failing));
    expect(s.dumpTask()).toHaveLength(2);
    await until(() => finals.size === ms.length + 2, HANG_GUARD_MS, 'every final transition');
    const expected = [...finals.values()].sort((a, b) => b.runMs! - a.runMs!);
    for (const n of [1, 3, 12]) {
      const top = s.slowest(n);
      expect(
        top.map((i) => i.id),
        `slowest(${String(n)})`,
      ).toEqual(expected.slice(0, n).map((i) => i.id));
      for (const info of top) {
        expect(info).toEqual(finals.get(info.id));
        expect(Object.isFrozen(info)).toBe(true);
      }
    }
    expect(s.slowest().map((i) => i.id)).toEqual([expected[0]!.id]);
    expect(s.slowest(3, { running: false }).map((i) => i.id)).toEqual(
      expected.slice(0, 3).map((i) => i.id),
    );
    expect(s.slowest(3, { running: true })).toEqual([]);
    // The slowest evicted one: unknown to taskInfo, still known to slowest().
    const retained = new Set(s.dumpTask().map((i) => i.id));
    const evicted = expected.find((i) => !retained.has(i.id))!;
    expect(() => s.taskInfo(evicted.id)).toThrow(UnknownTaskError);
    expect(s.slowest(12).map((i) => i.id)).toContain(evicted.id);
  });

  it('after eviction by maxAgeMs, slowest() still answers; a running task that ran longer comes first by default only', async () => {
    const s = make(kind, { retention: { maxAgeMs: 20 } });
    const finals: Info[] = [];
    s.transitions$.subscribe((t) => {
      if (FINAL_STATES.includes(t.to)) finals.push(t.info);
    });
    for (const m of [15, 0, 5]) await s.waitTask(s.submitTask(delay(), m, m));
    await until(() => s.dumpTask().length === 0, HANG_GUARD_MS, 'age eviction');
    await until(() => finals.length === 3, HANG_GUARD_MS, 'final transitions');
    const expected = [...finals].sort((a, b) => b.runMs! - a.runMs!).map((i) => i.id);
    expect(s.slowest(3).map((i) => i.id)).toEqual(expected);
    const longestFinished = finals.find((i) => i.id === expected[0])!.runMs!;
    const running = s.submitTask(hanging);
    await until(
      () => (s.dumpTask(running)[0]?.runMs ?? 0) > longestFinished + 1,
      HANG_GUARD_MS,
      'the running task to pass the slowest finished one',
    );
    expect(s.slowest(2).map((i) => i.id)).toEqual([running, expected[0]]);
    expect(s.slowest(2)[0]!.state).toBe(TaskState.STARTED);
    expect(s.slowest(2, { running: true }).map((i) => i.id)).toEqual([running]);
    expect(s.slowest(2, { running: false }).map((i) => i.id)).toEqual(expected.slice(0, 2));
    await s.cancelTask(running);
  });
});

describe('formatTasks()', () => {
  it('an empty list prints a table with a header and no rows', () => {
    let table = '';
    expect(() => (table = formatTasks([]))).not.toThrow();
    expect(typeof table).toBe('string');
    expect(table.length).toBeGreaterThan(0);
    expect(formatTasks(Object.freeze([]))).toBe(table);
  });

  it('prints one row per info of every state, from both lanes, with millisecond precision', async () => {
    const infos: Info[] = [];
    for (const kind of KINDS) {
      const s = make(kind, { concurrency: 1 });
      s.transitions$.subscribe((t) => infos.push(t.info));
      const { ids } = await runEveryOutcome(s);
      const running = s.submitTask(hanging);
      const queued = s.submitTask(delay(), 0, 'q');
      await until(() => s.taskState(queued) === TaskState.SCHEDULED, HANG_GUARD_MS, 'queued');
      infos.push(s.taskInfo(running), s.taskInfo(queued), s.taskInfo(ids.failed));
      await s.cancelTask(queued, 'canceled | while queued\nwith a newline');
      infos.push(s.taskInfo(queued));
    }
    const unstarted = scheduler();
    infos.push(s0(unstarted.submitTask(delay(), 0, 'x'), unstarted));
    const states = new Set(infos.map((i) => i.state));
    for (const state of Object.values(TaskState).filter((v) => v !== TaskState.NEW)) {
      expect(states.has(state), state).toBe(true);
    }
    // A NEW info is not handed out by the scheduler; build one with no timestamps at all.
    const base = infos[0]!;
    const untimed: { -readonly [K in keyof Info]?: Info[K] } = { ...base };
    delete untimed.waitMs;
    delete untimed.runMs;
    const synthetic = Object.freeze({
      ...(untimed as Info),
      id: 'synthetic-new',
      name: 'never submitted',
      state: TaskState.NEW,
      ts: Object.freeze({}),
    });
    // Known times: 03:04:05.678 (UTC) plus a fraction, and a run of 12.3456 ms.
    const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678) + 0.9;
    const timed: Info = Object.freeze({
      ...base,
      id: 'known-times-0000000001',
      name: 'known-times',
      state: TaskState.DONE,
      ts: Object.freeze({ submit: at, schedule: at, start: at, done: at + 12.3456 }),
      waitMs: 0,
      runMs: 12.3456,
    });
    infos.push(synthetic, timed);
    let table = '';
    expect(() => (table = formatTasks(infos))).not.toThrow();
    for (const info of infos) expect(table, info.name).toContain(info.name);
    for (const state of states) expect(table).toContain(state);
    const timedRow = table.split('\n').find((line) => line.includes('known-times'))!;
    // Seconds and milliseconds read the same in every time zone.
    expect(timedRow).toMatch(/05\.678/);
    const run = timedRow.match(/\b12(?:\.\d+)?\b/)?.[0];
    expect(run, 'the run time in ms').toBeDefined();
    expect(Math.abs(Number(run) - 12.3456)).toBeLessThan(1);
    // Nothing it was given changed.
    expect(Object.isFrozen(timed)).toBe(true);
  });
});

/** The info of a task submitted to a scheduler that was never started. */
function s0(id: string, s: { taskInfo: (id: string) => Info }): Info {
  return s.taskInfo(id);
}
