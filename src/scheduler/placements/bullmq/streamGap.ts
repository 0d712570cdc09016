/**
 * Whether a stream reader may have missed entries: a Redis stream trimmed to its bound
 * (`XADD … MAXLEN ~`) deletes its oldest entries, read or not, and `XREAD` after an id that was
 * trimmed silently returns what is left.
 */

/** Orders two stream ids (`<ms>-<seq>`): negative, zero or positive, as `a` is before, at or after `b`. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/**
 * True when entries after `lastRead`, the last entry a reader read, may have been trimmed before
 * it read them: `lastRead` itself is gone (the stream's oldest entry is a later one). Trimming
 * takes the oldest entries first, so while the last entry read is still there nothing after it
 * is lost.
 *
 * @param firstId - the id of the stream's oldest entry now (`XINFO STREAM`'s `first-entry`);
 * undefined for an empty stream.
 */
export function mayHaveMissedEntries(firstId: string | undefined, lastRead: string): boolean {
  return firstId !== undefined && compareStreamIds(firstId, lastRead) > 0;
}

/** The id of the oldest entry in a reply of `XINFO STREAM <key>`; undefined when it has none. */
export function firstEntryId(reply: unknown): string | undefined {
  const fields = Array.isArray(reply) ? (reply as unknown[]) : [];
  const index = fields.indexOf('first-entry');
  const first = index < 0 ? undefined : fields[index + 1];
  return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined;
}
