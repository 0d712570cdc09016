import type { Observable } from 'rxjs';
import type { TaskState } from '../../taskState.js';
import type { TaskInfo, TaskTransition } from '../../tasks/types.js';
import type { WaitTaskOptions } from '../taskQueries.js';
import type { TaskId } from './TaskId.js';

/**
 * One submitted run of a task, as `submit()` returns it: its id, and the scheduler's methods
 * for that task.
 *
 * @remarks Deliberately not a thenable (no `then`): `await h` would be ambiguous (the result?
 * the final info?) and would hide a rejection; say which with `await h.result()` or
 * `await h.wait()`. A handle is small (its scheduler and the id) and holds nothing else: keep it
 * or drop it as you like; `s.result(h.id)` works as well.
 * @typeParam TResult - what the task's body resolves to.
 * @example
 * ```ts
 * const h = s.submit(resize, { args: [path], timeoutMs: 5_000 });
 * h.transitions$.subscribe((t) => console.log(t.from, '→', t.to));
 * console.log(h.state); // 'SUBMITTED'
 * const thumb = await h.result();
 * ```
 */
export interface TaskHandle<TResult = unknown> {
  /** The task's id (a UUID v7). */
  readonly id: TaskId<TResult>;
  /** The task's state now. @throws UnknownTaskError once retention evicted it. */
  readonly state: TaskState;
  /** A frozen snapshot of the task. @throws UnknownTaskError once retention evicted it. */
  info(): TaskInfo;
  /** Resolves with the task's info once it is final, whatever the outcome (as `waitTask`). */
  wait(options?: WaitTaskOptions): Promise<TaskInfo>;
  /** The task's value once DONE, or its failure (as `result(id)`). */
  result(): Promise<TResult>;
  /** Cancels the task if it is not final (as `cancelTask(id, reason)`). */
  cancel(reason?: string): Promise<boolean>;
  /**
   * This task's transitions from the moment of subscription, completing right after its final
   * one; a subscriber that comes once the task is final completes at once.
   */
  readonly transitions$: Observable<TaskTransition>;
}

/** What a handle asks of its scheduler: the facade's own methods, and its task streams. */
export interface TaskHandleHost {
  taskState(id: string): TaskState;
  taskInfo(id: string): TaskInfo;
  waitTask(id: string, options?: WaitTaskOptions): Promise<TaskInfo>;
  result(id: string): Promise<unknown>;
  cancelTask(id: string, reason?: string): Promise<boolean>;
  transitionsOf(id: string): Observable<TaskTransition>;
}

/** The {@link TaskHandle} both schedulers hand out. */
export class SchedulerTaskHandle<TResult> implements TaskHandle<TResult> {
  readonly id: TaskId<TResult>;
  readonly #host: TaskHandleHost;
  #transitions$: Observable<TaskTransition> | undefined;

  constructor(host: TaskHandleHost, id: string) {
    this.#host = host;
    this.id = id;
  }

  get state(): TaskState {
    return this.#host.taskState(this.id);
  }

  info(): TaskInfo {
    return this.#host.taskInfo(this.id);
  }

  wait(options?: WaitTaskOptions): Promise<TaskInfo> {
    return this.#host.waitTask(this.id, options);
  }

  result(): Promise<TResult> {
    return this.#host.result(this.id) as Promise<TResult>;
  }

  cancel(reason?: string): Promise<boolean> {
    return this.#host.cancelTask(this.id, reason);
  }

  get transitions$(): Observable<TaskTransition> {
    return (this.#transitions$ ??= this.#host.transitionsOf(this.id));
  }
}
