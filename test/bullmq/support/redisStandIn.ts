/*
 * A stand-in for the run's Redis harness (test/support/redis.ts), with the same names, until it
 * lands: the shared Redis is REDIS_URL (default redis://127.0.0.1:6379), and a private one is a
 * redis-server from PATH on a free port. Delete this file once the harness is on main, and point
 * bullmqTestKit.ts at test/support/redis.ts instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { TestRunner, describe, onTestFinished } from 'vitest';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const QUEUE_SUFFIX_BYTES = 6;
const SCAN_COUNT = 500;
/** How often a starting redis-server is asked for PING, ms. */
const PING_EVERY_MS = 20;
/** How many PINGs a starting redis-server gets before it counts as failed to start. */
const PING_TRIES = 250;

/** The shared Redis of this run. */
export function redisUrl(): string {
  return process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL;
}

/** `describe` for suites that need the shared Redis (the stand-in always has one). */
export function describeWithRedis(name: string, fn: () => void): void {
  describe(name, fn);
}

/** `describe` for suites that start a Redis of their own (redis-server on PATH). */
export function describeWithRedisServer(name: string, fn: () => void): void {
  describe(name, fn);
}

/** A BullMQ queue name no other test uses: `<prefix>-<12 hex digits>`. */
export function uniqueQueueName(prefix: string): string {
  return `${prefix}-${randomBytes(QUEUE_SUFFIX_BYTES).toString('hex')}`;
}

/** Deletes every key of queue `queue` (`<prefix>:<queue>:*`) with SCAN; resolves with how many. */
export async function deleteQueueKeys(
  queue: string,
  options: { readonly url: string; readonly prefix?: string },
): Promise<number> {
  const client = new Redis(options.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(
        cursor,
        'MATCH',
        `${options.prefix ?? 'bull'}:${queue}:*`,
        'COUNT',
        SCAN_COUNT,
      );
      if (keys.length > 0) deleted += await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    client.disconnect();
  }
}

/** A redis-server of one test's own, which it may restart. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly persist: boolean;
  /** Stops the server and starts it again on the same port (on the same data with `persist`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

async function pingUntilReady(url: string): Promise<void> {
  for (let tries = 0; tries < PING_TRIES; tries++) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`redis-server at ${url} did not answer PING`);
}

/** Starts a redis-server of the caller's own on a free port; stopped when the test finishes. */
export async function startPrivateRedis(
  options: { persist?: boolean } = {},
): Promise<PrivateRedis> {
  const persist = options.persist ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'bullmq-tests-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--dir',
        dir,
        '--appendonly',
        persist ? 'yes' : 'no',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    await pingUntilReady(url);
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  let stopped = false;
  const redis: PrivateRedis = {
    url,
    port,
    persist,
    get pid() {
      return child.pid ?? -1;
    },
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (TestRunner.getCurrentTest() !== undefined) onTestFinished(() => redis.stop());
  return redis;
}
