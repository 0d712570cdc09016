import { Subscription } from 'rxjs';
import type { SchedulerError } from '../errors.js';
import type { LaneMetrics, SchedulerWarning } from '../metrics/types.js';
import { TaskState } from '../taskState.js';
import type { TaskTransition } from '../tasks/types.js';
import { RecentTasks } from './RecentTasks.js';
import { RetryingTasks } from './RetryingTasks.js';
import { toTaskRow } from './taskRow.js';
import type { DashboardLane, LaneView, WarningView } from './types.js';

/** Rows in each "slowest" table, and in the "waiting to retry" one. */
export const SLOWEST_ROWS = 8;
/** Warnings (and errors) a lane keeps for the page. */
export const KEPT_WARNINGS = 50;

/**
 * What the dashboard knows of one lane, kept current from its streams: counts per state, the
 * recent tasks, warnings and the latest metrics sample.
 *
 * @remarks One feed per lane per server, whatever the number of pages: pages get
 * {@link snapshot}s and batched {@link takeUpdate}s, never a write per transition.
 */
export class LaneFeed {
  readonly lane: DashboardLane;
  readonly #counts: Record<TaskState, number>;
  readonly #recent: RecentTasks;
  readonly #retrying = new RetryingTasks();
  readonly #warnings: WarningView[] = [];
  #newWarnings: WarningView[] = [];
  #metrics: LaneMetrics | undefined;
  readonly #warningCounts = new Map<SchedulerWarning['type'], number>();
  #stopped = false;
  #dirty = true;
  readonly #subscription = new Subscription();

  /** Seeds from `lane.dumpTask()` and subscribes to the lane's four streams. */
  constructor(lane: DashboardLane, recentTasks: number) {
    this.lane = lane;
    this.#recent = new RecentTasks(recentTasks);
    this.#counts = zeroCounts();
    // Seed and subscribe in one synchronous step: no transition can fall between the two.
    const retained = lane.dumpTask();
    for (const info of retained) this.#counts[info.state]++;
    this.#recent.seed(retained);
    this.#retrying.seed(retained);
    this.#subscription.add(
      lane.transitions$.subscribe({
        next: (transition) => {
          this.#onTransition(transition);
        },
        complete: () => {
          this.#onStopped();
        },
        error: () => {
          this.#onStopped();
        },
      }),
    );
    this.#subscription.add(
      lane.errors$.subscribe((error) => {
        this.#onError(error);
      }),
    );
    this.#subscription.add(
      lane.warnings$.subscribe((warning) => {
        this.#onWarning(warning);
      }),
    );
    this.#subscription.add(
      lane.metrics$.subscribe((sample) => {
        this.#metrics = sample;
        this.#dirty = true;
      }),
    );
  }

  /** The lane's name. */
  get name(): string {
    return this.lane.name;
  }

  /** The latest `metrics$` sample, if one came. */
  get metrics(): LaneMetrics | undefined {
    return this.#metrics;
  }

  /** Warnings seen since the dashboard started, by type. */
  get warningCounts(): ReadonlyMap<SchedulerWarning['type'], number> {
    return this.#warningCounts;
  }

  /** True when something changed since the last update was taken. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Everything, for a page that just connected (or `/api/state`). */
  snapshot(): LaneView {
    return this.#view(this.#recent.all(), [...this.#warnings]);
  }

  /** What changed since the last update, and marks the feed clean. */
  takeUpdate(): LaneView {
    const warnings = this.#newWarnings;
    this.#newWarnings = [];
    this.#dirty = false;
    return this.#view(this.#recent.takeChanged(), warnings);
  }

  /** Drops pending changes (no page is listening for them). */
  discardUpdate(): void {
    this.#recent.clearChanged();
    this.#newWarnings = [];
    this.#dirty = false;
  }

  /** Unsubscribes from the lane. Idempotent. */
  dispose(): void {
    this.#subscription.unsubscribe();
  }

  #view(timeline: LaneView['timeline'], warnings: readonly WarningView[]): LaneView {
    const view: LaneView = {
      lane: this.lane.name,
      counts: { ...this.#counts },
      timeline,
      slowestRunning: this.lane.slowest(SLOWEST_ROWS, { running: true }).map(toTaskRow),
      slowestFinished: this.lane.slowest(SLOWEST_ROWS, { running: false }).map(toTaskRow),
      retrying: this.#retrying.rows(this.lane, SLOWEST_ROWS),
      warnings,
      stopped: this.#stopped,
    };
    const delayed = this.lane.delayedCount;
    const counted = delayed === undefined ? view : { ...view, delayed };
    const metrics = this.#metrics;
    return metrics === undefined ? counted : { ...counted, kind: metrics.kind, metrics };
  }

  #onTransition(transition: TaskTransition): void {
    // A task seeded in one state can only leave it: never count below zero.
    this.#counts[transition.from] = Math.max(0, this.#counts[transition.from] - 1);
    this.#counts[transition.to]++;
    this.#recent.record(transition);
    this.#retrying.record(transition);
    this.#dirty = true;
  }

  #onWarning(warning: SchedulerWarning): void {
    this.#warningCounts.set(warning.type, (this.#warningCounts.get(warning.type) ?? 0) + 1);
    this.#keep({ kind: warning.type, at: warning.at, message: warning.message });
  }

  #onError(error: SchedulerError): void {
    this.#keep({ kind: 'error', at: Date.now(), message: `${error.code}: ${error.message}` });
  }

  #keep(warning: WarningView): void {
    this.#warnings.push(warning);
    if (this.#warnings.length > KEPT_WARNINGS) this.#warnings.shift();
    this.#newWarnings.push(warning);
    if (this.#newWarnings.length > KEPT_WARNINGS) this.#newWarnings.shift();
    this.#dirty = true;
  }

  #onStopped(): void {
    this.#stopped = true;
    this.#dirty = true;
  }
}

function zeroCounts(): Record<TaskState, number> {
  const counts = {} as Record<TaskState, number>;
  for (const state of Object.values(TaskState)) counts[state] = 0;
  return counts;
}
