/**
 * The Redis `npm run test:examples` runs the README's BullMQ examples against, found as
 * `npm test` finds one: REDIS_URL, else a redis-server from PATH started on a free port of
 * 127.0.0.1 (stopped by its pid afterwards), else none, and the examples are skipped loudly
 * (an error under CI, which installs redis-server).
 */
import { deleteQueueKeys } from '../support/deleteQueueKeys.js';
import { findExecutable } from '../support/findExecutable.js';
import { openRedisClient, pingRedisUrl } from '../support/redisClient.js';
import { startRedisServer } from '../support/redisServer.js';

/** How long the Redis named by REDIS_URL has to answer PING. */
const REDIS_URL_PING_TIMEOUT_MS = 2_000;
/** A BullMQ queue leaves this key (`bull:<queue>:meta`) as soon as it is used. */
const QUEUE_META = /^bull:([^:]+):meta$/;

/** A Redis the examples may use, and how to leave it as it was found. */
export interface ExampleRedis {
  readonly url: string;
  /** Where it came from, for the summary. */
  readonly source: string;
  /**
   * Lets it go: a redis-server started here is stopped; on the REDIS_URL one, the keys of the
   * queues that appeared during the run and that `exampleCode` names in quotes are deleted
   * (so never a queue of someone else's).
   */
  release(exampleCode: readonly string[]): Promise<void>;
}

/** No Redis for this run, and why. */
export interface NoRedis {
  readonly missing: string;
}

/**
 * REDIS_URL if set (it must answer PING within 2 s: a Redis the user named and that is not
 * there is an error, not a skip), else a redis-server started here, else {@link NoRedis}.
 *
 * @throws Error when REDIS_URL does not answer, or a redis-server from PATH does not start.
 */
export async function provideExampleRedis(): Promise<ExampleRedis | NoRedis> {
  const url = process.env['REDIS_URL'];
  if (url !== undefined && url !== '') {
    await pingRedisUrl(url, REDIS_URL_PING_TIMEOUT_MS);
    const before = await queueNames(url);
    return {
      url,
      source: 'REDIS_URL',
      release: async (exampleCode) => {
        const added = [...(await queueNames(url))].filter(
          (queue) => !before.has(queue) && exampleCode.some((code) => code.includes(`'${queue}'`)),
        );
        for (const queue of added) await deleteQueueKeys(queue, { url });
      },
    };
  }
  const executable = findExecutable('redis-server');
  if (executable === undefined) {
    return { missing: 'REDIS_URL is unset and redis-server is not on PATH' };
  }
  const server = await startRedisServer({ executable });
  return {
    url: server.url,
    source: `redis-server pid ${server.pid}, port ${server.port}`,
    release: () => server.stop(),
  };
}

/** The BullMQ queues (default prefix) that have keys in the Redis at `url`. */
async function queueNames(url: string): Promise<Set<string>> {
  const client = await openRedisClient(url);
  try {
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', 'bull:*:meta', 'COUNT', 500);
      for (const key of keys) {
        const queue = QUEUE_META.exec(key)?.[1];
        if (queue !== undefined) names.add(queue);
      }
      cursor = next;
    } while (cursor !== '0');
    return names;
  } finally {
    client.disconnect();
  }
}
