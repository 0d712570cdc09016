import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { assertInspectionObserver, toInspectionNext } from '../scheduler/inspectionObserver.js';
import type { InspectionObserver } from '../scheduler/schedulerOptions.js';
import { fromWireInspectionEvent } from '../scheduler/placements/thread/fromWireInspectionEvent.js';
import { assertRecordingPath } from './recordingPath.js';
import type { RecordedInspectionEvent } from './serializeInspectionEvent.js';

/** Parses one line of a recording, or says where and why it is not one. */
function parseLine(line: string, where: string): RecordedInspectionEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new SyntaxError(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const { type, actorRef } = (value ?? {}) as { type?: unknown; actorRef?: unknown };
  if (typeof type !== 'string' || typeof actorRef !== 'object' || actorRef === null) {
    throw new SyntaxError(
      `${where}: not a recorded inspection event (no \`type\` or \`actorRef\`)`,
    );
  }
  return value as RecordedInspectionEvent;
}

/**
 * Reads back a file written by `createInspectionRecorder`, one event at a time.
 *
 * @remarks The file is streamed, so a recording larger than memory can be read. Blank lines
 * are skipped. A recording cut short (its process died mid-write) ends in a broken line: the
 * events before it are yielded, then the iteration throws. Breaking out of the loop closes
 * the file.
 *
 * @throws TypeError/RangeError for a bad path; the iteration rejects with the file's error
 * (ENOENT…) or a SyntaxError naming the line that is not a recorded event.
 *
 * @example
 * ```ts
 * import { readInspectionRecording } from 'async-scheduler/inspect';
 *
 * for await (const event of readInspectionRecording('run.jsonl')) {
 *   if (event.type === '@xstate.snapshot') console.log(event.actorRef.systemId, event.snapshot);
 * }
 * ```
 */
export function readInspectionRecording(
  filePath: string | URL,
): AsyncIterable<RecordedInspectionEvent> {
  assertRecordingPath(filePath, 'filePath');
  const name = filePath instanceof URL ? fileURLToPath(filePath) : filePath;
  return {
    async *[Symbol.asyncIterator]() {
      const input = createReadStream(filePath);
      const lines = createInterface({ input, crlfDelay: Infinity });
      let lineNumber = 0;
      try {
        for await (const line of lines) {
          lineNumber++;
          if (line.trim() === '') continue;
          yield parseLine(line, `${name}:${lineNumber}`);
        }
      } finally {
        lines.close();
        input.destroy();
      }
    },
  };
}

/**
 * Feeds a recording to an inspection observer, in order, as fast as it reads.
 *
 * @remarks Each event's actor references are rebuilt with a `getSnapshot()` (answering with
 * the snapshot the event carried), so an inspector built for live actors takes them: give it
 * `createWebSocketInspector(…).inspect` to watch a recorded run again in a viewer. The
 * observer may throw: the replay then rejects with what it threw.
 *
 * @param observer - a function or an observer with `next`.
 * @returns how many events were replayed.
 * @throws TypeError/RangeError for a bad path or observer; rejects as the reading does.
 *
 * @example
 * ```ts
 * import { createWebSocketInspector } from '@statelyai/inspect';
 * import { replayInspection } from 'async-scheduler/inspect';
 *
 * const inspector = createWebSocketInspector({ url: 'ws://localhost:8080' });
 * await replayInspection('run.jsonl', inspector.inspect);
 * ```
 */
export async function replayInspection(
  filePath: string | URL,
  observer: InspectionObserver,
): Promise<number> {
  assertInspectionObserver(observer, 'observer');
  const recording = readInspectionRecording(filePath);
  const next = toInspectionNext(observer);
  let count = 0;
  for await (const event of recording) {
    next(fromWireInspectionEvent(event));
    count++;
  }
  return count;
}
