import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import { echoTask, hangingTask } from '../support/harness.js';
import {
  fakeLane,
  laneSample,
  parsePrometheus,
  sampleValue,
  useDashboards,
} from './dashboardTestKit.js';

/** Short enough that a sample comes soon, long enough not to flood. */
const METRICS_INTERVAL_MS = 25;

describe('serveDashboard', () => {
  const serve = useDashboards();
  const schedulers: AsyncScheduler[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop({ cancel: true })));
  });

  function scheduler(name: string): AsyncScheduler {
    const s = new AsyncScheduler({ name, metricsIntervalMs: METRICS_INTERVAL_MS }).start();
    schedulers.push(s);
    return s;
  }

  describe('GET /metrics', () => {
    it('is Prometheus text, one series per lane, live counts and the latest metrics sample', async () => {
      const a = scheduler('a');
      const b = scheduler('b');
      const done = Array.from({ length: 3 }, (_, i) => a.submitTask(echoTask(), i));
      await Promise.all(done.map((id) => a.waitTask(id)));
      b.submitTask(hangingTask());
      const dashboard = await serve([a, b]);
      const scrape = async (): Promise<ReturnType<typeof parsePrometheus>> => {
        const response = await fetch(`${dashboard.url}metrics`);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        return parsePrometheus(await response.text());
      };
      await expect
        .poll(async () =>
          sampleValue(await scrape(), 'async_scheduler_tasks_finished_total', {
            lane: 'a',
            state: 'DONE',
          }),
        )
        .toBe(3);
      const samples = await scrape();
      expect(sampleValue(samples, 'async_scheduler_tasks_running', { lane: 'b' })).toBe(1);
      expect(sampleValue(samples, 'async_scheduler_tasks_running', { lane: 'a' })).toBe(0);
      expect(sampleValue(samples, 'async_scheduler_tasks_submitted_total', { lane: 'a' })).toBe(3);
      for (const quantile of ['0.5', '0.9', '0.99', '1']) {
        expect(
          sampleValue(samples, 'async_scheduler_event_loop_delay_seconds', { lane: 'a', quantile }),
        ).toBeGreaterThanOrEqual(0);
      }
      const names = new Set(samples.map((s) => s.name));
      expect(names).toEqual(
        new Set([
          'async_scheduler_tasks_queued',
          'async_scheduler_tasks_running',
          'async_scheduler_tasks_delayed',
          'async_scheduler_tasks_submitted_total',
          'async_scheduler_tasks_finished_total',
          'async_scheduler_tasks_retried_total',
          'async_scheduler_tasks_throughput_per_second',
          'async_scheduler_task_wait_seconds',
          'async_scheduler_task_run_seconds',
          'async_scheduler_event_loop_delay_seconds',
          'async_scheduler_event_loop_utilization_ratio',
          'async_scheduler_executor_restarts_total',
          'async_scheduler_executor_utilization_ratio',
          'async_scheduler_lane_restarts_total',
          'async_scheduler_executor_degraded',
          'async_scheduler_warnings_total',
          'async_scheduler_loop_blocked_max_seconds',
        ]),
      );
      expect(new Set(samples.map((s) => s.labels['lane']))).toEqual(new Set(['a', 'b']));
    });

    it('counts tasks submitted before start() as queued, as metrics$ does', async () => {
      // async_scheduler_tasks_queued counts "tasks waiting for a slot now (SUBMITTED before
      // start(), or SCHEDULED)", as metrics$ `queued` does.
      const s = new AsyncScheduler({ name: 'held', metricsIntervalMs: 1 });
      schedulers.push(s);
      for (let i = 0; i < 3; i++) s.submitTask(echoTask(), i);
      const sample = await firstValueFrom(s.metrics$);
      expect(sample.queued).toBe(3);
      const dashboard = await serve(s);
      const text = await (await fetch(`${dashboard.url}metrics`)).text();
      const queued = sampleValue(parsePrometheus(text), 'async_scheduler_tasks_queued', {
        lane: 'held',
      });
      expect(queued).toBe(sample.queued);
    });

    it('counts warnings by type, loop.blocked from 0', async () => {
      const lane = fakeLane('main');
      const dashboard = await serve(lane);
      const scrape = async (): Promise<number | undefined> =>
        sampleValue(
          parsePrometheus(await (await fetch(`${dashboard.url}metrics`)).text()),
          'async_scheduler_warnings_total',
          { lane: 'main', type: 'loop.blocked' },
        );
      expect(await scrape()).toBe(0);
      const warning = {
        type: 'loop.blocked',
        lane: 'main',
        at: Date.now(),
        blockedMs: 250,
        suspects: [],
        hint: 'split the work',
        message: 'blocked',
      } as const;
      lane.warnings.next(warning);
      lane.warnings.next(warning);
      expect(await scrape()).toBe(2);
    });

    it('exports the retries total of each lane as a counter, from its metrics$ sample', async () => {
      const retrying = fakeLane('retrying');
      const dashboard = await serve([retrying, fakeLane('calm')]);
      retrying.metrics.next(laneSample('retrying', { retried: 7 }));
      const samples = parsePrometheus(await (await fetch(`${dashboard.url}metrics`)).text());
      expect(
        sampleValue(samples, 'async_scheduler_tasks_retried_total', { lane: 'retrying' }),
      ).toBe(7);
      // No sample from 'calm' yet: absent rather than a made-up 0.
      expect(
        sampleValue(samples, 'async_scheduler_tasks_retried_total', { lane: 'calm' }),
      ).toBeUndefined();
      const text = await (await fetch(`${dashboard.url}metrics`)).text();
      expect(text).toMatch(/^# TYPE async_scheduler_tasks_retried_total counter$/m);
    });

    it('exports the delayed tasks of a lane that counts them, live, as a gauge', async () => {
      const state = { delayed: 3 };
      const delaying = {
        ...fakeLane('delaying'),
        get delayedCount() {
          return state.delayed;
        },
      };
      const dashboard = await serve([delaying, fakeLane('plain')]);
      const scrape = async (): Promise<ReturnType<typeof parsePrometheus>> =>
        parsePrometheus(await (await fetch(`${dashboard.url}metrics`)).text());
      expect(
        sampleValue(await scrape(), 'async_scheduler_tasks_delayed', { lane: 'delaying' }),
      ).toBe(3);
      state.delayed = 0;
      const text = await (await fetch(`${dashboard.url}metrics`)).text();
      expect(text).toMatch(/^# TYPE async_scheduler_tasks_delayed gauge$/m);
      const samples = parsePrometheus(text);
      expect(sampleValue(samples, 'async_scheduler_tasks_delayed', { lane: 'delaying' })).toBe(0);
      expect(
        sampleValue(samples, 'async_scheduler_tasks_delayed', { lane: 'plain' }),
      ).toBeUndefined();
    });

    it('gives each dashboard its own registry: two at once do not clash', async () => {
      const lane = fakeLane('main');
      const first = await serve(lane);
      const second = await serve([lane, fakeLane('other')]);
      const one = parsePrometheus(await (await fetch(`${first.url}metrics`)).text());
      const two = parsePrometheus(await (await fetch(`${second.url}metrics`)).text());
      expect(sampleValue(one, 'async_scheduler_tasks_queued', { lane: 'main' })).toBe(0);
      expect(sampleValue(one, 'async_scheduler_tasks_queued', { lane: 'other' })).toBeUndefined();
      expect(sampleValue(two, 'async_scheduler_tasks_queued', { lane: 'other' })).toBe(0);
      // Without a metrics$ sample yet, its figures are absent rather than made-up zeros.
      expect(two.some((s) => s.name === 'async_scheduler_tasks_submitted_total')).toBe(false);
    });
  });
});
