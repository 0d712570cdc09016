import {
  createWebSocketInspector,
  createWebSocketReceiver,
  type StatelyInspectionEvent,
} from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, SchedulerThread } from '../../src/index.js';
import { filterInspection } from '../../src/inspect/filterInspection.js';
import { startInspectorRelay, type InspectorRelay } from './support/inspectorRelay.js';
import { ReceivedInspection } from './support/receivedInspection.js';

/*
 * A real inspector session: the local relay of @statelyai/inspect, a WebSocket inspector that
 * the schedulers report to, and a WebSocket receiver (what the Stately viewer page would be)
 * that the relay passes everything on to.
 */

/** A module task body for the lane thread: test/fixtures/add.mjs sums its arguments. */
const add = new AsyncTask<number[], number>('add', {
  module: new URL('../fixtures/add.mjs', import.meta.url),
});
const echo = new AsyncTask<[number], number>('echo', ({ args: [n] }) => n);

/** Whose a received event is: its actor system's root session id. */
type Root = string | undefined;

interface Session {
  readonly relay: InspectorRelay;
  readonly inspector: ReturnType<typeof createWebSocketInspector>;
  readonly received: ReceivedInspection;
}

let session: Session | undefined;
const schedulers: { stop(options?: { cancel?: boolean }): Promise<void> }[] = [];

/**
 * Starts the relay, the inspector and the receiver, and waits until both are connected: a
 * probe the inspector sends reaches the receiver (live, or replayed by the relay on connect).
 */
async function openSession(): Promise<Session> {
  const relay = await startInspectorRelay();
  const inspector = createWebSocketInspector({ url: relay.url });
  const received = new ReceivedInspection(createWebSocketReceiver({ server: relay.url }));
  session = { relay, inspector, received };
  inspector.actor('probe');
  await received.until('the probe', (events) => events.some((e) => e.sessionId === 'probe'));
  return session;
}

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop({ cancel: true })));
  session?.inspector.stop();
  await session?.relay.close();
  session = undefined;
  // Nothing of the session is left to keep the process alive: no socket, no server.
  expect(process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP'))).toEqual([]);
});

/** The root of the lane supervisor named `lane:<lane>`, from its registration. */
function rootOf(events: readonly StatelyInspectionEvent[], lane: string): Root {
  const registered = events.find((e) => e.type === '@xstate.actor' && e.name === `lane:${lane}`);
  return registered?.sessionId;
}

function taskActors(events: readonly StatelyInspectionEvent[], root: Root): string[] {
  return events
    .filter((e) => e.type === '@xstate.actor' && e.name === 'task' && e.rootId === root)
    .map((e) => e.sessionId);
}

/** The results in the DONE snapshots of the task actors under `root`. */
function doneResults(events: readonly StatelyInspectionEvent[], root: Root): unknown[] {
  return events
    .filter((e) => e.type === '@xstate.snapshot' && e.rootId === root)
    .map((e) => (e as { snapshot: { value?: unknown; context?: { result?: unknown } } }).snapshot)
    .filter((snapshot) => snapshot.value === 'DONE')
    .map((snapshot) => snapshot.context?.result);
}

/** Whether the lane supervisor under `root` has been seen `stopped`: its last event. */
function laneStopped(events: readonly StatelyInspectionEvent[], root: Root): boolean {
  if (root === undefined) return false;
  return events.some(
    (e) =>
      e.type === '@xstate.snapshot' &&
      e.sessionId === root &&
      (e.snapshot as { value?: unknown }).value === 'stopped',
  );
}

/** The session ids of the two lanes' roots, as the receiver saw them register. */
interface LaneRoots {
  readonly main: Root;
  readonly thread: Root;
}

/**
 * Runs `mainArgs` as echo tasks on `scheduler` and `threadArgs` as add tasks on `thread`, stops
 * both, and waits until the receiver has seen both lanes stopped: their last events, so all the
 * events before them have arrived too (one inspector, one connection, in order).
 */
