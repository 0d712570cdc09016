import type { Observable } from 'rxjs';
import type { TaskState } from '../../taskState.js';
import type { AsyncTask } from '../../tasks/AsyncTask.js';
import type { SyncTask } from '../../tasks/SyncTask.js';
import type { TaskInfo, TaskTransition } from '../../tasks/types.js';
import { describeThrown } from '../../validate.js';
import type { TaskLedger } from '../ledger/TaskLedger.js';
import { assertTask, type WaitTaskOptions } from '../taskQueries.js';
import type { RunOptions } from '../lane/laneConfig.js';
import { resolveSubmitOptions, type ResolvedSubmitOptions } from './SubmitOptions.js';
import { SchedulerTaskHandle, type TaskHandle, type TaskHandleHost } from './TaskHandle.js';
import { TaskTransitionRouter } from './TaskTransitionRouter.js';

/** The reason of a cancel by a signal whose reason says nothing. */
const SIGNAL_ABORTED_REASON = 'aborted by signal';

/**
 * Submits one run of a checked task (as `submitTask` does) with the run's own options.
 *
 * @param canceledWith - a cancel reason: the run is canceled as soon as it is SUBMITTED, before
 * it can be scheduled (its abort signal was aborted already), and its body never runs.
 * @returns its id. @throws as `submitTask`.
 */
export type SubmitRun = (
  task: AsyncTask | SyncTask,
  args: readonly unknown[],
  run: RunOptions | undefined,
  canceledWith?: string,
) => string;

/** What `submit()` needs of the ledger: states, final-state waiters, `errors$`. */
type SubmissionLedger = Pick<TaskLedger, 'stateOf' | 'reporter'> & {
  readonly registry: Pick<TaskLedger['registry'], 'whenFinished'>;
};

/**
 * `submit()` for both facades: options checked at the boundary, idempotency keys, abort
 * signals, and the handles (with their own `transitions$`).
 *
 * @remarks A key or a signal costs its task one waiter in the ledger, settled when the task is
 * final: then the key is free again and the signal's listener is removed. A task submitted
 * without either costs nothing here.
 */
export class TaskSubmissions implements TaskHandleHost {
  readonly #facade: Omit<TaskHandleHost, 'transitionsOf'>;
  readonly #submitRun: SubmitRun;
  readonly #ledger: SubmissionLedger;
  /** The handle of the live task of each key in use. */
  readonly #byKey = new Map<string, TaskHandle>();
  readonly #router: TaskTransitionRouter;

  /**
   * @param facade - the scheduler: its handles call its public methods.
   * @param submitRun - how the scheduler submits one run.
   */
  constructor(
    facade: Omit<TaskHandleHost, 'transitionsOf'>,
    ledger: SubmissionLedger,
    submitRun: SubmitRun,
  ) {
    this.#facade = facade;
    this.#submitRun = submitRun;
    this.#ledger = ledger;
    this.#router = new TaskTransitionRouter({
      transitions$: ledger.reporter.transitions$,
      stateOf: (id) => ledger.stateOf(id),
      reportError: (error) => {
        ledger.reporter.reportError(error);
      },
    });
  }

  /**
   * Submits one run of `task` as `options` say, or returns the handle of the live task
   * submitted with the same `key`.
   *
   * @throws TypeError for a value that is not a task, TypeError/RangeError naming a bad or
   * unknown option, or what the facade's `submitTask` throws.
   */
  submit<TResult>(task: unknown, options: unknown): TaskHandle<TResult> {
    assertTask(task);
    const resolved = resolveSubmitOptions(options);
    return (this.#liveWithKey(resolved.key) ??
      this.#submitNew(task, resolved, undefined)) as TaskHandle<TResult>;
  }

  /**
   * Submits one occurrence of a `repeat()` schedule: `task` and `options` were checked when the
   * schedule was made, and the run is marked with the schedule's `repeatId`.
   *
   * @returns its id, or undefined when a task holding the options' `key` is not final yet
   * (nothing is submitted). @throws what the facade's `submitTask` throws.
   */
  submitOccurrence(
    task: AsyncTask | SyncTask,
    options: ResolvedSubmitOptions,
    repeatId: string,
  ): string | undefined {
    if (this.#liveWithKey(options.key) !== undefined) return undefined;
    return this.#submitNew(task, options, repeatId).id;
  }

  /** The handle of the task that holds `key` while it is not final. */
  #liveWithKey(key: string | undefined): TaskHandle | undefined {
    return key === undefined ? undefined : this.#byKey.get(key);
  }

  #submitNew(
    task: AsyncTask | SyncTask,
    { args, overrides, signal, key }: ResolvedSubmitOptions,
    repeatId: string | undefined,
  ): TaskHandle {
    const run =
      key === undefined && repeatId === undefined ? overrides : { ...overrides, key, repeatId };
    // Aborted before the submit: the task still gets its id, and is canceled as it is submitted.
    const canceledWith = signal?.aborted === true ? abortReason(signal) : undefined;
    // A copy: the record keeps (and freezes) its args, and the caller's array stays theirs.
    const id = this.#submitRun(task, [...args], run, canceledWith);
    const handle = new SchedulerTaskHandle(this, id);
    if (canceledWith === undefined && (signal !== undefined || key !== undefined)) {
      this.#watch(handle, signal, key);
    }
    return handle;
  }

  /** Frees the key and drops the signal's listener once the task is final. */
  #watch(handle: TaskHandle, signal: AbortSignal | undefined, key: string | undefined): void {
    const { id } = handle;
    const onAbort = (): void => {
      void this.#facade.cancelTask(id, abortReason(signal as AbortSignal));
    };
    const watching = this.#ledger.registry.whenFinished(id, {
      settle: () => {
        signal?.removeEventListener('abort', onAbort);
        if (key !== undefined && this.#byKey.get(key) === handle) this.#byKey.delete(key);
      },
    });
    // Final already (a callback of its own canceled it): nothing to watch.
    if (!watching) return;
    if (key !== undefined) this.#byKey.set(key, handle);
    signal?.addEventListener('abort', onAbort, { once: true });
  }

  taskState(id: string): TaskState {
    return this.#facade.taskState(id);
  }

  taskInfo(id: string): TaskInfo {
    return this.#facade.taskInfo(id);
  }

  waitTask(id: string, options?: WaitTaskOptions): Promise<TaskInfo> {
    return this.#facade.waitTask(id, options);
  }

  result(id: string): Promise<unknown> {
    return this.#facade.result(id);
  }

  cancelTask(id: string, reason?: string): Promise<boolean> {
    return this.#facade.cancelTask(id, reason);
  }

  transitionsOf(id: string): Observable<TaskTransition> {
    return this.#router.transitionsOf(id);
  }
}

/** A cancel reason from an aborted signal: its reason's text (an Error's message). */
function abortReason(signal: AbortSignal): string {
  const text = describeThrown(signal.reason);
  return text.trim() === '' ? SIGNAL_ABORTED_REASON : text;
}
