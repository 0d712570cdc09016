import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AsyncTask, TaskState, type TaskContext } from '../../src/index.js';
import {
  describeWithRedis,
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

    it('ends every task once, reading their jobs, when the events of a busy moment were trimmed before it read them', async () => {
      const lane = queueUnderTest('events-missed');
      const s = lane.scheduler({ eventsMaxLen: SMALL_BOUND });
      const count = 1_000;
      const ids = Array.from({ length: count }, (_, i) => s.submitTask(echo, `t${i}`));
      await Promise.all(ids.map((id) => untilState(s, id, TaskState.SCHEDULED)));

      // This process's loop is blocked while a worker runs every job: ~2 events each, twice the bound.
      const drained = spawnSync(
        process.execPath,
        ['--import', 'tsx', DRAIN_QUEUE, lane.url, lane.queue, String(count)],
        { encoding: 'utf8' },
      );
      expect(drained.stdout, drained.stderr).toContain('drained');
      const infos = await Promise.all(
        ids.map((id) => s.waitTask(id, { timeoutMs: LIVENESS_BOUND_MS })),
      );

      expect(infos.filter((info) => info.state !== TaskState.DONE)).toEqual([]);
      expect(infos.map((info) => info.result)).toEqual(ids.map((_, i) => `t${i}`));
      expect(infos.flatMap(stampProblems)).toEqual([]);
    });
  });
});
