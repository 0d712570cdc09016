import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createActor, createMachine, type InspectionEvent } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInspectionRecorder } from '../../src/inspect/createInspectionRecorder.js';
import {
  readInspectionRecording,
  replayInspection,
} from '../../src/inspect/readInspectionRecording.js';
import type { RecordedInspectionEvent } from '../../src/inspect/serializeInspectionEvent.js';
import { createHarness, echoTask } from '../support/harness.js';
import { createInspectedLane } from './support/inspectedLane.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inspection-recorder-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string | URL): Promise<RecordedInspectionEvent[]> {
  const events: RecordedInspectionEvent[] = [];
  for await (const event of readInspectionRecording(path)) events.push(event);
  return events;
}

async function linesOf(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
}

/** An actor whose context holds `context`: its snapshots carry it to the recorder. */
function recordActorWith(inspect: (event: InspectionEvent) => void, context: object): void {
  const machine = createMachine({ id: 'odd', context, initial: 'on', states: { on: {} } });
  createActor(machine, { inspect }).start().stop();
}

describe('createInspectionRecorder', () => {
  describe('options', () => {
    it('refuses a path that is not a non-empty string or a URL', () => {
      expect(() => createInspectionRecorder('')).toThrow(
        new RangeError('Expected `filePath` to be a file path or a file URL, got "" (string)'),
      );
      expect(() => createInspectionRecorder(3 as never)).toThrow(TypeError);
    });

    it('refuses unknown and malformed options', () => {
      const path = join(dir, 'x.jsonl');
      expect(() => createInspectionRecorder(path, { flush: true } as never)).toThrow(
        new TypeError('Unknown recorder option `flush`'),
      );
      expect(() => createInspectionRecorder(path, { maxBufferedBytes: 0 })).toThrow(RangeError);
      expect(() => createInspectionRecorder(path, { append: 'yes' as never })).toThrow(TypeError);
      expect(() => createInspectionRecorder(path, { onError: 1 as never })).toThrow(TypeError);
    });
  });

  it('records a scheduler run that reads back event for event', async () => {
    const path = join(dir, 'run.jsonl');
    const recorder = createInspectionRecorder(path);
    const live: InspectionEvent[] = [];
    const { scheduler } = createHarness({
      inspect: (event) => {
        live.push(event);
        recorder.inspect(event);
      },
    });
    const id = scheduler.submitTask(echoTask(), { answer: 42 });
    await scheduler.waitTask(id);
    await scheduler.stop();
    await recorder.close();

    const recorded = await readAll(path);
    expect(recorder.count).toBe(live.length);
    expect(recorded.map((event) => event.type)).toEqual(live.map((event) => event.type));
    expect(recorded.map((event) => event.actorRef.sessionId)).toEqual(
      live.map((event) => event.actorRef.sessionId),
    );
    const done = recorded.find(
      (event) =>
        event.type === '@xstate.snapshot' &&
        event.actorRef.systemId === id &&
        (event.snapshot as { value?: unknown }).value === 'DONE',
    );
    expect(done?.snapshot).toMatchObject({ status: 'done', context: { result: { answer: 42 } } });
    expect(recorded.every((event) => typeof event.at === 'number')).toBe(true);
  });

  it('replaces values JSON cannot hold, and keeps recording', async () => {
    const path = join(dir, 'odd.jsonl');
    const recorder = createInspectionRecorder(path);
    const circular: Record<string, unknown> = { name: 'loop' };
    circular['self'] = circular;
    const shared = { n: 1 };
    recordActorWith(recorder.inspect, {
      circular,
      twice: [shared, shared],
      big: 12n,
      fn: function named() {
        return 1;
      },
      sym: Symbol('tag'),
      error: new RangeError('bad range'),
    });
    const throwing = {};
    Object.defineProperty(throwing, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter boom');
      },
    });
    recordActorWith(recorder.inspect, { throwing });
    await recorder.close();

    const recorded = await readAll(path);
    const context = (
      recorded.find((event) => event.type === '@xstate.snapshot')?.snapshot as {
        context: Record<string, unknown>;
      }
    ).context;
    expect(context).toMatchObject({
      circular: { name: 'loop', self: '[circular]' },
      twice: [{ n: 1 }, { n: 1 }],
      big: '12n',
      fn: '[function named]',
      sym: 'Symbol(tag)',
      error: { name: 'RangeError', message: 'bad range' },
    });
    const broken = recorded.filter((event) => event.payloadError !== undefined);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]?.payloadError).toBe('Error: getter boom');
    expect(broken[0]?.actorRef.sessionId).toMatch(/^x:\d+$/);
    expect(recorded).toHaveLength(recorder.count);
  });

  it('writes every recorded event before close() resolves, and nothing after', async () => {
    const path = join(dir, 'flush.jsonl');
    const recorder = createInspectionRecorder(path);
    const lane = createInspectedLane(recorder.inspect);
    for (let i = 0; i < 200; i++) lane.run('job', i);
    const count = recorder.count;
    const closing = recorder.close();
    expect(recorder.close()).toBe(closing);
    lane.run('late');
    await closing;
    expect(recorder.count).toBe(count);
    expect(await linesOf(path)).toHaveLength(count);
  });

  it('writes one chunk per loop turn, not one per event', async () => {
    const write = vi.spyOn(WriteStream.prototype, 'write');
    const path = join(dir, 'batched.jsonl');
    const recorder = createInspectionRecorder(path);
    const lane = createInspectedLane(recorder.inspect);
    for (let i = 0; i < 100; i++) lane.run('job', i);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(1);
    expect(recorder.count).toBeGreaterThan(100);
    await recorder.close();
  });

  it('drops and counts what passes maxBufferedBytes, and says so once', async () => {
    const path = join(dir, 'dropped.jsonl');
    const errors: Error[] = [];
    const recorder = createInspectionRecorder(path, {
      maxBufferedBytes: 4096,
      onError: (error) => errors.push(error),
    });
    const lane = createInspectedLane(recorder.inspect);
    for (let i = 0; i < 50; i++) lane.run('job', i);
    expect(recorder.dropped).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/dropping events/);
    await recorder.close();
    expect(await linesOf(path)).toHaveLength(recorder.count);
  });

  it('appends to an existing file when asked, and takes a file URL', async () => {
    const path = join(dir, 'appended.jsonl');
    const counts: number[] = [];
    for (const append of [false, true]) {
      const recorder = createInspectionRecorder(pathToFileURL(path), { append });
      createInspectedLane(recorder.inspect).run('job');
      await recorder.close();
      counts.push(recorder.count);
    }
    expect(await linesOf(path)).toHaveLength((counts[0] ?? 0) + (counts[1] ?? 0));
  });

  it('reports a file it cannot write, and close() rejects with it', async () => {
    const errors: Error[] = [];
    const recorder = createInspectionRecorder(join(dir, 'missing', 'run.jsonl'), {
      onError: (error) => errors.push(error),
    });
    recorder.inspect({ type: '@xstate.event' } as InspectionEvent);
    await expect(recorder.close()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(errors).toHaveLength(1);
  });
});

