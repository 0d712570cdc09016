import { firstValueFrom, filter } from 'rxjs';
import { afterEach, expect, it } from 'vitest';
import { AsyncTask } from '../../src/index.js';
import { BullMQScheduler, runWorker, type QueueWorker } from '../../src/bullmq/index.js';
import { parsePrometheus, sampleValue, useDashboards } from '../dashboard/dashboardTestKit.js';
import {
  deleteQueueKeysAfterAll,
  describeWithRedis,
  requireRedisUrl,
  uniqueQueueName,
} from '../support/redis.js';

describeWithRedis('a BullMQ lane on the dashboard and in Prometheus', () => {
  const serve = useDashboards();
  const queue = deleteQueueKeysAfterAll(uniqueQueueName('dashboard'));
  const open: { stop(): Promise<void> }[] = [];
  const workers: QueueWorker[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.stop()));
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });

  it('shows the lane as kind bullmq with its worker processes, and exports them to Prometheus', async () => {
    const connection = requireRedisUrl();
    for (const name of ['box-a:1', 'box-b:2']) {
      workers.push(
        await runWorker({ connection, queue, name, handlers: { echo: ({ args }) => args[0] } }),
      );
    }
    const scheduler = new BullMQScheduler({
      name: 'remote',
      queue,
      connection,
      autoStart: true,
      metricsIntervalMs: 50,
    });
    open.push(scheduler);
    const echo = new AsyncTask<[string], string>('echo', { handler: 'echo' });
    expect(await scheduler.result(scheduler.submitTask(echo, 'hi'))).toBe('hi');

    // The worker list is read in the background: a sample a little later carries both.
    const sample = await firstValueFrom(
      scheduler.metrics$.pipe(filter((m) => m.workers !== undefined && m.workers.count === 2)),
    );
    expect(sample).toMatchObject({
      lane: 'remote',
      kind: 'bullmq',
      workers: { count: 2, names: ['box-a:1', 'box-b:2'] },
    });

    const dashboard = await serve([scheduler]);
    type LaneState = { lane: string; kind?: string; counts: Record<string, number> };
    const readLanes = async (): Promise<LaneState[]> =>
      ((await (await fetch(`${dashboard.url}api/state`)).json()) as { lanes: LaneState[] }).lanes;
    // The lane's kind comes with its first metrics sample to the dashboard.
    await expect
      .poll(readLanes, { timeout: 5_000 })
      .toEqual([expect.objectContaining({ lane: 'remote', kind: 'bullmq' })]);
    const snapshot = { lanes: await readLanes() };
    expect(snapshot.lanes[0]?.counts['DONE']).toBe(1);
    const samples = parsePrometheus(await (await fetch(`${dashboard.url}metrics`)).text());
    expect(sampleValue(samples, 'async_scheduler_workers', { lane: 'remote' })).toBe(2);
    expect(
      sampleValue(samples, 'async_scheduler_tasks_finished_total', {
        lane: 'remote',
        state: 'DONE',
      }),
    ).toBe(1);
  });
});
