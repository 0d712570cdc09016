import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Random bytes are drawn in batches: one `randomFillSync` call per this many ids. */
const IDS_PER_BATCH = 256;
const RANDOM_BYTES_PER_ID = 16;

/**
 * Creates task ids: UUID v7, strictly increasing within one factory (so they sort in submit
 * order even within a millisecond).
 *
 * @remarks `uuid`'s own `v7()` is monotonic but draws 16 random bytes from
 * `crypto.getRandomValues` per id, which costs more than a whole task lifecycle's bookkeeping.
 * This factory keeps uuid's layout and formatting, feeds it random bytes drawn in batches, and
 * keeps its own millisecond/sequence counter the way uuid does (RFC 9562, method 1).
 */
export function createIdFactory(): () => string {
  const pool = new Uint8Array(IDS_PER_BATCH * RANDOM_BYTES_PER_ID);
  let offset = pool.length;
  let lastMs = -Infinity;
  let seq = 0;
  return () => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const random = pool.subarray(offset, offset + RANDOM_BYTES_PER_ID);
    offset += RANDOM_BYTES_PER_ID;
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      // A random start leaves room to count up within the millisecond (uuid does the same).
      seq = ((random[6] ?? 0) << 23) | ((random[7] ?? 0) << 15) | ((random[8] ?? 0) << 7);
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) lastMs++;
    }
    return uuidv7({ msecs: lastMs, seq, random });
  };
}
