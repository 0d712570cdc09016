import { Redis } from 'ioredis';

/** How long a test helper waits for a Redis to accept a connection before giving up. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/**
 * A connected ioredis client for `url` that fails fast instead of retrying: no reconnects, no
 * offline queue, no command retries, and commands time out after `timeoutMs` too. For test
 * helpers (PING, cleanup), which want an error now rather than a hang when the Redis is gone.
 *
 * @throws The connection error, or a timeout error after `timeoutMs`.
 */
export async function openRedisClient(
  url: string,
  timeoutMs = REDIS_CONNECT_TIMEOUT_MS,
): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (ECONNREFUSED, a bad password) as an event, and rejects
  // connect() with only "Connection is closed.": keep the cause for the rejection.
  let cause: unknown;
  client.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw cause ?? error;
  }
  return client;
}

/**
 * Resolves when the Redis at `url` answers PING within `timeoutMs` (to connect, then to
 * reply); rejects with an error whose message names the URL (password redacted) and the
 * reason otherwise.
 */
export async function pingRedisUrl(
  url: string,
  timeoutMs = REDIS_CONNECT_TIMEOUT_MS,
): Promise<void> {
  let client: Redis | undefined;
  try {
    client = await openRedisClient(url, timeoutMs);
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis at ${redactRedisUrl(url)} does not answer PING (waited up to ${timeoutMs} ms): ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    client?.disconnect();
  }
}

/** `url` with its password (if any) replaced by `***`, fit for a log line or an error message. */
export function redactRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<a REDIS_URL that is not a valid URL>';
  }
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}
