import type { Clock } from '../../clock.js';
import type { SchedulerError } from '../../errors.js';
import { LoopBlockDetector } from '../../metrics/LoopBlockDetector.js';
import type { BlockingTask, LaneKind, SchedulerWarning } from '../../metrics/types.js';
import { GuardedStream, subscriberErrorsTo } from '../GuardedStream.js';
import type { LiveTask } from './LiveTask.js';

/** What a {@link LaneLoopWatch} works with. */
export interface LaneLoopWatchOptions {
  readonly lane: string;
  readonly kind: LaneKind;
  /** A block this long is reported, ms; 0: never. */
  readonly slowTaskMs: number;
  readonly clock: Clock;
  /** The lane's STARTED tasks (AsyncTasks run on this loop; SyncTasks are skipped). */
  readonly started: Iterable<LiveTask>;
  /** Where a throwing `warnings$` subscriber is reported. */
  readonly reportError: (error: SchedulerError) => void;
}

/**
 * A lane's watch over the event loop it runs on: its `warnings$`, and the blocked-loop
 * detector that feeds it while someone subscribes.
 *
 * @remarks The lane tells it when tasks start and end, and when an executor timed a body that
 * blocked; all of that costs a check of {@link LaneLoopWatch.active} while nobody watches.
 */
export class LaneLoopWatch {
  readonly #options: LaneLoopWatchOptions;
  readonly #detector: LoopBlockDetector;
  readonly #warnings: GuardedStream<SchedulerWarning>;

  constructor(options: LaneLoopWatchOptions) {
    this.#options = options;
    this.#detector = new LoopBlockDetector({
      lane: options.lane,
      kind: options.kind,
      thresholdMs: options.slowTaskMs,
      now: () => options.clock.now(),
      runningSince: (since) => this.#runningSince(since),
      report: (warning) => {
        // Delivered after the lane's current step: a listener that submits or cancels must
        // not run inside the step that timed the body.
        queueMicrotask(() => {
          this.#warnings.next(warning);
        });
      },
    });
    this.#warnings = new GuardedStream<SchedulerWarning>(
      subscriberErrorsTo('warnings$', options.reportError),
      {
        watched: () => {
          this.#detector.activate();
        },
        unwatched: () => {
          this.#detector.deactivate();
        },
      },
    );
  }

  /** The lane's warnings; detection runs while this (or `metrics$`) has a subscriber. */
  get warnings$(): GuardedStream<SchedulerWarning>['observable'] {
    return this.#warnings.observable;
  }

  /** How long a body may block before an executor should report it; Infinity while unwatched. */
  get blockedThresholdMs(): number {
    return this.#detector.active ? this.#detector.thresholdMs : Infinity;
  }

  /** A task is STARTED now: remember when, in real time, while detection runs. */
  taskStarted(record: LiveTask): void {
    if (this.#detector.active) record.startedAtReal = performance.now();
  }

  /** A task STARTED at `startedAt` (lane clock) left STARTED. */
  taskEnded(record: LiveTask, startedAt: number): void {
    if (!this.#detector.active || record.type !== 'async') return;
    this.#detector.taskEnded(
      { id: record.id, name: record.name, runMs: this.#options.clock.now() - startedAt },
      record.startedAtReal ?? -Infinity,
    );
  }

  /** An executor timed a body's synchronous run at `blockedMs`. */
  taskBlocked(record: LiveTask, blockedMs: number): void {
    this.#detector.taskBlocked(record, blockedMs);
  }

  /** A warning found outside the loop's watch (a scheduler never started), for `warnings$`. */
  warn(warning: SchedulerWarning): void {
    this.#warnings.next(warning);
  }

  /** The lane stopped: detection ends and `warnings$` completes. */
  close(): void {
    this.#detector.close();
    this.#warnings.complete();
  }

  /**
   * AsyncTasks on this loop STARTED at `since` (performance time) or earlier, with their run
   * time so far; one started before detection began counts as running since long before.
   */
  #runningSince(since: number): BlockingTask[] {
    const now = this.#options.clock.now();
    const running: BlockingTask[] = [];
    for (const record of this.#options.started) {
      if (record.type !== 'async' || (record.startedAtReal ?? -Infinity) > since) continue;
      const startedAt = record.ts.start ?? now;
      running.push({ id: record.id, name: record.name, runMs: now - startedAt });
    }
    return running;
  }
}
