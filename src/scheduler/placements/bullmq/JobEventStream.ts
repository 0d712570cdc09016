import { Redis } from 'ioredis';
import type { RedisConnectionOptions } from './connection.js';
import { firstEntryId, mayHaveMissedEntries } from './streamGap.js';

/** One entry of a queue's event stream: its id (`<ms>-<seq>`, Redis's clock) and its fields. */
export type JobStreamEvent = (fields: Record<string, string>, id: string) => void;

/** What a {@link JobEventStream} works with. */
export interface JobEventStreamOptions {
  readonly redis: RedisConnectionOptions;
  /** The stream's key: a queue's event stream (`<prefix>:<queue>:events`) or its cancel stream. */
  readonly key: string;
  /** Read the entries after this id. */
  readonly after: string;
  /** Each entry, in order. */
  readonly event: JobStreamEvent;
  /** A failed read or connection (the reader goes on: ioredis reconnects). */
  readonly failed: (error: Error) => void;
  /**
   * Entries may have been trimmed from the stream (its `MAXLEN` bound) before this reader read
   * them: called after the entries of the read that found it out were handed on. Absent: not
   * looked for.
   */
  readonly missed?: (() => void) | undefined;
}

/**
 * Replies this long or longer are checked for a trimmed gap before them. A stream trimmed past
 * unread entries still holds at least its bound of newer ones (an approximate trim keeps at
 * least `MAXLEN`), so the read after a gap returns a full reply or this many at least for any
 * bound from here up; shorter replies (a reader keeping up) cost no extra round trip.
 */
const GAP_CHECK_MIN_ENTRIES = 100;

/** How many entries an `XREAD` reply holds, over its streams. */
function entryCount(reply: readonly (readonly [string, readonly unknown[]])[]): number {
  let count = 0;
  for (const [, entries] of reply) count += entries.length;
  return count;
}

/** How far Redis's clock may run behind this machine's, ms, for reading a stream from now on. */
const CLOCK_SKEW_MS = 5_000;

/**
 * A stream id a little before now (by {@link CLOCK_SKEW_MS}), to read a stream from: its ids
 * are Redis's clock, which may run behind this machine's, so no entry added from now on is
 * missed; the few older ones read on the way are the reader's to ignore.
 */
export function recentStreamId(now = Date.now()): string {
  return `${Math.floor(now - CLOCK_SKEW_MS)}-0`;
}

/** Longest a read blocks before it asks again, ms (so a close is seen). */
const BLOCK_MS = 5_000;
/** Most entries one read returns. */
const READ_COUNT = 2_000;
/** Wait after a failed read, ms. */
const RETRY_MS = 500;

/**
 * Reads a BullMQ queue's event stream (`XREAD BLOCK`) on a connection of its own, from a given
 * id on, and hands each entry to `event`; a worker reads the queue's cancel stream with it too.
 *
 * @remarks In place of BullMQ's QueueEvents: the lane needs the entries in order, with their
 * ids (the time of each event in Redis), and nothing else; and its connection must be cut at
 * once on `close()`, even to a Redis that never answered (QueueEvents' close waits for it). A
 * read that fails is retried from the last id read, so a Redis that restarts with its data
 * loses no entry. A reader that fell further behind than the stream's bound (a loop blocked
 * while the workers went on) is told through `missed`, since `XREAD` itself skips what was
 * trimmed without a word.
 */
export class JobEventStream {
  readonly #options: JobEventStreamOptions;
  readonly #client: Redis;
  #after: string;
  /** Whether `#after` is the id of an entry read (not the id the reader started after). */
  #readAny = false;
  #closed = false;
  /** Resolves once the connection is up and the first read is under way. */
  readonly ready: Promise<void>;

  constructor(options: JobEventStreamOptions) {
    this.#options = options;
    this.#after = options.after;
    this.#client = new Redis({ ...options.redis, lazyConnect: false });
    this.#client.on('error', (error: Error) => {
      if (!this.#closed) options.failed(error);
    });
    this.ready = new Promise<void>((resolve) => {
      if (this.#client.status === 'ready') resolve();
      else this.#client.once('ready', resolve);
    });
    void this.#read();
  }

  /** The connection (its `ready` events tell that Redis is back). */
  get client(): Redis {
    return this.#client;
  }

  async #read(): Promise<void> {
    const { key, event, failed, missed } = this.#options;
    while (!this.#closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = await this.#client.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          key,
          this.#after,
        );
      } catch (error) {
        if (this.isClosed) return;
        failed(error as Error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      if (reply === null) continue;
      const gap =
        missed !== undefined &&
        entryCount(reply) >= GAP_CHECK_MIN_ENTRIES &&
        (await this.#trimmedSince(this.#after));
      for (const [, entries] of reply) {
        for (const [id, flat] of entries) {
          this.#after = id;
          this.#readAny = true;
          if (this.isClosed) return;
          const fields: Record<string, string> = Object.create(null) as Record<string, string>;
          for (let i = 0; i + 1 < flat.length; i += 2)
            fields[flat[i] as string] = flat[i + 1] as string;
          event(fields, id);
        }
      }
      if (gap && !this.isClosed) missed();
    }
  }

  /** Whether entries after `lastRead` were trimmed before this reader got them. */
  async #trimmedSince(lastRead: string): Promise<boolean> {
    // Before any entry is read, `lastRead` is only where reading began: nothing to compare.
    if (!this.#readAny) return false;
    try {
      const info: unknown = await this.#client.xinfo('STREAM', this.#options.key);
      return mayHaveMissedEntries(firstEntryId(info), lastRead);
    } catch {
      // Unknown (the stream was deleted, or Redis went away: its return reads everything again).
      return false;
    }
  }

  /** True once closed (read anew after each await: a close may come meanwhile). */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Stops reading and cuts the connection at once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.disconnect();
  }
}