describe('readInspectionRecording', () => {
  it('skips blank lines, and names the line that is not an event', async () => {
    const path = join(dir, 'bad.jsonl');
    const line = JSON.stringify({ at: 1, type: '@xstate.event', rootId: 'x:0', actorRef: {} });
    await writeFile(path, `${line}\n\n${line}\n{"type":"x"}\n{oops\n`);
    const seen: string[] = [];
    await expect(async () => {
      for await (const event of readInspectionRecording(path)) seen.push(event.type);
    }).rejects.toThrow(
      new SyntaxError(`${path}:4: not a recorded inspection event (no \`type\` or \`actorRef\`)`),
    );
    expect(seen).toEqual(['@xstate.event', '@xstate.event']);
    await expect(readAll(join(dir, 'none.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a bad path at once', () => {
    expect(() => readInspectionRecording(null as never)).toThrow(TypeError);
  });
});

describe('replayInspection', () => {
  it('feeds the recorded events, in order, with actor references an inspector can read', async () => {
    const path = join(dir, 'replay.jsonl');
    const recorder = createInspectionRecorder(path);
    createInspectedLane(recorder.inspect).run('job', 'result');
    await recorder.close();

    const replayed: InspectionEvent[] = [];
    const count = await replayInspection(path, { next: (event) => replayed.push(event) });
    expect(count).toBe(recorder.count);
    expect(replayed.map((event) => event.type)).toEqual(
      (await readAll(path)).map((event) => event.type),
    );
    const snapshot = replayed.find((event) => event.type === '@xstate.snapshot');
    expect(snapshot?.actorRef.getSnapshot()).toEqual((snapshot as { snapshot: unknown }).snapshot);
    const created = replayed.find((event) => event.type === '@xstate.actor');
    expect(created?.actorRef.getSnapshot()).toEqual({ status: 'active' });
  });

  it('rejects with what the observer threw', async () => {
    const path = join(dir, 'throws.jsonl');
    const recorder = createInspectionRecorder(path);
    createInspectedLane(recorder.inspect).run('job');
    await recorder.close();
    const boom = new Error('replay boom');
    await expect(
      replayInspection(path, () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(replayInspection(path, 'x' as never)).rejects.toThrow(TypeError);
  });
});
