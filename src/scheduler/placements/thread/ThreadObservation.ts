import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { UNSTARTED_EXECUTOR_HEALTH, type ExecutorHealth } from '../../../actors/executor.js';
import type { SchedulerError } from '../../../errors.js';
import {
  EMPTY_LOOP_SAMPLE,
  utilizationSince,
  type LoopMonitor,
} from '../../../metrics/LoopMonitor.js';
import { EMPTY_PERCENTILES } from '../../../metrics/percentiles.js';
import type { Percentiles, SchedulerWarning } from '../../../metrics/types.js';
import type { LaneThreadsSample } from '../../../metrics/createMetricsStream.js';
import { GuardedStream, subscriberErrorsTo } from '../../GuardedStream.js';
import type {
  LoopSampleMessage,
  ToLaneThreadMessage,
  WarningMessage,
} from './laneThreadMessages.js';

/** What a {@link ThreadObservation} works with. */
export interface ThreadObservationOptions {
  /** How often the thread sends its loop figures while `metrics$` is watched, ms. */
  readonly sampleIntervalMs: number;
  /** Where a throwing `warnings$` subscriber is reported. */
  readonly reportError: (error: SchedulerError) => void;
}

/**
 * The main side of a lane thread's observation: its `warnings$`, the monitor `metrics$` reads
 * its loop from, and its restart count.
 *
 * @remarks The thread measures only while the main side watches: every change of who watches
 * is sent as an `observe` message, and repeated to each new thread after a restart. The loop's
 * utilization is read from the main side (`worker.performance.eventLoopUtilization()`), so it is
 * right even while the thread's loop is blocked; its delay comes from the thread itself.
 */
export class ThreadObservation {
  readonly #options: ThreadObservationOptions;
  readonly #warnings: GuardedStream<SchedulerWarning>;
  #warningWatchers = 0;
  #loopWatchers = 0;
  #worker: Worker | undefined;
  #lastReading: EventLoopUtilization | undefined;
  #delayMs: Percentiles = EMPTY_PERCENTILES;
  #executor: ExecutorHealth = UNSTARTED_EXECUTOR_HEALTH;
  /** What the executors of earlier lane threads did before those threads went. */
  #past = { restarts: 0, activeMs: 0, idleMs: 0 };
  #laneRestarts = 0;

  constructor(options: ThreadObservationOptions) {
    this.#options = options;
    this.#warnings = new GuardedStream<SchedulerWarning>(
      subscriberErrorsTo('warnings$', options.reportError),
      {
        watched: () => {
          this.#warningWatchers++;
          if (this.#warningWatchers === 1) this.#sendObserve();
        },
        unwatched: () => {
          this.#warningWatchers--;
          if (this.#warningWatchers === 0) this.#sendObserve();
        },
      },
    );
  }

  /** The lane's warnings, as the thread detects them. */
  get warnings$(): GuardedStream<SchedulerWarning>['observable'] {
    return this.#warnings.observable;
  }

  /** The lane thread's loop, as `metrics$` samples it. */
  readonly loop: LoopMonitor = {
    start: () => {
      this.#loopWatchers++;
      if (this.#loopWatchers > 1) return;
      this.#lastReading = this.#worker?.performance.eventLoopUtilization();
      this.#sendObserve();
    },
    sample: () => {
      const worker = this.#worker;
      if (worker === undefined || this.#lastReading === undefined) return EMPTY_LOOP_SAMPLE;
      const read = worker.performance.eventLoopUtilization.bind(worker.performance);
      const { utilization, reading } = utilizationSince(read, this.#lastReading);
      this.#lastReading = reading;
      return { delayMs: this.#delayMs, utilization };
    },
    stop: () => {
      if (this.#loopWatchers === 0) return;
      this.#loopWatchers--;
      if (this.#loopWatchers === 0) this.#sendObserve();
    },
  };

  /** Thread restarts: the lane thread's own, and its executor threads' across lane threads. */
  threads(): LaneThreadsSample {
    const executor = this.#executor;
    return {
      executorRestarts: this.#past.restarts + executor.restarts,
      laneRestarts: this.#laneRestarts,
      degraded: executor.degraded,
      executorActiveMs: this.#past.activeMs + executor.activeMs,
      executorIdleMs: this.#past.idleMs + executor.idleMs,
    };
  }

  /** A (new) lane thread runs: it learns what is watched, and its utilization is read from now on. */
  attach(worker: Worker): void {
    this.#worker = worker;
    this.#lastReading =
      this.#loopWatchers > 0 ? worker.performance.eventLoopUtilization() : undefined;
    this.#sendObserve();
  }

  /** The lane thread died and will be replaced. */
  detach(crashed: boolean): void {
    this.#worker = undefined;
    this.#lastReading = undefined;
    const executor = this.#executor;
    this.#past = {
      restarts: this.#past.restarts + executor.restarts,
      activeMs: this.#past.activeMs + executor.activeMs,
      idleMs: this.#past.idleMs + executor.idleMs,
    };
    this.#executor = UNSTARTED_EXECUTOR_HEALTH;
    this.#delayMs = EMPTY_PERCENTILES;
    if (crashed) this.#laneRestarts++;
  }

  /** A message of the observation protocol from the thread. */
  receive(message: WarningMessage | LoopSampleMessage): void {
    if (message.type === 'warning') {
      // A structured clone is a fresh object: frozen all the way down, as on the main loop.
      const { task, suspects } = message.warning;
      if (task !== undefined) Object.freeze(task);
      for (const suspect of suspects) Object.freeze(suspect);
      Object.freeze(suspects);
      this.#warnings.next(Object.freeze(message.warning));
      return;
    }
    this.#delayMs = message.delayMs;
    this.#executor = message.executor;
  }

  /** A warning the main side found itself (the watchdog saw the thread's loop blocked). */
  warn(warning: SchedulerWarning): void {
    this.#warnings.next(warning);
  }

  /** The lane stopped: `warnings$` completes. */
  complete(): void {
    this.#warnings.complete();
  }

  #sendObserve(): void {
    const message: ToLaneThreadMessage = {
      type: 'observe',
      warnings: this.#warningWatchers > 0 || this.#loopWatchers > 0,
      sampleIntervalMs: this.#loopWatchers > 0 ? this.#options.sampleIntervalMs : 0,
    };
    this.#worker?.postMessage(message);
  }
}
