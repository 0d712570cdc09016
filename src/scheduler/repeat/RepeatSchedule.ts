import type { Clock, TimerHandle } from '../../clock.js';
import { SchedulerError, SchedulerErrorCode, SchedulerStoppedError } from '../../errors.js';
import { describeThrown } from '../../validate.js';
import type { ResolvedRepeatOptions } from './RepeatOptions.js';

/**
 * A running `repeat()` schedule, as `repeat()` returns it.
 *
 * @example
 * ```ts
 * import { AsyncTask } from 'async-scheduler';
 *
 * const poll = new AsyncTask('poll', () => Date.now());
 * const r = scheduler.repeat(poll, { every: 60_000, limit: 10 });
 * console.log(r.id, new Date(r.nextRunAt() ?? NaN));
 * scheduler.transitions$.subscribe((t) => {
 *   if (t.info.repeatId === r.id) console.log(`occurrence ${t.id}: ${t.to}`);
 * });
 * r.cancel(); // no more occurrences; those submitted already go on
 * ```
 */
export interface RepeatHandle {
  /** The schedule's id (a UUID v7): every occurrence's `TaskInfo.repeatId`. */
  readonly id: string;
  /**
   * When the next occurrence is due (epoch ms, on the scheduler's clock); undefined once the
   * schedule has ended: canceled, its `limit` reached, its signal aborted, its scheduler
   * stopped, or a cron expression with no match left.
   */
  nextRunAt(): number | undefined;
  /**
   * Ends the schedule: no occurrence is submitted after this call; occurrences submitted
   * already go on (cancel them by id to stop them too). Calling it again does nothing.
   */
  cancel(): void;
}

/** What a schedule needs of its scheduler. */
export interface RepeatScheduleHost {
  readonly clock: Clock;
  /**
   * Submits one occurrence, as the scheduler's own `submit` does.
   * @returns its id, or undefined when nothing was submitted (a live task holds its key).
   * @throws what `submit` throws (SchedulerStoppedError, QueueFullError, …).
   */
  submitOccurrence(repeatId: string): string | undefined;
  /** Whether task `id` is final (or no longer retained). */
  isFinal(id: string): boolean;
  reportError(error: SchedulerError): void;
  /** Called once, when the schedule ends for any reason. */
  ended(schedule: RepeatSchedule): void;
}

/**
 * One schedule: one timer on the scheduler's clock, armed for the next due time only.
 *
 * @remarks When the timer fires late (a blocked loop, a suspended machine), the due times it
 * missed are not made up with a burst: one occurrence is submitted for them all, and the next
 * due time is the first one after now. A timer that fires early (the system clock caps a
 * timer at about 24.8 days) is armed again for the rest. The timer keeps the process alive
 * while the schedule lasts, as `setInterval` does; it is cleared when the schedule ends.
 */
export class RepeatSchedule implements RepeatHandle {
  readonly id: string;
  readonly #host: RepeatScheduleHost;
  readonly #options: ResolvedRepeatOptions;
  #nextAt: number | undefined;
  #timer: TimerHandle | undefined;
  #submitted = 0;
  #lastOccurrence: string | undefined;
  readonly #onAbort = (): void => {
    this.cancel();
  };

  constructor(id: string, options: ResolvedRepeatOptions, host: RepeatScheduleHost) {
    this.id = id;
    this.#host = host;
    this.#options = options;
    const { signal } = options.submit;
    if (signal?.aborted === true) {
      this.#end();
      return;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#arm(options.firstAt);
  }

  nextRunAt(): number | undefined {
    return this.#nextAt;
  }

  cancel(): void {
    if (this.#nextAt === undefined) return;
    if (this.#timer !== undefined) this.#host.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#end();
  }

  #arm(dueAt: number | undefined): void {
    if (dueAt === undefined || this.#submitted >= this.#options.limit) {
      this.#end();
      return;
    }
    this.#nextAt = dueAt;
    this.#timer = this.#host.clock.setTimeout(
      this.#fire,
      Math.max(0, dueAt - this.#host.clock.now()),
    );
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const dueAt = this.#nextAt;
    if (dueAt === undefined) return;
    const now = this.#host.clock.now();
    if (now < dueAt) {
      this.#arm(dueAt);
      return;
    }
    this.#occur();
    // The occurrence's callbacks may have canceled the schedule, or stopped the scheduler.
    if (this.#nextAt === undefined) return;
    this.#arm(this.#options.dueTimes.after(now));
  };

  #occur(): void {
    const last = this.#lastOccurrence;
    if (this.#options.overlap === 'skip' && last !== undefined && !this.#host.isFinal(last)) return;
    let id: string | undefined;
    try {
      id = this.#host.submitOccurrence(this.id);
    } catch (error) {
      this.#submitFailed(error);
      return;
    }
    if (id === undefined) return;
    this.#lastOccurrence = id;
    this.#submitted++;
  }

  /** A stopped scheduler ends the schedule; any other failure skips this occurrence only. */
  #submitFailed(error: unknown): void {
    if (error instanceof SchedulerStoppedError) {
      this.cancel();
      return;
    }
    this.#host.reportError(
      error instanceof SchedulerError
        ? error
        : new SchedulerError(
            SchedulerErrorCode.REPEAT_SUBMIT_FAILED,
            `An occurrence of repeat schedule ${this.id} could not be submitted: ${describeThrown(error)}`,
            { cause: error },
          ),
    );
  }

  #end(): void {
    this.#nextAt = undefined;
    this.#options.submit.signal?.removeEventListener('abort', this.#onAbort);
    this.#host.ended(this);
  }
}
