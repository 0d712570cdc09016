import type { Redis } from 'ioredis';

/**
 * Most cancels the stream keeps (an approximate trim: Redis may keep a few more). A worker reads
 * them as they come; an old cancel is only useful to a worker that was cut off from Redis for a
 * moment and reads on from where it stopped.
 */
export const CANCEL_STREAM_MAX_LEN = 1_000;
/**
 * The stream expires this long after its last cancel, ms, so a queue whose schedulers stopped
 * canceling leaves nothing of it behind (BullMQ's `obliterate` does not know the key).
 */
export const CANCEL_STREAM_TTL_MS = 10 * 60_000;

/**
 * The Redis stream through which schedulers cancel active jobs, wherever they run:
 * `<prefix>:<queue>:async-scheduler:cancels`.
 *
 * @remarks A stream of its own, not the queue's event stream, so a worker reads only the
 * cancels (a few entries) instead of every event of every job of the queue: with the event
 * stream, each of N workers would read all of the queue's events, N times the reads for nothing.
 * BullMQ refuses job ids that contain `:`, so no job's key can be this one.
 */
export function cancelStreamKey(prefix: string, queue: string): string {
  return `${prefix}:${queue}:async-scheduler:cancels`;
}

/** One cancel as the stream holds it: the job to abort and why. */
export interface StreamedCancel {
  readonly jobId: string;
  readonly reason: string;
}

/**
 * Appends a cancel to the queue's cancel stream (trimmed to about
 * {@link CANCEL_STREAM_MAX_LEN}, and its expiry pushed back to {@link CANCEL_STREAM_TTL_MS}),
 * in one round trip.
 */
export async function publishCancel(
  client: Redis,
  key: string,
  { jobId, reason }: StreamedCancel,
): Promise<void> {
  const replies = await client
    .multi()
    .xadd(key, 'MAXLEN', '~', CANCEL_STREAM_MAX_LEN, '*', 'jobId', jobId, 'reason', reason)
    .pexpire(key, CANCEL_STREAM_TTL_MS)
    .exec();
  const failed = replies?.find(([error]) => error !== null)?.[0];
  if (failed) throw failed;
}

/** The cancel an entry of the stream holds; undefined if the entry is not one. */
export function readCancel(fields: Record<string, string>): StreamedCancel | undefined {
  const jobId = fields['jobId'];
  if (jobId === undefined) return undefined;
  return { jobId, reason: fields['reason'] ?? 'canceled' };
}
