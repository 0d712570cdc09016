import type { Clock, TimerHandle } from '../clock.js';
import type { NotStartedWarning } from '../metrics/types.js';

/** How long tasks may wait on a never-started scheduler before it warns, ms. */
export const NOT_STARTED_WARNING_MS = 1_000;

/** The `code` of the process warning, to filter it (`process.on('warning')`, `--disable-warning`). */
export const NOT_STARTED_WARNING_CODE = 'ASYNC_SCHEDULER_NOT_STARTED';

/** What a {@link NotStartedWatch} works with. */
export interface NotStartedWatchOptions {
  readonly lane: string;
  readonly clock: Clock;
  /** How many tasks wait for `start()` now. */
  readonly queued: () => number;
  /** Puts the warning on the scheduler's `warnings$`. */
  readonly warn: (warning: NotStartedWarning) => void;
}

/**
 * Catches a forgotten `start()`: once tasks have waited {@link NOT_STARTED_WARNING_MS} on a
 * scheduler that was never started, it warns once, on `warnings$` and as a process warning.
 *
 * @remarks Its timer is armed by the first submit before `start()` and cleared by `start()` or
 * `stop()`; it is unref'd, so it never keeps the process alive. A scheduler warns at most once.
 */
export class NotStartedWatch {
  readonly #options: NotStartedWatchOptions;
  #timer: TimerHandle | undefined;
  #firstSubmitAt = 0;
  /** Started, stopped or warned already: nothing more to watch. */
  #done = false;

  constructor(options: NotStartedWatchOptions) {
    this.#options = options;
  }

  /** A task was submitted before `start()`: the clock starts with the first one. */
  taskSubmitted(): void {
    if (this.#done || this.#timer !== undefined) return;
    const { clock } = this.#options;
    this.#firstSubmitAt = clock.now();
    const timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#fire();
    }, NOT_STARTED_WARNING_MS);
    unref(timer);
    this.#timer = timer;
  }

  /** `start()` or `stop()` was called: no warning from now on. */
  close(): void {
    this.#done = true;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #fire(): void {
    const { lane, clock, queued, warn } = this.#options;
    const waiting = queued();
    // Every task waiting then was canceled since: the next submit starts the clock again.
    if (waiting === 0) return;
    this.#done = true;
    const at = clock.now();
    const warning = createNotStartedWarning(lane, at, at - this.#firstSubmitAt, waiting);
    process.emitWarning(warning.message, {
      type: 'SchedulerWarning',
      code: NOT_STARTED_WARNING_CODE,
      detail: warning.hint,
    });
    warn(warning);
  }
}

function createNotStartedWarning(
  lane: string,
  at: number,
  waitedMs: number,
  queued: number,
): NotStartedWarning {
  const hint =
    'Call start() to run them (submitting before start() queues), or create the scheduler with `autoStart: true`.';
  const tasks = queued === 1 ? '1 task has' : `${queued} tasks have`;
  return Object.freeze({
    type: 'scheduler.notStarted',
    lane,
    at,
    waitedMs,
    queued,
    hint,
    message: `Scheduler "${lane}" was never started: ${tasks} waited ${Math.round(waitedMs)} ms for start()`,
  });
}

/** Lets the process exit while the timer is pending (a simulated clock's handles have no `unref`). */
function unref(timer: TimerHandle): void {
  if (typeof timer === 'object' && 'unref' in timer && typeof timer.unref === 'function') {
    (timer as { unref(): void }).unref();
  }
}
