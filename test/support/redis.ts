import { randomBytes } from 'node:crypto';
import { afterAll, describe, inject } from 'vitest';
import { deleteQueueKeys } from './deleteQueueKeys.js';
import { NO_REDIS_SERVER_REASON } from './redisContext.js';

export { deleteQueueKeys, type DeleteQueueKeysOptions } from './deleteQueueKeys.js';
export {
  startPrivateRedis,
  usePrivateRedis,
  type PrivateRedis,
  type PrivateRedisOptions,
} from './privateRedis.js';

/** Random bytes in a {@link uniqueQueueName}: 48 bits, no clash between concurrent runs. */
const QUEUE_SUFFIX_BYTES = 6;

/**
 * The Redis this run's tests share (REDIS_URL, or the redis-server the global setup started),
 * or undefined when the run has none.
 *
 * @remarks Shared with every other test file, and with whatever else uses REDIS_URL: keep to
 * keys of your own ({@link uniqueQueueName}), delete them afterwards
 * ({@link deleteQueueKeysAfterAll}), never FLUSHALL, never restart it ({@link startPrivateRedis}).
 * A child process a test spawns gets the URL as an argument, not from its environment.
 */
export function redisUrl(): string | undefined {
  return inject('redisUrl');
}

/**
 * The run's shared Redis URL, for code that only runs when there is one (inside
 * {@link describeWithRedis}).
 *
 * @throws Error when the run has no Redis.
 */
export function requireRedisUrl(): string {
  const url = redisUrl();
  if (url === undefined) {
    throw new Error(`This test needs a Redis: ${inject('redisMissingReason') ?? 'none provided'}`);
  }
  return url;
}

/**
 * `describe`, skipped when the run has no Redis, with the reason in the suite's name so the
 * report says why.
 *
 * @example
 * describeWithRedis('BullMQScheduler', () => {
 *   it('runs a job on a worker', async () => { const url = requireRedisUrl(); ... });
 * });
 */
export function describeWithRedis(name: string, fn: () => void): void {
  const url = redisUrl();
  const reason = inject('redisMissingReason') ?? 'no Redis';
  describe.skipIf(url === undefined)(url === undefined ? `${name} (skipped: ${reason})` : name, fn);
}

/**
 * `describe`, skipped when redis-server is not on PATH: for suites that start, stop or restart
 * a Redis of their own ({@link usePrivateRedis}), which a REDIS_URL alone cannot give them.
 */
export function describeWithRedisServer(name: string, fn: () => void): void {
  const missing = inject('redisServerPath') === undefined;
  describe.skipIf(missing)(missing ? `${name} (skipped: ${NO_REDIS_SERVER_REASON})` : name, fn);
}

/**
 * A BullMQ queue name no other test, worker or run uses: `<prefix>-<12 hex digits>`.
 *
 * @throws TypeError when `prefix` is empty or holds a `:` (BullMQ's key separator).
 *
 * @example
 * const queue = deleteQueueKeysAfterAll(uniqueQueueName('retries'));
 */
export function uniqueQueueName(prefix: string): string {
  if (prefix === '' || prefix.includes(':')) {
    throw new TypeError(
      `Expected \`prefix\` to be a non-empty string without ':', got ${JSON.stringify(prefix)}`,
    );
  }
  return `${prefix}-${randomBytes(QUEUE_SUFFIX_BYTES).toString('hex')}`;
}

/**
 * Deletes queue `queue`'s keys from the shared Redis after the enclosing suite's tests (an
 * `afterAll`), and returns `queue`. Call it in a `describe` body or at a file's top level.
 * Without a shared Redis it does nothing.
 *
 * @param prefix - the queue's key prefix, as given to BullMQ. @default 'bull'
 */
export function deleteQueueKeysAfterAll(queue: string, prefix?: string): string {
  afterAll(async () => {
    const url = redisUrl();
    if (url !== undefined)
      await deleteQueueKeys(queue, { url, ...(prefix === undefined ? {} : { prefix }) });
  });
  return queue;
}
