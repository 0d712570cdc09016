import { Subject } from 'rxjs';
import { afterEach } from 'vitest';
import type { SchedulerError } from '../../src/errors.js';
import type { LaneMetrics, SchedulerWarning } from '../../src/metrics/types.js';
import { UnknownTaskError } from '../../src/errors.js';
import type { TaskInfo, TaskTransition } from '../../src/tasks/types.js';
import { serveDashboard } from '../../src/dashboard/serveDashboard.js';
import type {
  Dashboard,
  DashboardLane,
  DashboardMessage,
  DashboardOptions,
} from '../../src/dashboard/types.js';

/*
 * Helpers for the dashboard's tests: a lane double whose streams can be checked for
 * subscribers, the page's token, an SSE reader and a Prometheus text parser.
 */

/** A {@link DashboardLane} made of Subjects: tests push into it and see who listens. */
export interface FakeLane extends DashboardLane {
  readonly transitions: Subject<TaskTransition>;
  readonly errors: Subject<SchedulerError>;
  readonly metrics: Subject<LaneMetrics>;
  readonly warnings: Subject<SchedulerWarning>;
  /** How many of the four streams have a subscriber now. */
  observedStreams(): number;
}

/** Creates a {@link FakeLane} with no tasks. */
export function fakeLane(name: string): FakeLane {
  const transitions = new Subject<TaskTransition>();
  const errors = new Subject<SchedulerError>();
  const metrics = new Subject<LaneMetrics>();
  const warnings = new Subject<SchedulerWarning>();
  return {
    name,
    transitions,
    errors,
    metrics,
    warnings,
    transitions$: transitions.asObservable(),
    errors$: errors.asObservable(),
    metrics$: metrics.asObservable(),
    warnings$: warnings.asObservable(),
    queuedCount: 0,
    runningCount: 0,
    dumpTask: (): TaskInfo[] => [],
    slowest: (): TaskInfo[] => [],
    taskInfo: (id: string): TaskInfo => {
      throw new UnknownTaskError(id);
    },
    cancelTask: () => Promise.resolve(false),
    observedStreams: () =>
      [transitions, errors, metrics, warnings].filter((s) => s.observed).length,
  };
}

/** A `metrics$` sample of `lane` with nothing happening, but for `overrides`. */
export function laneSample(lane: string, overrides: Partial<LaneMetrics> = {}): LaneMetrics {
  const none = { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    lane,
    kind: 'loop',
    at: Date.now(),
    windowMs: 1_000,
    queued: 0,
    running: 0,
    submitted: 0,
    finished: { DONE: 0, FAILED: 0, TIMED_OUT: 0, CANCELED: 0 },
    retried: 0,
    delayed: 0,
    throughputPerSec: 0,
    waitMs: none,
    runMs: none,
    eventLoop: { delayMs: none, utilization: 0 },
    threads: { executorRestarts: 0, laneRestarts: 0, degraded: false, executorUtilization: 0 },
    blocked: { count: 0, maxMs: 0 },
    ...overrides,
  };
}

/**
 * Returns a `serveDashboard` that closes every dashboard it served after each test. Call it
 * inside a `describe`.
 */
export function useDashboards(): (
  schedulers: DashboardLane | DashboardLane[],
  options?: DashboardOptions,
) => Promise<Dashboard> {
  const served: Dashboard[] = [];
  afterEach(async () => {
    await Promise.all(served.splice(0).map((dashboard) => dashboard.close()));
  });
  return async (schedulers, options) => {
    const dashboard = await serveDashboard(schedulers, options);
    served.push(dashboard);
    return dashboard;
  };
}

/** The cancel token, read from the page as the page's own script reads it. */
export async function readToken(dashboard: Dashboard): Promise<string> {
  const html = await (await fetch(dashboard.url)).text();
  const token = /<meta name="dashboard-token" content="([^"]+)">/.exec(html)?.[1];
  if (token === undefined) throw new Error('the page carries no dashboard-token meta tag');
  return token;
}

/** POSTs a cancel; `token: undefined` sends none. */
export async function postCancel(
  dashboard: Dashboard,
  lane: string,
  id: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = `${dashboard.url}api/lanes/${encodeURIComponent(lane)}/tasks/${encodeURIComponent(id)}/cancel`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...(token === undefined ? {} : { 'x-dashboard-token': token }) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** One event of `/events`. */
export interface StreamEvent {
  readonly type: string;
  readonly message: DashboardMessage;
}

/** A reader of `/events`: events in arrival order, and a way to hang up mid-stream. */
export interface EventStreamReader {
  /** The next event (waits for it). */
  next(): Promise<StreamEvent>;
  /** Reads events until one satisfies `done`; returns how many were read, that one included. */
  until(done: (event: StreamEvent) => boolean): Promise<number>;
  /** Drops the connection, as a closed tab does. */
  hangUp(): void;
}

/** Connects to `/events` as a page would. */
export async function openEventStream(dashboard: Dashboard): Promise<EventStreamReader> {
  const abort = new AbortController();
  const response = await fetch(`${dashboard.url}events`, { signal: abort.signal });
  if (response.body === null) throw new Error('/events sent no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<StreamEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type !== undefined && data !== undefined) {
          return { type, message: JSON.parse(data) as DashboardMessage };
        }
        continue; // a retry line or a heartbeat comment
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('/events ended');
      buffer += value;
    }
  };
  return {
    next,
    until: async (done) => {
      for (let count = 1; ; count++) if (done(await next())) return count;
    },
    hangUp: () => {
      abort.abort();
    },
  };
}

/** One sample of the Prometheus text format. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const META_LINE = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/;

/**
 * Parses the Prometheus text format (0.0.4) strictly: every line is a HELP, a TYPE, a sample or
 * blank, every sample's metric has a TYPE, every value is a number.
 * @throws Error naming the first line that is none of those.
 */
export function parsePrometheus(text: string): PromSample[] {
  const typed = new Set<string>();
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = META_LINE.exec(line);
    if (meta !== null) {
      if (meta[1] === 'TYPE') typed.add(meta[2] ?? '');
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    const value = Number(sample?.[3]);
    if (sample === null || Number.isNaN(value)) throw new Error(`not Prometheus text: ${line}`);
    const name = sample[1] ?? '';
    if (!typed.has(name)) throw new Error(`sample of a metric without # TYPE: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, labelValue] of (sample[2] ?? '').matchAll(LABEL)) {
      labels[key ?? ''] = labelValue ?? '';
    }
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The value of the one sample of `name` with exactly these `labels`, if any. */
export function sampleValue(
  samples: readonly PromSample[],
  name: string,
  labels: Record<string, string>,
): number | undefined {
  return samples.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  )?.value;
}
