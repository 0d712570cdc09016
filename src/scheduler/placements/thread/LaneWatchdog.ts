import type { Clock, TimerHandle } from '../../../clock.js';

/**
 * How long past a deadline the main side waits for the lane thread's own answer before it
 * decides the thread's loop is blocked.
 */
export const LANE_WATCHDOG_GRACE_MS = 250;

/** What the watchdog found overdue. */
export type Overdue =
  | { kind: 'timeout'; taskId: string; timeoutMs: number }
  | { kind: 'cancel'; requestId: number }
  | { kind: 'stop'; timeoutMs: number };

/**
 * Deadlines the main side keeps for a lane thread: a task's timeout, a cancel's answer, a
 * bounded stop. All of them are normally met by the thread itself; one that passes (plus
 * {@link LANE_WATCHDOG_GRACE_MS}) means the thread's loop is blocked, for example by a CPU-bound
 * AsyncTask, and only terminating the thread can stop that work. A cancel's deadline starts
 * once the thread has booted; a bounded stop's holds from when it was sent, booting or not.
 */
export class LaneWatchdog {
  readonly #clock: Clock;
  readonly #onOverdue: (overdue: Overdue) => void;
  readonly #timers = new Map<string, TimerHandle>();
  /**
   * True while the lane thread boots (50–200 ms, longer on a loaded host): it reads no message
   * until its loop runs, so a cancel's deadline starts when it is ready, not when it was sent.
   */
  #booting = true;
  /** Cancels sent while the thread booted, by request id: armed when it is ready. */
  readonly #cancelsWaitingForBoot = new Set<number>();

  constructor(clock: Clock, onOverdue: (overdue: Overdue) => void) {
    this.#clock = clock;
    this.#onOverdue = onOverdue;
  }

  /** A task with a timeout STARTED: it must end by then. */
  taskStarted(taskId: string, timeoutMs: number): void {
    this.#arm(`task:${taskId}`, timeoutMs, { kind: 'timeout', taskId, timeoutMs });
  }

  /** A task ended: its deadline is met. */
  taskEnded(taskId: string): void {
    this.#clear(`task:${taskId}`);
  }

  /** A cancel was sent: the thread must answer it (once it has booted). */
  cancelSent(requestId: number): void {
    if (this.#booting) this.#cancelsWaitingForBoot.add(requestId);
    else this.#armCancel(requestId);
  }

  /** A cancel was answered. */
  cancelAnswered(requestId: number): void {
    this.#cancelsWaitingForBoot.delete(requestId);
    this.#clear(`cancel:${requestId}`);
  }

  /** A new lane thread is booting. */
  threadStarting(): void {
    this.#booting = true;
  }

  /** The lane thread's loop runs: the cancels sent meanwhile must be answered from now on. */
  threadReady(): void {
    this.#booting = false;
    for (const requestId of this.#cancelsWaitingForBoot) this.#armCancel(requestId);
    this.#cancelsWaitingForBoot.clear();
  }

  /** A stop bounded by `timeoutMs` was sent: the thread must report stopped by then. */
  stopSent(timeoutMs: number): void {
    this.#arm('stop', timeoutMs, { kind: 'stop', timeoutMs });
  }

  /** Drops every deadline (the thread is gone, or the scheduler stopped). */
  clearAll(): void {
    for (const timer of this.#timers.values()) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    this.#cancelsWaitingForBoot.clear();
  }

  /**
   * Drops the deadlines of requests a replaced thread will never answer. A bounded stop's
   * deadline stays: the stop goes on in the next thread, and its bound holds there too.
   */
  clearRequests(): void {
    for (const key of [...this.#timers.keys()]) {
      if (key.startsWith('cancel:')) this.#clear(key);
    }
    this.#cancelsWaitingForBoot.clear();
  }

  #armCancel(requestId: number): void {
    this.#arm(`cancel:${requestId}`, 0, { kind: 'cancel', requestId });
  }

  #arm(key: string, dueInMs: number, overdue: Overdue): void {
    this.#clear(key);
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(key);
      this.#onOverdue(overdue);
    }, dueInMs + LANE_WATCHDOG_GRACE_MS);
    this.#timers.set(key, timer);
  }

  #clear(key: string): void {
    const timer = this.#timers.get(key);
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#timers.delete(key);
  }
}
