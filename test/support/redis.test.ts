import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, vi } from 'vitest';
import { startScript } from './runningScript.js';
import { isProcessRunning } from './processRunning.js';
import {
  deleteQueueKeys,
  describeWithRedis,
  describeWithRedisServer,
  requireRedisUrl,
  startPrivateRedis,
  uniqueQueueName,
  usePrivateRedis,
} from './redis.js';
import { openRedisClient } from './redisClient.js';

const OWNER = new URL('../fixtures/redisServerOwner.ts', import.meta.url);
/** How long a dead owner's redis-server may take to be killed by its guard. */
const ORPHAN_KILL_WAIT_MS = 10_000;

async function withClient<T>(
  url: string,
  use: (client: Awaited<ReturnType<typeof openRedisClient>>) => Promise<T>,
): Promise<T> {
  const client = await openRedisClient(url);
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

describe('uniqueQueueName()', () => {
  it('gives a fresh name under the prefix each time', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueQueueName('emails')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^emails-[0-9a-f]{12}$/);
  });

  it.each(['', 'a:b'])('refuses the prefix %j', (prefix) => {
    expect(() => uniqueQueueName(prefix)).toThrow(TypeError);
  });
});

describeWithRedis("the run's shared Redis", () => {
  it('answers PING', async () => {
    await expect(withClient(requireRedisUrl(), (client) => client.ping())).resolves.toBe('PONG');
  });

  it('is the one REDIS_URL names, when set', () => {
    const fromEnvironment = process.env['REDIS_URL'];
    if (fromEnvironment === undefined || fromEnvironment === '') {
      expect(requireRedisUrl()).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } else {
      expect(requireRedisUrl()).toBe(fromEnvironment);
    }
  });

  describe('deleteQueueKeys()', () => {
    it("deletes a queue's keys and no other queue's", async () => {
      const url = requireRedisUrl();
      const queue = uniqueQueueName('harness');
      const neighbour = `${queue}-next`; // shares the queue's name as a prefix
      const globbed = `${queue}*`; // glob characters must match only themselves
      await withClient(url, async (client) => {
        await client.mset(
          `bull:${queue}:id`,
          '1',
          `bull:${queue}:meta`,
          '2',
          `bull:${neighbour}:id`,
          '3',
          `bull:${globbed}:id`,
          '4',
        );
      });

      await expect(deleteQueueKeys(queue, { url })).resolves.toBe(2);

      const left = await withClient(url, (client) =>
        client.exists(
          `bull:${queue}:id`,
          `bull:${queue}:meta`,
          `bull:${neighbour}:id`,
          `bull:${globbed}:id`,
        ),
      );
      expect(left).toBe(2);
      await expect(deleteQueueKeys(globbed, { url })).resolves.toBe(1);
      await expect(deleteQueueKeys(neighbour, { url })).resolves.toBe(1);
    });

    it('deletes under a custom prefix', async () => {
      const url = requireRedisUrl();
      const queue = uniqueQueueName('harness');
      await withClient(url, (client) => client.set(`custom:${queue}:id`, '1'));

      await expect(deleteQueueKeys(queue, { url })).resolves.toBe(0);
      await expect(deleteQueueKeys(queue, { url, prefix: 'custom' })).resolves.toBe(1);
    });
  });
});

describeWithRedisServer('startPrivateRedis()', () => {
  it('restarts on the same port as a new process, empty without persist', async () => {
    const redis = (await startPrivateRedis())!;
    await withClient(redis.url, (client) => client.set('kept', 'yes'));
    const { pid, port, url } = redis;

    await redis.restart();

    expect(redis.port).toBe(port);
    expect(redis.url).toBe(url);
    expect(redis.pid).not.toBe(pid);
    expect(isProcessRunning(pid)).toBe(false);
    await expect(withClient(redis.url, (client) => client.get('kept'))).resolves.toBeNull();
  });

  it('keeps its data across a restart with persist', async () => {
    const redis = (await startPrivateRedis({ persist: true }))!;
    await withClient(redis.url, (client) => client.set('kept', 'yes'));

    await redis.restart();
    await redis.restart();

    await expect(withClient(redis.url, (client) => client.get('kept'))).resolves.toBe('yes');
  });

  it('leaves no process once stopped, and stopping again does nothing', async () => {
    const redis = (await startPrivateRedis())!;
    const { pid } = redis;
    expect(isProcessRunning(pid)).toBe(true);

    await redis.stop();
    await redis.stop();

    expect(isProcessRunning(pid)).toBe(false);
    await expect(redis.restart()).rejects.toThrow(/stopped for good/);
  });

  describe('started inside a test', () => {
    // The second test reads what the first left: vitest runs a file's tests in order.
    let startedPid: number | undefined;

    it('is running during the test', async () => {
      const redis = (await startPrivateRedis())!;
      startedPid = redis.pid;
      expect(isProcessRunning(redis.pid)).toBe(true);
    });

    it('is stopped once that test has finished', () => {
      expect(startedPid).toBeDefined();
      expect(isProcessRunning(startedPid!)).toBe(false);
    });
  });
});

describeWithRedisServer('usePrivateRedis()', () => {
  const redis = usePrivateRedis({ persist: true });
  let pidSeen: number | undefined;

  it("gives the suite's tests one server", async () => {
    pidSeen = redis().pid;
    await expect(withClient(redis().url, (client) => client.ping())).resolves.toBe('PONG');
  });

  it('is the same server in the next test', () => {
    expect(redis().pid).toBe(pidSeen);
  });
});

describeWithRedisServer('a redis-server whose owner dies', () => {
  const executable = inject('redisServerPath')!;

  it.each([
    ['is SIGKILLed (no exit handler runs)', 'wait'],
    ['exits through process.exit without stopping it', 'exit'],
  ] as const)('is killed, its data directory removed, when the owner %s', async (_how, ending) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'async-scheduler-redis-owner-'));
    const owner = startScript(OWNER, [executable, dataDir, ending]);
    const [, pid] = await owner.waitForOutput(/redis pid=(\d+)/);
    const redisPid = Number(pid);
    if (ending === 'wait') {
      expect(isProcessRunning(redisPid)).toBe(true);
      owner.kill('SIGKILL');
    }
    await owner.exited;

    await vi.waitFor(
      () => {
        expect(isProcessRunning(redisPid)).toBe(false);
        expect(existsSync(dataDir)).toBe(false);
      },
      { timeout: ORPHAN_KILL_WAIT_MS, interval: 20 },
    );
  });
});
