import type { Clock } from '../../clock.js';
import { SchedulerStoppedError } from '../../errors.js';
import { createIdFactory } from '../../ids.js';
import { isFinished } from '../../machines/taskLifecycle.js';
import type { AsyncTask } from '../../tasks/AsyncTask.js';
import type { SyncTask } from '../../tasks/SyncTask.js';
import type { TaskLedger } from '../ledger/TaskLedger.js';
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

/** The scheduler the schedules belong to: its name (for SchedulerStoppedError) and clock. */
interface ScheduleOwner {
  readonly name: string;
  readonly clock: Clock;
}

/** What the schedules read of the scheduler's ledger: states, and `errors$`. */
type ScheduleLedger = Pick<TaskLedger, 'stateOf'> & {
  readonly reporter: Pick<TaskLedger['reporter'], 'reportError'>;
};

/**
 * The `repeat()` schedules of one scheduler: it makes them, and ends them all when the
 * scheduler stops.
 */
export class RepeatSchedules {
  readonly #owner: ScheduleOwner;
  readonly #submissions: Pick<TaskSubmissions, 'submitOccurrence'>;
  readonly #ledger: ScheduleLedger;
  readonly #checkTask: CheckTask;
  readonly #live = new Set<RepeatSchedule>();
  readonly #createId = createIdFactory();
  #stopped = false;

  /**
   * @param submissions - the scheduler's submit path: every occurrence goes through it.
   * @param checkTask - checks the task and its args (its kind of body, arguments that must
   * clone), so a schedule that could never submit fails at the call.
   */
  constructor(
    owner: ScheduleOwner,
    submissions: Pick<TaskSubmissions, 'submitOccurrence'>,
    ledger: ScheduleLedger,
    checkTask: CheckTask,
  ) {
    this.#owner = owner;
    this.#submissions = submissions;
    this.#ledger = ledger;
    this.#checkTask = checkTask;
  }

  /**
   * Starts a schedule of `task` as `options` say.
   *
   * @throws TypeError/RangeError naming a bad or unknown option, a bad cron expression or
   * time zone, or a task the scheduler cannot run; SchedulerStoppedError once the scheduler
   * was told to stop.
   */
  create(task: unknown, options: unknown): RepeatHandle {
    const { clock, name } = this.#owner;
    const resolved = resolveRepeatOptions(options, clock.now());
    const checkTask: CheckTask = this.#checkTask;
    checkTask(task, resolved.submit.args);
    if (this.#stopped) throw new SchedulerStoppedError(name);
    const ledger = this.#ledger;
    const schedule = new RepeatSchedule(this.#createId(), resolved, {
      clock,
      submitOccurrence: (repeatId) =>
        this.#submissions.submitOccurrence(task, resolved.submit, repeatId),
      isFinal: (id) => {
        const state = ledger.stateOf(id);
        return state === undefined || isFinished(state);
      },
      reportError: (error) => {
        ledger.reporter.reportError(error);
      },
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
