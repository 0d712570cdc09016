// examples/xstate-inspector.ts
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { AsyncScheduler, AsyncTask, SchedulerThread } from 'async-scheduler';
import {
  createInspectionRecorder,
  filterInspection,
  replayInspection,
} from 'async-scheduler/inspect';

// The relay to the Stately viewer, usually its own process; its page is http://localhost:<port>.
const port = Number(process.env['INSPECTOR_PORT'] ?? 8080);
const relay = createInspectorServer({ port, autoOpen: false });
const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });
const recording = join(tmpdir(), 'run.jsonl');
const recorder = createInspectionRecorder(recording); // every event, as JSON lines

const s = new AsyncScheduler({
  inspect: filterInspection(inspector.inspect, { sampleEvery: 100 }), // 1 task in 100
}).start();
const urgent = new SchedulerThread('urgent', { inspect: recorder.inspect }).start(); // its actors too
const nap = new AsyncTask('nap', ({ signal }) => sleep(10, 'rested', { signal }));
const ping = new AsyncTask('ping', { module: 'data:text/javascript,export default () => "pong"' });

await Promise.all(Array.from({ length: 300 }, () => s.result(s.submitTask(nap))));
await urgent.result(urgent.submitTask(ping));
await Promise.all([s.stop(), urgent.stop()]);
await recorder.close();
const replayed = await replayInspection(recording, () => undefined); // or into inspector.inspect
console.log(`${recorder.count} events recorded to ${recording}, ${replayed} replayed`);

inspector.stop(); // so the process can exit
relay.stop();
