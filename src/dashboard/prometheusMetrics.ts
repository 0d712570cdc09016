import { Counter, Gauge, Registry } from 'prom-client';
import type { LaneMetrics, Percentiles } from '../metrics/types.js';
import type { LaneFeed } from './LaneFeed.js';
import { FINAL_STATES } from '../machines/taskLifecycle.js';

/** Every metric name starts with it. */
export const METRIC_PREFIX = 'async_scheduler_';
const MS_PER_SECOND = 1_000;

type Labels = Record<string, string>;
/** One value of a metric for a lane: its extra labels (besides `lane`) and the value. */
type Sample = readonly [labels: Labels, value: number];

/** A metric the dashboard exports, read from a lane's feed when Prometheus scrapes. */
interface MetricSpec {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  /** Labels besides `lane`. */
  readonly labels?: readonly string[];
  /** The lane's samples now; none when the figure is not known (no metrics sample yet). */
  readonly read: (feed: LaneFeed) => readonly Sample[];
}

/** Reads one figure of the latest `metrics$` sample, if there is one. */
function fromSample(read: (metrics: LaneMetrics) => number): MetricSpec['read'] {
  return (feed) => (feed.metrics === undefined ? [] : [[{}, read(feed.metrics)]]);
}

/** A percentile summary as `quantile`-labelled samples, in seconds. */
function quantiles(read: (metrics: LaneMetrics) => Percentiles): MetricSpec['read'] {
  return (feed) => {
    if (feed.metrics === undefined) return [];
    const { p50, p90, p99, max } = read(feed.metrics);
    return [
      [{ quantile: '0.5' }, p50 / MS_PER_SECOND],
      [{ quantile: '0.9' }, p90 / MS_PER_SECOND],
      [{ quantile: '0.99' }, p99 / MS_PER_SECOND],
      [{ quantile: '1' }, max / MS_PER_SECOND],
    ];
  };
}

