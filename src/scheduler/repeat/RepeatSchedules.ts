import type { Clock } from '../../clock.js';
import { SchedulerStoppedError, type SchedulerError } from '../../errors.js';
import { createIdFactory } from '../../ids.js';
import { isFinished } from '../../machines/taskLifecycle.js';
import type { TaskState } from '../../taskState.js';
import type { AsyncTask } from '../../tasks/AsyncTask.js';
import type { SyncTask } from '../../tasks/SyncTask.js';
import type { TaskSubmissions } from '../submit/TaskSubmissions.js';
import { resolveRepeatOptions } from './RepeatOptions.js';
import { RepeatSchedule, type RepeatHandle } from './RepeatSchedule.js';

/**
 * Checks a task and its args as a scheduler's `submitTask` would.
 * @throws TypeError naming what is wrong.
 */
export type CheckTask = (
  task: unknown,
  args: readonly unknown[],
) => asserts task is AsyncTask | SyncTask;

/** What a scheduler lends its schedules. */
export interface RepeatSchedulesOptions {
  /** The scheduler's name, for SchedulerStoppedError. */
  readonly lane: string;
  readonly clock: Clock;
  /** The scheduler's submit path: every occurrence goes through it. */
  readonly submissions: Pick<TaskSubmissions, 'submitOccurrence'>;
  /** A task's state; undefined once it is no longer retained. */
  readonly stateOf: (id: string) => TaskState | undefined;
  readonly reportError: (error: SchedulerError) => void;
  /**
   * Checks the task and its args (its kind of body, arguments that must clone), so a schedule
   * that could never submit fails at the call.
   */
  readonly checkTask: CheckTask;
}

/**
 * The `repeat()` schedules of one scheduler: it makes them, and ends them all when the
 * scheduler stops.
 */
export class RepeatSchedules {
  readonly #options: RepeatSchedulesOptions;
  readonly #live = new Set<RepeatSchedule>();
  readonly #createId = createIdFactory();
  #stopped = false;

  constructor(options: RepeatSchedulesOptions) {
    this.#options = options;
  }

  /**
   * Starts a schedule of `task` as `options` say.
   *
   * @throws TypeError/RangeError naming a bad or unknown option, a bad cron expression or
   * time zone, or a task the scheduler cannot run; SchedulerStoppedError once the scheduler
   * was told to stop.
   */
  create(task: unknown, options: unknown): RepeatHandle {
    const { clock, submissions, stateOf, reportError } = this.#options;
    const resolved = resolveRepeatOptions(options, clock.now());
    const checkTask: CheckTask = this.#options.checkTask;
    checkTask(task, resolved.submit.args);
    if (this.#stopped) throw new SchedulerStoppedError(this.#options.lane);
    const schedule = new RepeatSchedule(this.#createId(), resolved, {
      clock,
      submitOccurrence: (repeatId) => submissions.submitOccurrence(task, resolved.submit, repeatId),
      isFinal: (id) => {
        const state = stateOf(id);
        return state === undefined || isFinished(state);
      },
      reportError,
      ended: (ended) => {
        this.#live.delete(ended);
      },
    });
    if (schedule.nextRunAt() !== undefined) this.#live.add(schedule);
    return schedule;
  }

  /** Ends every schedule, and refuses new ones: the scheduler is stopping. */
  stop(): void {
    this.#stopped = true;
    for (const schedule of [...this.#live]) schedule.cancel();
  }
}
