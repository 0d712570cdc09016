/**
 * The XState inspector on two schedulers, an AsyncScheduler and a SchedulerThread: a local
 * relay, a live view filtered to a sample of the task actors, and a recording of every event,
 * replayed at the end (then deleted).
 *
 * Run with `npx tsx examples/inspector.ts`. To watch in the Stately viewer (online), open the
 * relay's page (printed below) while it runs; here a local receiver stands in for that page.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWebSocketInspector, createWebSocketReceiver } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import { createInspectorServer } from '@statelyai/inspect/server';
import { AsyncScheduler, AsyncTask, SchedulerThread } from 'async-scheduler';
import {
  createInspectionRecorder,
  filterInspection,
  replayInspection,
} from 'async-scheduler/inspect';

const TASKS = 200;
const THREAD_TASKS = 100;
const SHOW_ONE_TASK_IN = 20;
const LANES = 2;
/** Module with the SchedulerThread's task bodies: they run in its thread, so by reference. */
const CPU_MODULE = new URL('./tasks/cpu.mjs', import.meta.url);
/** A pseudo-actor the inspector announces, to know when the receiver gets events. */
const CONNECTION_CHECK = 'connection-check';

// ── The relay (normally its own process: `createInspectorServer()` on port 8080) ──────────
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, () => {
    const { port: free } = probe.address() as { port: number };
    probe.close(() => {
      resolve(free);
    });
  });
});
// The relay's stop() leaves its connections open: keep them, to end them when done.
const connections = new Set<Socket>();
const keep = ({ socket }: { socket: Socket }) => {
  if (socket.localPort === port) connections.add(socket);
};
subscribe('net.server.socket', keep as (message: unknown) => void);
const relay = createInspectorServer({ port, autoOpen: false });
const url = `ws://localhost:${port}`;
console.log(`relay on ${url} (viewer page: http://localhost:${port}, needs stately.ai)`);

// ── A receiver: what the viewer page would get, counted per kind of actor ─────────────────
const kindOf = new Map<string, string>(); // session id → kind
const eventsPerKind = new Map<string, number>();
let lanesStopped = 0;
let allLanesStopped: () => void = () => undefined;
const allReceived = new Promise<void>((resolve) => (allLanesStopped = resolve));
let connected: () => void = () => undefined;
const receiverConnected = new Promise<void>((resolve) => (connected = resolve));
createWebSocketReceiver({ server: url }).subscribe((event) => {
  if (event.sessionId === CONNECTION_CHECK) {
    connected();
    return;
  }
  if (event.type === '@xstate.actor') {
    kindOf.set(event.sessionId, event.name.startsWith('lane:') ? 'lane supervisor' : event.name);
  }
  const kind = kindOf.get(event.sessionId) ?? 'other';
  eventsPerKind.set(kind, (eventsPerKind.get(kind) ?? 0) + 1);
  const value = (event as { snapshot?: { value?: unknown } }).snapshot?.value;
  if (kind === 'lane supervisor' && value === 'stopped' && ++lanesStopped === LANES) {
    allLanesStopped();
  }
});

// ── The inspector, a filter for the live view, and a recorder for everything ──────────────
const inspector = createWebSocketInspector({ url });
inspector.actor(CONNECTION_CHECK); // the relay passes it on once both ends are connected
await receiverConnected;
const recordingPath = join(tmpdir(), `inspection-${process.pid}.jsonl`);
const recorder = createInspectionRecorder(recordingPath);
/** One filter per scheduler (its sample count is its own), and the recorder for all. */
const inspectLive = () => {
  const live = filterInspection(inspector.inspect, {
    sampleEvery: SHOW_ONE_TASK_IN, // 1 task actor in 20, each with its whole history
    // and the supervisor's events about those 20 only (the default: supervisorEvents 'selected')
    filter: (event) => event.type !== '@xstate.microstep', // the viewer ignores these anyway
  });
  return (event: InspectionEvent) => {
    live(event);
    recorder.inspect(event);
  };
};

const scheduler = new AsyncScheduler({ name: 'inspected', concurrency: 8, inspect: inspectLive() });
// A lane in its own thread: its events come to the main thread, session ids under `primes#1/`.
const primes = new SchedulerThread('primes', { concurrency: 2, inspect: inspectLive() });
scheduler.start();
primes.start();

const resize = new AsyncTask('resize', async ({ args: [ms], signal }) => {
  await sleep(ms as number, undefined, { signal });
  return ms;
});
const countPrimes = new AsyncTask<[limit: number], number>('count-primes', {
  module: CPU_MODULE,
  export: 'countPrimes',
});
const ids = Array.from({ length: TASKS }, (_, i) => scheduler.submitTask(resize, 1 + (i % 5)));
const threadIds = Array.from({ length: THREAD_TASKS }, (_, i) =>
  primes.submitTask(countPrimes, 1_000 + i * 100),
);
await Promise.all([
  ...ids.map((id) => scheduler.waitTask(id)),
  ...threadIds.map((id) => primes.waitTask(id)),
]);
await Promise.all([scheduler.stop(), primes.stop()]);
await allReceived; // the lanes' last snapshots: everything before them has arrived too
await recorder.close();

// ── Offline: replay the recording (into a counter here; an inspector's `inspect` works too) ──
const replayedTasks = new Set<string>();
const replayed = await replayInspection(recordingPath, (event) => {
  const ref = event.actorRef as { id?: string; sessionId: string };
  if (ref.id === 'task') replayedTasks.add(ref.sessionId);
});

console.log(`live, through the relay: events per actor kind`, Object.fromEntries(eventsPerKind));
const shown = [...kindOf.values()].filter((kind) => kind === 'task').length;
console.log(`live task actors shown: ${shown} of ${TASKS + THREAD_TASKS}`);
console.log(`recorded ${recorder.count} events to ${recordingPath}`);
console.log(`replayed ${replayed} events, of ${replayedTasks.size} task actors`);
await rm(recordingPath); // about 5 KB a task: do not leave it behind

// ── Close everything, so the process exits by itself ──────────────────────────────────────
inspector.stop();
relay.stop();
unsubscribe('net.server.socket', keep as (message: unknown) => void);
for (const socket of connections) socket.destroy();
