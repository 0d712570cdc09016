/**
 * The lane thread's side of observation: what the main side's `warnings$` and `metrics$`
 * need from inside the thread, measured only while the main side watches.
 */
import type { Subscription } from 'rxjs';
import { createLoopMonitor, type LoopMonitor } from '../metrics/LoopMonitor.js';
import type { LaneEngine } from '../scheduler/lane/LaneEngine.js';
import type {
  FromLaneThreadMessage,
  ObserveMessage,
} from '../scheduler/placements/thread/laneThreadMessages.js';

/**
 * Follows the main side's {@link ObserveMessage}s: forwards the lane's blocked-loop warnings
 * while asked, and posts the thread's loop delay and executor health every interval.
 */
export class LaneObservation {
  readonly #engine: LaneEngine;
  readonly #post: (message: FromLaneThreadMessage) => void;
  readonly #loop: LoopMonitor = createLoopMonitor();
  #warnings: Subscription | undefined;
  #sampleTimer: ReturnType<typeof setInterval> | undefined;
  #sampleIntervalMs = 0;

  constructor(engine: LaneEngine, post: (message: FromLaneThreadMessage) => void) {
    this.#engine = engine;
    this.#post = post;
  }

  /** Applies what the main side watches now. */
  observe(message: ObserveMessage): void {
    if (message.warnings && this.#warnings === undefined) {
      this.#warnings = this.#engine.warnings$.subscribe((warning) => {
        // The only kind a lane thread raises (a scheduler's own warnings are the main side's).
        if (warning.type === 'loop.blocked') this.#post({ type: 'warning', warning });
      });
    } else if (!message.warnings) {
      this.#warnings?.unsubscribe();
      this.#warnings = undefined;
    }
    if (message.sampleIntervalMs === this.#sampleIntervalMs) return;
    this.#stopSampling();
    this.#sampleIntervalMs = message.sampleIntervalMs;
    if (message.sampleIntervalMs > 0) this.#startSampling(message.sampleIntervalMs);
  }

  #startSampling(intervalMs: number): void {
    this.#loop.start();
    this.#sampleTimer = setInterval(() => {
      this.#post({
        type: 'loopSample',
        delayMs: this.#loop.sample().delayMs,
        executor: this.#engine.executorHealth(),
      });
    }, intervalMs);
    this.#sampleTimer.unref();
  }

  #stopSampling(): void {
    if (this.#sampleTimer === undefined) return;
    clearInterval(this.#sampleTimer);
    this.#sampleTimer = undefined;
    this.#loop.stop();
  }
}
