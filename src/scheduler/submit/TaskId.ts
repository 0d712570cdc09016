/**
 * A task's id: a plain string (a UUID v7) at run time, whose type carries what the task's body
 * resolves to, so `result(id)` knows it.
 *
 * @remarks `__result` never exists at run time; it is optional, so any string (an id read from
 * `dumpTask()`, a log, a URL) is accepted where a `TaskId` is. An id of one result type is not
 * accepted where another is expected: `s.result<Date>(idOfNumberTask)` does not compile.
 * `TaskId<unknown>` (the id of a task whose result type is not known, such as an untyped
 * module reference) is just `string`: `s.result<T>(id)` then states the type, as for any
 * string id.
 * @typeParam TResult - what the task's body resolves to.
 * @example
 * ```ts
 * const double = new AsyncTask('double', ({ args: [n] }: TaskContext<[number]>) => n * 2);
 * const id: TaskId<number> = s.submitTask(double, 21);
 * const value: number = await s.result(id); // 42
 * ```
 */
export type TaskId<TResult = unknown> = unknown extends TResult
  ? string
  : string & { readonly __result?: TResult };
