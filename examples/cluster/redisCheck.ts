/**
 * The cluster demo's first step: is there a Redis at the URL? Asked once, with a deadline, so
 * that a missing Redis is a clear message instead of a scheduler waiting for it forever.
 */
import { Redis } from 'ioredis';

/**
 * PINGs the Redis at `url`, giving up after `timeoutMs`.
 *
 * @returns undefined when it answers, else why not (the connection error's message).
 */
export async function redisProblem(url: string, timeoutMs: number): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // one try: the question is whether it answers now
  });
  // The connection's own error says why (ECONNREFUSED, ETIMEDOUT); the failed call only that it closed.
  let connectionError: Error | undefined;
  redis.on('error', (error: Error) => {
    connectionError = error;
  });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return (connectionError ?? (error as Error)).message;
  } finally {
    redis.disconnect();
  }
}
