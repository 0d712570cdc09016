import type { TestProject } from 'vitest/node';
import { findExecutable } from './findExecutable.js';
import { printLoudNotice } from './loudNotice.js';
import type {} from './redisContext.js';
import { type RedisServer, startRedisServer } from './redisServer.js';

/** How long the Redis named by REDIS_URL has to answer PING before the run fails. */
const REDIS_URL_PING_TIMEOUT_MS = 2_000;

/** What a run without Redis prints, at its start and again at its end. */
const SKIPPED_NOTICE = [
  'BullMQ tests SKIPPED: no Redis for this run.',
  'REDIS_URL is unset and redis-server is not on PATH.',
  '',
  'To run them, either install redis-server (the tests start their own,',
  'on a free port, and stop it afterwards):',
  '    sudo apt-get install redis-server      # Debian, Ubuntu',
  '    brew install redis                     # macOS',
  'or point them at a Redis of yours (they keep to their own keys):',
  '    REDIS_URL=redis://127.0.0.1:6379 npm test',
];

/** Where the run's shared Redis comes from. */
type RedisSource =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'started'; readonly server: RedisServer }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * vitest global setup: decides the Redis of the run and provides it to every test file.
 *
 * - `REDIS_URL` set: that Redis, which must answer PING within 2 s, or the run fails (the user
 *   asked for that one; quietly skipping would hide it).
 * - else `redis-server` on PATH: one started for the run on a free port of 127.0.0.1, without
 *   persistence, stopped at teardown (and killed if vitest dies first).
 * - else nothing: the Redis suites are skipped, and a boxed notice on stderr says so and how to
 *   enable them. Under CI (`CI` set) that is an error instead: CI installs redis-server.
 *
 * @returns The teardown, which stops a redis-server started here.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redisServerPath = findExecutable('redis-server');
  const source = await chooseRedis(redisServerPath);
  project.provide('redisServerPath', redisServerPath);
  switch (source.kind) {
    case 'url':
      project.provide('redisUrl', source.url);
      project.provide('redisMissingReason', undefined);
      return async () => undefined;
    case 'started':
      project.provide('redisUrl', source.server.url);
      project.provide('redisMissingReason', undefined);
      return () => source.server.stop();
    case 'none':
      project.provide('redisUrl', undefined);
      project.provide('redisMissingReason', source.reason);
      printLoudNotice(SKIPPED_NOTICE);
      // Again below the summary, where a reader of the run's end looks.
      return async () => {
        printLoudNotice(SKIPPED_NOTICE);
      };
  }
}

async function chooseRedis(redisServerPath: string | undefined): Promise<RedisSource> {
  const url = process.env['REDIS_URL'];
  if (url !== undefined && url !== '') {
    // ioredis costs ~200 ms to import: only the runs that name a Redis pay for it.
    const { pingRedisUrl } = await import('./redisClient.js');
    try {
      await pingRedisUrl(url, REDIS_URL_PING_TIMEOUT_MS);
    } catch (error) {
      throw new Error(
        `REDIS_URL names a Redis the tests cannot use: ${error instanceof Error ? error.message : String(error)}. ` +
          'Start that Redis, or unset REDIS_URL to let the tests start their own redis-server.',
        { cause: error },
      );
    }
    return { kind: 'url', url };
  }
  if (redisServerPath !== undefined) {
    return { kind: 'started', server: await startRedisServer({ executable: redisServerPath }) };
  }
  const reason = 'no Redis: REDIS_URL is unset and redis-server is not on PATH';
  if (process.env['CI']) {
    throw new Error(
      `The BullMQ tests need a Redis, and CI must not skip them: ${reason}. ` +
        'Install redis-server (.ci/run does) or set REDIS_URL.',
    );
  }
  return { kind: 'none', reason };
}
