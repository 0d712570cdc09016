import { assertNonEmptyString, assertOptionsObject, assertWholeNumber } from '../validate.js';
import type { DashboardLane, DashboardOptions } from './types.js';

/** Any free port: the system picks one. */
export const DEFAULT_DASHBOARD_PORT = 0;
/** Loopback only: nobody else on the network sees the page or its Cancel button. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
/** Bars per lane timeline. */
export const DEFAULT_RECENT_TASKS = 200;
/** More bars than this would not fit on a page, and each one costs every client bytes. */
export const MAX_RECENT_TASKS = 5_000;
const MAX_PORT = 65_535;

/** {@link DashboardOptions} with every default filled in. */
export interface ResolvedDashboardOptions {
  readonly port: number;
  readonly host: string;
  readonly recentTasks: number;
}

const KNOWN_OPTIONS = new Set(['port', 'host', 'recentTasks']);
/** Members {@link DashboardLane} requires to be functions. */
const LANE_METHODS = ['dumpTask', 'slowest', 'taskInfo', 'cancelTask'] as const;
/** Members {@link DashboardLane} requires to be subscribable. */
const LANE_STREAMS = ['transitions$', 'errors$', 'metrics$', 'warnings$'] as const;

/**
 * Checks `serveDashboard`'s options and fills in the defaults.
 * @throws TypeError/RangeError naming the bad option.
 */
export function resolveDashboardOptions(options: unknown): ResolvedDashboardOptions {
  assertOptionsObject(options, 'options');
  const given = (options ?? {}) as DashboardOptions;
  for (const key of Object.keys(given)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(
        `Unknown dashboard option \`${key}\`; expected one of ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const { port = DEFAULT_DASHBOARD_PORT, host = DEFAULT_DASHBOARD_HOST } = given;
  const { recentTasks = DEFAULT_RECENT_TASKS } = given;
  assertWholeNumber(port, 'port', { min: 0 });
  if (port > MAX_PORT) {
    throw new RangeError(
      `Expected \`port\` to be a whole number from 0 to ${MAX_PORT}, got ${port}`,
    );
  }
  assertNonEmptyString(host, 'host');
  assertWholeNumber(recentTasks, 'recentTasks', { min: 1 });
  if (recentTasks > MAX_RECENT_TASKS) {
    throw new RangeError(
      `Expected \`recentTasks\` to be at most ${MAX_RECENT_TASKS}, got ${recentTasks}`,
    );
  }
  return { port, host, recentTasks };
}

/**
 * Checks the schedulers to serve: one or a non-empty array, each shaped like a
 * {@link DashboardLane}, with distinct names (a lane's name is its key in URLs and metrics).
 * @throws TypeError/RangeError saying which one is wrong.
 */
export function resolveLanes(schedulers: unknown): readonly DashboardLane[] {
  const lanes: unknown[] = Array.isArray(schedulers) ? schedulers : [schedulers];
  if (lanes.length === 0) {
    throw new RangeError(
      'Expected `schedulers` to hold at least one scheduler, got an empty array',
    );
  }
  const names = new Set<string>();
  lanes.forEach((lane, index) => {
    assertLane(lane, `schedulers[${index}]`);
    if (names.has(lane.name)) {
      throw new RangeError(
        `Expected schedulers with distinct names, got "${lane.name}" twice: name them (\`name\` option, or SchedulerThread's first argument)`,
      );
    }
    names.add(lane.name);
  });
  return lanes as DashboardLane[];
}

function assertLane(value: unknown, label: string): asserts value is DashboardLane {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected \`${label}\` to be an AsyncScheduler or a SchedulerThread`);
  }
  const lane = value as Record<string, unknown>;
  assertNonEmptyString(lane['name'], `${label}.name`);
  for (const method of LANE_METHODS) {
    if (typeof lane[method] !== 'function') {
      throw new TypeError(`Expected \`${label}.${method}\` to be a method of a scheduler`);
    }
  }
  for (const stream of LANE_STREAMS) {
    const observable = lane[stream] as { subscribe?: unknown } | undefined;
    if (typeof observable?.subscribe !== 'function') {
      throw new TypeError(`Expected \`${label}.${stream}\` to be an Observable`);
    }
  }
}
