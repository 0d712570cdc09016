import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AsyncTask, TaskState, type TaskContext } from '../../src/index.js';
import {
  describeWithRedis,
  logTransitions,
  queueUnderTest,
  stampProblems,
  untilState,
} from './support/bullmqTestKit.js';

const echo = new AsyncTask<[string], string>('echo', { handler: 'echo' });
const echoHandler = ({ args: [label] }: TaskContext): string => String(label);
/** The smallest bound the option takes. */
const SMALL_BOUND = 1_000;
/** Entries per node of a Redis stream (its `stream-node-max-entries`, 100 by default): how far past its bound an approximate trim may leave it. */
const TRIM_SLACK = 100;
/** A worker process that runs the queue's jobs until that many have completed. */
const DRAIN_QUEUE = fileURLToPath(new URL('../fixtures/bullmq/drainQueue.ts', import.meta.url));
/** How long a test waits for its tasks to end before it fails (rather than hanging). */
const LIVENESS_BOUND_MS = 10_000;

/** Resolves once `check()` holds, looking every few milliseconds (the test's timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function streamLength(url: string, queue: string): Promise<number> {
  const client = new Redis(url);
  try {
    return await client.xlen(`bull:${queue}:events`);
  } finally {
    client.disconnect();
  }
}

describeWithRedis('BullMQScheduler', () => {
  describe('eventsMaxLen', () => {
    it("keeps the queue's event stream near its bound, and follows every task to its end", async () => {
      const lane = queueUnderTest('events-trimmed');
      await lane.worker({ concurrency: 20, handlers: { echo: echoHandler } });
      const s = lane.scheduler({ eventsMaxLen: SMALL_BOUND });

      const ids = Array.from({ length: 500 }, (_, i) => s.submitTask(echo, `t${i}`));
      const infos = await Promise.all(
        ids.map((id) => s.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS })),
      );

      expect(infos.filter((info) => info.state !== TaskState.DONE)).toEqual([]);
      expect(await streamLength(lane.url, lane.queue)).toBeLessThanOrEqual(
        SMALL_BOUND + TRIM_SLACK,
      );
    });

    it("ends every task once, from its job kept in Redis, on a scheduler that missed their events, and on a follow: 'all' one", async () => {
      const lane = queueUnderTest('events-missed');
      const s = lane.scheduler({ eventsMaxLen: SMALL_BOUND });
      const watcher = lane.scheduler({ name: 'watcher', follow: 'all', eventsMaxLen: SMALL_BOUND });
      const log = logTransitions(s);
      const count = 1_000;
      const ids: string[] = [];
      // In batches the watcher reads before the stream trims them, so that it follows them all.
      while (ids.length < count) {
        for (let i = 0; i < count / 10; i++) ids.push(s.submitTask(echo, `t${ids.length}`));
        await until(() => watcher.dumpTask().length === ids.length);
      }
      await Promise.all(ids.map((id) => untilState(s, id, TaskState.SCHEDULED)));

      // This process's loop is blocked (both schedulers away) while a worker runs every job:
      // two events each, twice the bound, so most are trimmed before they can be read.
      const drained = spawnSync(
        process.execPath,
        ['--import', 'tsx', DRAIN_QUEUE, lane.url, lane.queue, String(count)],
        { encoding: 'utf8' },
      );
      expect(drained.stdout, drained.stderr).toContain('drained');
      const [own, watched] = await Promise.all(
        [s, watcher].map((scheduler) =>
          Promise.all(ids.map((id) => scheduler.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS }))),
        ),
      );

      const labels = ids.map((_, i) => `t${i}`);
      for (const infos of [own!, watched!]) {
        expect(infos.filter((info) => info.state !== TaskState.DONE)).toEqual([]);
        expect(infos.map((info) => info.result)).toEqual(labels);
        expect(infos.flatMap(stampProblems)).toEqual([]);
      }
      expect(log.all.filter((t) => t.to === TaskState.DONE)).toHaveLength(count);
    });
  });
});
