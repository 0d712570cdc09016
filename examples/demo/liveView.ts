/**
 * The demo's live terminal view, fed by each lane's `metrics$` and `warnings$`: one line per
 * lane with a progress bar and counts, redrawn in place on a terminal; plain lines every
 * second when stdout is not a terminal (a CI log, a pipe).
 */
import type { Subscription } from 'rxjs';
import type {
  AsyncScheduler,
  LaneMetrics,
  SchedulerThread,
  LoopBlockedWarning,
} from 'async-scheduler';

const BAR_WIDTH = 16;
const TTY_REDRAW_MS = 200;
const PLAIN_EVERY_MS = 1_000;
const CLEAR_LINE = '\x1b[2K';

type Lane = AsyncScheduler | SchedulerThread;

const pad = (value: string | number, width: number): string => String(value).padStart(width);
const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function bar(done: number, total: number): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * BAR_WIDTH);
  return '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
}

function blamed(warning: LoopBlockedWarning): string {
  if (warning.task !== undefined) return `by task "${warning.task.name}"`;
  return warning.suspects.length > 0 ? `while ${warning.suspects.length} task(s) ran` : '';
}

function laneLine(lane: string, metrics: LaneMetrics | undefined): string {
  if (metrics === undefined) return `${lane.padEnd(7)} starting…`;
  const { DONE, FAILED, TIMED_OUT, CANCELED } = metrics.finished;
  const finished = DONE + FAILED + TIMED_OUT + CANCELED;
  const total = metrics.submitted;
  const percent = total === 0 ? 0 : Math.floor((finished / total) * 100);
  return (
    `${lane.padEnd(7)}${metrics.kind.padEnd(7)}[${bar(finished, total)}]${pad(percent, 4)}% ` +
    `${pad(finished, 4)}/${total} | queued ${pad(metrics.queued, 3)} running ${pad(metrics.running, 2)} | ` +
    `done ${DONE} failed ${FAILED} timeout ${TIMED_OUT} canceled ${CANCELED} retried ${metrics.retried} | ` +
    `${Math.round(metrics.throughputPerSec)}/s, wait p99 ${ms(metrics.waitMs.p99)}, ` +
    `loop ${Math.round(metrics.eventLoop.utilization * 100)}% busy`
  );
}

/** Draws every lane's progress while the demo runs. */
export class LiveView {
  readonly #lanes: readonly Lane[];
  readonly #latest = new Map<string, LaneMetrics>();
  readonly #subscriptions: Subscription[] = [];
  readonly #isTty = process.stdout.isTTY;
  readonly #startedAt = performance.now();
  #lastWarning: LoopBlockedWarning | undefined;
  #warningCount = 0;
  #drawnLines = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(lanes: readonly Lane[]) {
    this.#lanes = lanes;
  }

  /** Subscribes to every lane and starts drawing. */
  start(): void {
    for (const lane of this.#lanes) {
      this.#subscriptions.push(
        lane.metrics$.subscribe((metrics) => {
          this.#latest.set(metrics.lane, metrics);
        }),
        lane.warnings$.subscribe((warning) => {
          if (warning.type !== 'loop.blocked') return;
          this.#warningCount++;
          this.#lastWarning = warning;
        }),
      );
    }
    this.#timer = setInterval(
      () => {
        this.#draw();
      },
      this.#isTty ? TTY_REDRAW_MS : PLAIN_EVERY_MS,
    );
  }

  /** Draws one last time and lets go of every lane. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#draw();
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#subscriptions.length = 0;
  }

  #lines(): string[] {
    const lines = this.#lanes.map((lane) => laneLine(lane.name, this.#latest.get(lane.name)));
    const warning = this.#lastWarning;
    lines.push(
      warning === undefined
        ? 'warnings: none yet'
        : `warnings: ${this.#warningCount}, last: lane "${warning.lane}" blocked ${ms(warning.blockedMs)} ${blamed(warning)}`,
    );
    return lines;
  }

  #draw(): void {
    const lines = this.#lines();
    if (!this.#isTty) {
      const seconds = ((performance.now() - this.#startedAt) / 1000).toFixed(1);
      for (const line of lines) console.log(`[${seconds}s] ${line}`);
      return;
    }
    const columns = process.stdout.columns > 0 ? process.stdout.columns : Infinity;
    // Back to the first line of the last drawing; a wrapped line could not be redrawn.
    let frame = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}F` : '';
    for (const line of lines) frame += `${CLEAR_LINE}${line.slice(0, columns - 1)}\n`;
    process.stdout.write(frame);
    this.#drawnLines = lines.length;
  }
}
