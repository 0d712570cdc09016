import { createWriteStream, type WriteStream } from 'node:fs';
import type { InspectionEvent } from 'xstate';
import { systemClock } from '../clock.js';
import { assertOptionalFunction, assertOptionsObject, assertWholeNumber } from '../validate.js';
import { assertRecordingPath } from './recordingPath.js';
import { serializeInspectionEvent } from './serializeInspectionEvent.js';

/** How much a recorder holds in memory while the disk is behind, by default: 16 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Options of {@link createInspectionRecorder}. */
export interface InspectionRecorderOptions {
  /**
   * Add to the end of an existing file instead of replacing it.
   * @default false
   */
  append?: boolean;
  /**
   * Most bytes of lines held in memory, not yet written: past it, events are dropped (and
   * counted in `dropped`) until the disk catches up.
   * @remarks Inspection events cannot wait: XState hands them over inside each transition.
   * @default 16 MiB
   */
  maxBufferedBytes?: number;
  /**
   * Receives a failure to write the file (then the recorder stops recording), and one notice
   * when it first drops events.
   * @default console.error
   */
  onError?: (error: Error) => void;
}

/** A recorder of inspection events, made by {@link createInspectionRecorder}. */
export interface InspectionRecorder {
  /** The observer to give a scheduler's `inspect` option (or to `filterInspection`). */
  readonly inspect: (event: InspectionEvent) => void;
  /** Events recorded so far; all of them are in the file once `close()` resolves. */
  readonly count: number;
  /** Events dropped because the disk was behind by more than `maxBufferedBytes`. */
  readonly dropped: number;
  /**
   * Stops recording, writes what is buffered and closes the file. Idempotent.
   * @throws (rejects) the error that made writing the file fail.
   */
  close(): Promise<void>;
}

const OPTION_NAMES: ReadonlySet<string> = new Set(['append', 'maxBufferedBytes', 'onError']);

/** Writes lines through a WriteStream: one write per loop turn, and only when it has room. */
class LineWriter {
  readonly #stream: WriteStream;
  #pending: string[] = [];
  /** Bytes pending here plus bytes handed to the stream and not yet written. */
  #bufferedBytes = 0;
  #flushScheduled = false;
  #waitingForDrain = false;
  #ended = false;

  constructor(stream: WriteStream) {
    this.#stream = stream;
  }

  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  add(line: string, bytes: number): void {
    this.#pending.push(line);
    this.#bufferedBytes += bytes;
    if (this.#flushScheduled || this.#waitingForDrain) return;
    this.#flushScheduled = true;
    setImmediate(this.#flush);
  }

  /** Writes what is pending, then ends the stream. */
  end(): void {
    this.#ended = true;
    const chunk = this.#take();
    if (chunk !== undefined) this.#stream.write(chunk);
    this.#stream.end();
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#ended) return;
    const chunk = this.#take();
    if (chunk === undefined) return;
    const bytes = Buffer.byteLength(chunk);
    const hasRoom = this.#stream.write(chunk, () => {
      this.#bufferedBytes -= bytes;
    });
    if (hasRoom) return;
    this.#waitingForDrain = true;
    this.#stream.once('drain', () => {
      this.#waitingForDrain = false;
      if (this.#pending.length > 0 && !this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(this.#flush);
      }
    });
  };

  #take(): string | undefined {
    if (this.#pending.length === 0) return undefined;
    const chunk = this.#pending.join('');
    this.#pending = [];
    return chunk;
  }
}

/**
 * Records inspection events to a file, one JSON line each, for offline replay.
 *
 * @remarks Each event is written as `RecordedInspectionEvent` data: actor references as
 * `{ id, sessionId, systemId }`, snapshots as `status`, `value`, `context`; a value JSON
 * cannot hold is replaced, never fatal. Lines are batched: one write per loop turn through a
 * WriteStream, none while the stream asks to wait; past `maxBufferedBytes`, events are dropped
 * and counted. Read the file back with `readInspectionRecording`, or feed it to an
 * inspector with `replayInspection`. Call `close()` before the process ends: what is
 * still buffered is lost otherwise.
 *
 * @param filePath - the file to write (created, or replaced unless `append`).
 * @throws TypeError/RangeError for a bad path or option. A file that cannot be opened is
 * reported to `onError`, and `close()` rejects with it.
 *
 * @example
 * ```ts
 * import { AsyncScheduler } from 'async-scheduler';
 * import { createInspectionRecorder } from 'async-scheduler/inspect';
 *
 * const recorder = createInspectionRecorder('run.jsonl');
 * const scheduler = new AsyncScheduler({ inspect: recorder.inspect });
 * // … run tasks …
 * await scheduler.stop();
 * await recorder.close();
 * ```
 */
export function createInspectionRecorder(
  filePath: string | URL,
  options: InspectionRecorderOptions = {},
): InspectionRecorder {
  assertRecordingPath(filePath, 'filePath');
  assertOptionsObject(options, 'options');
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`Unknown recorder option \`${key}\``);
  }
  const { append = false, maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES, onError } = options;
  if (typeof append !== 'boolean') throw new TypeError('Expected `append` to be a boolean');
  assertWholeNumber(maxBufferedBytes, 'maxBufferedBytes', { min: 1 });
  assertOptionalFunction(onError, 'onError');
  const report =
    onError ??
    ((error: Error) => {
      console.error(error);
    });

  const stream = createWriteStream(filePath, { flags: append ? 'a' : 'w' });
  const writer = new LineWriter(stream);
  let count = 0;
  let dropped = 0;
  let failure: Error | undefined;
  let closed: Promise<void> | undefined;
  stream.on('error', (error) => {
    failure ??= error;
    report(error);
  });

  return {
    inspect: (event) => {
      if (closed !== undefined || failure !== undefined) return;
      const line = `${serializeInspectionEvent(event, systemClock.now())}\n`;
      const bytes = Buffer.byteLength(line);
      if (writer.bufferedBytes + bytes > maxBufferedBytes) {
        if (dropped++ === 0) {
          report(
            new Error(
              `Inspection recorder: the disk is behind, dropping events (${String(filePath)})`,
            ),
          );
        }
        return;
      }
      count++;
      writer.add(line, bytes);
    },
    get count() {
      return count;
    },
    get dropped() {
      return dropped;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        const settle = () => {
          if (failure === undefined) resolve();
          else reject(failure);
        };
        if (stream.closed) {
          settle();
          return;
        }
        stream.once('close', settle);
        if (failure === undefined) writer.end();
      });
      return closed;
    },
  };
}