async function runAndStop(
  received: ReceivedInspection,
  scheduler: AsyncScheduler,
  thread: SchedulerThread,
  { mainArgs, threadArgs }: { mainArgs: number[]; threadArgs: number[][] },
): Promise<LaneRoots> {
  schedulers.push(scheduler, thread);
  scheduler.start();
  thread.start();
  const onMain = mainArgs.map((n) => scheduler.submitTask(echo, n));
  const onThread = threadArgs.map((args) => thread.submitTask(add, ...args));
  await Promise.all([
    ...onMain.map((id) => scheduler.result(id)),
    ...onThread.map((id) => thread.result(id)),
  ]);
  await Promise.all([scheduler.stop(), thread.stop()]);
  const roots = (events: readonly StatelyInspectionEvent[]): LaneRoots => ({
    main: rootOf(events, scheduler.name),
    thread: rootOf(events, thread.name),
  });
  await received.until('both lanes stopped', (events) => {
    const { main, thread: other } = roots(events);
    return laneStopped(events, main) && laneStopped(events, other);
  });
  return roots(received.events);
}

/** The `xstate.done.actor.task` events the lane supervisor under `root` received. */
function laneDoneEvents(events: readonly StatelyInspectionEvent[], root: Root) {
  return events.filter(
    (e) =>
      e.type === '@xstate.event' &&
      e.sessionId === root &&
      (e as { event: { type: string } }).event.type === 'xstate.done.actor.task',
  );
}

describe('an inspector session (@statelyai/inspect relay, WebSocket inspector and receiver)', () => {
  it('carries the task actors and lane supervisors of an AsyncScheduler and a SchedulerThread', async () => {
    const { inspector, received } = await openSession();
    const scheduler = new AsyncScheduler({ name: 'session', inspect: inspector.inspect });
    // As the README says: the inspector's observer itself; the host rebuilds the thread's events.
    const thread = new SchedulerThread('urgent', { inspect: inspector.inspect });
    const { main, thread: urgent } = await runAndStop(received, scheduler, thread, {
      mainArgs: [1, 2, 3],
      threadArgs: [
        [10, 1],
        [20, 1],
        [30, 1],
      ],
    });

    const { events } = received;
    expect(main).toBeDefined();
    expect(urgent).toBeDefined();
    expect(main).not.toBe(urgent);
    expect(taskActors(events, main)).toHaveLength(3);
    expect(taskActors(events, urgent)).toHaveLength(3);
    // Apart from the main thread's sessions: the host prefixes them with `<lane>#<n>/`.
    expect(urgent).toMatch(/^urgent#1\//);
    expect(taskActors(events, urgent).every((id) => id.startsWith('urgent#1/'))).toBe(true);
    expect(doneResults(events, main)).toEqual([1, 2, 3]);
    expect(doneResults(events, urgent).sort()).toEqual([11, 21, 31]);
    expect(laneDoneEvents(events, urgent)).toHaveLength(3);
  });

  it('carries only the task actors a filterInspection keeps, and the lane events about them', async () => {
    const { inspector, received } = await openSession();
    const scheduler = new AsyncScheduler({
      name: 'sampled',
      concurrency: 1,
      inspect: filterInspection(inspector.inspect, { sampleEvery: 2 }),
    });
    const thread = new SchedulerThread('sampled-thread', {
      concurrency: 1,
      inspect: filterInspection(inspector.inspect, { sampleEvery: 2 }),
    });
    const { main, thread: other } = await runAndStop(received, scheduler, thread, {
      mainArgs: [1, 2, 3, 4, 5],
      threadArgs: [[10], [20], [30], [40], [50]],
    });

    const { events } = received;
    expect(taskActors(events, main)).toHaveLength(3);
    expect(doneResults(events, main)).toEqual([1, 3, 5]);
    expect(taskActors(events, other)).toHaveLength(3);
    expect(doneResults(events, other)).toEqual([10, 30, 50]);
    expect(laneDoneEvents(events, main)).toHaveLength(3);
    expect(laneDoneEvents(events, other)).toHaveLength(3);
  });
});