/** The metrics, by name without {@link METRIC_PREFIX}; docs/dashboard.md lists the same. */
const METRICS: readonly MetricSpec[] = [
  {
    name: 'tasks_queued',
    help: 'Tasks waiting for a slot now (SUBMITTED before start(), or SCHEDULED).',
    type: 'gauge',
    read: (feed) => [[{}, feed.lane.queuedCount]],
  },
  {
    name: 'tasks_running',
    help: 'Tasks STARTED now.',
    type: 'gauge',
    read: (feed) => [[{}, feed.lane.runningCount]],
  },
  {
    name: 'workers',
    help: "Worker processes taking the lane's jobs (a BullMQ lane), as Redis last listed them.",
    type: 'gauge',
    read: (feed) => (feed.metrics?.workers === undefined ? [] : [[{}, feed.metrics.workers.count]]),
  },
  {
    name: 'tasks_delayed',
    help: 'Tasks waiting out a delay (delayMs, runAt) or a retry backoff now; also counted as queued.',
    type: 'gauge',
    read: (feed) => {
      const delayed = feed.lane.delayedCount;
      return delayed === undefined ? [] : [[{}, delayed]];
    },
  },
  {
    name: 'tasks_submitted_total',
    help: 'Tasks submitted since the scheduler was created.',
    type: 'counter',
    read: fromSample((m) => m.submitted),
  },
  {
    name: 'tasks_finished_total',
    help: 'Tasks that reached each final state since the scheduler was created.',
    type: 'counter',
    labels: ['state'],
    read: (feed) => {
      const metrics = feed.metrics;
      if (metrics === undefined) return [];
      return FINAL_STATES.map((state): Sample => [{ state }, metrics.finished[state]]);
    },
  },
  {
    name: 'tasks_retried_total',
    help: 'Retries since the scheduler was created: attempts that failed or timed out and were tried again.',
    type: 'counter',
    read: fromSample((m) => m.retried),
  },
  {
    name: 'tasks_throughput_per_second',
    help: 'Tasks finished per second over the last metrics window.',
    type: 'gauge',
    read: fromSample((m) => m.throughputPerSec),
  },
  {
    name: 'task_wait_seconds',
    help: 'Submit to start of the tasks started in the last metrics window.',
    type: 'gauge',
    labels: ['quantile'],
    read: quantiles((m) => m.waitMs),
  },
  {
    name: 'task_run_seconds',
    help: 'Start to end of the tasks finished in the last metrics window.',
    type: 'gauge',
    labels: ['quantile'],
    read: quantiles((m) => m.runMs),
  },
  {
    name: 'event_loop_delay_seconds',
    help: "Timer lateness of the lane's event loop over the last metrics window.",
    type: 'gauge',
    labels: ['quantile'],
    read: quantiles((m) => m.eventLoop.delayMs),
  },
  {
    name: 'event_loop_utilization_ratio',
    help: "Share of the last metrics window the lane's event loop was busy (0-1).",
    type: 'gauge',
    read: fromSample((m) => m.eventLoop.utilization),
  },
  {
    name: 'executor_utilization_ratio',
    help: 'Share of the last window the SyncTask executor threads were busy (0-1, averaged).',
    type: 'gauge',
    read: fromSample((m) => m.threads.executorUtilization),
  },
  {
    name: 'executor_restarts_total',
    help: 'Executor threads (SyncTask) restarted after a crash, since the scheduler was created.',
    type: 'counter',
    read: fromSample((m) => m.threads.executorRestarts),
  },
  {
    name: 'lane_restarts_total',
    help: 'Lane threads (SchedulerThread) restarted after a crash, since the scheduler was created.',
    type: 'counter',
    read: fromSample((m) => m.threads.laneRestarts),
  },
  {
    name: 'executor_degraded',
    help: '1 while the executor is past its restart limit (SyncTasks fail at once), else 0.',
    type: 'gauge',
    read: fromSample((m) => (m.threads.degraded ? 1 : 0)),
  },
  {
    name: 'warnings_total',
    help: 'Warnings of each type (loop.blocked: a task kept the lane loop busy), since the dashboard started.',
    type: 'counter',
    labels: ['type'],
    read: (feed) => {
      // loop.blocked shows as 0 before the first one, so rate() and alerts have a series.
      const counts = new Map([['loop.blocked', 0], ...feed.warningCounts]);
      return [...counts].map(([type, count]): Sample => [{ type }, count]);
    },
  },
  {
    name: 'loop_blocked_max_seconds',
    help: "The longest block of the lane's event loop in the last metrics window.",
    type: 'gauge',
    read: fromSample((m) => m.blocked.maxMs / MS_PER_SECOND),
  },
];

/**
 * A Prometheus registry of its own (never prom-client's global one, so two dashboards, or the
 * application's own metrics, do not clash) whose metrics read the lanes' feeds on each scrape.
 *
 * @remarks Live counts (`queued`, `running`, `delayed`) are read from the schedulers at scrape time; the
 * rest come from the latest `metrics$` sample of each lane and are absent until one arrived.
 */
export function createMetricsRegistry(feeds: readonly LaneFeed[]): Registry {
  const registry = new Registry();
  for (const spec of METRICS) {
    const labelNames = ['lane', ...(spec.labels ?? [])];
    const config = {
      name: METRIC_PREFIX + spec.name,
      help: spec.help,
      labelNames,
      registers: [registry],
    };
    if (spec.type === 'gauge') {
      const gauge: Gauge = new Gauge({
        ...config,
        collect: () => {
          gauge.reset();
          each(feeds, spec, (labels, value) => {
            gauge.set(labels, value);
          });
        },
      });
    } else {
      const counter: Counter = new Counter({
        ...config,
        collect: () => {
          counter.reset();
          each(feeds, spec, (labels, value) => {
            counter.inc(labels, value);
          });
        },
      });
    }
  }
  return registry;
}

function each(
  feeds: readonly LaneFeed[],
  spec: MetricSpec,
  write: (labels: Labels, value: number) => void,
): void {
  for (const feed of feeds) {
    for (const [labels, value] of spec.read(feed)) write({ lane: feed.name, ...labels }, value);
  }
}
