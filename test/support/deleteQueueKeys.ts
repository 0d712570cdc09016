import { openRedisClient } from './redisClient.js';

/** BullMQ's default key prefix: a queue's keys are `bull:<queue>:*`. */
export const BULLMQ_DEFAULT_PREFIX = 'bull';
/** Keys asked for per SCAN step (a hint to Redis, not a limit). */
const SCAN_COUNT = 500;

/** Where {@link deleteQueueKeys} deletes. */
export interface DeleteQueueKeysOptions {
  /** The Redis holding the queue. */
  readonly url: string;
  /** The queue's key prefix, as given to BullMQ. @default 'bull' */
  readonly prefix?: string;
}

/**
 * Deletes every key of BullMQ queue `queue` (`<prefix>:<queue>:*`) and resolves with how many
 * there were, so a test leaves a shared Redis as it found it.
 *
 * @remarks Walks the keys with SCAN, deleting each batch as it comes, instead of KEYS, which
 * blocks the server for the whole keyspace. Glob characters in the name match only themselves.
 *
 * @example
 * afterAll(() => deleteQueueKeys(queue, { url }));
 */
export async function deleteQueueKeys(
  queue: string,
  options: DeleteQueueKeysOptions,
): Promise<number> {
  const prefix = options.prefix ?? BULLMQ_DEFAULT_PREFIX;
  const pattern = `${escapeGlob(prefix)}:${escapeGlob(queue)}:*`;
  const client = await openRedisClient(options.url);
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      if (keys.length > 0) deleted += await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    client.disconnect();
  }
}

/** `text` as a Redis glob pattern that matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
