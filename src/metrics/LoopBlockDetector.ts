import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { createLoopBlockedWarning } from './loopBlockedWarning.js';
import type { BlockingTask, LaneKind, LoopBlockedWarning } from './types.js';

/** The blocked-loop threshold when none is given, ms (asyncio's `slow_callback_duration`). */
export const DEFAULT_SLOW_TASK_MS = 100;
/** The sentinel timer never ticks more often than this, ms. */
const MIN_CHECK_MS = 10;
/** …nor less often than this, ms: a block is seen at most this long after it ends. */
const MAX_CHECK_MS = 100;

/** Tasks that ended between two sentinel ticks are remembered, up to this many. */
const MAX_RECENT_ENDS = 32;

/** A task that left STARTED, remembered until the next sentinel tick. */
interface RecentEnd {
  readonly task: BlockingTask;
  /** `performance.now()` time. */
  readonly startedAt: number;
}

/** What every detector on one event loop knows of its blocks. */
export interface LoopLedger {
  /** When the last exactly attributed block ended, `performance.now()` time. */
  lastTaskBlockAt: number;
}

/** A ledger of its own (tests; a loop nobody else shares). */
export function createLoopLedger(): LoopLedger {
  return { lastTaskBlockAt: -Infinity };
}

/**
 * This thread's event loop. There is one loop per thread, and each scheduler on it has its own
 * detector: a block one lane named exactly must not be reported again by another lane's
 * sentinel, blaming that lane's idle tasks. (Module state on purpose: a worker thread has its
 * own module instances, and its own loop.)
 */
const THIS_THREAD_LOOP: LoopLedger = createLoopLedger();

/** What a {@link LoopBlockDetector} works with. */
export interface LoopBlockDetectorOptions {
  readonly lane: string;
  readonly kind: LaneKind;
  /** A block at least this long is reported, ms; 0 turns detection off. */
  readonly thresholdMs: number;
  /** The lane's wall-clock time, epoch ms (the lane's clock). */
  readonly now: () => number;
  /** The tasks STARTED on this loop at `since` (`performance.now()` time) or earlier. */
  readonly runningSince: (since: number) => BlockingTask[];
  /** Where a warning goes. */
  readonly report: (warning: LoopBlockedWarning) => void;
  /**
   * What the detectors of the same loop share.
   * @default this thread's loop
   */
  readonly ledger?: LoopLedger;
}

/**
 * Detects a blocked event loop, as asyncio's debug mode does with `slow_callback_duration`.
 *
 * @remarks Two ways, both in real time (not the lane's clock, which may be simulated):
 * a body's synchronous run is timed by its executor and reported through
 * {@link LoopBlockDetector.taskBlocked}, naming the task exactly; and, while active, a sentinel
 * timer notices when it fires late, which catches blocks after a body's first `await` and in
 * callbacks, naming the tasks that were running as suspects. A block the first way already
 * reported is not reported again. The sentinel runs only while someone watches (see
 * {@link LoopBlockDetector.activate}) and never keeps the process alive.
 */
export class LoopBlockDetector {
  readonly #options: LoopBlockDetectorOptions;
  readonly #ledger: LoopLedger;
  readonly #checkMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTickAt = 0;
  /** The loop's busy time at the last tick: a late timer is a block only if the loop was busy. */
  #lastUtilization: EventLoopUtilization | undefined;
  #watchers = 0;
  /** Tasks that ended since the last tick: a block that ended with its task names it too. */
  #recentEnds: RecentEnd[] = [];

  constructor(options: LoopBlockDetectorOptions) {
    this.#options = options;
    this.#ledger = options.ledger ?? THIS_THREAD_LOOP;
    this.#checkMs = Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, options.thresholdMs / 2));
  }

  /** The threshold, ms; 0 when detection is off. */
  get thresholdMs(): number {
    return this.#options.thresholdMs;
  }

  /** True while someone watches and the threshold is set. */
  get active(): boolean {
    return this.#timer !== undefined;
  }

  /** One more watcher; the first starts the sentinel. */
  activate(): void {
    this.#watchers++;
    if (this.#watchers > 1 || this.#options.thresholdMs <= 0) return;
    this.#lastTickAt = performance.now();
    this.#lastUtilization = performance.eventLoopUtilization();
    this.#timer = setInterval(() => {
      this.#tick();
    }, this.#checkMs);
    this.#timer.unref();
  }

  /** One watcher fewer; the last stops the sentinel. */
  deactivate(): void {
    if (this.#watchers === 0) return;
    this.#watchers--;
    if (this.#watchers > 0 || this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the sentinel for good (the lane stopped). */
  close(): void {
    this.#watchers = 0;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * A task body ran `blockedMs` without yielding (its executor timed its synchronous run).
   * Reported when active and at or past the threshold.
   */
  taskBlocked(task: { readonly id: string; readonly name: string }, blockedMs: number): void {
    if (this.#timer === undefined || blockedMs < this.#options.thresholdMs) return;
    this.#ledger.lastTaskBlockAt = performance.now();
    this.#options.report(
      createLoopBlockedWarning({
        lane: this.#options.lane,
        kind: this.#options.kind,
        at: this.#options.now(),
        blockedMs,
        task: { id: task.id, name: task.name, runMs: blockedMs },
      }),
    );
  }

  /**
   * A task left STARTED: a block it caused after its first `await` may end just before it
   * does, so the next tick still counts it among the suspects.
   *
   * @param startedAtReal - when it STARTED, `performance.now()` time (-Infinity: before
   * detection began).
   */
  taskEnded(task: BlockingTask, startedAtReal: number): void {
    if (this.#timer === undefined || this.#recentEnds.length >= MAX_RECENT_ENDS) return;
    this.#recentEnds.push({ task, startedAt: startedAtReal });
  }

  #tick(): void {
    const now = performance.now();
    const lateMs = now - this.#lastTickAt - this.#checkMs;
    const previousTickAt = this.#lastTickAt;
    this.#lastTickAt = now;
    const recentEnds = this.#recentEnds;
    if (recentEnds.length > 0) this.#recentEnds = [];
    const utilization = performance.eventLoopUtilization();
    const busyMs = this.#lastUtilization
      ? performance.eventLoopUtilization(utilization, this.#lastUtilization).active
      : lateMs;
    this.#lastUtilization = utilization;
    // A timer can also be late because the OS gave this thread no CPU (a loaded machine) while
    // its loop sat idle: that is not a block any task could have avoided.
    if (lateMs < this.#options.thresholdMs || busyMs < this.#options.thresholdMs) return;
    // The body that blocked was already named exactly, by this lane or another on this loop.
    if (this.#ledger.lastTaskBlockAt > previousTickAt) return;
    const at = this.#options.now();
    // Real time, as the block was measured: the lane's clock may be simulated.
    const since = now - lateMs;
    const suspects = this.#options.runningSince(since);
    for (const end of recentEnds) if (end.startedAt <= since) suspects.push(end.task);
    this.#options.report(
      createLoopBlockedWarning({
        lane: this.#options.lane,
        kind: this.#options.kind,
        at,
        blockedMs: lateMs,
        suspects,
      }),
    );
  }
}
