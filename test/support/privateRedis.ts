import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRunner, afterAll, beforeAll, inject, onTestFinished } from 'vitest';
import { printLoudNotice } from './loudNotice.js';
import { NO_REDIS_SERVER_REASON } from './redisContext.js';
import { type RedisServer, RedisServerStartError, startRedisServer } from './redisServer.js';

/** How to start a {@link PrivateRedis}. */
export interface PrivateRedisOptions {
  /**
   * Keep the data across {@link PrivateRedis.restart}: an append-only file in a temporary
   * directory, removed by {@link PrivateRedis.stop}. Without it a restart starts empty.
   *
   * @default false
   */
  readonly persist?: boolean;
}

/** A redis-server of one test's own, which it may stop and restart (never the shared one). */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>`; the same after a restart. */
  readonly url: string;
  /** Its port on 127.0.0.1; the same after a restart. */
  readonly port: number;
  /** The process id of the server running now (a restart changes it). */
  readonly pid: number;
  /** Whether its data survives a restart. */
  readonly persist: boolean;
  /**
   * Stops the server (SIGTERM, wait for it to exit) and starts it again on the same port; with
   * `persist`, on the same data. Resolves once the new server answers PING.
   *
   * @throws `RedisServerStartError` when it cannot start again (its port was taken meanwhile).
   */
  restart(): Promise<void>;
  /** Stops the server for good and removes its data directory. Stopping twice does nothing. */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server of the caller's own on a free port of 127.0.0.1, for tests that stop or
 * restart Redis, which they must never do to the run's shared one.
 *
 * @remarks Called inside a test, it is stopped when that test finishes; elsewhere the caller
 * stops it (or uses {@link usePrivateRedis}). Either way it dies with the test process.
 * Resolves with undefined, after a loud notice on stderr, when redis-server is not on PATH
 * (`describeWithRedisServer` skips a suite in that case instead).
 *
 * @example
 * const redis = await startPrivateRedis({ persist: true });
 * await redis?.restart();
 */
export async function startPrivateRedis(
  options: PrivateRedisOptions = {},
): Promise<PrivateRedis | undefined> {
  const executable = inject('redisServerPath');
  if (executable === undefined) {
    printLoudNotice([`A test wanted its own Redis and gets none: ${NO_REDIS_SERVER_REASON}.`]);
    return undefined;
  }
  const redis = await launchPrivateRedis(executable, options.persist ?? false);
  if (TestRunner.getCurrentTest() !== undefined) onTestFinished(() => redis.stop());
  return redis;
}

/**
 * Gives the tests of the enclosing `describe` one {@link PrivateRedis}: started before them,
 * stopped after them. Returns its getter (valid inside the tests and their hooks).
 *
 * @remarks Call it in a `describe` body (or at a file's top level), inside
 * `describeWithRedisServer` so the suite is skipped without redis-server.
 *
 * @throws Error from the getter when redis-server is not on PATH or called before the start.
 *
 * @example
 * describeWithRedisServer('a Redis restart', () => {
 *   const redis = usePrivateRedis({ persist: true });
 *   it('keeps the jobs', async () => { await redis().restart(); });
 * });
 */
export function usePrivateRedis(options: PrivateRedisOptions = {}): () => PrivateRedis {
  let redis: PrivateRedis | undefined;
  beforeAll(async () => {
    const executable = inject('redisServerPath');
    if (executable === undefined) throw new Error(`usePrivateRedis: ${NO_REDIS_SERVER_REASON}`);
    redis = await launchPrivateRedis(executable, options.persist ?? false);
  });
  afterAll(() => redis?.stop());
  return () => {
    if (redis === undefined) throw new Error('usePrivateRedis: the server has not started yet');
    return redis;
  };
}

async function launchPrivateRedis(executable: string, persist: boolean): Promise<PrivateRedis> {
  const dataDir = persist ? mkdtempSync(join(tmpdir(), 'async-scheduler-redis-')) : undefined;
  const start = (port?: number): Promise<RedisServer> =>
    startRedisServer({
      executable,
      ...(port === undefined ? {} : { port }),
      ...(dataDir === undefined ? {} : { appendOnlyDir: dataDir }),
    });
  let server: RedisServer;
  try {
    server = await start();
  } catch (error) {
    removeDir(dataDir);
    throw error;
  }
  const { port, url } = server;
  let stopped = false;
  return {
    url,
    port,
    persist,
    get pid() {
      return server.pid;
    },
    async restart() {
      if (stopped) throw new Error(`The private Redis on port ${port} was stopped for good`);
      await server.stop();
      try {
        server = await start(port);
      } catch (error) {
        if (error instanceof RedisServerStartError && error.portTaken) {
          throw new RedisServerStartError(
            `Port ${port} was taken while the private Redis restarted`,
            error.output,
            true,
          );
        }
        throw error;
      }
    },
    async stop() {
      stopped = true;
      await server.stop();
      removeDir(dataDir);
    },
  };
}

function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
