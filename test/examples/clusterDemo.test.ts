import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  deleteQueueKeysAfterAll,
  describeWithRedis,
  requireRedisUrl,
  uniqueQueueName,
} from '../support/redis.js';
import { openRedisClient } from '../support/redisClient.js';
import { runToExit } from '../support/runToExit.js';

const CLUSTER_DEMO = new URL('../../examples/cluster/scheduler.ts', import.meta.url);
/** Two worker processes to boot, a worker killed and its jobs handed back: well within this. */
const DEMO_LIMIT_MS = 120_000;
const FINAL = '(DONE|FAILED|TIMED_OUT|CANCELED)';

/** A local port nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The keys of `queue` left in Redis (BullMQ's default prefix). */
async function queueKeys(url: string, queue: string): Promise<string[]> {
  const redis = await openRedisClient(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `bull:${queue}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

describe('the npm run demo:cluster demo', () => {
  it(
    'says how to start a Redis, and exits 1, when none answers',
    async () => {
      const url = `redis://127.0.0.1:${await closedPort()}`;
      const { code, stdout, stderr } = await runToExit(CLUSTER_DEMO, ['--redis', url]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`No Redis answered at ${url} within 2 s (connect ECONNREFUSED`);
      expect(stderr).toContain('`redis-server`');
      expect(stderr).toContain('REDIS_URL=redis://host:6379 npm run demo:cluster');
    },
    DEMO_LIMIT_MS,
  );

  describeWithRedis('on a Redis', () => {
    // Deleted again after the suite, should the demo fail before it deletes them itself.
    const queue = deleteQueueKeysAfterAll(uniqueQueueName('cluster-demo'));

    it(
      'runs two workers, kills one mid-run, accounts for every task, and leaves nothing behind',
      async () => {
        const url = requireRedisUrl();
        const args = ['--short', '--port', '0', '--queue', queue, '--redis', url];
        const { code, stdout, stderr } = await runToExit(CLUSTER_DEMO, args);
        expect(stderr).not.toMatch(/Error|unhandled/i);
        expect(code).toBe(0);
        expect(stdout).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);

        // Both workers took jobs, and the log says which one started what.
        const pids = [...stdout.matchAll(/^worker-[12] \(pid (\d+)\) takes \d jobs at a time$/gm)];
        expect(pids).toHaveLength(2);
        expect(stdout).toMatch(/^ +[\d.]+s {2}worker-1 ▶ \S+ +…[0-9a-f]{12} {2}attempt 1$/m);
        expect(stdout).toMatch(/^ +[\d.]+s {2}worker-2 ▶ \S+ +…[0-9a-f]{12} {2}attempt 1$/m);
        expect(stdout).toMatch(/^ +[\d.]+s {2}SIGKILL worker-2 \(pid \d+\) while it runs …/m);

        // Each task in exactly one final state, every kind of end among them.
        const accounted =
          /^Accounted for: (\d+) of (\d+) tasks ended in exactly one final state \(DONE (\d+), FAILED (\d+), TIMED_OUT (\d+), CANCELED (\d+)\); 0 never ended, 0 ended more than once\.$/m.exec(
            stdout,
          );
        expect(accounted, stdout).not.toBeNull();
        const [, once, total, done, failed, timedOut, canceled] = (accounted ?? []).map(Number);
        expect(once).toBe(total);
        expect((done ?? 0) + (failed ?? 0) + (timedOut ?? 0) + (canceled ?? 0)).toBe(total);
        expect(failed).toBeGreaterThanOrEqual(1); // the declined card
        expect(timedOut).toBeGreaterThanOrEqual(1); // the legacy API
        expect(canceled).toBeGreaterThanOrEqual(1); // the export
        // Through the partner's two 503s by retrying, with its backoff between attempts.
        expect(stdout).toMatch(/↻ deliver-webhook .* answered 503\); next in [1-9]\d* ms$/m);
        expect(stdout).toMatch(/^\S+ +deliver-webhook +DONE .*attempt [3-9] \(\d failed\)$/m);

        // The killed worker's jobs came back through the stalled-job check and ended once.
        const handedBack = stdout.split(/^The jobs worker-2 held when it was killed.*$/m)[1] ?? '';
        const rows = [
          ...handedBack.matchAll(
            new RegExp(`^ +[0-9a-f]{12} +\\S+ +worker-2\\b.*: ${FINAL}`, 'gm'),
          ),
        ];
        expect(rows.length).toBeGreaterThanOrEqual(1);

        // Stopped: no worker process left, no key of its queue in Redis.
        expect(stdout).toMatch(
          new RegExp(`^Deleted queue "${queue}" from Redis\\. Stopped\\.$`, 'm'),
        );
        for (const [, pid] of pids) expect(isAlive(Number(pid))).toBe(false);
        expect(await queueKeys(url, queue)).toEqual([]);
      },
      DEMO_LIMIT_MS,
    );
  });
});
