import { performance } from 'node:perf_hooks';
import { Observable, share } from '../rxjsParts.js';
import { TaskState } from '../taskState.js';
import { isFinished, type FinalTaskState } from '../machines/taskLifecycle.js';
import type { TaskTransition } from '../tasks/types.js';
import type { LoopMonitor } from './LoopMonitor.js';
import { DurationWindow } from './percentiles.js';
import { transitionDurationMs } from './transitionDuration.js';
import type { LaneKind, LaneMetrics, SchedulerWarning } from './types.js';

/** How often `metrics$` emits when not told, ms. */
export const DEFAULT_METRICS_INTERVAL_MS = 1_000;
const MS_PER_SECOND = 1_000;

/** A lane's threads as its source reads them: totals since the lane was created. */
export interface LaneThreadsSample {
  readonly executorRestarts: number;
  readonly laneRestarts: number;
  readonly degraded: boolean;
  /** Event-loop busy time of the executor threads, ms, summed over threads. */
  readonly executorActiveMs: number;
  /** Event-loop idle time of the executor threads, ms. */
  readonly executorIdleMs: number;
}

/** What one lane offers its `metrics$` stream. */
export interface LaneMetricsSource {
  readonly lane: string;
  readonly kind: LaneKind;
  readonly transitions$: Observable<TaskTransition>;
  readonly warnings$: Observable<SchedulerWarning>;
  /** The lane's clock, epoch ms. */
  now(): number;
  /** Live sizes and totals. */
  counts(): {
    readonly queued: number;
    readonly running: number;
    readonly submitted: number;
    readonly finished: Readonly<Record<FinalTaskState, number>>;
    /** Retries since creation (`LaneCounters.retried`). */
    readonly retried: number;
    /** Tasks waiting out a delay or a backoff now (the lane's `delayedCount`). */
    readonly delayed: number;
  };
  threads(): LaneThreadsSample;
  /** The worker processes of a remote lane (BullMQ), as last listed; absent for other lanes. */
  workers?(): { readonly count: number; readonly names: readonly string[] } | undefined;
  readonly loop: LoopMonitor;
}

/** Gathers one window of task and warning figures. */
class MetricsWindow {
  readonly waits = new DurationWindow();
  readonly runs = new DurationWindow();
  finished = 0;
  blockedCount = 0;
  blockedMaxMs = 0;
  startedAt = performance.now();
  /** The executor threads' busy and idle totals at the window's start. */
  executorActiveMs = 0;
  executorIdleMs = 0;

  onTransition(transition: TaskTransition): void {
    if (transition.to === TaskState.STARTED) {
      this.waits.record(transitionDurationMs(transition));
    } else if (isFinished(transition.to)) {
      this.finished++;
      if (transition.from === TaskState.STARTED) this.runs.record(transitionDurationMs(transition));
    }
  }

  onWarning(warning: SchedulerWarning): void {
    if (warning.type !== 'loop.blocked') return;
    this.blockedCount++;
    this.blockedMaxMs = Math.max(this.blockedMaxMs, warning.blockedMs);
  }

  /** The threads' figures; the executors' utilization is over the window (0 when idle time is unknown). */
  #threads(sample: LaneThreadsSample): LaneMetrics['threads'] {
    const activeMs = sample.executorActiveMs - this.executorActiveMs;
    const idleMs = sample.executorIdleMs - this.executorIdleMs;
    this.executorActiveMs = sample.executorActiveMs;
    this.executorIdleMs = sample.executorIdleMs;
    // A crashed thread's share is lost from the totals: a sum that went down means no reading.
    const busy = activeMs > 0 && idleMs >= 0 ? activeMs / (activeMs + idleMs) : 0;
    return Object.freeze({
      executorRestarts: sample.executorRestarts,
      laneRestarts: sample.laneRestarts,
      degraded: sample.degraded,
      executorUtilization: Math.min(1, busy),
    });
  }

  /** The window's figures; a new window starts. */
  close(source: LaneMetricsSource): LaneMetrics {
    const now = performance.now();
    const windowMs = now - this.startedAt;
    const counts = source.counts();
    const loop = source.loop.sample();
    const metrics: LaneMetrics = {
      lane: source.lane,
      kind: source.kind,
      at: source.now(),
      windowMs,
      queued: counts.queued,
      running: counts.running,
      submitted: counts.submitted,
      finished: Object.freeze({ ...counts.finished }),
      retried: counts.retried,
      delayed: counts.delayed,
      throughputPerSec: windowMs > 0 ? (this.finished * MS_PER_SECOND) / windowMs : 0,
      waitMs: this.waits.take(),
      runMs: this.runs.take(),
      eventLoop: Object.freeze({ delayMs: loop.delayMs, utilization: loop.utilization }),
      threads: this.#threads(source.threads()),
      blocked: Object.freeze({ count: this.blockedCount, maxMs: this.blockedMaxMs }),
    };
    const workers = source.workers?.();
    if (workers !== undefined) Object.assign(metrics, { workers });
    this.finished = 0;
    this.blockedCount = 0;
    this.blockedMaxMs = 0;
    this.startedAt = now;
    return Object.freeze(metrics);
  }
}

/**
 * A lane's `metrics$`: one {@link LaneMetrics} every `intervalMs`, shared by every subscriber.
 *
 * @remarks Nothing runs while nobody subscribes: the first subscriber starts the timer (which
 * never keeps the process alive), the loop monitor and the transition feed; the last one to
 * leave stops them. When the lane stops, a last sample is emitted and the stream completes.
 */
export function createMetricsStream(
  source: LaneMetricsSource,
  intervalMs: number,
): Observable<LaneMetrics> {
  return new Observable<LaneMetrics>((subscriber) => {
    const window = new MetricsWindow();
    source.loop.start();
    const emit = (): void => {
      subscriber.next(window.close(source));
    };
    const timer = setInterval(emit, intervalMs);
    timer.unref();
    const warnings = source.warnings$.subscribe((warning) => {
      window.onWarning(warning);
    });
    const transitions = source.transitions$.subscribe({
      next: (transition) => {
        window.onTransition(transition);
      },
      complete: () => {
        emit();
        subscriber.complete();
      },
    });
    return () => {
      clearInterval(timer);
      transitions.unsubscribe();
      warnings.unsubscribe();
      source.loop.stop();
    };
  }).pipe(share());
}
